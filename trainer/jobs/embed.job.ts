import { z } from 'zod';

/** Embeds a project's samples that have no embedding yet (in batches, reporting progress). */
export const EMBED_QUEUE = 'embed';
export const EmbedPayload = z.object({ projectId: z.number().int().positive() });
export type EmbedPayload = z.infer<typeof EmbedPayload>;
export interface EmbedResult {
  embedded: number;
  fromCache: number;
  /** Samples set aside by this run because their image does not decode (see embedding_failure). */
  unreadable: number;
}
/** One embed job per project at a time: new imports while one waits are covered by it. */
export const embedJobId = (projectId: number) => `embed-${projectId}`;
