import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/** Records read from the file at a time. */
const READ_RECORDS = 4096;

/**
 * Embeddings on disk between CLI runs: one append-only file per encoder of records
 * [32-byte sha-256 of the input][dims × float32]. The file grows with every dataset embedded;
 * memory does not: only the records of the inputs asked for are kept, read a block at a time.
 */
export class DiskEmbeddingCache {
  private readonly file: string;
  private readonly vectors = new Map<string, Float32Array>();

  /** `wanted`: the keys ({@link keyOf}) of the inputs this run needs; others stay on disk. */
  constructor(dir: string, encoder: string, private readonly dims: number, wanted: ReadonlySet<string>) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${encoder}.bin`);
    if (existsSync(this.file)) this.load(wanted);
  }

  static keyOf(input: string | Uint8Array): string {
    return createHash('sha256').update(input).digest('hex');
  }

  /** Vectors held in memory. */
  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  add(entries: { key: string; vector: Float32Array }[]): void {
    const record = 32 + this.dims * 4;
    const out = Buffer.alloc(record * entries.length);
    entries.forEach(({ key, vector }, i) => {
      Buffer.from(key, 'hex').copy(out, i * record);
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(out, i * record + 32);
      this.vectors.set(key, vector);
    });
    appendFileSync(this.file, out);
  }

  private load(wanted: ReadonlySet<string>): void {
    const record = 32 + this.dims * 4;
    const block = Buffer.alloc(record * READ_RECORDS);
    const fd = openSync(this.file, 'r');
    try {
      for (let position = 0; ; ) {
        const read = readSync(fd, block, 0, block.length, position);
        // A torn last record (interrupted run) is ignored.
        const whole = Math.floor(read / record);
        for (let r = 0; r < whole; r += 1) {
          const key = block.subarray(r * record, r * record + 32).toString('hex');
          if (!wanted.has(key) || this.vectors.has(key)) continue;
          const vector = new Float32Array(this.dims);
          Buffer.from(vector.buffer).set(block.subarray(r * record + 32, (r + 1) * record));
          this.vectors.set(key, vector);
        }
        if (read < block.length) break;
        position += read;
      }
    } finally {
      closeSync(fd);
    }
  }
}
