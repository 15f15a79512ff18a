import { z } from 'zod';
import { RowIdParam } from '../http/ids.ts';
import { storableText } from '../storable-text.ts';

export const PredictParams = z.object({ projectId: RowIdParam });

export const PredictQuery = z.object({
  version: RowIdParam.optional(),
  threshold: z.coerce.number().min(0).max(1).optional(),
});
export type PredictQuery = z.infer<typeof PredictQuery>;

/**
 * Texts up to 20,000 characters, without NUL or unpaired surrogates (they would be logged and may
 * join the labeling pool); images as base64 (the body limit bounds their size).
 */
export function predictBody(maxBatch: number) {
  const input = z.union([
    z.object({ text: storableText('text').min(1, 'text is empty').max(20_000, 'text is longer than 20,000 characters') }).strict(),
    z.object({ image: z.string().min(1, 'image is empty') }).strict(),
  ]);
  return z
    .object({ inputs: z.array(input, { required_error: 'send {"inputs": [...]}' }).min(1, 'send at least one input').max(maxBatch, `at most ${maxBatch} inputs per request`) })
    .strict();
}

export type PredictInput = { text: string } | { image: string } | { imageBytes: Buffer };
