import type { OpenApiDocument, OperationObject, SchemaObject, DocumentedError } from '../predict/openapi.ts';
import { DATABASE_UNAVAILABLE, errorResponses, keyOrLeadAuthErrors, PROJECT_ID_PARAMETER, ref } from '../predict/openapi.ts';
import { Env } from '../env.ts';

const defaults = Env.parse({});

/** Every error the export route answers with (before streaming starts), and an example message. */
export const EXPORT_ERRORS: DocumentedError[] = [
  { status: 400, code: 'INVALID', when: 'A query parameter is malformed or unknown, or the label is not in the project.', message: 'format must be csv, jsonl or zip' },
  ...keyOrLeadAuthErrors('export'),
  { status: 404, code: 'NOT_FOUND', when: 'No such project (signed-in users).', message: 'project 9 does not exist' },
  { status: 429, code: 'TOO_MANY', when: `This key (or signed-in user) made more exports this minute than SIFT_TRANSFER_RATE_PER_MINUTE allows (${defaults.SIFT_TRANSFER_RATE_PER_MINUTE} by default), or already has SIFT_EXPORT_CONCURRENCY exports streaming (${defaults.SIFT_EXPORT_CONCURRENCY} by default); wait the seconds in Retry-After.`, message: `rate limit of ${defaults.SIFT_TRANSFER_RATE_PER_MINUTE} export requests per minute for this key: retry in 2 s` },
  DATABASE_UNAVAILABLE,
];

const operation: OperationObject = {
  operationId: 'exportProjectData',
  summary: "Export a project's data",
  description:
    "Every sample (id order) with its final label and how it was resolved, its split (check: a random check sample, drawn at random from the pool, on which the Models page measures accuracy; train: every other sample), every annotation (annotator, email, time, durationMs) and the live model version's prediction where the trainer scored the sample (unlabeled samples). Streamed: any size in constant server memory. Needs an API key with the export scope, or a signed-in lead or owner (session cookie). CSV cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading ' — the import removes it again. A CSV or JSONL export of a text project, and a zip export of any project, imports back into a project with the same labels.",
  tags: ['Exports'],
  security: [{ apiKey: [] }],
  parameters: [
    PROJECT_ID_PARAMETER,
    {
      name: 'format',
      in: 'query',
      required: false,
      description:
        'csv (default; metadata and annotations as JSON cells), jsonl (one JSON object per line) or zip: the JSONL records as samples.jsonl plus, in image projects, every image (the way to export image bytes).',
      schema: { type: 'string', enum: ['csv', 'jsonl', 'zip'] },
      example: 'jsonl',
    },
    { name: 'resolved', in: 'query', required: false, description: 'true: only samples with a final label.', schema: { type: 'string', enum: ['true', 'false'] }, example: 'true' },
    { name: 'split', in: 'query', required: false, description: 'Only the random check samples (check) or every other sample (train).', schema: { type: 'string', enum: ['train', 'check'] }, example: 'check' },
    { name: 'label', in: 'query', required: false, description: 'Only samples resolved to this label (by name).', schema: { type: 'string', minLength: 1, maxLength: 200 }, example: 'card_arrival' },
  ],
  responses: {
    '200': {
      description: 'The file, as an attachment (Content-Disposition names it). A failure after the first byte cuts the connection rather than ending the file early.',
      headers: { 'Content-Disposition': { description: 'attachment; filename="sift-<project>-<id>-<date>.<format>"', schema: { type: 'string' } } },
      content: {
        'text/csv': { schema: { type: 'string', description: 'Header: id,text (image in image projects),metadata,label,resolution,split,annotations,prediction,confidence.' } },
        'application/x-ndjson': { schema: ref('ExportRecord') },
        'application/zip': {
          schema: {
            type: 'string',
            format: 'binary',
            description:
              "format=zip: images/<sample id>-<name> for each image (stored, not recompressed), then samples.jsonl with one ExportRecord per line whose image is that path inside the zip and imageName the sample's name. Zip64 when it passes 4 GiB or 65,535 entries. Importing it into an image project brings back the images, their metadata, names and final labels.",
          },
        },
      },
    },
    ...errorResponses(EXPORT_ERRORS),
  },
};

const schemas: Record<string, SchemaObject> = {
  ExportRecord: {
    type: 'object',
    description: 'One line of a JSONL export (a CSV row has the same columns).',
    required: ['id', 'metadata', 'label', 'resolution', 'split', 'annotations', 'prediction', 'confidence'],
    properties: {
      id: { type: 'integer', description: "The sample's id in this project." },
      text: { type: 'string', description: 'Text projects: the sample.' },
      image: { type: 'string', description: "Image projects: the image's file name (bytes are only in a zip export, where this is the image's path inside the zip)." },
      imageName: { type: 'string', description: "Zip exports of image projects: the image's file name." },
      metadata: { type: 'object', description: 'The columns imported with the sample.' },
      label: { type: ['string', 'null'], description: 'The final label; null while unresolved.' },
      resolution: { type: ['string', 'null'], description: 'How the final label was reached: single, agreement or review; null while unresolved.' },
      split: { type: 'string', enum: ['train', 'check'], description: 'check: a random check sample (the evaluation slice); train: any other sample.' },
      annotations: { type: 'array', items: ref('ExportAnnotation'), description: 'Oldest first.' },
      prediction: { type: ['string', 'null'], description: "The live version's predicted label, where the trainer scored this sample (the unlabeled pool)." },
      // No `type`: a number, or null with no prediction (the document's schema type has no number-or-null).
      confidence: { minimum: 0, maximum: 1, description: 'Its probability (a number), or null with no prediction.' },
    },
  },
  ExportAnnotation: {
    type: 'object',
    required: ['label', 'annotator', 'email', 'createdAt', 'updatedAt', 'durationMs'],
    properties: {
      label: { type: 'string' },
      annotator: { type: 'string', description: "The annotator's name." },
      email: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time', description: 'Later than createdAt when the annotator changed the label.' },
      durationMs: { type: 'integer', minimum: 0, description: 'Time spent on the sample; 0 for imported labels.' },
    },
  },
};

/** The document with the data export route added (served at /api/v1/openapi.json with the prediction API). */
export function withDataExport(doc: OpenApiDocument): OpenApiDocument {
  return {
    ...doc,
    paths: { ...doc.paths, '/projects/{projectId}/export': { get: operation } },
    components: { ...doc.components, schemas: { ...doc.components.schemas, ...schemas } },
  };
}
