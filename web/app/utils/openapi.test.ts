import { describe, expect, it } from 'vitest';
import { fieldRows, isOpenApiDocument, operationsOf, rulesOf, typeName, type OpenApiDocument } from './openapi.ts';

const doc = {
  openapi: '3.1.0',
  info: { title: 't', version: '1', description: '' },
  servers: [],
  security: [],
  paths: { '/x': { post: { operationId: 'x', summary: '', description: '', parameters: [], responses: {} } } },
  components: {
    securitySchemes: {},
    schemas: {
      Body: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', minItems: 1, maxItems: 64, items: { oneOf: [{ $ref: '#/components/schemas/Text' }, { $ref: '#/components/schemas/Image' }] } } } },
      Text: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 20000, description: 'The text.' } } },
      Image: { type: 'object', properties: { image: { type: 'string', contentEncoding: 'base64' } } },
      Answer: { type: 'object', properties: { label: { type: ['string', 'null'] }, probabilities: { type: 'object', additionalProperties: { type: 'number' } } } },
    },
  },
} satisfies OpenApiDocument;

describe('rendering an OpenAPI document', () => {
  it('flattens nested fields, arrays and alternatives into rows', () => {
    const rows = fieldRows(doc, { $ref: '#/components/schemas/Body' });
    expect(rows.map((r) => [r.path, r.type, r.required])).toEqual([
      ['inputs', 'array of Text or Image', true],
      ['inputs[].text', 'string', true],
      ['inputs[].image', 'string', false],
    ]);
    expect(rows[0]!.rules).toEqual(['1–64 items']);
    expect(rows[1]).toMatchObject({ rules: ['1–20,000 characters'], description: 'The text.' });
    expect(rows[2]!.rules).toEqual(['base64']);
    expect(rows.map((r) => r.alternative)).toEqual([undefined, 'Text', 'Image']);
    expect(rulesOf({ type: 'string', minLength: 1 })).toEqual(['not empty']);
  });

  it('names nullable types and label maps', () => {
    const rows = fieldRows(doc, doc.components.schemas.Answer);
    expect(rows.map((r) => r.type)).toEqual(['string or null', 'map of label → number']);
    expect(typeName(doc, { type: 'string', format: 'binary' })).toBe('file');
    expect(rulesOf({ minimum: 0, maximum: 1 })).toEqual(['0 to 1']);
  });

  it('lists operations and recognises a document', () => {
    expect(operationsOf(doc).map((o) => `${o.method} ${o.path}`)).toEqual(['POST /x']);
    expect(isOpenApiDocument(doc)).toBe(true);
    expect(isOpenApiDocument({ error: 'nope' })).toBe(false);
  });
});
