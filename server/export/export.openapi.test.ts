import { describe, expect, it } from 'vitest';
import { Env } from '../env.ts';
import { httpStatusOf } from '../errors.ts';
import { predictOpenApi } from '../predict/openapi.ts';
import { withDataExport } from './export.openapi.ts';
import { ExportParams, ExportQuery } from './export.schema.ts';
import { EXPORT_COLUMNS } from './export-layout.ts';
import { unresolvedRefs } from '#test/setup/openapi.ts';

const doc = withDataExport(predictOpenApi(Env.parse({})));
const operation = doc.paths['/projects/{projectId}/export']!.get!;

describe('the export route in the OpenAPI document', () => {
  it('keeps the prediction API and resolves every $ref', () => {
    expect(doc.paths['/projects/{projectId}/predict']?.post).toBeDefined();
    expect(unresolvedRefs(doc)).toEqual([]);
  });

  it('names exactly the parameters the route parses, with the values it accepts', () => {
    const names = (where: string) => operation.parameters.filter((p) => p.in === where).map((p) => p.name).sort();
    expect(names('path')).toEqual(Object.keys(ExportParams.shape).sort());
    expect(names('query')).toEqual(Object.keys(ExportQuery.shape).sort());
    for (const p of operation.parameters.filter((q) => q.in === 'query')) {
      expect(ExportQuery.safeParse({ [p.name]: String(p.example) }).success, p.name).toBe(true);
      for (const value of p.schema.enum ?? []) expect(ExportQuery.safeParse({ [p.name]: value }).success, `${p.name}=${value}`).toBe(true);
    }
    expect(ExportQuery.safeParse({ format: 'xml' }).success).toBe(false);
  });

  it('documents each error at the status errors.ts maps its code to, and the record the JSONL lines hold', () => {
    for (const [status, response] of Object.entries(operation.responses).filter(([s]) => Number(s) >= 400)) {
      const example = Object.values(response.content!['application/json']!.examples!)[0]!.value as { error: { code: keyof typeof httpStatusOf } };
      expect(httpStatusOf[example.error.code]).toBe(Number(status));
      expect(doc.components.schemas.Error!.properties!.error!.properties!.code!.enum).toContain(example.error.code);
    }
    const record = doc.components.schemas.ExportRecord!;
    expect(Object.keys(record.properties!).filter((k) => k !== 'image' && k !== 'imageName').sort()).toEqual([...EXPORT_COLUMNS].sort());
    expect(operation.responses['200']!.content!['application/zip']).toBeDefined();
  });
});
