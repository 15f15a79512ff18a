import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeGif, encodePng } from '#test/factories/images.ts';
import { catchAppError, catchAppErrorAsync } from '#test/setup/app-error.ts';
import { defaultImportLimits, type ImportLimits } from './import.schema.ts';
import { parseTextZip } from './export-manifest.ts';
import { parseImageFiles } from './parse-images.ts';

const limits = (overrides: Partial<ImportLimits> = {}): ImportLimits => ({ ...defaultImportLimits, ...overrides });
const zip = (entries: Zippable) => Buffer.from(zipSync(entries));
const jsonl = (records: object[]) => new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A manifest row as the export writes it (derived columns included, so it has the export layout). */
function row(id: number, image: string, label: string | null, extra: Record<string, unknown> = {}) {
  return { id, image, imageName: `shots/${id}.png`, metadata: { fileName: `${id}.png`, width: 2 }, label, resolution: label ? 'single' : null, split: 'train', annotations: [], prediction: null, confidence: null, ...extra };
}

const red = encodePng(2, 2);
const blue = encodePng(3, 1);
const gif = encodeGif(1, 1);
const LABELS = ['cat', 'dog'];

describe('parseImageFiles with a Sift zip export', () => {
  it('imports each manifest row with its name, metadata and label, and ignores images the manifest does not name', async () => {
    const archive = zip({
      'images/1-a.png': red,
      'images/2-b.png': blue,
      'images/extra.gif': gif,
      '__MACOSX/._samples.jsonl': new Uint8Array([0]),
      'samples.jsonl': jsonl([row(1, 'images/1-a.png', 'cat'), row(2, './images/2-b.png', null)]),
    });
    const drafts = await parseImageFiles([{ name: 'first.gif', data: gif }, { name: 'export.zip', data: archive }], limits(), LABELS);
    expect(drafts.map((d) => [d.row, d.image?.name, d.label, d.metadata, d.contentHash])).toEqual([
      [1, 'first.gif', undefined, { fileName: 'first.gif' }, sha256(gif)],
      [2, 'shots/1.png', 'cat', { fileName: '1.png', width: 2 }, sha256(red)],
      [3, 'shots/2.png', undefined, { fileName: '2.png', width: 2 }, sha256(blue)],
    ]);
  });

  it('reads an export unpacked and zipped again as a folder, its paths relative to that folder', async () => {
    const archive = zip({
      'sift-export/images/1-a.png': red,
      'sift-export/samples.jsonl': jsonl([row(1, 'images/1-a.png', 'dog')]),
      '__MACOSX/sift-export/._samples.jsonl': new Uint8Array([0]),
    });
    const [draft] = await parseImageFiles([{ name: 'again.zip', data: archive }], limits(), LABELS);
    expect(draft).toMatchObject({ label: 'dog', image: { name: 'shots/1.png' }, contentHash: sha256(red) });
    const missing = zip({ 'sift-export/samples.jsonl': jsonl([row(1, 'images/1-a.png', 'dog')]), 'images/1-a.png': red });
    expect(await catchAppErrorAsync(() => parseImageFiles([{ name: 'x.zip', data: missing }], limits(), LABELS))).toMatchObject({
      code: 'INVALID',
      message: 'x.zip/sift-export/samples.jsonl line 1: image "images/1-a.png" is not in the zip',
    });
  });

  it('reads a hand-made manifest: other fields become metadata, a label field is read as labels', async () => {
    const archive = zip({ 'a.png': red, 'samples.jsonl': jsonl([{ image: 'a.png', label: 'dog', source: 'camera' }]) });
    const [draft] = await parseImageFiles([{ name: 'mine.zip', data: archive }], limits(), LABELS);
    expect(draft).toMatchObject({ label: 'dog', metadata: { source: 'camera' }, image: { name: 'a.png', width: 2, height: 2 } });
  });

  it('rejects unknown labels, missing images and unsafe paths, naming the manifest line', async () => {
    const cases: [object[], string][] = [
      [[row(1, 'images/1-a.png', 'cat'), row(2, 'images/1-a.png', 'bird')], 'x.zip/samples.jsonl: line 2: unknown label "bird"; this project\'s labels are "cat", "dog". Nothing was imported.'],
      [[row(1, 'images/9.png', 'cat')], 'x.zip/samples.jsonl line 1: image "images/9.png" is not in the zip'],
      [[row(1, '../images/1-a.png', 'cat')], 'x.zip/samples.jsonl line 1: unsafe image path "../images/1-a.png"'],
      [[row(1, '/etc/passwd', 'cat')], 'x.zip/samples.jsonl line 1: unsafe image path "/etc/passwd"'],
      [[row(1, 'samples.jsonl', 'cat')], 'x.zip/samples.jsonl line 1: image "samples.jsonl" is not in the zip'],
      [[{ text: 'a text export' }], 'x.zip/samples.jsonl: field "image" not found; fields: "text"'],
    ];
    for (const [records, message] of cases) {
      const archive = zip({ 'images/1-a.png': red, 'samples.jsonl': jsonl(records) });
      expect(await catchAppErrorAsync(() => parseImageFiles([{ name: 'x.zip', data: archive }], limits(), LABELS))).toMatchObject({ code: 'INVALID', message });
    }
    const notImage = zip({ 'images/1-a.png': new TextEncoder().encode('hello'), 'samples.jsonl': jsonl([row(1, 'images/1-a.png', 'cat')]) });
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'x.zip', data: notImage }], limits(), LABELS))).message).toBe(
      'x.zip/samples.jsonl line 1 (images/1-a.png): not a PNG, JPEG, GIF or WebP image',
    );
    const unsafeEntry = zip({ 'images/1-a.png': red, '../evil.png': red, 'samples.jsonl': jsonl([row(1, 'images/1-a.png', 'cat')]) });
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'x.zip', data: unsafeEntry }], limits(), LABELS))).message).toBe('x.zip/../evil.png: unsafe path in zip');
  });

  it('keeps the per-image, image count and manifest size limits', async () => {
    const archive = zip({ 'images/1-a.png': red, 'images/2-b.png': blue, 'samples.jsonl': jsonl([row(1, 'images/1-a.png', 'cat'), row(2, 'images/2-b.png', 'dog')]) });
    const parse = (overrides: Partial<ImportLimits>) => catchAppErrorAsync(() => parseImageFiles([{ name: 'x.zip', data: archive }], limits(overrides), LABELS));
    expect(await parse({ maxImageBytes: red.length - 1 })).toMatchObject({ code: 'TOO_LARGE', message: `x.zip/samples.jsonl line 1 (images/1-a.png): declares ${red.length} bytes, over the ${red.length - 1}-byte limit per image` });
    expect(await parse({ maxImages: 1 })).toMatchObject({ code: 'TOO_LARGE', message: 'x.zip/samples.jsonl: file has more than 1 rows, the limit per import' });
    expect(await parse({ maxUncompressedBytes: red.length + 1 })).toMatchObject({ code: 'TOO_LARGE', message: `upload holds more than ${red.length + 1} bytes of images, the limit per import` });
    expect(await parse({ maxZipEntries: 2 })).toMatchObject({ code: 'TOO_LARGE', message: 'x.zip: zip has 3 entries, over the 2 limit' });
    // A manifest that deflates well: the zip fits the file limit, the manifest it declares does not.
    const padded = zip({ 'images/1-a.png': red, 'samples.jsonl': jsonl([row(1, 'images/1-a.png', 'cat', { padding: 'x'.repeat(50_000) })]) });
    const error = await catchAppErrorAsync(() => parseImageFiles([{ name: 'x.zip', data: padded }], limits({ maxFileBytes: 10_000 }), LABELS));
    expect(error.message).toMatch(/^x\.zip\/samples\.jsonl: declares \d{5} bytes, over the 10000-byte limit$/);
  });
});

describe('parseTextZip', () => {
  const options = { limits: limits(), labelNames: ['a', 'b'] };

  it("reads a text project's zip export like its JSONL export", () => {
    const manifest = jsonl([{ id: 1, text: 'hello', metadata: { lang: 'en' }, label: 'a', resolution: 'single', split: 'train', annotations: [], prediction: null, confidence: null }]);
    const parsed = parseTextZip({ name: 't.zip', data: zip({ 'samples.jsonl': manifest }) }, options);
    expect(parsed.samples.map((s) => [s.text, s.label, s.metadata])).toEqual([['hello', 'a', { lang: 'en' }]]);
  });

  it('refuses any other zip', () => {
    const others: Zippable[] = [{ 'notes.txt': new Uint8Array([1]) }, { 'a/b/samples.jsonl': jsonl([{ text: 'x' }]) }, { 'a/samples.jsonl': jsonl([{ text: 'x' }]), 'b/samples.jsonl': jsonl([{ text: 'y' }]) }];
    for (const entries of others) {
      expect(catchAppError(() => parseTextZip({ name: 't.zip', data: zip(entries) }, options)).message).toBe(
        't.zip: a zip for a text project must be a Sift zip export, with samples.jsonl at its top (or in its one top-level folder)',
      );
    }
    expect(parseTextZip({ name: 't.zip', data: zip({ 'data/samples.jsonl': jsonl([{ text: 'x' }]) }) }, options).samples.map((d) => d.text)).toEqual(['x']);
  });
});
