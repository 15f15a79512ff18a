import { insertImportBatch, insertSampleRows, updateImportBatchCounts, type SampleInsert } from '#db/samples.ts';
import { insertImportedAnnotations } from '#db/imported-annotations.ts';
import { listLabels, type Label } from '#db/labels.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { findUserById, type User } from '#db/users.ts';
import { listMembers } from '#db/projects.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { getProjectAccess, type ProjectAccess } from '../projects/projects.service.ts';
import { authenticateApiKey } from '../api-keys/api-keys.service.ts';
import { assertRole } from '../projects/roles.ts';
import { defaultImportLimits, type ImportLimits, type SampleDraft } from './import.schema.ts';
import { parseTextFile, previewTextFile } from './parse-text.ts';
import { isZip, parseImageFiles } from './parse-images.ts';
import { planImportedLabels } from './imported-labels.ts';
import { parseTextZip } from './export-manifest.ts';
import { scheduleEmbedding, scheduleTraining } from '../learning/learning.service.ts';
import type { UploadedFile } from '../http/multipart.ts';

export type { UploadedFile };


export interface ImportResult {
  batchId: number;
  rows: number;
  imported: number;
  duplicates: number;
  /** New samples that arrived resolved: with a label, or with annotations that agree. */
  labeled: number;
  /** Annotations from a Sift export restored as their annotators' own (members of this project). */
  restored: number;
}

export function importLimitsFor(deps: AppDeps): ImportLimits {
  return { ...defaultImportLimits, maxFileBytes: deps.env.SIFT_MAX_UPLOAD_MB * 1024 * 1024, maxRows: deps.env.SIFT_MAX_IMPORT_ROWS };
}

/**
 * Who imports: with an `Authorization` header, an API key with the `import` scope, acting as the
 * person who created it (who must still be a lead of the project); else the signed-in user.
 * Leads and owners only, checked before an upload is read.
 */
export async function authorizeImport(deps: AppDeps, principal: { authorization?: string; user?: User }, projectId: number): Promise<{ user: User; access: ProjectAccess }> {
  let user = principal.user;
  if (principal.authorization !== undefined) {
    const key = await authenticateApiKey(deps, principal.authorization, projectId, 'import');
    user = key.createdBy === null ? undefined : await findUserById(deps.db, key.createdBy);
    if (!user) throw new AppError('FORBIDDEN', 'the account that created this API key is gone: create a new key');
  }
  if (!user) throw new AppError('UNAUTHORIZED', 'sign in, or send an API key with the import scope: Authorization: Bearer sift_…');
  const access = await getProjectAccess(deps, user, projectId);
  assertCanImport(access);
  return { user, access };
}

/** Leads and owners import (previews included); checked before an upload is read, and again inside. */
export function assertCanImport(access: ProjectAccess): void {
  assertRole(access.role, 'lead', 'import samples');
}

/**
 * Columns and the first rows of a text file, for the column picker: a step of an import, so leads
 * only, under the import's limits (the page imports only what it could preview).
 */
export function previewImport(access: ProjectAccess, file: UploadedFile, limits: ImportLimits) {
  assertCanImport(access);
  if (access.project.dataType !== 'text') throw new AppError('INVALID', 'previews are for text files; this is an image project');
  return previewTextFile({ fileName: file.name, data: file.data, limits });
}

/**
 * Imports files into a project in one transaction: every row is validated first, duplicates
 * (same content hash, in the file or already in the project) are skipped and counted, and
 * any bad row rejects the whole import with a message naming it.
 */
export async function importSamples(
  deps: AppDeps,
  user: User,
  access: ProjectAccess,
  input: ImportFilesInput,
): Promise<ImportResult> {
  assertCanImport(access);
  if (input.files.length === 0) throw new AppError('INVALID', 'choose a file to import');
  const limits = importLimitsFor(deps);
  const labels = await listLabels(deps.db, access.project.id);
  const { drafts, format } = await parseUpload(access, input, limits, labels);
  const unique = dedupe(drafts);
  const projectId = access.project.id;
  const fileName = input.files.map((f) => f.name).join(', ').slice(0, 500);

  const result = await deps.db.transaction().execute(async (trx) => {
    const batchId = await insertImportBatch(trx, { projectId, createdBy: user.id, fileName, format, rowCount: drafts.length });
    const inserted = await insertSampleRows(trx, projectId, batchId, unique.map(toInsert));
    const duplicates = drafts.length - inserted.length;
    await updateImportBatchCounts(trx, batchId, inserted.length, duplicates);
    const { labeled, restored } = await annotateImported(trx, { projectId, user, access, labels, unique, inserted, now: deps.now() });
    return { batchId, rows: drafts.length, imported: inserted.length, duplicates, labeled, restored };
  });
  await deps.bus
    .publish({ projectId, type: 'import.completed', data: { ...result, userId: user.id } })
    .catch((error: unknown) => console.error('[import] broadcast failed:', error instanceof Error ? error.message : error));
  deps.projectStats.changed(projectId);
  if (result.imported > 0) await scheduleEmbedding(deps, projectId);
  if (result.labeled > 0) await scheduleTraining(deps, access.project);
  return result;
}

/**
 * Labels and annotations from the file, on the samples this import inserted (rows skipped as
 * duplicates keep what they had): a Sift export's annotations by project members come back as
 * theirs, other labels become the importing user's; see planImportedLabels for the resolutions.
 */
async function annotateImported(
  trx: AppDeps['db'],
  input: { projectId: number; user: User; access: ProjectAccess; labels: Label[]; unique: SampleDraft[]; inserted: { id: number; contentHash: string }[]; now: Date },
): Promise<{ labeled: number; restored: number }> {
  const draftOf = new Map(input.unique.filter((d) => d.label !== undefined || d.annotations !== undefined).map((d) => [d.contentHash, d]));
  const samples = input.inserted.flatMap((s) => {
    const draft = draftOf.get(s.contentHash);
    return draft ? [{ sampleId: s.id, draft }] : [];
  });
  if (samples.length === 0) return { labeled: 0, restored: 0 };
  const members = samples.some((s) => s.draft.annotations) ? await listMembers(trx, input.projectId) : [];
  const plan = planImportedLabels(samples, {
    labelIdOf: new Map(input.labels.map((l) => [l.name, l.id])),
    memberIdOf: new Map(members.map((m) => [m.email.toLowerCase(), m.userId])),
    importerId: input.user.id,
    overlap: readProjectSettings(input.access.project.settings).overlap,
    now: input.now,
  });
  await insertImportedAnnotations(trx, { projectId: input.projectId, annotations: plan.annotations, resolutions: plan.resolutions });
  return { labeled: plan.resolutions.length, restored: plan.restored };
}

/** Files and the columns to read; `labelField` names a column of label names (text imports). */
export interface ImportFilesInput {
  files: UploadedFile[];
  textField?: string;
  labelField?: string;
}

/** Image projects: images and zips (a Sift zip export brings labels). Text projects: one CSV/JSONL file, or a Sift zip export. */
async function parseUpload(access: ProjectAccess, input: ImportFilesInput, limits: ImportLimits, labels: Label[]) {
  const labelNames = labels.map((l) => l.name);
  if (access.project.dataType === 'image') {
    return { drafts: await parseImageFiles(input.files, limits, labelNames), format: 'images' };
  }
  if (input.files.length !== 1) throw new AppError('INVALID', 'import one CSV or JSONL file at a time');
  const file = input.files[0]!;
  const options = { textField: input.textField, labelField: input.labelField, labelNames, limits };
  const parsed = isZip(file) ? parseTextZip(file, options) : parseTextFile({ fileName: file.name, data: file.data, ...options });
  return { drafts: parsed.samples, format: parsed.format };
}

function dedupe(drafts: SampleDraft[]): SampleDraft[] {
  const seen = new Set<string>();
  return drafts.filter((d) => (seen.has(d.contentHash) ? false : (seen.add(d.contentHash), true)));
}

function toInsert(draft: SampleDraft): SampleInsert {
  return {
    text: draft.text,
    image: draft.image ? { name: draft.image.name, mime: draft.image.mime, data: draft.image.data } : undefined,
    metadata: draft.image ? { ...draft.metadata, width: draft.image.width, height: draft.image.height } : draft.metadata,
    contentHash: draft.contentHash,
  };
}
