import sharp from 'sharp';

/** One input of an `embed` call that sharp could not decode: its position in that call, and why. */
export interface UndecodableImage {
  index: number;
  reason: string;
}

/**
 * Inputs of one `embed` call that do not decode as images (truncated, corrupt, not an image at
 * all), every one of them, by position: callers set those aside and embed the rest.
 */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(readonly failures: UndecodableImage[]) {
    super(failures.map((f) => `image ${f.index} could not be decoded: ${f.reason}`).join('; '));
  }
}

/**
 * Decodes to `size`x`size` sRGB bytes (3 channels). Resizing uses `cover` (scale the short side,
 * crop the centre): it is how MobileNet's ImageNet training and evaluation crops were made, so
 * the features stay in distribution; letterboxing would add flat bars the network never saw,
 * which shift the pooled features by an amount that depends on the aspect ratio. The cost is
 * losing the edges of very wide or tall images, which for labeling-platform content (photos,
 * scans, product shots) rarely hold the subject. Rejects with sharp's error.
 */
export async function decodeToRgb(bytes: Uint8Array, size: number): Promise<Buffer> {
  // failOn 'error' rather than the default 'warning': many camera JPEGs carry harmless warnings
  // and should still be embedded; the default pixel limit still guards against decompression bombs.
  const { data, info } = await sharp(bytes, { failOn: 'error' })
    .autoOrient() // honour EXIF orientation, as photo viewers do
    .flatten({ background: '#ffffff' }) // transparent areas look white in most viewers
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .toColourspace('srgb') // grey, CMYK and 16-bit inputs all become 8-bit RGB
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== size * size * 3) throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}`);
  return data;
}

/**
 * Why the image encoder could not decode `bytes`, or undefined when it can. It decodes with the
 * encoder's own pipeline to a thumbnail, so a JPEG is read at up to 1/8 scale (shrink-on-load)
 * and a large photo costs milliseconds. sharp works on libuv's thread pool, not the event loop.
 */
export async function findDecodeProblem(bytes: Uint8Array): Promise<string | undefined> {
  try {
    await decodeToRgb(bytes, PROBE_SIZE);
    return undefined;
  } catch (error) {
    return describeDecodeFailure(error);
  }
}

const PROBE_SIZE = 16;

const MAX_REASON = 200;

/** sharp's message on one line: libvips spreads it over several and repeats itself. */
export function describeDecodeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [...new Set(message.split('\n').map((line) => line.trim()))].filter(Boolean);
  const reason = lines.join(' ') || 'unreadable image data';
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}
