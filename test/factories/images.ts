/**
 * Test-only encoders for tiny but decodable images of any size, so the import tests run
 * on real bytes rather than on mocked headers. Each returns a single flat color.
 */
import { deflateSync } from 'node:zlib';
import { computeCrc32 } from '#server/import/crc32.ts';

/** Encodes a valid 8-bit grayscale PNG. */
export function encodePng(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    return Buffer.concat([u32Be(body.length), typed, u32Be(computeCrc32(typed))]);
  };
  const ihdr = Buffer.concat([u32Be(width), u32Be(height), Buffer.from([8, 0, 0, 0, 0])]);
  // Each scanline: filter byte 0, then one gray byte per pixel.
  const pixels = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) pixels[y * (width + 1)] = 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Encodes a valid baseline grayscale JPEG of mid gray: every 8x8 block is "DC difference 0,
 * end of block", and one-symbol Huffman tables make that two zero bits per block.
 */
export function encodeJpeg(width: number, height: number): Buffer {
  const segment = (marker: number, body: number[]) => Buffer.from([0xff, marker, ...u16Be(body.length + 2), ...body]);
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const scan = Buffer.alloc(Math.ceil((blocks * 2) / 8));
  // Pad the final byte with 1-bits, as the standard requires.
  const usedBits = blocks * 2 - (scan.length - 1) * 8;
  scan[scan.length - 1] = 0xff >> usedBits;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    segment(0xc0, [8, ...u16Be(height), ...u16Be(width), 1, 1, 0x11, 0]),
    segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00]),
    segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]),
    segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    scan,
    Buffer.from([0xff, 0xd9]),
  ]);
}

/**
 * Encodes a valid GIF89a. The LZW stream sends a clear code before every pixel, so codes
 * stay 3 bits wide: wasteful, but trivially correct.
 */
export function encodeGif(width: number, height: number): Buffer {
  const bits = new BitWriter();
  for (let i = 0; i < width * height; i++) {
    bits.write(4, 3);
    bits.write(0, 3);
  }
  bits.write(5, 3);
  const data = bits.finish();
  const subBlocks: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    subBlocks.push(part.length, ...part);
  }
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    Buffer.from([...u16Le(width), ...u16Le(height), 0x80, 0, 0, 0, 0, 0, 255, 255, 255]),
    Buffer.from([0x2c, 0, 0, 0, 0, ...u16Le(width), ...u16Le(height), 0, 2, ...subBlocks, 0, 0x3b]),
  ]);
}

/**
 * Encodes a valid lossless WebP (VP8L) of transparent black: five one-symbol prefix codes
 * mean each pixel takes zero bits. `extended` wraps it in a VP8X container.
 */
export function encodeWebp(width: number, height: number, extended = false): Buffer {
  const bits = new BitWriter();
  bits.write(0x2f, 8);
  bits.write(width - 1, 14);
  bits.write(height - 1, 14);
  bits.write(0, 1 + 3 + 1 + 1 + 1); // no alpha hint, version 0, no transform, no color cache, no meta codes
  for (let code = 0; code < 5; code++) bits.write(0b0001, 4); // simple code, 1 symbol, 1-bit symbol 0
  const chunks = [riffChunk('VP8L', bits.finish())];
  if (extended) chunks.unshift(riffChunk('VP8X', Buffer.from([0, 0, 0, 0, ...u24Le(width - 1), ...u24Le(height - 1)])));
  return riff(chunks);
}

/**
 * Builds only the header of a lossy (VP8) WebP key frame: enough for dimension sniffing,
 * not a decodable picture, since a VP8 encoder is out of scope for a test.
 */
export function encodeVp8Header(width: number, height: number): Buffer {
  const frame = Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...u16Le(width), ...u16Le(height), ...new Array<number>(10).fill(0)]);
  return riff([riffChunk('VP8 ', frame)]);
}

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  /** Appends `count` bits of `value`, least significant first (GIF and VP8L order). */
  write(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      this.current |= ((value >>> i) & 1) << this.used;
      if (++this.used === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
  }

  finish(): Buffer {
    return Buffer.from(this.used > 0 ? [...this.bytes, this.current] : this.bytes);
  }
}

function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...chunks]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32Le(body.length), body]);
}

function riffChunk(type: string, data: Buffer): Buffer {
  const padding = Buffer.alloc(data.length % 2);
  return Buffer.concat([Buffer.from(type, 'latin1'), u32Le(data.length), data, padding]);
}

function u16Be(value: number): number[] {
  return [value >> 8, value & 0xff];
}

function u16Le(value: number): number[] {
  return [value & 0xff, value >> 8];
}

function u24Le(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff, value >> 16];
}

function u32Be(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}

function u32Le(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
}
