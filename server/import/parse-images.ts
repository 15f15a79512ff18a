import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { findDecodeProblem } from '#trainer/ml/encoders/image-decode.ts';
import { AppError } from '../errors.ts';
import { readImageHeader } from './image-header.ts';
import { EXPORT_MANIFEST } from '../export/export-layout.ts';
import { findExportManifest, readExportManifest } from './export-manifest.ts';
import { defaultImportLimits, maxImageSide, type ImportLimits, type ParsedText, type SampleDraft } from './import.schema.ts';
import { inflateZipEntry, listZipEntries, type ZipEntry } from './zip.ts';

/** Running totals over one upload, shared by its loose images and zips. */
interface Budget {
  images: number;
  bytes: number;
}

interface PlannedEntry {
  entry: ZipEntry;
  path: string;
  label: string;
}

/**
 * Turns uploaded image files into SampleDrafts, expanding any zip (by `.zip` name or
 * `PK\x03\x04` magic). Images are recognized by their bytes, not their names, and must decode
 * (see assertDecodable). Throws one AppError naming the file or `archive.zip/entry` and never
 * returns part of an upload. Duplicate images are kept: the import service dedupes by
 * contentHash. A Sift zip export brings labels, which must be among `labelNames`.
 */
export async function parseImageFiles(
  files: { name: string; data: Buffer }[],
  limits: ImportLimits = defaultImportLimits,
  labelNames: string[] = [],
): Promise<SampleDraft[]> {
  const images = readImageFiles(files, limits, labelNames);
  await assertDecodable(images);
  return images.map((image) => image.draft);
}

/** A draft and the name errors give it (`file.png`, `archive.zip/entry`, a manifest line). */
interface LabeledDraft {
  draft: SampleDraft;
  label: string;
}

/** Everything parseImageFiles checks but decoding: limits, zips, headers, dimensions. */
function readImageFiles(files: { name: string; data: Buffer }[], limits: ImportLimits, labelNames: string[]): LabeledDraft[] {
  const budget: Budget = { images: 0, bytes: 0 };
  const images: LabeledDraft[] = [];
  for (const file of files) {
    if (file.data.length > limits.maxFileBytes) {
      throw new AppError('TOO_LARGE', `${file.name}: file is ${file.data.length} bytes, over the ${limits.maxFileBytes}-byte limit`);
    }
    if (isZip(file)) {
      for (const image of expandZip(file, { limits, labelNames }, budget, images.length)) images.push(image);
      continue;
    }
    spend(budget, file.data.length, limits);
    const image = { name: stripClientPath(file.name), label: file.name, data: file.data };
    images.push({ draft: toImageDraft(image, { fileName: file.name }, images.length + 1, limits), label: file.name });
  }
  return images;
}

/** Decodes at once at most this many images (on libuv's pool, which file and crypto work shares). */
const DECODE_CONCURRENCY = Math.max(1, Math.min(4, availableParallelism()));

/**
 * Refuses the upload when any image does not decode (a truncated or corrupt file whose header
 * reads fine), naming the first in upload order: the image encoder could never embed it. The
 * check decodes to a thumbnail (JPEGs shrink on load), a few at a time, off the event loop.
 */
async function assertDecodable(images: LabeledDraft[]): Promise<void> {
  const problems: (string | undefined)[] = new Array<string | undefined>(images.length);
  let next = 0;
  let failed = false;
  // Images start in upload order, and every started one finishes, so the first problem found
  // in that order is the upload's first; once one is known the rest need not be decoded.
  const work = async () => {
    while (next < images.length && !failed) {
      const i = next++;
      problems[i] = await findDecodeProblem(images[i]!.draft.image!.data);
      if (problems[i] !== undefined) failed = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DECODE_CONCURRENCY, images.length) }, work));
  const bad = problems.findIndex((p) => p !== undefined);
  if (bad >= 0) throw new AppError('INVALID', `${images[bad]!.label}: the image could not be decoded (${problems[bad]})`);
}

/**
 * Checks every entry's path and declared size against the limits before inflating any,
 * so a zip bomb is refused from its central directory alone.
 */
function expandZip(zip: { name: string; data: Buffer }, options: { limits: ImportLimits; labelNames: string[] }, budget: Budget, rowsBefore: number): LabeledDraft[] {
  const { limits, labelNames } = options;
  const entries = listZipEntries(zip.data, zip.name, limits.maxZipEntries);
  const manifest = findExportManifest(entries);
  if (manifest) {
    const parsed = readExportManifest(zip, manifest, { limits: { ...limits, maxRows: Math.min(limits.maxRows, limits.maxImages) }, textField: 'image', labelNames });
    return expandExportZip(zip, { entries, root: manifest.root, manifest: parsed }, limits, budget, rowsBefore);
  }
  const planned: PlannedEntry[] = [];
  for (const entry of entries) {
    const path = normalizeEntryPath(entry.name);
    if (path === undefined) throw new AppError('INVALID', `${zip.name}/${entry.name}: unsafe path in zip`);
    if (isDirectory(entry.name) || path === '' || isJunk(path)) continue;
    const label = `${zip.name}/${path}`;
    if (/\.zip$/i.test(path)) throw new AppError('INVALID', `${label}: nested zip archives are not supported`);
    if (entry.size > limits.maxImageBytes) {
      throw new AppError('TOO_LARGE', `${label}: declares ${entry.size} bytes, over the ${limits.maxImageBytes}-byte limit per image`);
    }
    spend(budget, entry.size, limits);
    planned.push({ entry, path, label });
  }
  return planned.map(({ entry, path, label }, i) => {
    const data = inflateZipEntry(zip.data, entry, label);
    if (isZipMagic(data)) throw new AppError('INVALID', `${label}: nested zip archives are not supported`);
    const metadata = { fileName: entry.name, archive: zip.name };
    return { draft: toImageDraft({ name: path, label, data }, metadata, rowsBefore + i + 1, limits), label };
  });
}

/**
 * A Sift zip export: each manifest row's image (its `image` path), with the row's metadata, name
 * (`imageName`), label and annotations. Images the manifest does not name are ignored: the manifest is the
 * export's index, and an unwanted sample cannot be taken out of a project once imported.
 */
function expandExportZip(
  zip: { name: string; data: Buffer },
  contents: { entries: ZipEntry[]; root: string; manifest: ParsedText },
  limits: ImportLimits,
  budget: Budget,
  rowsBefore: number,
): LabeledDraft[] {
  const { entries, root, manifest } = contents;
  // Manifest paths are relative to the manifest's folder.
  const byPath = new Map<string, ZipEntry>();
  for (const entry of entries) {
    const path = normalizeEntryPath(entry.name);
    if (path === undefined) throw new AppError('INVALID', `${zip.name}/${entry.name}: unsafe path in zip`);
    if (!isDirectory(entry.name) && path.startsWith(root) && path !== `${root}${EXPORT_MANIFEST}`) byPath.set(path.slice(root.length), entry);
  }
  const planned = manifest.samples.map((draft) => {
    const where = `${zip.name}/${root}${EXPORT_MANIFEST} line ${draft.row}`;
    const path = normalizeEntryPath(draft.text ?? '');
    if (!path) throw new AppError('INVALID', `${where}: unsafe image path ${JSON.stringify(draft.text)}`);
    const entry = byPath.get(path);
    if (!entry) throw new AppError('INVALID', `${where}: image "${path}" is not in the zip`);
    const label = `${where} (${path})`;
    if (entry.size > limits.maxImageBytes) {
      throw new AppError('TOO_LARGE', `${label}: declares ${entry.size} bytes, over the ${limits.maxImageBytes}-byte limit per image`);
    }
    spend(budget, entry.size, limits);
    return { draft, entry, path, label };
  });
  return planned.map(({ draft, entry, path, label }, i) => {
    const data = inflateZipEntry(zip.data, entry, label);
    if (isZipMagic(data)) throw new AppError('INVALID', `${label}: nested zip archives are not supported`);
    const { imageName, ...metadata } = draft.metadata;
    const name = typeof imageName === 'string' && imageName.trim() !== '' ? imageName : path;
    // What the manifest row brings besides its sample (its label, its annotations) rides along.
    const { text: _path, row: _row, metadata: _metadata, contentHash: _hash, ...carried } = draft;
    return { draft: { ...carried, ...toImageDraft({ name, label, data }, metadata, rowsBefore + i + 1, limits) }, label };
  });
}

function toImageDraft(
  image: { name: string; label: string; data: Buffer },
  metadata: Record<string, unknown>,
  row: number,
  limits: ImportLimits,
): SampleDraft {
  const { name, label, data } = image;
  if (data.length > limits.maxImageBytes) {
    throw new AppError('TOO_LARGE', `${label}: image is ${data.length} bytes, over the ${limits.maxImageBytes}-byte limit`);
  }
  const header = readImageHeader(data);
  if (!header) throw new AppError('INVALID', `${label}: not a PNG, JPEG, GIF or WebP image`);
  const { mime, width, height } = header;
  // Zero means an unreadable header; huge sides are corrupt or decompression bombs for thumbnailing.
  if (width < 1 || height < 1 || width > maxImageSide || height > maxImageSide) {
    throw new AppError('INVALID', `${label}: image size ${width}x${height} is out of range (1 to ${maxImageSide} px per side)`);
  }
  const contentHash = createHash('sha256').update(data).digest('hex');
  return { row, image: { name, mime, data, width, height }, metadata, contentHash };
}

/** Counts one image against the per-upload limits, throwing TOO_LARGE as soon as one is crossed. */
function spend(budget: Budget, bytes: number, limits: ImportLimits): void {
  budget.images += 1;
  budget.bytes += bytes;
  if (budget.images > limits.maxImages) {
    throw new AppError('TOO_LARGE', `upload has more than ${limits.maxImages} images, the limit per import`);
  }
  if (budget.bytes > limits.maxUncompressedBytes) {
    throw new AppError('TOO_LARGE', `upload holds more than ${limits.maxUncompressedBytes} bytes of images, the limit per import`);
  }
}

/**
 * Returns the entry's path with forward slashes and no empty or `.` segments, or undefined
 * when it could land outside the archive's root: absolute, drive-lettered, `..`, or control
 * characters. Backslashes count as separators, since Windows tools write them and a later
 * consumer on Windows would honour them.
 */
function normalizeEntryPath(name: string): string | undefined {
  const path = name.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[a-z]:/i.test(path) || /\p{Cc}/u.test(path)) return undefined;
  const segments = path.split('/');
  if (segments.includes('..')) return undefined;
  return segments.filter((segment) => segment !== '' && segment !== '.').join('/');
}

function isDirectory(name: string): boolean {
  return name.endsWith('/') || name.endsWith('\\');
}

/** macOS resource forks, dotfiles (.DS_Store, ._x) and Windows thumbnails ride along in archives. */
function isJunk(path: string): boolean {
  const segments = path.split('/');
  const base = (segments.at(-1) ?? '').toLowerCase();
  return segments[0] === '__MACOSX' || segments.some((segment) => segment.startsWith('.')) || base === 'thumbs.db' || base === 'desktop.ini';
}

/** A zip upload: by its `.zip` name or its first bytes. */
export function isZip(file: { name: string; data: Buffer }): boolean {
  return /\.zip$/i.test(file.name) || isZipMagic(file.data);
}

function isZipMagic(data: Buffer): boolean {
  return data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

/** Browsers may send a client path; only the last segment is a name worth keeping. */
function stripClientPath(fileName: string): string {
  return fileName.replace(/\\/g, '/').split('/').filter(Boolean).at(-1) ?? fileName;
}
