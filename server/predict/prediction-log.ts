/**
 * Writes the prediction log off the request path: rows are buffered and inserted in batches every
 * FLUSH_MS (or at FLUSH_ROWS), so a prediction answers without waiting for its log row. A failed
 * write is reported and dropped: monitoring must never fail a prediction.
 */
import type { Db } from '#db/client.ts';
import { insertPredictions, type PredictionLogRow } from '#db/predictions.ts';

const FLUSH_MS = 200;
const FLUSH_ROWS = 500;

export class PredictionLog {
  private rows: PredictionLogRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db) {}

  add(rows: PredictionLogRow[]): void {
    this.rows.push(...rows);
    if (this.rows.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered (tests and shutdown wait on it). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.rows.splice(0);
    if (rows.length === 0) return this.writing;
    this.writing = this.writing.then(() =>
      insertPredictions(this.db, rows).catch((error: unknown) =>
        console.error(`[predict] ${rows.length} prediction log rows were not written:`, error instanceof Error ? error.message : error),
      ),
    );
    return this.writing;
  }
}
