import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Embeddings on disk between CLI runs: one append-only file per encoder of records
 * [32-byte sha-256 of the input][dims × float32]. Reads are all-at-once; writes append.
 */
export class DiskEmbeddingCache {
  private readonly file: string;
  private readonly vectors = new Map<string, Float32Array>();

  constructor(dir: string, encoder: string, private readonly dims: number) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${encoder}.bin`);
    if (existsSync(this.file)) this.load();
  }

  static keyOf(input: string | Uint8Array): string {
    return createHash('sha256').update(input).digest('hex');
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

  private load(): void {
    const data = readFileSync(this.file);
    const record = 32 + this.dims * 4;
    // A torn last record (interrupted run) is ignored.
    for (let offset = 0; offset + record <= data.length; offset += record) {
      const key = data.subarray(offset, offset + 32).toString('hex');
      const vector = new Float32Array(this.dims);
      Buffer.from(vector.buffer).set(data.subarray(offset + 32, offset + record));
      this.vectors.set(key, vector);
    }
  }
}
