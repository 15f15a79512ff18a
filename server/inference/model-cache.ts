/**
 * The model versions this server process serves: each project's active version, loaded once and
 * replaced atomically when another version goes live (the `model.version` event reaches every
 * server process over the event bus), plus recently pinned versions. A request takes one
 * reference and uses it to the end, so a swap never hands it a half-loaded model.
 *
 * Memory: a text project's head holds its lexical weights (columns × classes floats, tens of MB
 * for a large project) and its lexical model's bucket table (4 MiB). Every loaded version, active
 * or pinned, counts its bytes against one budget (`SIFT_SERVING_MODELS_MB`); past it the least
 * recently used are dropped (a later request reloads them from the database). A swap drops the old
 * version's reference at once, so it is collected when its last request finishes. Only projects
 * this process has served are refreshed on a promotion: others load on their first request.
 */
import type { Db } from '#db/client.ts';
import { listLabels } from '#db/labels.ts';
import { findActiveModelVersion, findModelVersionByNumber, findModelWeights, type ModelVersion } from '#db/models.ts';
import type { EventBus } from '#trainer/jobs/events.ts';
import { deserializeHead, type Head } from '#trainer/ml/head.ts';
import { unpackModel } from '#trainer/ml/model-blob.ts';

export interface ServingModel {
  versionId: number;
  version: number;
  encoder: string;
  head: Head;
  /** Class index → label; a label deleted since training reads as null. */
  labels: ({ id: number; name: string } | null)[];
  /** What the loaded head holds, in bytes (an estimate from its stored shape; see servingBytes). */
  bytes: number;
}

/** Pinned (non-active) versions kept per process, whatever their size (misses are kept too). */
const PINNED_KEPT = 16;
/** Default budget for all loaded versions of this process: SIFT_SERVING_MODELS_MB. */
export const DEFAULT_SERVING_MODELS_BYTES = 512 * 1024 * 1024;

/** One cached version: `model` is set once it has loaded; `used` orders eviction (least recent first). */
interface Slot {
  loading: Promise<ServingModel | undefined>;
  model?: ServingModel;
  used: number;
}

export class ModelCache {
  private readonly active = new Map<number, Slot>();
  private readonly pinned = new Map<string, Slot>();
  /** The latest refresh started per project (deleted when it settles): an older one finishing later must not win. */
  private readonly refreshing = new Map<number, Promise<ServingModel | undefined>>();
  private clock = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Db,
    bus: EventBus,
    private readonly maxBytes = DEFAULT_SERVING_MODELS_BYTES,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'model.version' && event.data.promoted === true) void this.refresh(event.projectId);
    });
  }

  /** The project's live version, or undefined before the first one. */
  getActive(projectId: number): Promise<ServingModel | undefined> {
    let slot = this.active.get(projectId);
    if (!slot) {
      slot = this.track(this.loadActive(projectId));
      this.active.set(projectId, slot);
      const failed = slot;
      // A failed load is not kept: the next request tries again.
      slot.loading.catch(() => this.active.get(projectId) === failed && this.active.delete(projectId));
    }
    slot.used = ++this.clock;
    return slot.loading;
  }

  /** A version by number (`?version=n`), or undefined if the project has no such version. */
  getVersion(projectId: number, version: number): Promise<ServingModel | undefined> {
    const live = this.active.get(projectId);
    // The live version asked for by number is the one already loaded, not a second copy.
    if (live?.model?.version === version) {
      live.used = ++this.clock;
      return live.loading;
    }
    const key = `${projectId}:${version}`;
    let slot = this.pinned.get(key);
    if (!slot) {
      slot = this.track(findModelVersionByNumber(this.db, projectId, version).then((v) => (v ? this.load(v) : undefined)));
      this.pinned.set(key, slot);
      slot.loading.catch(() => this.pinned.delete(key));
      for (const oldest of this.pinned.keys()) {
        if (this.pinned.size <= PINNED_KEPT) break;
        this.pinned.delete(oldest);
      }
    }
    slot.used = ++this.clock;
    return slot.loading;
  }

  /**
   * Loads the now-active version next to the old one and only then swaps the reference, so
   * requests keep being answered by the old version until the new one is ready. A project this
   * process does not serve is left alone: its first request loads the live version.
   */
  async refresh(projectId: number): Promise<void> {
    if (!this.active.has(projectId)) return;
    const next = this.loadActive(projectId);
    this.refreshing.set(projectId, next);
    try {
      await next;
      if (this.refreshing.get(projectId) !== next) return;
      const slot = this.track(next);
      slot.used = this.active.get(projectId)?.used ?? ++this.clock;
      this.active.set(projectId, slot);
    } catch (error) {
      console.error(`[serving] could not load the new version of project ${projectId}:`, error instanceof Error ? error.message : error);
    } finally {
      if (this.refreshing.get(projectId) === next) this.refreshing.delete(projectId);
    }
  }

  /** What is loaded now: versions and their bytes (for tests and /healthz-style reports). */
  stats(): { models: number; bytes: number; maxBytes: number } {
    const loaded = this.loaded();
    return { models: loaded.length, bytes: loaded.reduce((sum, s) => sum + s.model!.bytes, 0), maxBytes: this.maxBytes };
  }

  close(): void {
    this.unsubscribe();
  }

  /** A slot that records its model once loaded, then applies the byte budget. */
  private track(loading: Promise<ServingModel | undefined>): Slot {
    const slot: Slot = { loading, used: ++this.clock };
    loading.then(
      (model) => {
        slot.model = model;
        this.evict(slot);
      },
      () => undefined,
    );
    return slot;
  }

  /** Drops least recently used versions (never `keep`) until the loaded ones fit the budget. */
  private evict(keep: Slot): void {
    const loaded = this.loaded().sort((a, b) => a.used - b.used);
    let bytes = loaded.reduce((sum, s) => sum + s.model!.bytes, 0);
    for (const slot of loaded) {
      if (bytes <= this.maxBytes) return;
      if (slot === keep) continue;
      bytes -= slot.model!.bytes;
      for (const map of [this.active, this.pinned] as Map<unknown, Slot>[]) {
        for (const [key, value] of map) if (value === slot) map.delete(key);
      }
    }
  }

  private loaded(): Slot[] {
    return [...this.active.values(), ...this.pinned.values()].filter((s) => s.model !== undefined);
  }

  private async loadActive(projectId: number): Promise<ServingModel | undefined> {
    const version = await findActiveModelVersion(this.db, projectId);
    if (!version) return undefined;
    // A pinned version put live moves over rather than being loaded a second time.
    const key = `${projectId}:${version.version}`;
    const pinned = this.pinned.get(key)?.model;
    if (pinned?.versionId === version.id) {
      this.pinned.delete(key);
      return pinned;
    }
    return this.load(version);
  }

  private async load(version: ModelVersion): Promise<ServingModel> {
    const [weights, labels] = await Promise.all([findModelWeights(this.db, version.id), listLabels(this.db, version.projectId)]);
    if (!weights) throw new Error(`model version ${version.version} has no weights`);
    const blob = unpackModel(weights);
    const labelIds = blob.meta.labelIds as number[];
    const byId = new Map(labels.map((l) => [l.id, { id: l.id, name: l.name }]));
    const meta = blob.meta.head as Record<string, unknown>;
    return {
      versionId: version.id,
      version: version.version,
      encoder: version.encoder,
      head: deserializeHead({ meta, weights: blob.weights }),
      labels: labelIds.map((id) => byId.get(id) ?? null),
      bytes: servingBytes(meta, blob.weights.byteLength),
    };
  }
}

/**
 * The bytes a deserialized head holds: its stored weights (parameters, lexical columns, buckets
 * and IDF, copied into typed arrays), the lexical model's bucket → column table (4 bytes a
 * bucket), and the lexical columns and IDF it keeps as plain arrays (8 bytes a number each).
 */
export function servingBytes(meta: Record<string, unknown>, weightBytes: number): number {
  const lexical = meta.lexical as { buckets?: number; dims?: number } | undefined;
  return weightBytes + (lexical?.buckets ?? 0) * 4 + (lexical?.dims ?? 0) * 16;
}
