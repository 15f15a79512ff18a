/**
 * The `format=zip` export: every image at `images/<id>-<name>` and, last, the manifest
 * `samples.jsonl` (the JSONL export's records, `image` being the path inside the zip). The import
 * recognises such a zip by that manifest (server/import/export-manifest.ts). A text project's zip
 * holds only the manifest.
 *
 * Memory stays flat whatever the export's size: images are read in groups of about
 * IMAGE_READ_BYTES, and the two things a zip can only write at the end (the manifest, so one pass
 * over the samples gives a consistent file, and the central directory) are spooled to a temporary
 * folder that is removed when the stream ends, fails or is abandoned.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExportSample } from '#db/exports.ts';
import { computeCrc32 } from '../import/crc32.ts';
import { EXPORT_MANIFEST } from './export-layout.ts';
import { toJsonLine, zipImagePath } from './export-rows.ts';
import { ZipWriter, type ZipFieldLimits } from './zip-writer.ts';

/** Image bytes read per query: a group holds at least one image, and more only while under this. */
export const IMAGE_READ_BYTES = 8 * 1024 * 1024;

const SPOOL_READ_BYTES = 256 * 1024;

export interface ZipExportSource {
  dataType: 'text' | 'image';
  /** The exported samples, batch by batch (filters already applied). */
  batches: AsyncIterable<ExportSample[]>;
  imageSizes(sampleIds: number[]): Promise<Map<number, number>>;
  images(sampleIds: number[]): Promise<Map<number, Buffer>>;
  modified: Date;
  /** Tests lower these to exercise Zip64. */
  limits?: ZipFieldLimits;
  /** Where the spool folder goes (default: the OS temporary folder). */
  tempRoot?: string;
}

/** The zip, chunk by chunk; nothing is read or created until it is iterated. */
export async function* zipExportChunks(source: ZipExportSource): AsyncGenerator<Uint8Array> {
  const dir = await mkdtemp(path.join(source.tempRoot ?? tmpdir(), 'sift-export-'));
  const spools: Spool[] = [];
  try {
    const manifest = await Spool.create(path.join(dir, EXPORT_MANIFEST), spools);
    const central = await Spool.create(path.join(dir, 'central-directory'), spools);
    const zip = new ZipWriter({ modified: source.modified, limits: source.limits });
    for await (const batch of source.batches) {
      const lines: string[] = [];
      const records: Buffer[] = [];
      if (source.dataType === 'text') lines.push(...batch.map((s) => toJsonLine(s, 'text')));
      else {
        for await (const { sample, data } of readImages(source, batch)) {
          const name = zipImagePath(sample);
          const entry = zip.addEntry({ name, size: data.length, crc32: computeCrc32(data) });
          yield entry.header;
          yield data;
          records.push(entry.central);
          lines.push(toJsonLine(sample, 'image', name));
        }
      }
      await manifest.append(Buffer.from(lines.join(''), 'utf8'));
      await central.append(Buffer.concat(records));
    }
    const entry = zip.addEntry({ name: EXPORT_MANIFEST, size: manifest.size, crc32: manifest.crc32 });
    yield entry.header;
    yield* manifest.read();
    yield* central.read();
    yield entry.central;
    yield zip.end();
  } finally {
    await Promise.all(spools.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** A batch's images in order, read in groups of about IMAGE_READ_BYTES. */
async function* readImages(source: ZipExportSource, batch: ExportSample[]): AsyncGenerator<{ sample: ExportSample; data: Buffer }> {
  const sizes = await source.imageSizes(batch.map((s) => s.id));
  let group: ExportSample[] = [];
  let bytes = 0;
  for (const [i, sample] of batch.entries()) {
    group.push(sample);
    bytes += sizes.get(sample.id) ?? 0;
    const next = batch[i + 1];
    if (next && bytes + (sizes.get(next.id) ?? 0) <= IMAGE_READ_BYTES) continue;
    const images = await source.images(group.map((s) => s.id));
    for (const s of group) {
      const data = images.get(s.id);
      // Image samples always have bytes; a gap means the data changed under the export, so fail loudly.
      if (!data) throw new Error(`sample ${s.id} has no image bytes`);
      yield { sample: s, data };
    }
    group = [];
    bytes = 0;
  }
}

/** An append-only temporary file that knows its size and CRC-32, read back in chunks. */
class Spool {
  size = 0;
  crc32 = 0;

  private constructor(private readonly handle: FileHandle) {}

  static async create(file: string, all: Spool[]): Promise<Spool> {
    const spool = new Spool(await open(file, 'w+'));
    all.push(spool);
    return spool;
  }

  async append(data: Buffer): Promise<void> {
    if (data.length === 0) return;
    await this.handle.write(data, 0, data.length, this.size);
    this.size += data.length;
    this.crc32 = computeCrc32(data, this.crc32);
  }

  async *read(): AsyncGenerator<Buffer> {
    for (let position = 0; position < this.size; ) {
      // A fresh buffer per chunk: the socket may still hold the previous one.
      const chunk = Buffer.alloc(Math.min(SPOOL_READ_BYTES, this.size - position));
      const { bytesRead } = await this.handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) throw new Error('export spool ended early');
      position += bytesRead;
      yield chunk.subarray(0, bytesRead);
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
