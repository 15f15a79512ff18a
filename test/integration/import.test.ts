import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import { TestClient } from '#test/setup/http.ts';
import { signedInClient } from '#test/factories/team.ts';
import { encodePng } from '#test/factories/images.ts';

async function countSamples(app: TestApp, projectId: number): Promise<number> {
  const row = await app.deps.db.selectFrom('sample').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(databaseBackends())('import over HTTP on %s', (backend) => {
  let app: TestApp;
  let client: TestClient;
  let textProject: number;
  let imageProject: number;

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { SIFT_MAX_UPLOAD_MB: '1' } });
    client = await signedInClient(app);
    textProject = (await client.mutate<{ id: number }>('projects.create', { name: 'T', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] })).id;
    imageProject = (await client.mutate<{ id: number }>('projects.create', { name: 'I', dataType: 'image', labels: [{ name: 'a' }, { name: 'b' }] })).id;
  });
  afterAll(() => app?.close());

  it('previews columns, then imports a CSV with the chosen column, skipping duplicates', async () => {
    const csv = 'id,utterance,source\n1,"I lost my card, help",web\n2,"Where is my ""refund""?",app\n3,I lost my card,  help,web\n4,"multi\nline",web\n5,"I lost my card, help",web\n';
    const fixed = csv.replace('3,I lost my card,  help,web', '3,"I lost my card,  help",web');
    const preview = await client.upload(`/api/v1/projects/${textProject}/import/preview`, [{ name: 'intents.csv', data: fixed }]);
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({ format: 'csv', columns: ['id', 'utterance', 'source'] });

    const res = await client.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'intents.csv', data: fixed }], { textField: 'utterance' });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { rows: number; imported: number; duplicates: number };
    expect(result).toMatchObject({ rows: 5, imported: 3, duplicates: 2 });
    expect(await countSamples(app, textProject)).toBe(3);
    const stored = await app.deps.db.selectFrom('sample').select(['text', 'metadata']).where('project_id', '=', textProject).orderBy('id').execute();
    expect(stored[1]).toMatchObject({ text: 'Where is my "refund"?', metadata: { id: '2', source: 'app' } });

    const again = await client.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'intents.csv', data: fixed }], { textField: 'utterance' });
    expect(await again.json()).toMatchObject({ imported: 0, duplicates: 5 });
  });

  it('rejects a malformed CSV naming the row, and stores nothing from it', async () => {
    const before = await countSamples(app, textProject);
    const bad = 'text,label\nfine row,a\nanother fine row,b\nragged,row,here\n';
    const res = await client.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'bad.csv', data: bad }]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/row 3/);
    expect(await countSamples(app, textProject)).toBe(before);
  });

  it('imports JSONL and rejects a bad line by number with nothing stored', async () => {
    const good = ['{"text":"first jsonl","lang":"en"}', '{"text":"second jsonl"}'].join('\n');
    const ok = await client.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'a.jsonl', data: good }]);
    expect(await ok.json()).toMatchObject({ imported: 2 });
    const before = await countSamples(app, textProject);
    const bad = ['{"text":"third"}', '{"text": 42}', '{"text":"fourth"}'].join('\n');
    const res = await client.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'b.jsonl', data: bad }]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/line 2/);
    expect(await countSamples(app, textProject)).toBe(before);
  });

  it('enforces the upload size limit with 413', async () => {
    const big = 'text\n' + Array.from({ length: 40_000 }, (_, i) => `row number ${i} with some padding text`).join('\n');
    const res = await client.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'big.csv', data: big }]);
    expect(res.status).toBe(413);
  });

  it('imports images and zips, serves them back, and rejects non-images without storing anything', async () => {
    const red = encodePng(4, 3);
    const blue = encodePng(2, 2);
    const zip = Buffer.from(zipSync({ 'set/blue.png': blue, 'set/red-again.png': red }));
    const res = await client.upload(`/api/v1/projects/${imageProject}/import`, [
      { field: 'files', name: 'red.png', data: red },
      { field: 'files', name: 'set.zip', data: zip },
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 3, imported: 2, duplicates: 1 });
    const sample = await app.deps.db.selectFrom('sample').select(['id', 'image_name']).where('project_id', '=', imageProject).orderBy('id').executeTakeFirstOrThrow();
    const image = await client.request(`/api/v1/projects/${imageProject}/samples/${sample.id}/image`);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(red)).toBe(true);

    const before = await countSamples(app, imageProject);
    const bad = await client.upload(`/api/v1/projects/${imageProject}/import`, [
      { field: 'files', name: 'green.png', data: encodePng(3, 3) },
      { field: 'files', name: 'notes.png', data: 'this is not an image' },
    ]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/notes\.png/);
    expect(await countSamples(app, imageProject)).toBe(before);
  });

  it('refuses imports from signed-out users, non-members and annotators', async () => {
    const anonymous = new TestClient(app.baseUrl);
    expect((await anonymous.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'a.csv', data: 'text\nx' }])).status).toBe(401);
    const stranger = await signedInClient(app);
    expect((await stranger.upload(`/api/v1/projects/${textProject}/import`, [{ name: 'a.csv', data: 'text\nx' }])).status).toBe(403);
    const image = await stranger.request(`/api/v1/projects/${imageProject}/samples/1/image`);
    expect(image.status).toBe(403);
    const notMultipart = await client.request(`/api/v1/projects/${textProject}/import`, { method: 'POST', body: 'text\nx' });
    expect(notMultipart.status).toBe(400);
  });
});
