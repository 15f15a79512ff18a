import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { Env } from '../env.ts';
import { httpStatusOf } from '../errors.ts';
import { readImageHeader } from '../import/image-header.ts';
import { MAX_TEXT_LENGTH, predictOpenApi, type OpenApiDocument, type SchemaObject } from './openapi.ts';
import { PredictParams, PredictQuery, predictBody } from './predict.schema.ts';
import { unresolvedRefs } from '#test/setup/openapi.ts';

// The document is written by hand; these checks tie each stated fact to the code that enforces it.
const defaults = Env.parse({});
const doc = predictOpenApi(defaults);
const operation = doc.paths['/projects/{projectId}/predict']!.post!;
const body = predictBody(defaults.SIFT_PREDICT_MAX_BATCH);
const texts = (n: number, text = 'x') => ({ inputs: Array.from({ length: n }, () => ({ text })) });

function resolve(schema: SchemaObject): SchemaObject {
  return schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]! : schema;
}

describe('the OpenAPI document of the prediction API', () => {
  it('is OpenAPI 3.1 with the package version, and every $ref and security scheme resolves', () => {
    const typed: OpenApiDocument = doc;
    expect(typed.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(pkg.version);
    expect(unresolvedRefs(doc)).toEqual([]);
    for (const s of [...doc.security, ...(operation.security ?? [])]) for (const name of Object.keys(s)) expect(doc.components.securitySchemes[name]).toBeDefined();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('states the batch limit the body schema enforces, from the environment default', () => {
    const request = resolve(operation.requestBody!.content['application/json']!.schema);
    const inputs = request.properties!.inputs!;
    expect(inputs.maxItems).toBe(defaults.SIFT_PREDICT_MAX_BATCH);
    expect(inputs.minItems).toBe(1);
    expect(body.safeParse(texts(inputs.maxItems!)).success).toBe(true);
    expect(body.safeParse(texts(inputs.maxItems! + 1)).success).toBe(false);
    expect(body.safeParse(texts(0)).success).toBe(false);
    // Another server's limits show up in its own document.
    const other = predictOpenApi({ ...defaults, SIFT_PREDICT_MAX_BATCH: 5, SIFT_API_RATE_PER_MINUTE: 7 });
    expect(JSON.stringify(other.components.schemas.PredictRequest)).toContain('"maxItems":5');
    expect(other.paths['/projects/{projectId}/predict']!.post!.responses['429']!.content!['application/json']!.examples!.TOO_MANY!.value).toMatchObject({
      error: { message: expect.stringContaining('7 requests per minute') },
    });
  });

  it('states the text and input rules the body schema enforces', () => {
    const text = doc.components.schemas.TextInput!.properties!.text!;
    expect(text.maxLength).toBe(MAX_TEXT_LENGTH);
    expect(body.safeParse(texts(1, 'x'.repeat(MAX_TEXT_LENGTH))).success).toBe(true);
    expect(body.safeParse(texts(1, 'x'.repeat(MAX_TEXT_LENGTH + 1))).success).toBe(false);
    expect(body.safeParse(texts(1, '')).success).toBe(false);
    // What Postgres cannot store is refused up front, as the description says.
    expect(text.description).toMatch(/NUL.*unpaired UTF-16 surrogate/);
    for (const bad of ['hi\u0000', 'a\ud800b', '\udc00']) {
      const parsed = body.safeParse({ inputs: [{ text: 'fine' }, { text: bad }] });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ['inputs', 1, 'text'], message: expect.stringMatching(/^text contains (a NUL character|an unpaired UTF-16 surrogate)/) });
    }
    expect(body.safeParse(texts(1, 'emoji 👩🏽‍💻 pairs are fine')).success).toBe(true);
    // additionalProperties: false is zod's .strict(), on the body and on each input.
    expect(doc.components.schemas.PredictRequest!.additionalProperties).toBe(false);
    expect(body.safeParse({ ...texts(1), extra: 1 }).success).toBe(false);
    expect(body.safeParse({ inputs: [{ text: 'x', extra: 1 }] }).success).toBe(false);
  });

  it('has request examples the server accepts, the image one a real PNG', () => {
    const examples = operation.requestBody!.content['application/json']!.examples!;
    for (const [name, example] of Object.entries(examples)) expect(body.safeParse(example.value).success, name).toBe(true);
    const image = (examples.image!.value as { inputs: { image: string }[] }).inputs[0]!.image;
    expect(readImageHeader(Buffer.from(image, 'base64'))?.mime).toBe('image/png');
  });

  it('names exactly the path and query parameters the route parses, with their bounds', () => {
    const names = (where: string) => operation.parameters.filter((p) => p.in === where).map((p) => p.name).sort();
    expect(names('path')).toEqual(Object.keys(PredictParams.shape).sort());
    expect(names('query')).toEqual(Object.keys(PredictQuery.shape).sort());
    const threshold = operation.parameters.find((p) => p.name === 'threshold')!.schema;
    for (const [value, ok] of [[threshold.minimum!, true], [threshold.maximum!, true], [threshold.minimum! - 0.01, false], [threshold.maximum! + 0.01, false]] as const) {
      expect(PredictQuery.safeParse({ threshold: String(value) }).success, String(value)).toBe(ok);
    }
    const version = operation.parameters.find((p) => p.name === 'version')!.schema;
    expect(PredictQuery.safeParse({ version: String(version.minimum) }).success).toBe(true);
    expect(PredictQuery.safeParse({ version: String(version.minimum! - 1) }).success).toBe(false);
    for (const p of operation.parameters) expect(p.in === 'path' ? p.required : !p.required, p.name).toBe(true);
  });

  it('documents every error code at the status errors.ts maps it to, with an example body', () => {
    const documented = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
    const codes = documented.map(([status, response]) => {
      const examples = Object.values(response.content!['application/json']!.examples!);
      expect(examples.length, status).toBeGreaterThan(0);
      const { code, message } = (examples[0]!.value as { error: { code: string; message: string } }).error;
      expect(message.length, status).toBeGreaterThan(0);
      expect(code === 'INTERNAL' ? 500 : httpStatusOf[code as keyof typeof httpStatusOf], code).toBe(Number(status));
      return code;
    });
    expect(codes.filter((c) => c !== 'INTERNAL').sort()).toEqual(Object.keys(httpStatusOf).sort());
    expect(doc.components.schemas.Error!.properties!.error!.properties!.code!.enum!.slice().sort()).toEqual(codes.sort());
    expect(operation.responses['429']!.headers).toHaveProperty('Retry-After');
  });

  it('has a success example with every required field, probabilities summing to 1 and abstentions unlabeled', () => {
    const example = Object.values(operation.responses['200']!.content!['application/json']!.examples!)[0]!.value as {
      modelVersion: number;
      predictions: { label: string | null; confidence: number; probabilities: Record<string, number>; abstained?: true }[];
    };
    for (const key of doc.components.schemas.PredictResponse!.required!) expect(example).toHaveProperty(key);
    for (const p of example.predictions) {
      for (const key of doc.components.schemas.Prediction!.required!) expect(p).toHaveProperty(key);
      expect(Object.values(p.probabilities).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
      expect(p.confidence).toBe(Math.max(...Object.values(p.probabilities)));
      expect(p.abstained === true ? p.label === null : p.label !== null).toBe(true);
    }
  });
});
