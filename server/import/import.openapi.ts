import type { OpenApiDocument, OperationObject, SchemaObject, DocumentedError } from '../predict/openapi.ts';
import { DATABASE_UNAVAILABLE, errorResponses, keyOrLeadAuthErrors, PROJECT_ID_PARAMETER, ref } from '../predict/openapi.ts';
import { Env } from '../env.ts';

const defaults = Env.parse({});

/** Every error the import route answers with, and an example message. */
export const IMPORT_ERRORS: DocumentedError[] = [
  { status: 400, code: 'INVALID', when: 'The file cannot be read, a row is bad (the message names it), or a label name is not in the project. Nothing is imported.', message: 'row 12: the text column is empty' },
  ...keyOrLeadAuthErrors('import', "the member (or the key's creator)"),
  { status: 404, code: 'NOT_FOUND', when: 'No such project.', message: 'project 9 does not exist' },
  { status: 413, code: 'TOO_LARGE', when: 'The upload is over the server limit (SIFT_MAX_UPLOAD_MB) or has too many rows.', message: 'the file is larger than 50 MB' },
  { status: 429, code: 'TOO_MANY', when: `This key (or signed-in user) made more imports and previews this minute than SIFT_TRANSFER_RATE_PER_MINUTE allows (${defaults.SIFT_TRANSFER_RATE_PER_MINUTE} by default); wait the seconds in Retry-After.`, message: `rate limit of ${defaults.SIFT_TRANSFER_RATE_PER_MINUTE} import requests per minute for this key: retry in 2 s` },
  DATABASE_UNAVAILABLE,
];

const operation: OperationObject = {
  operationId: 'importFile',
  summary: 'Import samples',
  description:
    'Upload CSV, TSV, JSONL or JSON (text projects), or images and zips of images (image projects), as multipart/form-data. One transaction: a bad row refuses the whole file, naming the row. Samples already in the project (same content) are counted as duplicates, not added. A labelField column brings labels along, as annotations of the importer. A Sift export brings its final labels and its annotations: those by members of this project (matched by email) come back as theirs, with their times; a label whose annotators are not members becomes an annotation by the importer. Needs an API key with the import scope (it acts as the lead who created it) or a signed-in lead or owner.',
  tags: ['Imports'],
  security: [{ apiKey: [] }],
  parameters: [PROJECT_ID_PARAMETER],
  requestBody: {
    required: true,
    description: 'The file(s), plus optional column names.',
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          properties: {
            file: { type: 'string', format: 'binary', description: 'The file; repeat the field for several images.' },
            textField: { type: 'string', description: 'The column with the text, when it is not called text (or similar).' },
            labelField: { type: 'string', description: 'A column of label names: those samples arrive labeled.' },
          },
        },
      },
    },
  },
  responses: {
    '200': { description: 'What was imported.', content: { 'application/json': { schema: ref('ImportResult') } } },
    ...errorResponses(IMPORT_ERRORS),
  },
};

const schemas: Record<string, SchemaObject> = {
  ImportResult: {
    type: 'object',
    required: ['batchId', 'rows', 'imported', 'duplicates', 'labeled', 'restored'],
    properties: {
      batchId: { type: 'integer', description: 'The import batch, as listed on the Import page.' },
      rows: { type: 'integer', minimum: 0, description: 'Rows (or images) in the upload.' },
      imported: { type: 'integer', minimum: 0, description: 'New samples.' },
      duplicates: { type: 'integer', minimum: 0, description: 'Rows already in the project (same content), skipped.' },
      labeled: { type: 'integer', minimum: 0, description: 'New samples that arrived resolved: with a label, or with annotations that agree.' },
      restored: { type: 'integer', minimum: 0, description: "Annotations of a Sift export restored as their annotators' own: those by members of this project (matched by email)." },
    },
  },
};

/** The document with the import route added. */
export function withImport(doc: OpenApiDocument): OpenApiDocument {
  return {
    ...doc,
    paths: { ...doc.paths, '/projects/{projectId}/import': { post: operation } },
    components: { ...doc.components, schemas: { ...doc.components.schemas, ...schemas } },
  };
}
