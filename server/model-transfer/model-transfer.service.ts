import pkg from '../../package.json' with { type: 'json' };
import { listLabels } from '#db/labels.ts';
import { findModelVersionByNumber, findModelWeights, insertModelVersion } from '#db/models.ts';
import { findProject, type Project } from '#db/projects.ts';
import type { User } from '#db/users.ts';
import { IMAGE_ENCODER_NAME } from '#trainer/ml/encoders/image-encoder.ts';
import { TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import { packModel, unpackModel } from '#trainer/ml/model-blob.ts';
import { buildModelBundle, describeEncoder } from '#trainer/ml/model-bundle/build-bundle.ts';
import { BUNDLE_FILES } from '#trainer/ml/model-bundle/bundle-format.ts';
import { BundleError, readModelBundle, type ReadBundle } from '#trainer/ml/model-bundle/read-bundle.ts';
import { AppError } from '../errors.ts';
import { fileSlug } from '../http/file-name.ts';
import { findUnstorableJson } from '../storable-text.ts';
import type { AppDeps } from '../deps.ts';
import { authenticateApiKey } from '../api-keys/api-keys.service.ts';
import type { UploadedFile } from '../http/multipart.ts';
import { getProjectAccess } from '../projects/projects.service.ts';
import { assertRole } from '../projects/roles.ts';
import { unzipBundle, zipBundle } from './bundle-zip.ts';

/** Who asks: a signed-in user (lead or above), or an API key with the `export` / `import` scope. */
export type TransferPrincipal = { user: User } | { authorization: string };

/** A checked request: the project, and the user when it came with a session. */
export interface TransferAccess {
  project: Project;
  user?: User;
}

/** Checks who may move models in or out of the project; run before reading any upload. */
export async function authorizeModelTransfer(deps: AppDeps, principal: TransferPrincipal, projectId: number, scope: 'export' | 'import'): Promise<TransferAccess> {
  if ('user' in principal) {
    const access = await getProjectAccess(deps, principal.user, projectId);
    assertRole(access.role, 'lead', scope === 'export' ? 'download model versions' : 'import model versions');
    return { project: access.project, user: principal.user };
  }
  await authenticateApiKey(deps, principal.authorization, projectId, scope);
  const project = await findProject(deps.db, projectId);
  if (!project) throw new AppError('NOT_FOUND', `project ${projectId} does not exist`);
  return { project };
}

/** The version as a zip: TF.js layers model, manifest, lexical featurizer and README (see trainer/ml/model-bundle). */
export async function exportModelVersion(deps: AppDeps, access: TransferAccess, versionNumber: number): Promise<{ fileName: string; data: Uint8Array }> {
  const { project } = access;
  const version = await findModelVersionByNumber(deps.db, project.id, versionNumber);
  if (!version) throw new AppError('NOT_FOUND', `this project has no model version ${versionNumber}`);
  const [weights, labels] = await Promise.all([findModelWeights(deps.db, version.id), listLabels(deps.db, project.id)]);
  if (!weights) throw new AppError('NOT_FOUND', `model version ${versionNumber} has no weights`);
  const blob = unpackModel(weights);
  const byId = new Map(labels.map((l) => [l.id, l.name]));
  const labelNames = (blob.meta.labelIds as number[]).map((id) => {
    const name = byId.get(id);
    if (name === undefined) throw new AppError('CONFLICT', `a label of version ${versionNumber} has been deleted since, so its outputs cannot be named`);
    return name;
  });
  const files = await buildModelBundle({ blob, labelNames, project, version, siftVersion: pkg.version });
  return { fileName: `sift-${fileSlug(project.name)}-v${version.version}.zip`, data: zipBundle(files) };
}

/**
 * Records an uploaded export as a new candidate version of this project: labels are matched by
 * name, and the encoder must be the one this project's data type uses, at the width this server's
 * encoder makes. Never put live: a lead promotes it like any other version.
 */
export async function importModelVersion(deps: AppDeps, access: TransferAccess, file: UploadedFile | undefined) {
  if (!file) throw new AppError('INVALID', 'attach the exported zip as a multipart file');
  const { project } = access;
  const maxBytes = deps.env.SIFT_MAX_UPLOAD_MB * 1024 * 1024 * 8;
  const bundle = readBundle(unzipBundle(file.data, file.name, maxBytes), file.name);
  const { manifest } = bundle;
  // The manifest's source and metrics are stored (jsonb): what Postgres refuses is the file's fault, a 400.
  const unstorable = findUnstorableJson(manifest);
  if (unstorable) throw new AppError('INVALID', `${file.name}: ${BUNDLE_FILES.manifest}: ${unstorable}`);
  const encoder = project.dataType === 'image' ? IMAGE_ENCODER_NAME : TEXT_ENCODER_NAME;
  if (manifest.encoder.name !== encoder) {
    throw new AppError('INVALID', `this model reads ${manifest.encoder.name} embeddings; this ${project.dataType} project uses ${encoder}`);
  }
  // read-bundle checked the head against the manifest's dims; these are what the project's embeddings have.
  const { dims } = describeEncoder(encoder);
  if (manifest.encoder.dims !== dims) {
    throw new AppError('INVALID', `this model reads ${manifest.encoder.dims}-dimensional embeddings; ${encoder} makes ${dims}`);
  }
  if (project.dataType === 'image' && manifest.lexical) throw new AppError('INVALID', 'this model has a text (lexical) channel; this is an image project');
  const labels = await listLabels(deps.db, project.id);
  const byName = new Map(labels.map((l) => [l.name, l.id]));
  const missing = bundle.labelNames.filter((name) => !byName.has(name));
  if (missing.length) {
    throw new AppError('INVALID', `labels ${missing.map((n) => `"${n}"`).join(', ')} are not in this project's label set; add them first or import into a project that has them`);
  }
  const labelIds = bundle.labelNames.map((name) => byName.get(name)!);
  const serialized = bundle.head.serialize();
  const weights = packModel({ meta: { labelIds, encoder, head: serialized.meta }, weights: serialized.weights });
  const imported = { project: manifest.source.project, version: manifest.source.modelVersion, sift: manifest.sift.version, at: deps.now().toISOString(), by: access.user?.id ?? null };
  const version = await deps.db.transaction().execute((trx) =>
    insertModelVersion(trx, {
      projectId: project.id,
      encoder,
      metrics: { ...manifest.metrics, labelIds, imported },
      weights,
      labelCount: manifest.source.labelCount,
      backend: 'imported',
      trainMs: 0,
      triggeredAt: null,
    }),
  );
  const reason = `imported from ${manifest.source.project} v${manifest.source.modelVersion}`;
  await deps.bus.publish({ projectId: project.id, type: 'model.version', data: { versionId: version.id, version: version.version, promoted: false, imported: true, reason } });
  return { versionId: version.id, version: version.version, status: version.status, labels: bundle.labelNames, reason };
}

function readBundle(files: Map<string, Uint8Array>, zipName: string): ReadBundle {
  try {
    return readModelBundle(files);
  } catch (error) {
    if (error instanceof BundleError) throw new AppError('INVALID', `${zipName}: ${error.message}`);
    throw error;
  }
}

