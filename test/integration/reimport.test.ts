/**
 * Re-importing a Sift export into another project: annotations by people who are members there
 * come back as theirs (labels, times, durations), nobody else's are invented, and every final
 * label is the source project's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import type { TestClient } from '#test/setup/http.ts';
import { signedInClient } from '#test/factories/team.ts';
import { buildUser } from '#test/factories/users.ts';

interface Row {
  text: string;
  label: string | null;
  resolution: string | null;
  annotations: { label: string; annotator: string; email: string; createdAt: string; updatedAt: string; durationMs: number }[];
}

const read = (format: 'csv' | 'jsonl', body: string): Row[] =>
  format === 'jsonl'
    ? body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row)
    : (parse(body, { columns: true }) as Record<string, string>[]).map((r) => ({ text: r.text!, label: r.label || null, resolution: r.resolution || null, annotations: JSON.parse(r.annotations!) as Row['annotations'] }));

describe.each(databaseBackends())('re-importing an export on %s', (backend) => {
  let app: TestApp;
  let owner: TestClient;
  const ann = buildUser();
  const bo = buildUser();
  let annClient: TestClient;
  let boClient: TestClient;
  let source: number;

  const createProject = async (name: string) => {
    const { id } = await owner.mutate<{ id: number }>('projects.create', { name, dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
    await owner.mutate('models.updateSettings', { projectId: id, settings: { overlap: 2 } });
    return id;
  };
  const join = async (projectId: number, email: string, client: TestClient) => {
    const { token } = await owner.mutate<{ token: string }>('projects.invite', { projectId, email, role: 'annotator' });
    await client.mutate('projects.acceptInvite', { token });
  };
  const exportOf = async (projectId: number, format: 'csv' | 'jsonl') => (await owner.request(`/api/v1/projects/${projectId}/export?format=${format}`)).text();

  beforeAll(async () => {
    app = await startTestApp(backend);
    owner = await signedInClient(app);
    annClient = await signedInClient(app, ann);
    boClient = await signedInClient(app, bo);
    source = await createProject('Source');
    await join(source, ann.email, annClient);
    await join(source, bo.email, boClient);
    expect((await owner.upload(`/api/v1/projects/${source}/import`, [{ name: 's.csv', data: 'text\nagreed\ndisputed\nhalf done\nuntouched\n' }])).status).toBe(200);
    const { labels } = await owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId: source });
    const labelId = Object.fromEntries(labels.map((l) => [l.name, l.id]));
    const samples = await app.deps.db.selectFrom('sample').select(['id', 'text']).where('project_id', '=', source).execute();
    const sampleId = Object.fromEntries(samples.map((s) => [s.text!, s.id]));
    const annotate = (client: TestClient, text: string, label: string, durationMs: number) => client.mutate('labeling.annotate', { projectId: source, sampleId: sampleId[text], labelId: labelId[label], durationMs });
    await annotate(annClient, 'agreed', 'b', 900);
    await annotate(annClient, 'agreed', 'a', 1200); // changed: updatedAt after createdAt
    await annotate(boClient, 'agreed', 'a', 800);
    await annotate(annClient, 'disputed', 'a', 300);
    await annotate(boClient, 'disputed', 'b', 400);
    await owner.mutate('review.resolve', { projectId: source, sampleId: sampleId.disputed, labelId: labelId.b });
    await annotate(annClient, 'half done', 'b', 50);
  });
  afterAll(() => app?.close());

  it.each(['jsonl', 'csv'] as const)("restores a member's annotations and the final labels from %s, inventing none", async (format) => {
    const exported = read(format, await exportOf(source, format));
    const byText = new Map(exported.map((r) => [r.text, r]));
    expect([byText.get('agreed')!.resolution, byText.get('disputed')!.resolution, byText.get('half done')!.resolution]).toEqual(['agreement', 'review', null]);
    const agreed = byText.get('agreed')!.annotations.find((a) => a.email === ann.email)!;
    expect(Date.parse(agreed.updatedAt)).toBeGreaterThan(Date.parse(agreed.createdAt));

    // Ann is a member of the copy; Bo is not.
    const copy = await createProject(`Copy ${format}`);
    await join(copy, ann.email, annClient);
    const res = await owner.upload(`/api/v1/projects/${copy}/import`, [{ name: `export.${format}`, data: await exportOf(source, format) }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: 4, labeled: 2, restored: 3 });

    const again = read(format, await exportOf(copy, format));
    const key = (rows: Row[]) => rows.map((r) => [r.text, r.label]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(key(again)).toEqual(key(exported));
    for (const row of again) {
      const original = byText.get(row.text)!.annotations.filter((a) => a.email === ann.email);
      // Only Ann's, exactly as they were (label, both times, duration); none for Bo or the importer.
      expect(row.annotations, row.text).toEqual(original);
    }
    // One annotation of two under overlap 2 does not resolve a sample: the export's label stands as a review.
    expect(again.map((r) => [r.text, r.resolution]).sort()).toEqual([['agreed', 'review'], ['disputed', 'review'], ['half done', null], ['untouched', null]]);
  });
});
