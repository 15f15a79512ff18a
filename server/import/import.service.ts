import { insertImportBatch, insertSamples, updateImportBatchCounts, type SampleInsert } from '#db/samples.ts';
import type { User } from '#db/users.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import { assertRole } from '../projects/roles.ts';
import { defaultImportLimits, type ImportLimits, type SampleDraft } from './import.schema.ts';
import { parseTextFile, previewTextFile } from './parse-text.ts';
import { parseImageFiles } from './parse-images.ts';
import { scheduleEmbedding } from '../learning/learning.service.ts';
import type { UploadedFile } from '../http/multipart.ts';

export type { UploadedFile };


export interface ImportResult {
  batchId: number;
  rows: number;
  imported: number;
  duplicates: number;
}

export function importLimitsFor(deps: AppDeps): ImportLimits {
  return { ...defaultImportLimits, maxFileBytes: deps.env.SIFT_MAX_UPLOAD_MB * 1024 * 1024, maxRows: deps.env.SIFT_MAX_IMPORT_ROWS };
}

/** Leads and owners import (previews included); checked before an upload is read, and again inside. */
export function assertCanImport(access: ProjectAccess): void {
  assertRole(access.role, 'lead', 'import samples');
}

/** Columns and the first rows of a text file, for the column picker: a step of an import, so leads only. */
export function previewImport(access: ProjectAccess, file: UploadedFile) {
  assertCanImport(access);
  if (access.project.dataType !== 'text') throw new AppError('INVALID', 'previews are for text files; this is an image project');
  return previewTextFile({ fileName: file.name, data: file.data });
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
  input: { files: UploadedFile[]; textField?: string },
): Promise<ImportResult> {
  assertCanImport(access);
  if (input.files.length === 0) throw new AppError('INVALID', 'choose a file to import');
  const limits = importLimitsFor(deps);
  const { drafts, format } = parseUpload(access, input, limits);
  const unique = dedupe(drafts);
  const projectId = access.project.id;
  const fileName = input.files.map((f) => f.name).join(', ').slice(0, 500);

  const result = await deps.db.transaction().execute(async (trx) => {
    const batchId = await insertImportBatch(trx, { projectId, createdBy: user.id, fileName, format, rowCount: drafts.length });
    const ids = await insertSamples(trx, projectId, batchId, unique.map(toInsert));
    const duplicates = drafts.length - ids.length;
    await updateImportBatchCounts(trx, batchId, ids.length, duplicates);
    return { batchId, rows: drafts.length, imported: ids.length, duplicates };
  });
  await deps.bus
    .publish({ projectId, type: 'import.completed', data: { ...result, userId: user.id } })
    .catch((error: unknown) => console.error('[import] broadcast failed:', error instanceof Error ? error.message : error));
  if (result.imported > 0) await scheduleEmbedding(deps, projectId);
  return result;
}

function parseUpload(access: ProjectAccess, input: { files: UploadedFile[]; textField?: string }, limits: ImportLimits) {
  if (access.project.dataType === 'image') {
    return { drafts: parseImageFiles(input.files, limits), format: 'images' };
  }
  if (input.files.length !== 1) throw new AppError('INVALID', 'import one CSV or JSONL file at a time');
  const file = input.files[0]!;
  const parsed = parseTextFile({ fileName: file.name, data: file.data, textField: input.textField, limits });
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
