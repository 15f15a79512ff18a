import type { OpenApiDocument, OperationObject, SchemaObject, DocumentedError } from '../predict/openapi.ts';
import { errorResponses, keyOrLeadAuthErrors, PROJECT_ID_PARAMETER, ref } from '../predict/openapi.ts';

/** Every error the two routes answer with, and an example message. */
export const MODEL_EXPORT_ERRORS: DocumentedError[] = [
  { status: 400, code: 'INVALID', when: 'The project id or version is malformed.', message: 'version: ids are positive whole numbers' },
  ...keyOrLeadAuthErrors('export'),
  { status: 404, code: 'NOT_FOUND', when: 'No such project or version.', message: 'this project has no model version 9' },
  { status: 409, code: 'CONFLICT', when: 'A label the version predicts has been deleted since.', message: 'a label of version 2 has been deleted since, so its outputs cannot be named' },
];
export const MODEL_IMPORT_ERRORS: DocumentedError[] = [
  { status: 400, code: 'INVALID', when: 'Not a valid export: corrupt zip, unexpected or unsafe file names, unknown format version, files that disagree with the manifest, another encoder than the project uses (or another embedding size than this server\'s encoder makes), labels missing from the project, or manifest values the database cannot store (numbers out of range, NUL characters, JSON nested over 64 levels).', message: 'model.zip: labels "refund" are not in this project\'s label set; add them first or import into a project that has them' },
  ...keyOrLeadAuthErrors('import'),
  { status: 404, code: 'NOT_FOUND', when: 'No such project (signed-in users).', message: 'project 9 does not exist' },
  { status: 413, code: 'TOO_LARGE', when: 'The upload is over SIFT_MAX_UPLOAD_MB, or its files unzip to more than 8 times that.', message: 'model.zip: unzips to 524288000 bytes, over the 419430400-byte limit' },
];


const exportOperation: OperationObject = {
  operationId: 'exportModelVersion',
  summary: 'Download a model version',
  description:
    "The version as a zip: `model.json` + `weights.bin` (the classifier head as a TensorFlow.js layers model giving calibrated probabilities), `sift-model.json` (labels in output order, encoder name and version, how the input vector is built, metrics, format version), for text projects `lexical.json` + `featurize.js` (the lexical channel in plain JavaScript), and a README on running it without Sift. Needs an API key with the export scope, or a signed-in lead or owner.",
  tags: ['Models'],
  security: [{ apiKey: [] }],
  parameters: [PROJECT_ID_PARAMETER, { name: 'version', in: 'path', required: true, description: 'The version number, as on the Models page.', schema: { type: 'integer', minimum: 1 }, example: 3 }],
  responses: {
    '200': {
      description: 'The zip, as an attachment.',
      headers: { 'Content-Disposition': { description: 'attachment; filename="sift-<project>-v<version>.zip"', schema: { type: 'string' } } },
      content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
    },
    ...errorResponses(MODEL_EXPORT_ERRORS),
  },
};

const importOperation: OperationObject = {
  operationId: 'importModelVersion',
  summary: 'Import a model version',
  description:
    "Uploads a zip made by the export route (from this or another Sift) as a new candidate version of this project; a lead puts it live like any other version. Labels are matched by name and must all exist in this project; the encoder must be the one this project's data type uses. Needs an API key with the import scope, or a signed-in lead or owner.",
  tags: ['Models'],
  security: [{ apiKey: [] }],
  parameters: [PROJECT_ID_PARAMETER],
  requestBody: {
    required: true,
    description: 'multipart/form-data with the zip as its one file.',
    content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary', contentMediaType: 'application/zip', description: 'The exported zip.' } } } } },
  },
  responses: {
    '201': {
      description: 'The new candidate version.',
      content: {
        'application/json': {
          schema: ref('ImportedModelVersion'),
          examples: { imported: { summary: 'A candidate', value: { versionId: 42, version: 4, status: 'candidate', labels: ['card_arrival', 'exchange_rate'], reason: 'imported from Banking v3' } } },
        },
      },
    },
    ...errorResponses(MODEL_IMPORT_ERRORS),
  },
};

const schemas: Record<string, SchemaObject> = {
  ImportedModelVersion: {
    type: 'object',
    required: ['versionId', 'version', 'status', 'labels', 'reason'],
    properties: {
      versionId: { type: 'integer', minimum: 1 },
      version: { type: 'integer', minimum: 1, description: 'Its number in this project.' },
      status: { type: 'string', enum: ['candidate'], description: 'Imported versions never go live by themselves.' },
      labels: { type: 'array', items: { type: 'string' }, description: 'The labels it predicts, in output order.' },
      reason: { type: 'string' },
    },
  },
};

/** The document with the model export and import routes added. */
export function withModelTransfer(doc: OpenApiDocument): OpenApiDocument {
  return {
    ...doc,
    paths: { ...doc.paths, '/projects/{projectId}/models/{version}/export': { get: exportOperation }, '/projects/{projectId}/models/import': { post: importOperation } },
    components: { ...doc.components, schemas: { ...doc.components.schemas, ...schemas } },
  };
}
