import { inflateRawSync } from 'node:zlib';
import { AppError } from '../errors.ts';
import { computeCrc32 } from './crc32.ts';

/**
 * A zip entry as its central directory declares it. The central directory is read by hand
 * (not fflate's unzipSync) because unzipSync hides entry offsets and silently truncates an
 * entry that inflates past its declared size, and the caller must check sizes before inflating
 * and detect that lie afterwards.
 */
export interface ZipEntry {
  /** Raw name as stored; not yet checked for traversal. */
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Record signatures of the zip format (APPNOTE 4.3), shared with the export's writer. */
export const ZIP_SIGNATURE = {
  local: 0x04034b50,
  central: 0x02014b50,
  end: 0x06054b50,
  zip64End: 0x06064b50,
  zip64Locator: 0x07064b50,
} as const;
const { end: endSignature, zip64Locator: zip64LocatorSignature, zip64End: zip64EndSignature, central: centralSignature, local: localSignature } = ZIP_SIGNATURE;
const u16Max = 0xffff;
const u32Max = 0xffffffff;
const nameDecoder = new TextDecoder('utf-8');

/**
 * Lists a zip's entries from its central directory without inflating anything.
 * Throws TOO_LARGE when it declares more than `maxEntries`, INVALID naming `zipName` when corrupt.
 */
export function listZipEntries(data: Buffer, zipName: string, maxEntries: number): ZipEntry[] {
  const corrupt = (reason: string) => new AppError('INVALID', `${zipName}: corrupt zip (${reason})`);
  const directory = readDirectoryLocation(data, corrupt);
  if (directory.count > maxEntries) {
    throw new AppError('TOO_LARGE', `${zipName}: zip has ${directory.count} entries, over the ${maxEntries} limit`);
  }
  const entries: ZipEntry[] = [];
  let offset = directory.offset;
  for (let i = 0; i < directory.count; i++) {
    if (offset + 46 > data.length || data.readUInt32LE(offset) !== centralSignature) throw corrupt('bad central directory');
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const next = offset + 46 + nameLength + extraLength + data.readUInt16LE(offset + 32);
    if (next > data.length) throw corrupt('central directory runs past the end');
    const flags = data.readUInt16LE(offset + 8);
    const nameBytes = data.subarray(offset + 46, offset + 46 + nameLength);
    const extra = data.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength);
    const sizes = readZip64Sizes(extra, {
      size: data.readUInt32LE(offset + 24),
      compressedSize: data.readUInt32LE(offset + 20),
      localOffset: data.readUInt32LE(offset + 42),
    });
    entries.push({
      // Bit 11 flags UTF-8; legacy CP437 names decode lossily, which only affects display.
      name: nameDecoder.decode(nameBytes),
      flags,
      method: data.readUInt16LE(offset + 10),
      crc32: data.readUInt32LE(offset + 16),
      ...sizes,
    });
    offset = next;
  }
  return entries;
}

/**
 * Inflates one entry, allowing at most its declared size: more is a zip bomb lying about
 * its size (TOO_LARGE), less or a checksum mismatch is corruption (INVALID). `label` names
 * the entry in messages, e.g. `photos.zip/cats/1.png`.
 */
export function inflateZipEntry(data: Buffer, entry: ZipEntry, label: string): Buffer {
  const local = entry.localOffset;
  if (local + 30 > data.length || data.readUInt32LE(local) !== localSignature) {
    throw new AppError('INVALID', `${label}: corrupt zip (bad local header)`);
  }
  const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
  const end = start + entry.compressedSize;
  if (end > data.length) throw new AppError('INVALID', `${label}: corrupt zip (entry runs past the end)`);
  if (entry.flags & 1) throw new AppError('INVALID', `${label}: encrypted zip entries are not supported`);
  const content = readContent(data.subarray(start, end), entry, label);
  if (content.length > entry.size) {
    throw new AppError('TOO_LARGE', `${label}: inflates past its declared ${entry.size} bytes`);
  }
  if (content.length !== entry.size) {
    throw new AppError('INVALID', `${label}: corrupt zip (inflated to ${content.length} bytes, declared ${entry.size})`);
  }
  if (computeCrc32(content) !== entry.crc32) throw new AppError('INVALID', `${label}: corrupt zip (checksum mismatch)`);
  return content;
}

function readContent(compressed: Buffer, entry: ZipEntry, label: string): Buffer {
  // Copy stored entries so a kept image does not pin the whole archive in memory.
  if (entry.method === 0) return Buffer.from(compressed);
  if (entry.method !== 8) {
    throw new AppError('INVALID', `${label}: unsupported zip compression method ${entry.method}`);
  }
  try {
    // One byte of headroom tells "exactly the declared size" apart from "more".
    return inflateRawSync(compressed, { maxOutputLength: entry.size + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('TOO_LARGE', `${label}: inflates past its declared ${entry.size} bytes`);
    }
    throw new AppError('INVALID', `${label}: corrupt zip (${(error as Error).message})`);
  }
}

/** Finds the end-of-central-directory record (and its zip64 twin when fields overflow). */
function readDirectoryLocation(data: Buffer, corrupt: (reason: string) => AppError): { count: number; offset: number } {
  const lowest = Math.max(0, data.length - 22 - u16Max);
  let end = data.length - 22;
  // The record ends with a variable-length comment, so scan back for its signature.
  while (end >= lowest && data.readUInt32LE(end) !== endSignature) end--;
  if (end < lowest) throw corrupt('no end of central directory');
  const count = data.readUInt16LE(end + 10);
  const offset = data.readUInt32LE(end + 16);
  if (count !== u16Max && offset !== u32Max) return { count, offset };
  const locator = end - 20;
  if (locator < 0 || data.readUInt32LE(locator) !== zip64LocatorSignature) throw corrupt('missing zip64 locator');
  const zip64End = readU64(data, locator + 8);
  if (zip64End + 56 > data.length || data.readUInt32LE(zip64End) !== zip64EndSignature) {
    throw corrupt('bad zip64 end of central directory');
  }
  return { count: readU64(data, zip64End + 32), offset: readU64(data, zip64End + 48) };
}

/** Replaces 32-bit fields saturated at 0xFFFFFFFF with their values from the zip64 extra field. */
function readZip64Sizes(
  extra: Buffer,
  sizes: { size: number; compressedSize: number; localOffset: number },
): { size: number; compressedSize: number; localOffset: number } {
  let offset = 0;
  while (offset + 4 <= extra.length) {
    const id = extra.readUInt16LE(offset);
    const length = extra.readUInt16LE(offset + 2);
    if (id === 0x0001) {
      const values = { ...sizes };
      let field = offset + 4;
      // The zip64 fields appear in this order, only for those that overflowed.
      for (const key of ['size', 'compressedSize', 'localOffset'] as const) {
        if (values[key] === u32Max && field + 8 <= offset + 4 + length && field + 8 <= extra.length) {
          values[key] = readU64(extra, field);
          field += 8;
        }
      }
      return values;
    }
    offset += 4 + length;
  }
  return sizes;
}

/** Reads a 64-bit size; values past 2^53 are absurd for an upload and fail the bounds checks anyway. */
function readU64(data: Buffer, offset: number): number {
  return Number(data.readBigUInt64LE(offset));
}
