import { getProjectStats, type ProjectStats } from '#db/annotations.ts';
import type { Db } from '#db/client.ts';
import type { EventBus } from '#trainer/jobs/events.ts';

/** How often one project's counts may be broadcast (a trailing broadcast carries the latest). */
const PUBLISH_EVERY_MS = 250;
/**
 * Idle projects whose last broadcast time is remembered (about 100 bytes each, so about 100 KB).
 * Past it, entries older than PUBLISH_EVERY_MS (which no longer throttle anything) are dropped;
 * a project with a broadcast pending is never dropped, and there is one per project counted in the
 * last PUBLISH_EVERY_MS.
 */
const REMEMBERED_PROJECTS = 1000;

/**
 * A project's counts, computed once for everyone who asks at the same time and broadcast to its
 * browsers as `stats.updated`. Fifty annotators labeling at once cost one count query per round,
 * not fifty, and their fifty open pages no longer each ask again after every label.
 */
export class ProjectStatsFeed {
  private readonly running = new Map<number, Promise<ProjectStats>>();
  private readonly queued = new Map<number, Promise<ProjectStats>>();
  private readonly published = new Map<number, { at: number; timer?: NodeJS.Timeout; latest?: ProjectStats }>();

  constructor(
    private readonly compute: (projectId: number) => Promise<ProjectStats>,
    private readonly publish: (projectId: number, stats: ProjectStats) => Promise<void>,
  ) {}

  /**
   * Counts that include every change committed before the call: joins a computation that has not
   * started yet, else queues one behind the running one (which may have read too early).
   */
  fresh(projectId: number): Promise<ProjectStats> {
    const queued = this.queued.get(projectId);
    if (queued) return queued;
    const running = this.running.get(projectId);
    if (!running) return this.start(projectId);
    const next = running
      .catch(() => undefined)
      .then(() => {
        this.queued.delete(projectId);
        return this.start(projectId);
      });
    this.queued.set(projectId, next);
    return next;
  }

  /** After a change nobody waits on: the browsers hear the new counts (a failure only delays them). */
  changed(projectId: number): void {
    this.fresh(projectId).catch((error: Error) => console.error('[stats] counting failed:', error.message));
  }

  close(): void {
    for (const entry of this.published.values()) clearTimeout(entry.timer);
    this.published.clear();
  }

  private start(projectId: number): Promise<ProjectStats> {
    const promise = this.compute(projectId).then((stats) => {
      this.broadcast(projectId, stats);
      return stats;
    });
    this.running.set(projectId, promise);
    const forget = () => {
      if (this.running.get(projectId) === promise) this.running.delete(projectId);
    };
    promise.then(forget, forget);
    return promise;
  }

  private broadcast(projectId: number, stats: ProjectStats): void {
    if (!this.published.has(projectId) && this.published.size >= REMEMBERED_PROJECTS) this.forgetIdle();
    const entry = this.published.get(projectId) ?? { at: 0 };
    this.published.set(projectId, entry);
    entry.latest = stats;
    if (entry.timer) return;
    const wait = entry.at + PUBLISH_EVERY_MS - Date.now();
    const send = () => {
      entry.timer = undefined;
      entry.at = Date.now();
      const latest = entry.latest!;
      entry.latest = undefined;
      // Counts are a view: a lost broadcast is repaired by the next one or a page's own refresh.
      this.publish(projectId, latest).catch((error: Error) => console.error('[stats] broadcast failed:', error.message));
    };
    if (wait <= 0) send();
    else entry.timer = setTimeout(send, wait);
  }

  private forgetIdle(): void {
    const now = Date.now();
    for (const [projectId, entry] of this.published) if (!entry.timer && now - entry.at >= PUBLISH_EVERY_MS) this.published.delete(projectId);
  }

  /** Projects whose last broadcast is remembered (for tests). */
  get remembered(): number {
    return this.published.size;
  }
}

/** The feed over the project database, broadcasting on the event bus. */
export function createProjectStatsFeed(db: Db, bus: EventBus): ProjectStatsFeed {
  return new ProjectStatsFeed(
    (projectId) => getProjectStats(db, projectId),
    (projectId, stats) => bus.publish({ projectId, type: 'stats.updated', data: { ...stats } }),
  );
}
