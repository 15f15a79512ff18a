/**
 * Production feedback: prediction API inputs the live model was unsure about join the labeling
 * pool as new samples (source "production", deduplicated by content hash like imports), so the
 * next labels teach the model exactly what it gets in production. Written off the request path in
 * small batches; a failed write is reported, never turned into a failed prediction.
 */
import { createHash } from 'node:crypto';
import { insertSamples, type SampleInsert } from '#db/samples.ts';
import type { Db } from '#db/client.ts';
import type { EventBus } from '#trainer/jobs/events.ts';
import type { JobSystem } from '#trainer/jobs/queue.ts';
import { hashText } from '../import/parse-text.ts';
import { readImageHeader } from '../import/image-header.ts';
import { requestEmbedding } from '#trainer/jobs/triggers.ts';
import { findUnstorableString } from '../storable-text.ts';

const FLUSH_MS = 500;
/**
 * Bytes of production inputs buffered or being written at once (texts count 2 bytes a character,
 * images their size): when the database falls this far behind, further inputs are not added
 * (counted in the log). Feedback is a sample of traffic, never worth the server's memory.
 */
const MAX_WAITING_BYTES = 32 * 1024 * 1024;

export interface FeedbackItem {
  text?: string;
  image?: Uint8Array;
  confidence: number;
  modelVersion: number;
}

export class FeedbackSink {
  private readonly pending = new Map<number, FeedbackItem[]>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Bytes of the inputs pending or in a write that has not finished. */
  private waitingBytes = 0;
  private dropped = 0;

  constructor(private readonly deps: { db: Db; jobs: JobSystem; bus: EventBus }) {}

  add(projectId: number, items: FeedbackItem[]): void {
    const kept = items.filter((item) => {
      const bytes = feedbackBytes(item);
      if (this.waitingBytes + bytes > MAX_WAITING_BYTES) {
        this.dropped += 1;
        return false;
      }
      this.waitingBytes += bytes;
      return true;
    });
    if (kept.length === 0) return;
    const queued = this.pending.get(projectId);
    if (queued) queued.push(...kept);
    else this.pending.set(projectId, kept);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is pending (tests and shutdown wait on it). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dropped > 0) console.error(`[feedback] ${this.dropped} production inputs were not added: ${MAX_WAITING_BYTES / 1024 / 1024} MB already wait for the database`);
    this.dropped = 0;
    const batches = [...this.pending.entries()];
    this.pending.clear();
    for (const [projectId, items] of batches) {
      this.writing = this.writing.then(() =>
        this.write(projectId, items)
          .catch((error: unknown) =>
            console.error(`[feedback] ${items.length} production inputs were not added to project ${projectId}:`, error instanceof Error ? error.message : error),
          )
          .finally(() => (this.waitingBytes -= items.reduce((sum, item) => sum + feedbackBytes(item), 0))),
      );
    }
    return this.writing;
  }

  private async write(projectId: number, items: FeedbackItem[]): Promise<void> {
    const receivedAt = new Date().toISOString();
    // The whole batch is one insert: a text Postgres cannot store (the prediction API refuses them
    // already) would fail it and drop every other input with it, so it is left out here.
    const storable = items.filter((item) => item.text === undefined || findUnstorableString(item.text) === undefined);
    if (storable.length < items.length) console.error(`[feedback] ${items.length - storable.length} production inputs of project ${projectId} hold text Postgres cannot store; left out`);
    const unique = [...new Map(storable.map((item) => [item.text ?? createHash('sha256').update(item.image!).digest('hex'), item])).values()];
    const samples: SampleInsert[] = unique.map((item) => {
      const metadata = { source: 'production', confidence: item.confidence, modelVersion: item.modelVersion, receivedAt };
      if (item.text !== undefined) return { text: item.text, metadata, contentHash: hashText(item.text) };
      const data = Buffer.from(item.image!);
      const header = readImageHeader(data)!;
      const contentHash = createHash('sha256').update(data).digest('hex');
      return { image: { name: `production-${contentHash.slice(0, 12)}`, mime: header.mime, data }, metadata, contentHash };
    });
    if (samples.length === 0) return;
    const ids = await this.deps.db.transaction().execute((trx) => insertSamples(trx, projectId, null, samples, 'production'));
    if (ids.length === 0) return;
    await this.deps.bus.publish({ projectId, type: 'feedback.added', data: { added: ids.length, duplicates: samples.length - ids.length } });
    await requestEmbedding(this.deps.jobs, projectId);
  }
}

/** What a pending input holds: its text (UTF-16) or image bytes, plus the item itself. */
function feedbackBytes(item: FeedbackItem): number {
  return (item.text?.length ?? 0) * 2 + (item.image?.byteLength ?? 0) + 100;
}
