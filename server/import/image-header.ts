import type { ImageMime } from './import.schema.ts';

/** What an image's header says; `width`/`height` are 0 when the header is truncated or corrupt. */
export interface ImageHeader {
  mime: ImageMime;
  width: number;
  height: number;
}

/**
 * Identifies a PNG, JPEG, GIF or WebP by its magic bytes (extensions lie) and reads its
 * dimensions from the header without decoding pixels. Returns undefined for anything else.
 */
export function readImageHeader(data: Buffer): ImageHeader | undefined {
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return readPng(data);
  if (startsWith(data, [0xff, 0xd8, 0xff])) return readJpeg(data);
  if (data.subarray(0, 6).toString('latin1') === 'GIF87a' || data.subarray(0, 6).toString('latin1') === 'GIF89a') {
    return { mime: 'image/gif', width: readU16Le(data, 6), height: readU16Le(data, 8) };
  }
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') {
    return readWebp(data);
  }
  return undefined;
}

function readPng(data: Buffer): ImageHeader {
  // The first chunk must be IHDR: length (4) + type (4) + width (4) + height (4).
  const ok = data.length >= 24 && data.subarray(12, 16).toString('latin1') === 'IHDR';
  return { mime: 'image/png', width: ok ? data.readUInt32BE(16) : 0, height: ok ? data.readUInt32BE(20) : 0 };
}

/** Walks JPEG segments up to the first start-of-frame marker, which holds the dimensions. */
function readJpeg(data: Buffer): ImageHeader {
  const unknown: ImageHeader = { mime: 'image/jpeg', width: 0, height: 0 };
  let offset = 2;
  while (offset + 4 <= data.length) {
    if (data[offset] !== 0xff) return unknown;
    const marker = data[offset + 1] ?? 0;
    // 0xFF fill bytes may pad between segments.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    // TEM and RSTn stand alone, without a length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    // Start of scan or end of image before any frame header: nothing to read.
    if (marker === 0xda || marker === 0xd9) return unknown;
    const length = data.readUInt16BE(offset + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > data.length) return unknown;
      return { mime: 'image/jpeg', height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
    }
    if (length < 2) return unknown;
    offset += 2 + length;
  }
  return unknown;
}

/** SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Reads the first chunk: lossy (VP8), lossless (VP8L) or extended (VP8X, whose canvas size wins). */
function readWebp(data: Buffer): ImageHeader {
  const unknown: ImageHeader = { mime: 'image/webp', width: 0, height: 0 };
  // The shortest header, VP8L's, ends at byte 25; VP8 and VP8X need 30.
  if (data.length < 25) return unknown;
  const chunk = data.subarray(12, 16).toString('latin1');
  if (chunk === 'VP8 ') {
    if (data.length < 30) return unknown;
    // Key frame start code, then 14-bit width and height (top 2 bits are scaling).
    if (!startsWith(data.subarray(23), [0x9d, 0x01, 0x2a])) return unknown;
    return { ...unknown, width: readU16Le(data, 26) & 0x3fff, height: readU16Le(data, 28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (data[20] !== 0x2f) return unknown;
    const bits = data.readUInt32LE(21);
    return { ...unknown, width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    if (data.length < 30) return unknown;
    return { ...unknown, width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
  }
  return unknown;
}

function startsWith(data: Buffer, magic: number[]): boolean {
  return data.length >= magic.length && magic.every((byte, i) => data[i] === byte);
}

function readU16Le(data: Buffer, offset: number): number {
  return offset + 2 <= data.length ? data.readUInt16LE(offset) : 0;
}
