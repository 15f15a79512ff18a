import { describe, expect, it } from 'vitest';
import { Env } from '../env.ts';
import { httpStatusOf } from '../errors.ts';
import { predictOpenApi } from '../predict/openapi.ts';
import { withModelTransfer } from './model-transfer.openapi.ts';
import { ModelExportParams, ModelImportParams } from './model-transfer.schema.ts';
import { unresolvedRefs } from '#test/setup/openapi.ts';

const doc = withModelTransfer(predictOpenApi(Env.parse({})));
const exportOp = doc.paths['/projects/{projectId}/models/{version}/export']!.get!;
const importOp = doc.paths['/projects/{projectId}/models/import']!.post!;

describe('the model export and import routes in the OpenAPI document', () => {
  it('keeps the prediction API and resolves every $ref', () => {
    expect(doc.paths['/projects/{projectId}/predict']?.post).toBeDefined();
    expect(unresolvedRefs(doc)).toEqual([]);
  });

  it('names exactly the path parameters the routes parse', () => {
    const names = (op: typeof exportOp) => op.parameters.filter((p) => p.in === 'path').map((p) => p.name).sort();
    expect(names(exportOp)).toEqual(Object.keys(ModelExportParams.shape).sort());
    expect(names(importOp)).toEqual(Object.keys(ModelImportParams.shape).sort());
    for (const p of exportOp.parameters) expect(ModelExportParams.shape[p.name as 'version'].safeParse(String(p.example)).success, p.name).toBe(true);
  });

  it('documents each error at the status errors.ts maps its code to, with a code the Error schema lists', () => {
    for (const op of [exportOp, importOp]) {
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400)) {
        const example = Object.values(response.content!['application/json']!.examples!)[0]!.value as { error: { code: keyof typeof httpStatusOf } };
        expect(httpStatusOf[example.error.code], `${op.operationId} ${status}`).toBe(Number(status));
        expect(doc.components.schemas.Error!.properties!.error!.properties!.code!.enum).toContain(example.error.code);
      }
    }
    const example = importOp.responses['201']!.content!['application/json']!.examples!.imported!.value as Record<string, unknown>;
    for (const key of doc.components.schemas.ImportedModelVersion!.required!) expect(example).toHaveProperty(key);
  });
});
