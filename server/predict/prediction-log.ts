/**
 * Writes the prediction log off the request path: rows are buffered and inserted in batches every
 * FLUSH_MS (or at FLUSH_ROWS), so a prediction answers without waiting for its log row. A failed
 * write is reported and dropped: monitoring must never fail a prediction.
 */
import type { Db } from '#db/client.ts';
import { insertPredictions, type PredictionLogRow } from '#db/predictions.ts';

const FLUSH_MS = 200;
const FLUSH_ROWS = 500;
/**
 * Rows buffered or being written at once. A row is about 2.5 KB (its 512-float embedding, 2 KB, is
 * most of it), so about 50 MB: when the database falls that far behind, further rows are dropped
 * (and counted in the log) rather than held until memory runs out.
 */
const MAX_WAITING_ROWS = 20_000;

export class PredictionLog {
  private rows: PredictionLogRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Rows handed to a write that has not finished. */
  private inFlight = 0;
  private dropped = 0;

  constructor(private readonly db: Db) {}

  add(rows: PredictionLogRow[]): void {
    const room = Math.max(0, MAX_WAITING_ROWS - this.rows.length - this.inFlight);
    if (rows.length > room) {
      this.dropped += rows.length - room;
      rows = rows.slice(0, room);
    }
    this.rows.push(...rows);
    if (this.rows.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered (tests and shutdown wait on it). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dropped > 0) console.error(`[predict] ${this.dropped} prediction log rows were dropped: the database is ${MAX_WAITING_ROWS} rows behind`);
    this.dropped = 0;
    const rows = this.rows.splice(0);
    if (rows.length === 0) return this.writing;
    this.inFlight += rows.length;
    this.writing = this.writing.then(() =>
      insertPredictions(this.db, rows)
        .catch((error: unknown) => console.error(`[predict] ${rows.length} prediction log rows were not written:`, error instanceof Error ? error.message : error))
        .finally(() => (this.inFlight -= rows.length)),
    );
    return this.writing;
  }
}
