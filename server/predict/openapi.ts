import pkg from '../../package.json' with { type: 'json' };
import type { AppErrorCode } from '../errors.ts';
import type { Env } from '../env.ts';

/** The parts of JSON Schema (2020-12, as OpenAPI 3.1 uses it) this document needs. */
export interface SchemaObject {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | ['string', 'null'];
  description?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  oneOf?: SchemaObject[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  const?: string | number | boolean;
  enum?: string[];
  format?: string;
  contentEncoding?: string;
  contentMediaType?: string;
}
export interface ExampleObject {
  summary: string;
  value: unknown;
}
export interface MediaTypeObject {
  schema: SchemaObject;
  examples?: Record<string, ExampleObject>;
}
export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description: string;
  schema: SchemaObject;
  example?: string | number;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: SchemaObject }>;
  content?: Record<string, MediaTypeObject>;
}
export interface OperationObject {
  operationId: string;
  summary: string;
  description: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters: ParameterObject[];
  requestBody?: { required: boolean; description: string; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Partial<Record<'get' | 'post', OperationObject>>>;
  components: {
    schemas: Record<string, SchemaObject>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; bearerFormat: string; description: string }>;
  };
}

/** The server limits the document states; they come from the environment the server runs with. */
export type PredictLimits = Pick<Env, 'SIFT_PREDICT_MAX_BATCH' | 'SIFT_PREDICT_MAX_BODY_MB' | 'SIFT_API_RATE_PER_MINUTE'>;

/** Longest text the prediction API accepts (mirrors `predictBody`; the unit test checks both agree). */
export const MAX_TEXT_LENGTH = 20_000;

/** The `{projectId}` path parameter every operation takes. */
export const PROJECT_ID_PARAMETER: ParameterObject = { name: 'projectId', in: 'path', required: true, description: 'The project, as in its URL: /projects/{projectId}.', schema: { type: 'integer', minimum: 1 }, example: 1 };

/** A reference to one of the document's shared schemas. */
export const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });

/** One documented error: its HTTP status, the `code` in the body, when it happens, and an example message. */
export interface PredictError {
  status: number;
  code: AppErrorCode | 'INTERNAL';
  when: string;
  message: string;
}

/** Every error the endpoint answers with, worded as the server words it under these limits. */
export function predictErrors(limits: PredictLimits): PredictError[] {
  const mib = Math.round(limits.SIFT_PREDICT_MAX_BODY_MB);
  return [
    { status: 400, code: 'INVALID', when: 'The body, a query parameter or the project id is malformed, an input does not fit the project (text to an image project, or the reverse), or an image does not decode (the message names the input).', message: 'inputs: send at least one input' },
    { status: 401, code: 'UNAUTHORIZED', when: 'The Authorization header is missing, or the key is malformed, unknown or revoked.', message: 'this API key was revoked' },
    { status: 403, code: 'FORBIDDEN', when: 'The key is valid but belongs to another project (or lacks the predict scope).', message: 'this API key belongs to another project' },
    { status: 404, code: 'NOT_FOUND', when: 'The version pinned with ?version= does not exist.', message: 'this project has no model version 9' },
    { status: 409, code: 'CONFLICT', when: 'The project has no live model yet, or the pinned version was trained on embeddings this server no longer makes.', message: 'this project has no live model yet: label some samples and let it train' },
    { status: 413, code: 'TOO_LARGE', when: `The body is larger than ${limits.SIFT_PREDICT_MAX_BODY_MB} MiB.`, message: `upload is larger than the ${mib} MiB limit` },
    { status: 429, code: 'TOO_MANY', when: 'This key made too many requests; wait the seconds in Retry-After.', message: `rate limit of ${limits.SIFT_API_RATE_PER_MINUTE} requests per minute for this key: retry in 1 s` },
    { status: 500, code: 'INTERNAL', when: 'A bug: the server logged the details.', message: 'internal error; the server logged the details' },
    { status: 503, code: 'UNAVAILABLE', when: 'The encoder could not embed the inputs (the server is shutting down, or embedding failed or timed out).', message: 'embedding timed out' },
  ];
}

/** An error an operation documents: its status, stable code, when it happens and an example message. */
export interface DocumentedError {
  status: number;
  code: string;
  when: string;
  message: string;
}

/**
 * The 401 and 403 of a route that takes an API key with `scope` or a signed-in lead (exports,
 * imports, models); `member` names who must be a lead when the key is not the problem.
 */
export function keyOrLeadAuthErrors(scope: string, member = 'the signed-in member'): DocumentedError[] {
  return [
    { status: 401, code: 'UNAUTHORIZED', when: 'Neither a session nor an API key, or the key is malformed, unknown or revoked.', message: 'unknown API key' },
    { status: 403, code: 'FORBIDDEN', when: `The key belongs to another project or lacks the ${scope} scope, or ${member} is below lead.`, message: `this API key may not ${scope}` },
  ];
}

/** The 503 of a route whose database is unreachable (see server/http/unavailable.ts). */
export const DATABASE_UNAVAILABLE: DocumentedError = { status: 503, code: 'UNAVAILABLE', when: 'The database cannot be reached right now; retry.', message: 'the database cannot be reached right now' };

/** The responses part of an operation for its documented errors (429 also gets Retry-After). */
export function errorResponses(errors: DocumentedError[]): Record<string, ResponseObject> {
  const retryAfter = { 'Retry-After': { description: 'Seconds until this key may call again.', schema: { type: 'integer', minimum: 1 } as SchemaObject } };
  return Object.fromEntries(
    errors.map((e) => [
      String(e.status),
      {
        description: e.when,
        ...(e.status === 429 ? { headers: retryAfter } : {}),
        content: { 'application/json': { schema: ref('Error'), examples: { [e.code]: { summary: e.when, value: { error: { code: e.code, message: e.message } } } } } },
      },
    ]),
  );
}

/**
 * The OpenAPI 3.1 description of `POST /api/v1/projects/{projectId}/predict`, served at
 * `GET /api/v1/openapi.json` and rendered at /docs/api. Limits are the running server's.
 */
export function predictOpenApi(limits: PredictLimits): OpenApiDocument {
  const maxBatch = limits.SIFT_PREDICT_MAX_BATCH;
  const bodyLimit = `${limits.SIFT_PREDICT_MAX_BODY_MB} MiB`;
  const errors = predictErrors(limits);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sift API',
      version: pkg.version,
      description: `Predictions of a project's live model (or a pinned version) for texts or images, data exports and imports, and model exports and imports, with a project's API key. Every prediction is logged for monitoring and drift checks. Prediction limits on this server: ${maxBatch} inputs per request, ${bodyLimit} per body, ${limits.SIFT_API_RATE_PER_MINUTE} requests per minute per key.`,
    },
    servers: [{ url: '/api/v1', description: 'This Sift server' }],
    security: [{ apiKey: [] }],
    paths: {
      '/projects/{projectId}/predict': {
        post: {
          operationId: 'predict',
          summary: 'Predict labels',
          description: `Send up to ${maxBatch} texts (text projects) or images (image projects). Each answer has the predicted label, its confidence and the probability of every label.`,
          tags: ['Predictions'],
          security: [{ apiKey: [] }],
          parameters: [
            PROJECT_ID_PARAMETER,
            { name: 'version', in: 'query', required: false, description: "Pin a model version (its number on the Models page). Without it, the live version answers, and a new live version takes over without a restart.", schema: { type: 'integer', minimum: 1 }, example: 2 },
            { name: 'threshold', in: 'query', required: false, description: 'Abstain below this confidence: such predictions come back with "label": null and "abstained": true, so your app can ask a person.', schema: { type: 'number', minimum: 0, maximum: 1 }, example: 0.7 },
          ],
          requestBody: {
            required: true,
            description: `JSON with texts or base64 images, or image files as multipart/form-data (any field names, up to ${maxBatch} files). At most ${bodyLimit} in all.`,
            content: {
              'application/json': {
                schema: ref('PredictRequest'),
                examples: {
                  text: { summary: 'Texts (text projects)', value: { inputs: [{ text: 'My card has not arrived yet' }, { text: 'What is the exchange rate?' }] } },
                  image: { summary: 'Base64 images (image projects)', value: { inputs: [{ image: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' }] } },
                },
              },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  description: `Image projects only: one or more PNG, JPEG, GIF or WebP files under any field names, at most ${maxBatch}.`,
                  properties: { file: { type: 'string', format: 'binary', contentMediaType: 'image/*', description: 'An image file; repeat the field for more.' } },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'One prediction per input, in the order sent.',
              content: {
                'application/json': {
                  schema: ref('PredictResponse'),
                  examples: {
                    answer: {
                      summary: 'Two texts',
                      value: {
                        modelVersion: 3,
                        predictions: [
                          { label: 'card_arrival', confidence: 0.91, probabilities: { card_arrival: 0.91, exchange_rate: 0.06, lost_or_stolen_card: 0.03 } },
                          { label: null, confidence: 0.48, probabilities: { card_arrival: 0.21, exchange_rate: 0.48, lost_or_stolen_card: 0.31 }, abstained: true },
                        ],
                      },
                    },
                  },
                },
              },
            },
            ...errorResponses(errors),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'sift_<prefix>_<secret>', description: "A project's API key. Leads and owners create keys on the project's API tab; each key works for its own project only." },
      },
      schemas: {
        PredictRequest: {
          type: 'object',
          required: ['inputs'],
          additionalProperties: false,
          properties: { inputs: { type: 'array', minItems: 1, maxItems: maxBatch, items: { oneOf: [ref('TextInput'), ref('ImageInput')] }, description: 'All texts or all images, matching the project.' } },
        },
        TextInput: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: { text: { type: 'string', minLength: 1, maxLength: MAX_TEXT_LENGTH, description: 'The text to classify. It may not contain NUL (\\u0000) or an unpaired UTF-16 surrogate (400 naming the input).' } },
        },
        ImageInput: {
          type: 'object',
          required: ['image'],
          additionalProperties: false,
          properties: { image: { type: 'string', minLength: 1, contentEncoding: 'base64', description: 'A PNG, JPEG, GIF or WebP image in base64; a data: URL prefix is allowed. One that does not decode (truncated or corrupt) is refused (400 naming the input).' } },
        },
        PredictResponse: {
          type: 'object',
          required: ['modelVersion', 'predictions'],
          properties: {
            modelVersion: { type: 'integer', minimum: 1, description: 'The version that answered.' },
            predictions: { type: 'array', items: ref('Prediction'), description: 'One per input, in order.' },
          },
        },
        Prediction: {
          type: 'object',
          required: ['label', 'confidence', 'probabilities'],
          properties: {
            label: { type: ['string', 'null'], description: 'The most likely label; null when the prediction abstained.' },
            confidence: { type: 'number', minimum: 0, maximum: 1, description: 'Probability of the most likely label.' },
            probabilities: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1 }, description: 'Every label of the project and its probability (they sum to 1).' },
            abstained: { type: 'boolean', const: true, description: 'Present (true) only when confidence was below ?threshold=.' },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: errors.map((e) => e.code), description: 'Stable; branch on this.' },
                message: { type: 'string', description: 'For people; wording may change.' },
                issues: { type: 'object', description: 'With INVALID bodies: the problems per field (zod flatten() shape).' },
              },
            },
          },
        },
      },
    },
  };
}
