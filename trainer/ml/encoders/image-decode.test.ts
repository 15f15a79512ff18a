import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findDecodeProblem } from './image-decode.ts';

describe('findDecodeProblem', () => {
  it('accepts what the encoder decodes and says why it cannot decode the rest', async () => {
    const png = await sharp({ create: { width: 300, height: 120, channels: 4, background: '#f008' } }).png().toBuffer();
    const jpeg = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#0f0' } }).jpeg().toBuffer();
    expect(await findDecodeProblem(png)).toBeUndefined();
    expect(await findDecodeProblem(jpeg)).toBeUndefined();
    expect(await findDecodeProblem(Buffer.concat([png.subarray(0, 33), Buffer.alloc(40, 7)]))).toMatch(/\S/);
    // libvips spreads its complaint over several lines and repeats them; it comes back as one.
    expect(await findDecodeProblem(jpeg.subarray(0, 30))).toMatch(/^Input buffer has corrupt header.{0,180}premature end of JPEG image[^\n]*$/i);
    expect(await findDecodeProblem(new Uint8Array(0))).toMatch(/\S/);
  });
});
