import { loadTextEncoder, TEXT_ENCODER_DIMS, TEXT_ENCODER_NAME } from '../ml/encoders/text-encoder.ts';
import { loadImageEncoder, IMAGE_ENCODER_DIMS, IMAGE_ENCODER_NAME } from '../ml/encoders/image-encoder.ts';
import type { Encoder } from '../ml/encoders/encoder.ts';
import { DiskEmbeddingCache } from './embedding-cache.ts';
import type { LabeledRow } from './dataset.ts';

const CHUNK = 256;

/** Embeds rows with the platform's encoder, reusing and extending the on-disk cache. */
export async function embedRows(
  rows: LabeledRow[],
  kind: 'text' | 'image',
  options: { cacheDir: string; imageModelDir?: string },
): Promise<{ encoder: string; vectors: Float32Array[] }> {
  const name = kind === 'text' ? TEXT_ENCODER_NAME : IMAGE_ENCODER_NAME;
  const keys = rows.map((r) => DiskEmbeddingCache.keyOf(r.input));
  const cache = new DiskEmbeddingCache(options.cacheDir, name, kind === 'text' ? TEXT_ENCODER_DIMS : IMAGE_ENCODER_DIMS, new Set(keys));
  const missing = [...new Set(rows.flatMap((r, i) => (cache.get(keys[i]!) ? [] : [i])))];
  console.error(`embedding ${missing.length} of ${rows.length} rows (${rows.length - missing.length} cached)`);
  if (missing.length === 0) return { encoder: name, vectors: keys.map((k) => cache.get(k)!) };
  // Loaded only when something is missing: its weights stay in the TF.js heap, which never shrinks.
  const encoder: Encoder<string> | Encoder<Uint8Array> =
    kind === 'text' ? await loadTextEncoder() : await loadImageEncoder(options.imageModelDir ?? '');
  const started = Date.now();
  for (let start = 0; start < missing.length; start += CHUNK) {
    const chunk = missing.slice(start, start + CHUNK);
    const vectors = await embedNamingBadRow(encoder as Encoder<string | Uint8Array>, chunk.map((i) => rows[i]!));
    cache.add(chunk.map((i, j) => ({ key: keys[i]!, vector: vectors[j]! })));
    const done = Math.min(start + CHUNK, missing.length);
    console.error(`  ${done}/${missing.length} (${((done / (Date.now() - started)) * 1000).toFixed(0)}/s)`);
  }
  encoder.dispose();
  return { encoder: name, vectors: keys.map((k) => cache.get(k)!) };
}

/**
 * Embeds a chunk; if it fails (an image that does not decode), embeds its rows one by one to say
 * which row is at fault.
 */
async function embedNamingBadRow(encoder: Encoder<string | Uint8Array>, rows: LabeledRow[]): Promise<Float32Array[]> {
  try {
    return await encoder.embed(rows.map((r) => r.input));
  } catch (chunkError) {
    for (const row of rows) {
      try {
        await encoder.embed([row.input]);
      } catch (error) {
        throw new Error(`row ${row.index + 1} (${row.key}): ${(error as Error).message}`);
      }
    }
    throw chunkError;
  }
}
