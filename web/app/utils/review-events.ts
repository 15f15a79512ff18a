import { z } from 'zod';
import type { ProjectEvent } from './socket.client.ts';

// Socket payloads are only typed as records on the wire; check the fields this reads.
const ResolutionChanged = z.object({
  sampleId: z.number(),
  labelId: z.number(),
  method: z.string(),
  by: z.object({ id: z.number(), name: z.string() }).optional(),
});

export type ResolutionChange = z.infer<typeof ResolutionChanged>;

/** A sample's new final label from `resolution.changed`, else null. */
export function readResolutionChange(event: ProjectEvent): ResolutionChange | null {
  if (event.type !== 'resolution.changed') return null;
  const parsed = ResolutionChanged.safeParse(event.data);
  return parsed.success ? parsed.data : null;
}

/** The name of a label id, or a stand-in when the label set changed under the page. */
export function labelNameOf(labels: { id: number; name: string }[], labelId: number): string {
  return labels.find((l) => l.id === labelId)?.name ?? `label #${labelId}`;
}

/** "Ana resolved a sample as Refund" (or "… resolved this sample …" when it is the one on screen). */
export function describeResolution(change: ResolutionChange, labels: { id: number; name: string }[], currentSampleId: number | null): string {
  const who = change.by?.name ?? 'A reviewer';
  const which = change.sampleId === currentSampleId ? 'this sample' : 'a sample';
  return `${who} resolved ${which} as ${labelNameOf(labels, change.labelId)}`;
}
