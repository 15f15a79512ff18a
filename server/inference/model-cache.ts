/**
 * The model versions this server process serves: each project's active version, loaded once and
 * replaced atomically when another version goes live (the `model.version` event reaches every
 * server process over the event bus), plus recently pinned versions. A request takes one
 * reference and uses it to the end, so a swap never hands it a half-loaded model.
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
}

/** Pinned (non-active) versions kept per process. */
const PINNED_KEPT = 16;

export class ModelCache {
  private readonly active = new Map<number, Promise<ServingModel | undefined>>();
  private readonly pinned = new Map<string, Promise<ServingModel | undefined>>();
  /** The latest refresh started per project: an older one finishing later must not win. */
  private readonly generation = new Map<number, number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly db: Db, bus: EventBus) {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'model.version' && event.data.promoted === true) void this.refresh(event.projectId);
    });
  }

  /** The project's live version, or undefined before the first one. */
  getActive(projectId: number): Promise<ServingModel | undefined> {
    let loading = this.active.get(projectId);
    if (!loading) {
      loading = this.loadActive(projectId);
      this.active.set(projectId, loading);
      // A failed load is not kept: the next request tries again.
      loading.catch(() => this.active.get(projectId) === loading && this.active.delete(projectId));
    }
    return loading;
  }

  /** A version by number (`?version=n`), or undefined if the project has no such version. */
  getVersion(projectId: number, version: number): Promise<ServingModel | undefined> {
    const key = `${projectId}:${version}`;
    let loading = this.pinned.get(key);
    if (!loading) {
      loading = findModelVersionByNumber(this.db, projectId, version).then((v) => (v ? this.load(v) : undefined));
      this.pinned.set(key, loading);
      loading.catch(() => this.pinned.delete(key));
      for (const oldest of this.pinned.keys()) {
        if (this.pinned.size <= PINNED_KEPT) break;
        this.pinned.delete(oldest);
      }
    }
    return loading;
  }

  /**
   * Loads the now-active version next to the old one and only then swaps the reference, so
   * requests keep being answered by the old version until the new one is ready.
   */
  async refresh(projectId: number): Promise<void> {
    const generation = (this.generation.get(projectId) ?? 0) + 1;
    this.generation.set(projectId, generation);
    const next = this.loadActive(projectId);
    try {
      await next;
      if (this.generation.get(projectId) === generation) this.active.set(projectId, next);
    } catch (error) {
      console.error(`[serving] could not load the new version of project ${projectId}:`, error instanceof Error ? error.message : error);
    }
  }

  close(): void {
    this.unsubscribe();
  }

  private async loadActive(projectId: number): Promise<ServingModel | undefined> {
    const version = await findActiveModelVersion(this.db, projectId);
    return version ? this.load(version) : undefined;
  }

  private async load(version: ModelVersion): Promise<ServingModel> {
    const [weights, labels] = await Promise.all([findModelWeights(this.db, version.id), listLabels(this.db, version.projectId)]);
    if (!weights) throw new Error(`model version ${version.version} has no weights`);
    const blob = unpackModel(weights);
    const labelIds = blob.meta.labelIds as number[];
    const byId = new Map(labels.map((l) => [l.id, { id: l.id, name: l.name }]));
    return {
      versionId: version.id,
      version: version.version,
      encoder: version.encoder,
      head: deserializeHead({ meta: blob.meta.head as Record<string, unknown>, weights: blob.weights }),
      labels: labelIds.map((id) => byId.get(id) ?? null),
    };
  }
}
