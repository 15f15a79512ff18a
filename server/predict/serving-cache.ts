/**
 * What every prediction request would otherwise read from the database: the caller's API key
 * (by hash) and the project (data type, settings). Kept for a short time, and dropped at once when
 * a key is revoked or the project's settings change (events reach every server process), so a
 * revoked key stops working immediately, not after the TTL.
 */
import type { ApiKey } from '#db/api-keys.ts';
import type { Project } from '#db/projects.ts';
import type { EventBus } from '#trainer/jobs/events.ts';

const TTL_MS = 30_000;
/**
 * Entries per map. An API key row is about 0.5 KB and a project (name, settings) about 1.5 KB, so
 * the three maps hold at most about 20 MB; when one is full it is emptied (expired entries are
 * not swept otherwise: they are replaced on the next read of their key).
 */
const MAX_ENTRIES = 10_000;

class TtlMap<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.until < Date.now()) return undefined;
    return entry.value;
  }
  set(key: K, value: V): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + TTL_MS });
  }
  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (match(entry.value)) this.entries.delete(key);
  }
}

export class ServingCache {
  readonly keys = new TtlMap<string, ApiKey>();
  readonly projects = new TtlMap<number, Project>();
  /** Whether each project's latest drift check found drift (loaded on first use, then kept current by events). */
  readonly drifted = new TtlMap<number, boolean>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'apikey.revoked') this.keys.deleteWhere((key) => key.id === event.data.keyId);
      if (event.type === 'settings.updated') this.projects.deleteWhere((project) => project.id === event.projectId);
      if (event.type === 'drift.updated') this.drifted.set(event.projectId, event.data.drifted === true);
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
