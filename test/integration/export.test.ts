import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { replaceQueue } from '#db/queue.ts';
import { drawCheckSamples } from '#db/evaluation.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import type { TestClient } from '#test/setup/http.ts';
import { seedTeam, type Who } from '#test/factories/team.ts';

interface Row {
  id: number;
  text: string;
  metadata: Record<string, unknown>;
  label: string | null;
  resolution: string | null;
  split: string;
  annotations: { label: string; annotator: string; email: string; createdAt: string; durationMs: number }[];
  prediction: string | null;
  confidence: number | null;
}

const TEXTS = ['=SUM(1,2)', 'my card, it "never" came\nsecond line', "'=already quoted", '-5 stars', 'plain one', 'plain two', 'naïve café ☕', '@mention me'];

function readCsv(body: string): Row[] {
  const records = parse(body, { columns: true }) as Record<string, string>[];
  return records.map((r) => ({
    id: Number(r.id),
    text: r.text!,
    metadata: JSON.parse(r.metadata!) as Record<string, unknown>,
    label: r.label || null,
    resolution: r.resolution || null,
    split: r.split!,
    annotations: JSON.parse(r.annotations!) as Row['annotations'],
    prediction: r.prediction || null,
    confidence: r.confidence ? Number(r.confidence) : null,
  }));
}

function readJsonl(body: string): Row[] {
  return body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);
}

describe.each(databaseBackends())('data export over HTTP on %s', (backend) => {
  let app: TestApp;
  let clients: Record<Who, TestClient>;
  let projectId: number;
  let otherId: number;
  let labelIds: Record<string, number>;
  let sampleIds: Map<string, number>;
  const path = (query = '', id = projectId) => `/api/v1/projects/${id}/export${query}`;

  beforeAll(async () => {
    app = await startTestApp(backend);
    const team = await seedTeam(app, [{ name: 'Support tickets / EU', dataType: 'text' }, { name: 'Other', dataType: 'text' }]);
    clients = team.clients;
    [projectId, otherId] = team.projectIds as [number, number];
    const csv = 'text,source\n' + TEXTS.map((t, i) => `"${t.replaceAll('"', '""')}",s${i}`).join('\n') + '\n';
    const res = await clients.owner.upload(`/api/v1/projects/${projectId}/import`, [{ name: 'seed.csv', data: csv }]);
    expect(res.status).toBe(200);
    const project = await clients.owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId });
    labelIds = Object.fromEntries(project.labels.map((l) => [l.name, l.id]));
    const samples = await app.deps.db.selectFrom('sample').select(['id', 'text']).where('project_id', '=', projectId).execute();
    sampleIds = new Map(samples.map((s) => [s.text!, s.id]));
    await drawCheckSamples(app.deps.db, projectId, 2);
    const annotate = (who: Who, text: string, label: string, durationMs: number) =>
      clients[who].mutate('labeling.annotate', { projectId, sampleId: sampleIds.get(text), labelId: labelIds[label], durationMs });
    await annotate('annotator', TEXTS[0]!, 'a', 1200);
    await annotate('lead', TEXTS[0]!, 'b', 800); // disagreement: unresolved until a reviewer decides
    await clients.reviewer.mutate('review.resolve', { projectId, sampleId: sampleIds.get(TEXTS[0]!), labelId: labelIds.b });
    await annotate('annotator', TEXTS[7]!, 'a', 10);
    await annotate('lead', TEXTS[7]!, 'b', 20); // left in the review queue
    await annotate('annotator', TEXTS[1]!, 'a', 300);
    await annotate('owner', TEXTS[2]!, 'b', 50);
    await annotate('owner', TEXTS[6]!, 'a', 70);
    // A live version that scored one unlabeled sample: the export shows its prediction.
    const version = await app.deps.db
      .insertInto('model_version')
      .values({ project_id: projectId, version: 1, status: 'active', encoder: 'test', metrics: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await app.deps.db.transaction().execute((trx) =>
      replaceQueue(trx, projectId, [
        { sampleId: sampleIds.get('plain one')!, rank: 0, strategy: 'margin', modelVersionId: version.id, predictedLabelId: labelIds.b!, confidence: 0.75, explanation: null },
      ]),
    );
  });
  afterAll(() => app?.close());

  it('streams every sample as CSV with labels, resolutions, splits, annotations and predictions', async () => {
    const res = await clients.owner.request(path('?format=csv'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="sift-support-tickets-eu-${projectId}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const body = await res.text();
    expect(body.startsWith('id,text,metadata,label,resolution,split,annotations,prediction,confidence\r\n')).toBe(true);
    // Formula-like cells are guarded; the quote escape stays reversible.
    expect(body).toContain("'=SUM(1,2)");
    expect(body).toContain("''=already quoted");
    expect(body).toContain("'-5 stars");
    const rows = readCsv(body);
    expect(rows.map((r) => r.id)).toEqual([...sampleIds.values()].sort((a, b) => a - b));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const first = byId.get(sampleIds.get(TEXTS[0]!)!)!;
    expect(first).toMatchObject({ label: 'b', resolution: 'review', metadata: { source: 's0' } });
    expect(byId.get(sampleIds.get(TEXTS[7]!)!)).toMatchObject({ label: null, resolution: null, annotations: [{ label: 'a' }, { label: 'b' }] });
    expect(byId.get(sampleIds.get(TEXTS[2]!)!)).toMatchObject({ label: 'b', resolution: 'single' });
    expect(first.annotations.map((a) => [a.label, a.durationMs])).toEqual([['a', 1200], ['b', 800]]);
    expect(first.annotations[0]!.email).toMatch(/@/);
    expect(Number.isNaN(Date.parse(first.annotations[0]!.createdAt))).toBe(false);
    expect(byId.get(sampleIds.get(TEXTS[1]!)!)!.text).toBe(TEXTS[1]);
    expect(byId.get(sampleIds.get('plain one')!)).toMatchObject({ label: null, resolution: null, prediction: 'b', confidence: 0.75, annotations: [] });
    const checks = await app.deps.db.selectFrom('sample').select(['id', 'check_at']).where('project_id', '=', projectId).execute();
    // The split says which samples are random check samples (drawn in beforeAll).
    expect(checks.filter((c) => c.check_at !== null).length).toBeGreaterThanOrEqual(2);
    for (const c of checks) expect(byId.get(c.id)!.split).toBe(c.check_at ? 'check' : 'train');
  });

  it('streams JSONL and applies the resolved, label and split filters', async () => {
    const all = readJsonl(await (await clients.lead.request(path('?format=jsonl'))).text());
    expect(all).toHaveLength(TEXTS.length);
    expect(all.find((r) => r.text === TEXTS[6])).toMatchObject({ label: 'a', metadata: { source: 's6' } });
    const resolved = readJsonl(await (await clients.lead.request(path('?format=jsonl&resolved=true'))).text());
    expect(resolved.map((r) => r.text).sort()).toEqual([TEXTS[0], TEXTS[1], TEXTS[2], TEXTS[6]].sort());
    const onlyA = readJsonl(await (await clients.lead.request(path('?format=jsonl&label=a'))).text());
    expect(onlyA.map((r) => r.text).sort()).toEqual([TEXTS[1], TEXTS[6]].sort());
    for (const split of ['train', 'check'] as const) {
      const rows = readJsonl(await (await clients.lead.request(path(`?format=jsonl&split=${split}`))).text());
      expect(rows.map((r) => r.id)).toEqual(all.filter((r) => r.split === split).map((r) => r.id));
    }
    const res = await clients.lead.request(path('?format=jsonl&resolved=true&split=train&label=b'));
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(readJsonl(await res.text()).every((r) => r.label === 'b' && r.split === 'train')).toBe(true);
  });

  it('lets leads and owners export, and no one else', async () => {
    const expected: Record<Who, number> = { anonymous: 401, stranger: 403, annotator: 403, reviewer: 403, lead: 200, owner: 200 };
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      const res = await clients[who].request(path());
      expect(res.status, who).toBe(status);
      if (status !== 200) expect(((await res.json()) as { error: { code: string } }).error.code).toBe(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
      else await res.text();
    }
  });

  it('accepts API keys with the export scope for their own project only', async () => {
    const create = (id: number, scopes?: string[]) => clients.owner.mutate<{ key: string; apiKey: { id: number; scopes: string[] } }>('apiKeys.create', { projectId: id, name: 'k', scopes });
    const predictOnly = await create(projectId);
    expect(predictOnly.apiKey.scopes).toEqual(['predict']);
    const exporter = await create(projectId, ['export', 'predict', 'export']);
    expect(exporter.apiKey.scopes).toEqual(['predict', 'export']);
    const foreign = await create(otherId, ['export']);
    const withKey = (key: string, query = '?format=jsonl') => fetch(`${app.baseUrl}${path(query)}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await withKey(predictOnly.key)).status).toBe(403);
    expect((await withKey(foreign.key)).status).toBe(403);
    expect((await withKey('sift_nope')).status).toBe(401);
    const ok = await withKey(exporter.key);
    expect(ok.status).toBe(200);
    expect(readJsonl(await ok.text())).toHaveLength(TEXTS.length);
    await clients.owner.mutate('apiKeys.revoke', { projectId, keyId: exporter.apiKey.id });
    expect((await withKey(exporter.key)).status).toBe(401);
    await expect(create(projectId, [])).rejects.toThrow(/at least one scope/);
    await expect(create(projectId, ['admin'])).rejects.toThrow(/400/);
  });

  it('answers bad parameters with 400 and a clear message', async () => {
    const cases: [string, RegExp][] = [
      ['?format=xml', /format must be csv, jsonl or zip/],
      ['?split=test', /split must be train or check/],
      ['?resolved=yes', /resolved: use true or false/],
      ['?label=nope', /label "nope" is not in this project's label set/],
      ['?format=csv&format=jsonl', /format/],
      ['?limit=5', /unrecognized key/i],
    ];
    for (const [query, message] of cases) {
      const res = await clients.owner.request(path(query));
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(((await res.json()) as { error: { message: string } }).error.message, query).toMatch(message);
    }
    expect((await clients.owner.request('/api/v1/projects/abc/export')).status).toBe(400);
  });

  it.each(['csv', 'jsonl'] as const)('round trip (%s): an export imported into a fresh project gives the same labels', async (format) => {
    const exported = await (await clients.owner.request(path(`?format=${format}`))).text();
    const fresh = (await clients.owner.mutate<{ id: number }>('projects.create', { name: `Copy ${format}`, dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] })).id;
    const res = await clients.owner.upload(`/api/v1/projects/${fresh}/import`, [{ name: `export.${format}`, data: exported }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: TEXTS.length, imported: TEXTS.length, labeled: 4 });
    const again = await (await clients.owner.request(path(`?format=${format}`, fresh))).text();
    // The split is not carried over: a project draws its own random check samples from its own pool.
    const key = (rows: Row[]) => rows.map((r) => [r.text, r.label, r.metadata]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    const read = format === 'csv' ? readCsv : readJsonl;
    expect(key(read(again))).toEqual(key(read(exported)));
    // The owner is the copy's only member: their own annotations come back as they were; the other
    // labels become theirs (durationMs 0); the other annotators' are not recreated.
    const before = new Map(read(exported).map((r) => [r.text, r]));
    for (const r of read(again)) {
      const original = before.get(r.text)!.annotations.find((a) => a.email === r.annotations[0]?.email);
      expect(r.label === null ? r.annotations : [r.resolution, r.annotations.length, r.annotations[0]!.durationMs], r.text).toEqual(r.label === null ? [] : ['single', 1, original?.durationMs ?? 0]);
    }
  });

  it('rejects an export whose labels the project lacks, naming the row, and imports nothing', async () => {
    const exported = await (await clients.owner.request(path('?format=csv'))).text();
    const fresh = (await clients.owner.mutate<{ id: number }>('projects.create', { name: 'Other labels', dataType: 'text', labels: [{ name: 'a' }, { name: 'c' }] })).id;
    const res = await clients.owner.upload(`/api/v1/projects/${fresh}/import`, [{ name: 'export.csv', data: exported }]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^row \d+ \(line \d+\): unknown label "b"; this project's labels are "a", "c"/);
    const count = await app.deps.db.selectFrom('sample').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', fresh).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('imports a label column named by labelField from any file', async () => {
    const fresh = (await clients.owner.mutate<{ id: number }>('projects.create', { name: 'Labeled', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] })).id;
    const csv = 'text,intent,lang\nfirst,a,en\nsecond,,en\nthird,b,fr\n';
    const res = await clients.owner.upload(`/api/v1/projects/${fresh}/import`, [{ name: 'l.csv', data: csv }], { labelField: 'intent' });
    expect(await res.json()).toMatchObject({ imported: 3, labeled: 2 });
    const rows = readJsonl(await (await clients.owner.request(path('?format=jsonl', fresh))).text());
    expect(rows.map((r) => [r.text, r.label, r.metadata])).toEqual([['first', 'a', { lang: 'en' }], ['second', null, { lang: 'en' }], ['third', 'b', { lang: 'fr' }]]);
  });

  it('pages through more samples than one batch, each exactly once, in id order', async () => {
    const fresh = (await clients.owner.mutate<{ id: number }>('projects.create', { name: 'Big', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] })).id;
    const csv = 'text\n' + Array.from({ length: 2_345 }, (_, i) => `sample number ${i}`).join('\n') + '\n';
    expect((await clients.owner.upload(`/api/v1/projects/${fresh}/import`, [{ name: 'big.csv', data: csv }])).status).toBe(200);
    const rows = readCsv(await (await clients.owner.request(path('?format=csv', fresh))).text());
    expect(rows).toHaveLength(2_345);
    expect(rows.every((r, i) => i === 0 || r.id > rows[i - 1]!.id)).toBe(true);
  });
});
