import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeGif, encodeJpeg, encodePng, encodeVp8Header, encodeWebp } from '#test/factories/images.ts';
import { defaultImportLimits, type ImportLimits } from './import.schema.ts';
import { readImageHeader } from './image-header.ts';
import { parseImageFiles } from './parse-images.ts';
import { catchAppErrorAsync } from '#test/setup/app-error.ts';

const limits = (overrides: Partial<ImportLimits>): ImportLimits => ({ ...defaultImportLimits, ...overrides });
const zip = (entries: Zippable) => Buffer.from(zipSync(entries));


/** Rewrites the declared uncompressed size of a one-entry zip in both its local and central headers. */
function declareSize(archive: Buffer, size: number): Buffer {
  const patched = Buffer.from(archive);
  patched.writeUInt32LE(size, 22);
  patched.writeUInt32LE(size, patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
  return patched;
}

describe('parseImageFiles with loose files', () => {
  it('identifies each format by its bytes and reads its dimensions', async () => {
    const files = [
      { name: 'a.png', data: encodePng(3, 2) },
      { name: 'misnamed.png', data: encodeJpeg(17, 9) },
      { name: 'c.gif', data: encodeGif(30, 20) },
      { name: 'd.webp', data: encodeWebp(13, 7) },
      { name: 'e.webp', data: encodeWebp(640, 480, true) },
    ];
    const drafts = await parseImageFiles(files);
    expect(drafts.map((d) => [d.row, d.image?.mime, d.image?.width, d.image?.height])).toEqual([
      [1, 'image/png', 3, 2],
      [2, 'image/jpeg', 17, 9],
      [3, 'image/gif', 30, 20],
      [4, 'image/webp', 13, 7],
      [5, 'image/webp', 640, 480],
    ]);
    // A lossy WebP's size comes from its VP8 frame header (only the header: no VP8 encoder here).
    expect(readImageHeader(encodeVp8Header(321, 123))).toEqual({ mime: 'image/webp', width: 321, height: 123 });
    expect(drafts[0]?.metadata).toEqual({ fileName: 'a.png' });
    expect(drafts[0]?.contentHash).toBe(createHash('sha256').update(files[0]?.data ?? '').digest('hex'));
  });

  it('keeps only the base name of a client path and keeps duplicates', async () => {
    const png = encodePng(1, 1);
    const drafts = await parseImageFiles([
      { name: 'C:\\Users\\me\\cat.png', data: png },
      { name: 'copy.png', data: png },
    ]);
    expect(drafts.map((d) => d.image?.name)).toEqual(['cat.png', 'copy.png']);
    expect(drafts[0]?.metadata).toEqual({ fileName: 'C:\\Users\\me\\cat.png' });
    expect(drafts[0]?.contentHash).toBe(drafts[1]?.contentHash);
  });

  it('rejects non-images, unreadable and out-of-range dimensions', async () => {
    const notImage = await catchAppErrorAsync(() => parseImageFiles([{ name: 'notes.png', data: Buffer.from('hello') }]));
    expect(notImage).toMatchObject({ code: 'INVALID', message: 'notes.png: not a PNG, JPEG, GIF or WebP image' });
    const huge = await catchAppErrorAsync(() => parseImageFiles([{ name: 'wide.png', data: encodePng(20_001, 1) }]));
    expect(huge.message).toBe('wide.png: image size 20001x1 is out of range (1 to 20000 px per side)');
    const truncated = encodeJpeg(8, 8).subarray(0, 30);
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 't.jpg', data: truncated }]))).message).toMatch(/^t\.jpg: image size 0x0/);
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'z.gif', data: encodeGif(0, 4) }]))).message).toMatch(/0x4 is out of range/);
  });

  it('refuses an image whose header reads but whose pixels do not decode, naming the first such file', async () => {
    const png = encodePng(64, 48);
    // The PNG signature and IHDR (33 bytes), then garbage instead of the pixel data.
    const truncated = Buffer.concat([png.subarray(0, 33), Buffer.alloc(64, 0x5a)]);
    const files = [
      { name: 'fine.png', data: png },
      { name: 'broken.png', data: truncated },
      { name: 'header-only.webp', data: encodeVp8Header(321, 123) },
    ];
    const error = await catchAppErrorAsync(() => parseImageFiles(files));
    expect(error).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/^broken\.png: the image could not be decoded \(.+\)$/) });
    const inZip = await catchAppErrorAsync(() => parseImageFiles([{ name: 'photos.zip', data: zip({ 'a/ok.png': png, 'a/bad.webp': encodeVp8Header(9, 9) }) }]));
    expect(inZip.message).toMatch(/^photos\.zip\/a\/bad\.webp: the image could not be decoded/);
  });

  it('enforces the per-image, image count and total byte limits', async () => {
    const png = encodePng(4, 4);
    const perImage = await catchAppErrorAsync(() => parseImageFiles([{ name: 'a.png', data: png }], limits({ maxImageBytes: png.length - 1 })));
    expect(perImage).toMatchObject({ code: 'TOO_LARGE', message: `a.png: image is ${png.length} bytes, over the ${png.length - 1}-byte limit` });
    const three = [1, 2, 3].map((i) => ({ name: `${i}.png`, data: png }));
    expect(await catchAppErrorAsync(() => parseImageFiles(three, limits({ maxImages: 2 })))).toMatchObject({
      code: 'TOO_LARGE',
      message: 'upload has more than 2 images, the limit per import',
    });
    expect((await catchAppErrorAsync(() => parseImageFiles(three, limits({ maxUncompressedBytes: png.length * 2 })))).code).toBe('TOO_LARGE');
  });
});

describe('parseImageFiles with zips', () => {
  it('expands entries by path, skipping folders and junk, numbering rows across the upload', async () => {
    const archive = zip({
      'cats/': new Uint8Array(0),
      'cats/1.png': encodePng(2, 2),
      'cats/.DS_Store': new Uint8Array([1, 2, 3]),
      '__MACOSX/cats/._1.png': new Uint8Array([0, 5, 22]),
      'dogs\\2.gif': encodeGif(1, 1),
      './3.webp': encodeWebp(1, 1),
    });
    const drafts = await parseImageFiles([
      { name: 'first.jpg', data: encodeJpeg(8, 8) },
      { name: 'upload.bin', data: archive },
    ]);
    expect(drafts.map((d) => [d.row, d.image?.name, d.metadata])).toEqual([
      [1, 'first.jpg', { fileName: 'first.jpg' }],
      [2, 'cats/1.png', { fileName: 'cats/1.png', archive: 'upload.bin' }],
      [3, 'dogs/2.gif', { fileName: 'dogs\\2.gif', archive: 'upload.bin' }],
      [4, '3.webp', { fileName: './3.webp', archive: 'upload.bin' }],
    ]);
  });

  it.each(['../../etc/passwd', '/etc/passwd', 'a/../../b.png', '..\\..\\evil.png', 'C:/Windows/x.png', 'c:x.png'])(
    'rejects the unsafe entry path %s, naming it',
    async (path) => {
      const archive = zip({ 'ok.png': encodePng(1, 1), [path]: encodePng(1, 1) });
      const error = await catchAppErrorAsync(() => parseImageFiles([{ name: 'photos.zip', data: archive }]));
      expect(error).toMatchObject({ code: 'INVALID', message: `photos.zip/${path}: unsafe path in zip` });
    },
  );

  it('rejects non-image entries and nested zips, naming the entry', async () => {
    const text = zip({ 'readme.txt': new TextEncoder().encode('hi') });
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'p.zip', data: text }]))).message).toBe(
      'p.zip/readme.txt: not a PNG, JPEG, GIF or WebP image',
    );
    const nested = zip({ 'inner.zip': zip({ 'a.png': encodePng(1, 1) }) });
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'p.zip', data: nested }]))).message).toBe(
      'p.zip/inner.zip: nested zip archives are not supported',
    );
    const disguised = zip({ 'inner.png': zip({ 'a.png': encodePng(1, 1) }) });
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'p.zip', data: disguised }]))).message).toMatch(/p\.zip\/inner\.png: nested zip/);
  });

  it('refuses a zip bomb from its declared sizes before inflating anything', async () => {
    const zeros = new Uint8Array(50 * 1024 * 1024);
    const bomb = zip({ 'a.png': encodePng(1, 1), 'b.png': zeros });
    const perEntry = await catchAppErrorAsync(() => parseImageFiles([{ name: 'bomb.zip', data: bomb }]));
    expect(perEntry).toMatchObject({ code: 'TOO_LARGE', message: `bomb.zip/b.png: declares ${zeros.length} bytes, over the 10485760-byte limit per image` });
    expect(bomb.length).toBeLessThan(100_000);
    // The first entry's deflate data is garbage, so only a check made before inflating can answer TOO_LARGE.
    const many = zip(Object.fromEntries([0, 1, 2].map((i) => [`${i}.png`, new Uint8Array(1_000_000)])));
    many.fill(0xff, 35, 45);
    const total = await catchAppErrorAsync(() => parseImageFiles([{ name: 'many.zip', data: many }], limits({ maxUncompressedBytes: 2_500_000 })));
    expect(total).toMatchObject({ code: 'TOO_LARGE', message: 'upload holds more than 2500000 bytes of images, the limit per import' });
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'many.zip', data: many }]))).message).toMatch(/^many\.zip\/0\.png: corrupt zip/);
  });

  it('detects an entry that inflates past its declared size', async () => {
    const lying = declareSize(zip({ 'a.png': new Uint8Array(5_000_000) }), 100);
    const error = await catchAppErrorAsync(() => parseImageFiles([{ name: 'lie.zip', data: lying }]));
    expect(error).toMatchObject({ code: 'TOO_LARGE', message: 'lie.zip/a.png: inflates past its declared 100 bytes' });
    const short = declareSize(zip({ 'a.png': encodePng(1, 1) }), 1000);
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 's.zip', data: short }]))).message).toMatch(/^s\.zip\/a\.png: corrupt zip/);
  });

  it('enforces the zip entry count and rejects corrupt archives by name', async () => {
    const three = zip({ '1.png': encodePng(1, 1), '2.png': encodePng(1, 1), '3.png': encodePng(1, 1) });
    expect(await catchAppErrorAsync(() => parseImageFiles([{ name: 'p.zip', data: three }], limits({ maxZipEntries: 2 })))).toMatchObject({
      code: 'TOO_LARGE',
      message: 'p.zip: zip has 3 entries, over the 2 limit',
    });
    const truncated = three.subarray(0, three.length - 30);
    expect(await catchAppErrorAsync(() => parseImageFiles([{ name: 'p.zip', data: truncated }]))).toMatchObject({
      code: 'INVALID',
      message: 'p.zip: corrupt zip (no end of central directory)',
    });
    const flipped = Buffer.from(zip({ 'a.png': encodePng(64, 64) }));
    flipped[60] = (flipped[60] ?? 0) ^ 0xff;
    expect((await catchAppErrorAsync(() => parseImageFiles([{ name: 'f.zip', data: flipped }]))).message).toMatch(/^f\.zip\/a\.png: corrupt zip/);
  });
});
