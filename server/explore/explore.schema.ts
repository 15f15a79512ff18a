import { z } from 'zod';
import { ProjectId } from '../projects/projects.schema.ts';
import { RowId } from '../http/ids.ts';

export const NeighbourFilterInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('any') }),
  z.object({ kind: z.literal('label'), labelId: RowId }),
  z.object({ kind: z.literal('labeled') }),
  z.object({ kind: z.literal('unlabeled') }),
  z.object({ kind: z.literal('annotator'), userId: RowId }),
]);

const K = z.number().int().min(1).max(200).default(24);

export const SimilarInput = ProjectId.extend({ sampleId: RowId, k: K, filter: NeighbourFilterInput.default({ kind: 'any' }) });
export type SimilarInput = z.infer<typeof SimilarInput>;

/**
 * A text up to 10,000 characters, or the base64 of an image up to ~700 KB: tRPC bodies are capped at
 * 1 MB, and the page shrinks a picked image to 448 px (MobileNet sees 224 px) before sending it.
 */
export const SearchInput = ProjectId.extend({
  query: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string().trim().min(1, 'type something to search for').max(10_000) }),
    z.object({ kind: z.literal('image'), base64: z.string().min(1).max(950_000, 'search with an image of up to 700 KB') }),
  ]),
  k: K,
  filter: NeighbourFilterInput.default({ kind: 'any' }),
});
export type SearchInput = z.infer<typeof SearchInput>;

export const RareInput = ProjectId.extend({ labelId: RowId, limit: z.number().int().min(1).max(200).default(50) });
export type RareInput = z.infer<typeof RareInput>;

export const MapInput = ProjectId.extend({ limit: z.number().int().min(100).max(20_000).default(5000) });
export type MapInput = z.infer<typeof MapInput>;
