/**
 * The typed client (client/sift-client.ts) against the OpenAPI document the server serves: every
 * operation it calls exists with its method and query parameters, and its types have exactly the
 * fields the document's schemas name.
 */
import { describe, expect, it } from 'vitest';
import { OPERATIONS, type ImportedModelVersion, type ImportResult, type Prediction, type PredictResponse } from '#client/sift-client.ts';
import { predictOpenApi, type SchemaObject } from './openapi.ts';
import { withDataExport } from '../export/export.openapi.ts';
import { withImport } from '../import/import.openapi.ts';
import { withModelTransfer } from '../model-transfer/model-transfer.openapi.ts';

const doc = withModelTransfer(withImport(withDataExport(predictOpenApi({ SIFT_PREDICT_MAX_BATCH: 64, SIFT_PREDICT_MAX_BODY_MB: 10, SIFT_API_RATE_PER_MINUTE: 600 }))));
const schema = (name: string): SchemaObject => doc.components.schemas[name]!;

// One value of each client type with every field: `satisfies Required<…>` fails to compile if the
// client's type gains or loses a field, and the test compares the keys with the document.
const samples = {
  PredictResponse: { modelVersion: 1, predictions: [] } satisfies Required<PredictResponse>,
  Prediction: { label: 'a', confidence: 1, probabilities: {}, abstained: true } satisfies Required<Prediction>,
  ImportResult: { batchId: 1, rows: 1, imported: 1, duplicates: 0, labeled: 0, restored: 0 } satisfies Required<ImportResult>,
  ImportedModelVersion: { versionId: 1, version: 1, status: 'candidate', labels: [], reason: 'r' } satisfies Required<ImportedModelVersion>,
};

describe('the typed client and the OpenAPI document', () => {
  it.each(Object.entries(OPERATIONS))('%s: the method, path and query parameters exist', (_name, op) => {
    const operation = doc.paths[op.path]?.[op.method];
    expect(operation, `${op.method} ${op.path}`).toBeDefined();
    const query = operation!.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect([...op.query].sort()).toEqual(query.sort());
    const placeholders = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect(operation!.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(placeholders);
  });

  it.each(Object.entries(samples))('%s has exactly the fields of its schema', (name, value) => {
    expect(Object.keys(value).sort()).toEqual(Object.keys(schema(name).properties ?? {}).sort());
    for (const required of schema(name).required ?? []) expect(value).toHaveProperty(required);
  });

  it('every operation the document lists is one the client can call', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    const called = Object.values(OPERATIONS).map((op) => `${op.method} ${op.path}`);
    expect(called.sort()).toEqual(listed.sort());
  });
});
