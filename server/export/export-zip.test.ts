import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportSample } from '#db/exports.ts';
import { encodeGif, encodePng } from '#test/factories/images.ts';
import { defaultImportLimits } from '../import/import.schema.ts';
import { parseImageFiles } from '../import/parse-images.ts';
import { parseTextZip } from '../import/export-manifest.ts';
import { inflateZipEntry, listZipEntries } from '../import/zip.ts';
import { zipImagePath } from './export-rows.ts';
import { IMAGE_READ_BYTES, zipExportChunks, type ZipExportSource } from './export-zip.ts';
import type { ZipFieldLimits } from './zip-writer.ts';

const root = mkdtempSync(path.join(tmpdir(), 'sift-export-zip-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function sample(id: number, patch: Partial<ExportSample> = {}): ExportSample {
  return { id, text: null, imageName: `cats/${id}.png`, metadata: { fileName: `${id}.png` }, contentHash: `h${id}`, check: false, label: null, resolution: null, prediction: null, confidence: null, annotations: [], ...patch };
}

const images = new Map([1, 2, 3, 4].map((id) => [id, id === 4 ? encodeGif(id, 1) : encodePng(id, id)]));
const batches = [
  [sample(1, { label: 'cat', resolution: 'single' }), sample(2, { imageName: 'weird name/ü?*.png' })],
  [sample(3, { label: 'dog', resolution: 'review' }), sample(4, { imageName: null })],
];

/** Runs the export over in-memory batches; counts image reads; `claimedBytes` is what imageSizes reports per image. */
async function exportZip(options: { dataType?: 'text' | 'image'; batches?: ExportSample[][]; claimedBytes?: number; limits?: ZipFieldLimits; stopAfter?: number } = {}) {
  const reads: number[][] = [];
  async function* each() {
    yield* options.batches ?? batches;
  }
  const source: ZipExportSource = {
    dataType: options.dataType ?? 'image',
    batches: each(),
    imageSizes: (ids) => Promise.resolve(new Map(ids.map((id) => [id, options.claimedBytes ?? images.get(id)!.length]))),
    images: (ids) => {
      reads.push(ids);
      return Promise.resolve(new Map(ids.map((id) => [id, images.get(id)!])));
    },
    modified: new Date('2026-12-03T00:00:00Z'),
    limits: options.limits,
    tempRoot: root,
  };
  const chunks: Buffer[] = [];
  for await (const chunk of zipExportChunks(source)) {
    chunks.push(Buffer.from(chunk));
    if (chunks.length === options.stopAfter) break;
  }
  return { zip: Buffer.concat(chunks), reads };
}

describe('zipExportChunks', () => {
  it('writes each image then the manifest, which the image import reads back with names, metadata and labels', async () => {
    const { zip, reads } = await exportZip();
    const entries = listZipEntries(zip, 'e.zip', 10);
    expect(entries.map((e) => e.name)).toEqual(['images/1-1.png', 'images/2-ü_.png', 'images/3-3.png', 'images/4-image', 'samples.jsonl']);
    // Small images: one read per batch.
    expect(reads).toEqual([[1, 2], [3, 4]]);
    const manifest = inflateZipEntry(zip, entries.at(-1)!, 'manifest').toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(manifest[1]).toMatchObject({ id: 2, image: 'images/2-ü_.png', imageName: 'weird name/ü?*.png', split: expect.any(String) as unknown });
    const drafts = await parseImageFiles([{ name: 'e.zip', data: zip }], defaultImportLimits, ['cat', 'dog']);
    expect(drafts.map((d) => [d.image?.name, d.label, d.metadata, d.contentHash])).toEqual([
      ['cats/1.png', 'cat', { fileName: '1.png' }, sha256(images.get(1)!)],
      ['weird name/ü?*.png', undefined, { fileName: '2.png' }, sha256(images.get(2)!)],
      ['cats/3.png', 'dog', { fileName: '3.png' }, sha256(images.get(3)!)],
      ['images/4-image', undefined, { fileName: '4.png' }, sha256(images.get(4)!)],
    ]);
  });

  it('names images by id and a safe, bounded version of their name', () => {
    expect(zipImagePath({ id: 7, imageName: 'C:\\photos\\..\\cat 1.png' })).toBe('images/7-cat_1.png');
    expect(zipImagePath({ id: 7, imageName: '..' })).toBe('images/7-..');
    const long = zipImagePath({ id: 7, imageName: `${'𝒳'.repeat(150)}.png` });
    expect(Array.from(long.slice('images/7-'.length))).toHaveLength(100);
    expect(long.endsWith('𝒳.png')).toBe(true);
  });

  it('reads big images one at a time', async () => {
    const { reads } = await exportZip({ claimedBytes: IMAGE_READ_BYTES / 2 + 1 });
    expect(reads).toEqual([[1], [2], [3], [4]]);
  });

  it('writes Zip64 records the import reads back (limits lowered to force them)', async () => {
    const { zip } = await exportZip({ limits: { u16: 2, u32: 64 } });
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect((await parseImageFiles([{ name: 'e.zip', data: zip }], defaultImportLimits, ['cat', 'dog'])).map((d) => d.label)).toEqual(['cat', undefined, 'dog', undefined]);
  });

  it("holds only the manifest for a text project, which a text project's import reads", async () => {
    const texts = batches.flat().map((s) => ({ ...s, text: `text ${s.id}`, imageName: null }));
    const { zip, reads } = await exportZip({ dataType: 'text', batches: [texts] });
    expect(reads).toEqual([]);
    expect(listZipEntries(zip, 't.zip', 10).map((e) => e.name)).toEqual(['samples.jsonl']);
    const parsed = parseTextZip({ name: 't.zip', data: zip }, { limits: defaultImportLimits, labelNames: ['cat', 'dog'] });
    expect(parsed.samples.map((s) => [s.text, s.label])).toEqual([['text 1', 'cat'], ['text 2', undefined], ['text 3', 'dog'], ['text 4', undefined]]);
  });

  it('removes its spool folder when done and when the reader stops early', async () => {
    await exportZip({ stopAfter: 2 });
    expect(readdirSync(root)).toEqual([]);
  });
});
