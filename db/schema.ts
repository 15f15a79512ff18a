/**
 * Kysely table types, written to match `migrations/` (the same shape kysely-codegen emits).
 * SQL is snake_case; rows are mapped to camelCase domain objects in each query module.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<Record<string, unknown>, string | undefined, string>;

export type Role = 'owner' | 'lead' | 'reviewer' | 'annotator';
export type DataType = 'text' | 'image';
export type ResolutionMethod = 'single' | 'agreement' | 'review';

export interface AppUserTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  is_instance_owner: Generated<boolean>;
  created_at: Timestamp;
}
export interface SessionTable {
  id: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}
export interface ProjectTable {
  id: Generated<number>;
  name: string;
  data_type: DataType;
  settings: Json;
  created_by: number | null;
  created_at: Timestamp;
}
export interface ProjectMemberTable {
  project_id: number;
  user_id: number;
  role: Role;
  created_at: Timestamp;
}
export interface InviteTable {
  id: Generated<number>;
  project_id: number;
  email: string;
  role: Exclude<Role, 'owner'>;
  token_hash: string;
  created_by: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: number | null;
}
export interface LabelTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  position: number;
  shortcut: string | null;
}
export interface ImportBatchTable {
  id: Generated<number>;
  project_id: number;
  created_by: number | null;
  file_name: string;
  format: string;
  row_count: number;
  imported_count: number;
  duplicate_count: number;
  created_at: Timestamp;
}
export interface SampleTable {
  id: Generated<number>;
  project_id: number;
  import_batch_id: number | null;
  text: string | null;
  image_name: string | null;
  image_mime: string | null;
  metadata: Json;
  content_hash: string;
  source: Generated<string>;
  created_at: Timestamp;
  /** When the sample was drawn at random from the pool as a check sample (the evaluation slice). */
  check_at: Timestamp | null;
}
export interface SampleImageTable {
  sample_id: number;
  data: Buffer;
}
export interface EmbeddingTable {
  sample_id: number;
  project_id: number;
  encoder: string;
  dims: number;
  vector: string;
  created_at: Timestamp;
}
export interface EmbeddingFailureTable {
  sample_id: number;
  project_id: number;
  encoder: string;
  error: string;
  failed_at: Timestamp;
}
export interface AnnotationTable {
  id: Generated<number>;
  project_id: number;
  sample_id: number;
  user_id: number;
  label_id: number;
  duration_ms: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface AnnotationEventTable {
  id: Generated<number>;
  project_id: number;
  sample_id: number;
  user_id: number;
  label_id: number | null;
  action: 'create' | 'update' | 'delete';
  duration_ms: number | null;
  created_at: Timestamp;
  client_id: string | null;
}
export interface ResolutionTable {
  sample_id: number;
  project_id: number;
  label_id: number;
  method: ResolutionMethod;
  resolved_by: number | null;
  updated_at: Timestamp;
}
export interface ModelVersionTable {
  id: Generated<number>;
  project_id: number;
  version: number;
  status: 'candidate' | 'active' | 'retired' | 'rejected';
  encoder: string;
  metrics: Json;
  weights: Buffer | null;
  created_at: Timestamp;
  promoted_at: Timestamp | null;
  label_count: Generated<number>;
  backend: string | null;
  train_ms: number | null;
  triggered_at: Timestamp | null;
  label_to_live_ms: number | null;
  promotion: Json | null;
}
export interface EmbeddingCacheTable {
  content_hash: string;
  encoder: string;
  vector: string;
  created_at: Timestamp;
}
export interface OofPredictionTable {
  model_version_id: number;
  sample_id: number;
  label_id: number;
  proba: number[];
}
export interface EvaluationPredictionTable {
  model_version_id: number;
  sample_id: number;
  label_id: number;
}
export interface SampleScoreTable {
  sample_id: number;
  project_id: number;
  model_version_id: number | null;
  strategy: string;
  rank: number;
  predicted_label_id: number | null;
  confidence: number | null;
  explanation: Json | null;
  updated_at: Timestamp;
}
export interface ApiKeyTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: Generated<string[]>;
  created_by: number | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}
export interface PredictionTable {
  id: Generated<string>;
  project_id: number;
  model_version_id: number | null;
  api_key_id: number | null;
  sample_id: number | null;
  input_hash: string;
  label_id: number | null;
  confidence: number;
  latency_ms: number;
  created_at: Timestamp;
  encoder: string | null;
  embedding: string | null;
  abstained: Generated<boolean>;
  probabilities: number[] | null;
}

export interface AssignmentTable {
  project_id: number;
  user_id: number;
  sample_id: number;
  leased_at: Timestamp;
  expires_at: Timestamp;
}
export interface SuspectTable {
  sample_id: number;
  project_id: number;
  model_version_id: number | null;
  label_id: number;
  suggested_label_id: number;
  score: number;
  flagged: boolean;
  self_confidence: number;
  neighbor_agreement: number | null;
  rank: number;
}
export interface SuspectDecisionTable {
  id: Generated<number>;
  project_id: number;
  sample_id: number;
  label_id: number;
  suggested_label_id: number;
  final_label_id: number | null;
  decision: 'accepted' | 'dismissed';
  score: number;
  decided_by: number | null;
  decided_at: Timestamp;
}
export interface SampleMapTable {
  sample_id: number;
  project_id: number;
  x: number;
  y: number;
}
export interface RareCandidateTable {
  project_id: number;
  label_id: number;
  sample_id: number;
  rank: number;
  score: number;
  probability: number | null;
  similarity: number;
}
export interface DriftReportTable {
  id: Generated<number>;
  project_id: number;
  computed_at: Timestamp;
  statistic: string;
  value: number;
  p_value: number;
  alpha: number;
  drifted: boolean;
  production_count: number;
  training_count: number;
  window_start: Timestamp;
  reference: Generated<string>;
  signal: boolean | null;
  effect: number | null;
  label_shift: Json | null;
  confidence: Json | null;
}
export interface WebhookTable {
  id: Generated<number>;
  project_id: number;
  url: string;
  secret: string;
  events: string[];
  review_queue_threshold: Generated<number>;
  review_queue_above: Generated<boolean>;
  enabled: Generated<boolean>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface WebhookDeliveryTable {
  id: string;
  webhook_id: number;
  project_id: number;
  event: string;
  body: string;
  created_at: Timestamp;
}
export interface WebhookAttemptTable {
  id: Generated<number>;
  delivery_id: string;
  webhook_id: number;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_snippet: string | null;
  created_at: Timestamp;
}
export interface TrainerHeartbeatTable {
  queue_prefix: string;
  host: string;
  pid: number;
  started_at: Timestamp;
  reported_at: Timestamp | null;
  rss_bytes: number;
  heap_used_bytes: number;
  arena_lent_bytes: number;
  arena_idle_bytes: number;
  tf_wasm_bytes: number;
  tensors: number;
  tensor_bytes: number;
  max_rss_bytes: number | null;
  memory_restarts: Generated<number>;
  last_memory_restart_at: Timestamp | null;
  last_memory_restart_rss_bytes: number | null;
}
export interface Database {
  app_user: AppUserTable;
  session: SessionTable;
  project: ProjectTable;
  project_member: ProjectMemberTable;
  invite: InviteTable;
  label: LabelTable;
  import_batch: ImportBatchTable;
  sample: SampleTable;
  sample_image: SampleImageTable;
  embedding: EmbeddingTable;
  embedding_failure: EmbeddingFailureTable;
  annotation: AnnotationTable;
  annotation_event: AnnotationEventTable;
  resolution: ResolutionTable;
  model_version: ModelVersionTable;
  api_key: ApiKeyTable;
  prediction: PredictionTable;
  embedding_cache: EmbeddingCacheTable;
  oof_prediction: OofPredictionTable;
  evaluation_prediction: EvaluationPredictionTable;
  sample_score: SampleScoreTable;
  assignment: AssignmentTable;
  suspect: SuspectTable;
  suspect_decision: SuspectDecisionTable;
  sample_map: SampleMapTable;
  rare_candidate: RareCandidateTable;
  drift_report: DriftReportTable;
  webhook: WebhookTable;
  webhook_delivery: WebhookDeliveryTable;
  webhook_attempt: WebhookAttemptTable;
  trainer_heartbeat: TrainerHeartbeatTable;
}

export type AppUserRow = Selectable<AppUserTable>;
export type ProjectRow = Selectable<ProjectTable>;
export type LabelRow = Selectable<LabelTable>;
export type SampleRow = Selectable<SampleTable>;
export type NewSample = Insertable<SampleTable>;
