import type { Db } from '#db/client.ts';
import type { JobSystem } from '#trainer/jobs/queue.ts';
import type { EventBus } from '#trainer/jobs/events.ts';
import type { Env } from './env.ts';
import type { Embedder } from './inference/embedder.ts';
import type { ModelCache } from './inference/model-cache.ts';
import type { PredictionLog } from './predict/prediction-log.ts';
import type { FeedbackSink } from './predict/feedback.ts';
import type { ServingCache } from './predict/serving-cache.ts';
import type { ProjectStatsFeed } from './labeling/project-stats.ts';

/** What services receive: the outside world, passed in so tests can build it from real parts. */
export interface AppDeps {
  db: Db;
  jobs: JobSystem;
  bus: EventBus;
  env: Env;
  now: () => Date;
  /** Embeds queries off the event loop (search, predictions). */
  embedder: Embedder;
  /** The model versions this process serves, swapped when another goes live. */
  models: ModelCache;
  predictionLog: PredictionLog;
  /** Low-confidence production inputs on their way into the labeling pool. */
  feedback: FeedbackSink;
  /** API keys and projects as the prediction API last read them (short-lived, event-invalidated). */
  servingCache: ServingCache;
  /** Project counts shared by concurrent askers and broadcast to the project's browsers. */
  projectStats: ProjectStatsFeed;
}
