import { listExportBatch, listImageSizes, type ExportSample } from '#db/exports.ts';
import { listLabels } from '#db/labels.ts';
import { findActiveModelVersion } from '#db/models.ts';
import { findProject, type Project } from '#db/projects.ts';
import { findSampleImages } from '#db/samples.ts';
import type { User } from '#db/users.ts';
import { AppError } from '../errors.ts';
import { fileSlug } from '../http/file-name.ts';
import type { AppDeps } from '../deps.ts';
import { authenticateApiKey } from '../api-keys/api-keys.service.ts';
import { getProjectAccess } from '../projects/projects.service.ts';
import { assertRole } from '../projects/roles.ts';
import type { ExportQuery } from './export.schema.ts';
import { csvHeader, splitOf, toCsvRow, toJsonLine } from './export-rows.ts';
import { zipExportChunks } from './export-zip.ts';

/** Samples read per query: big enough to amortise round trips, small enough to keep memory flat. */
export const EXPORT_BATCH = 1000;

/** Who asks: a signed-in user (lead or above), or an API key with the `export` scope. */
export type ExportPrincipal = { user: User } | { authorization: string };

export interface ProjectExport {
  fileName: string;
  contentType: string;
  /** The file, a batch of records (or a zip entry) per chunk; nothing is read until it is iterated. */
  chunks: AsyncIterable<string | Uint8Array>;
}

/**
 * Checks access and the filters, then returns the export as a lazy stream of chunks. Exports hold
 * every annotator's labels and emails, so members need lead or above (like API keys and imports).
 */
export async function openExport(deps: AppDeps, principal: ExportPrincipal, projectId: number, query: ExportQuery): Promise<ProjectExport> {
  const project = await authorizeExport(deps, principal, projectId);
  let labelId: number | undefined;
  if (query.label !== undefined) {
    const labels = await listLabels(deps.db, projectId);
    labelId = labels.find((l) => l.name === query.label)?.id;
    if (labelId === undefined) throw new AppError('INVALID', `label "${query.label}" is not in this project's label set (${labels.map((l) => `"${l.name}"`).join(', ')})`);
  }
  const active = await findActiveModelVersion(deps.db, projectId);
  const filters = { projectId, resolvedOnly: query.resolved, labelId, modelVersionId: active?.id ?? null, split: query.split };
  const now = deps.now();
  return {
    fileName: exportFileName(project, query.format, now),
    contentType: CONTENT_TYPES[query.format],
    chunks: query.format === 'zip' ? zipChunks(deps, project.dataType, filters, now) : readChunks(deps, project.dataType, query.format, filters),
  };
}

const CONTENT_TYPES: Record<ExportQuery['format'], string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  zip: 'application/zip',
};

interface ExportFilters {
  projectId: number;
  resolvedOnly: boolean;
  labelId?: number;
  modelVersionId: number | null;
  split?: 'train' | 'check';
}

async function authorizeExport(deps: AppDeps, principal: ExportPrincipal, projectId: number): Promise<Project> {
  if ('user' in principal) {
    const access = await getProjectAccess(deps, principal.user, projectId);
    assertRole(access.role, 'lead', 'export project data');
    return access.project;
  }
  await authenticateApiKey(deps, principal.authorization, projectId, 'export');
  const project = await findProject(deps.db, projectId);
  if (!project) throw new AppError('NOT_FOUND', `project ${projectId} does not exist`);
  return project;
}

/**
 * Keyset pagination by sample id: each batch starts after the last id of the one before, so every
 * sample appears once even while labeling goes on (each batch is read as of its own query).
 * The split filters in memory, batch by batch.
 */
async function* readBatches(deps: AppDeps, filters: ExportFilters): AsyncGenerator<ExportSample[]> {
  let afterId = 0;
  for (;;) {
    const batch = await listExportBatch(deps.db, { ...filters, afterId, limit: EXPORT_BATCH });
    const kept = filters.split ? batch.filter((s) => splitOf(s) === filters.split) : batch;
    if (kept.length > 0) yield kept;
    if (batch.length < EXPORT_BATCH) return;
    afterId = batch[batch.length - 1]!.id;
  }
}

async function* readChunks(deps: AppDeps, dataType: 'text' | 'image', format: 'csv' | 'jsonl', filters: ExportFilters): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader(dataType);
  for await (const batch of readBatches(deps, filters)) {
    yield batch.map((s) => (format === 'csv' ? toCsvRow(s, dataType) : toJsonLine(s, dataType))).join('');
  }
}

function zipChunks(deps: AppDeps, dataType: 'text' | 'image', filters: ExportFilters, modified: Date): AsyncIterable<Uint8Array> {
  return zipExportChunks({
    dataType,
    batches: readBatches(deps, filters),
    imageSizes: (ids) => listImageSizes(deps.db, filters.projectId, ids),
    images: (ids) => findSampleImages(deps.db, filters.projectId, ids),
    modified,
  });
}

/** `sift-<project name, letters and digits only>-<id>-<yyyy-mm-dd>.<ext>`: safe in any header or file system. */
export function exportFileName(project: { id: number; name: string }, format: ExportQuery['format'], now: Date): string {
  return `sift-${fileSlug(project.name)}-${project.id}-${now.toISOString().slice(0, 10)}.${format}`;
}
