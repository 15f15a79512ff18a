/**
 * Hostile and malformed input at every door: tRPC (bad JSON, wrong types, huge and injected
 * values), imports (markup and SQL in texts and label names), socket events, the prediction API.
 * Every request gets a 4xx-style answer or is stored inertly — byte for byte — and the server
 * keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { buildUser } from '#test/factories/users.ts';
import { encodePng } from '#test/factories/images.ts';

const NASTY = [
  "'; DROP TABLE sample; --",
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned=2">',
  '../../../etc/passwd',
  '\u0000null byte',
  '{{constructor.constructor("return 1")()}}',
  'emoji 👩🏽‍💻 and RTL \u202Eevil',
];

describe('hostile input', () => {
  let app: TestApp;
  let owner: TestClient;
  let projectId: number;

  beforeAll(async () => {
    // Above the 50 MiB default, so a preview must use the server's limit to read a bigger file.
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite', { env: { SIFT_MAX_UPLOAD_MB: '64' } });
    owner = new TestClient(app.baseUrl);
    await owner.mutate('auth.signUp', buildUser());
    const project = await owner.mutate<{ id: number }>('projects.create', {
      name: '<b>Project</b> \'; DROP TABLE project; --',
      dataType: 'text',
      labels: [{ name: '<script>alert(1)</script>' }, { name: "Robert'); DROP TABLE label;--" }],
    });
    projectId = project.id;
  }, 60_000);
  afterAll(() => app?.close());

  const trpcPost = (procedure: string, body: string) =>
    owner.request(`/api/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers malformed or wrongly typed tRPC input with 4xx, never 500', async () => {
    const bodies: [string, string][] = [
      ['labeling.annotate', '{"projectId": '],
      ['labeling.annotate', '"just a string"'],
      ['labeling.annotate', JSON.stringify({ projectId: "1; DROP TABLE sample", sampleId: 1, labelId: 1, durationMs: 1 })],
      ['labeling.annotate', JSON.stringify({ projectId, sampleId: -1, labelId: 1e308, durationMs: 'slow' })],
      ['labeling.annotate', JSON.stringify({ projectId, sampleId: { $gt: 0 }, labelId: [1], durationMs: null })],
      ['labeling.annotateMany', JSON.stringify({ projectId, sampleIds: Array.from({ length: 10_000 }, (_, i) => i + 1), labelId: 1 })],
      ['explore.search', JSON.stringify({ projectId, query: { kind: 'text', text: 'x'.repeat(20_000) } })],
      ['explore.search', JSON.stringify({ projectId, query: { kind: 'sql', text: 'SELECT 1' } })],
      ['projects.create', JSON.stringify({ name: '', dataType: 'video', labels: 'all' })],
      ['projects.create', JSON.stringify({ name: 'x'.repeat(10_000), dataType: 'text', labels: [] })],
      ['models.updateSettings', JSON.stringify({ projectId, settings: { overlap: 99, __proto__: { admin: true } } })],
      ['models.updateSettings', JSON.stringify({ projectId, settings: { constructor: { prototype: { polluted: true } } } })],
      ['review.resolve', JSON.stringify({ projectId: Number.MAX_SAFE_INTEGER + 2, sampleId: 1.5, labelId: 'NaN' })],
      ['auth.logIn', JSON.stringify({ email: "' OR 1=1 --", password: { $ne: null } })],
      ['auth.signUp', JSON.stringify({ email: 'a@b', name: '<script>', password: 'short' })],
    ];
    for (const [procedure, body] of bodies) {
      const res = await trpcPost(procedure, body);
      expect(`${procedure} ${body.slice(0, 60)} → ${res.status}`).toMatch(/→ 4\d\d$/);
      await res.arrayBuffer();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await owner.query<{ id: number }[]>('projects.list', {})).length).toBe(1);
  });

  it('stores markup and SQL in texts and label names inertly and returns them byte for byte', async () => {
    const csv = ['text', ...NASTY.map((t) => `"${t.replace(/"/g, '""')}"`)].join('\n');
    const upload = await owner.upload(`/api/v1/projects/${projectId}/import`, [{ name: '<script>.csv', data: csv }]);
    const result = (await upload.json()) as { imported?: number; error?: { message: string } };
    // A NUL byte is not valid text: the import is refused whole, naming the row, or it is stored; never half.
    if (upload.status === 200) {
      expect(result.imported).toBe(NASTY.length);
    } else {
      expect(upload.status).toBe(400);
      expect(result.error?.message).toMatch(/row|line/);
      const clean = ['text', ...NASTY.filter((t) => !t.includes('\u0000')).map((t) => `"${t.replace(/"/g, '""')}"`)].join('\n');
      expect((await owner.upload(`/api/v1/projects/${projectId}/import`, [{ name: 'clean.csv', data: clean }])).status).toBe(200);
    }
    const stored = await app.deps.db.selectFrom('sample').select('text').where('project_id', '=', projectId).execute();
    for (const text of NASTY.filter((t) => !t.includes('\u0000'))) expect(stored.map((s) => s.text)).toContain(text);
    const view = await owner.query<{ project: { name: string }; labels: { name: string }[] }>('projects.get', { projectId });
    expect(view.project.name).toBe('<b>Project</b> \'; DROP TABLE project; --');
    expect(view.labels.map((l) => l.name)).toEqual(['<script>alert(1)</script>', "Robert'); DROP TABLE label;--"]);
  });

  it('refuses malformed socket events with an error ack and keeps serving', async () => {
    const socket: Socket = await new Promise((resolve, reject) => {
      const s = connect(app.baseUrl, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: owner.cookie }, reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
    try {
      const payloads: [string, unknown][] = [
        ['project:join', null],
        ['project:join', { projectId: "1 OR 1=1" }],
        ['project:join', { projectId: 1e300 }],
        ['project:join', 'x'.repeat(60_000)],
        ['presence:focus', { projectId, sampleId: { nested: true } }],
        ['presence:focus', [1, 2, 3]],
      ];
      for (const [event, payload] of payloads) {
        const reply = (await socket.timeout(5000).emitWithAck(event, payload)) as { ok: boolean; code?: string };
        expect(reply.ok).toBe(false);
      }
      // An event with no handler and no ack is ignored; the connection still works.
      socket.emit('admin:drop-everything', { all: true });
      expect(await socket.timeout(5000).emitWithAck('project:join', { projectId })).toMatchObject({ ok: true });
    } finally {
      socket.close();
    }
  });

  it('refuses text Postgres cannot store (NUL, unpaired surrogates) in tRPC input with a 400 naming the field, storing nothing', async () => {
    const count = async (table: 'project' | 'label' | 'api_key' | 'app_user' | 'webhook') =>
      Number((await app.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const tables = ['project', 'label', 'api_key', 'app_user', 'webhook'] as const;
    const before = await Promise.all(tables.map(count));
    const cases: [string, unknown, RegExp][] = [
      ['projects.create', { name: 'a\u0000b', dataType: 'text', labels: [{ name: 'x' }, { name: 'y' }] }, /the project name contains a NUL character/],
      ['projects.create', { name: 'Fine', dataType: 'text', labels: [{ name: 'x\ud800' }, { name: 'y' }] }, /a label name contains an unpaired UTF-16 surrogate/],
      ['projects.create', { name: 'Fine', dataType: 'text', labels: [{ name: 'x' }, { name: 'y\u0000' }] }, /a label name contains a NUL character/],
      ['apiKeys.create', { projectId, name: 'key\u0000' }, /the key name contains a NUL character/],
      ['auth.signUp', { ...buildUser(), name: 'Eve\u0000' }, /your name contains a NUL character/],
      ['auth.signUp', { ...buildUser(), name: '\udc00Eve' }, /your name contains an unpaired UTF-16 surrogate/],
      ['webhooks.create', { projectId, url: 'https://example.com/\u0000', events: ['model.promoted'] }, /the URL contains a NUL character/],
    ];
    for (const [procedure, input, message] of cases) {
      const res = await trpcPost(procedure, JSON.stringify(input));
      const body = (await res.json()) as { error: { message: string } };
      expect([procedure, res.status, body.error.message]).toEqual([procedure, 400, expect.stringMatching(message)]);
    }
    const exported = await owner.request(`/api/v1/projects/${projectId}/export?label=%00`);
    expect([exported.status, ((await exported.json()) as { error: { message: string } }).error.message]).toEqual([400, expect.stringMatching(/label contains a NUL character/)]);
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('stores an upload whose file name holds NUL, control characters or an unpaired surrogate, with the name cleaned', async () => {
    const upload = (filename: string, data: Buffer | string, path = `/api/v1/projects/${projectId}/import`) => {
      const head = `--B\r\nContent-Disposition: form-data; name="file"; ${filename}\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const body = Buffer.concat([Buffer.from(head), Buffer.from(data), Buffer.from('\r\n--B--\r\n')]);
      return owner.request(path, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=B' }, body });
    };
    // busboy decodes these RFC 5987 names to "a\0b\r.csv" and "\ud800.png".
    const text = await upload("filename*=UTF-8''a%00b%0D.csv", 'text\nfrom a file with a hostile name\n');
    const result = (await text.json()) as { batchId: number };
    expect(text.status).toBe(200);
    const batch = await app.deps.db.selectFrom('import_batch').select('file_name').where('id', '=', result.batchId).executeTakeFirstOrThrow();
    expect(batch.file_name).toBe('ab.csv');

    const photos = await owner.mutate<{ id: number }>('projects.create', { name: 'Photos', dataType: 'image', labels: [{ name: 'a' }, { name: 'b' }] });
    const image = await upload("filename*=UTF-16LE''%00%D8.%00p%00n%00g%00", encodePng(3, 2), `/api/v1/projects/${photos.id}/import`);
    expect([image.status, await image.json()]).toEqual([200, expect.objectContaining({ imported: 1 })]);
    const sample = await app.deps.db.selectFrom('sample').select('metadata').where('project_id', '=', photos.id).executeTakeFirstOrThrow();
    expect(sample.metadata).toMatchObject({ fileName: '\ufffd.png' });
  });

  it('refuses JSON nested too deep to walk, in imports and previews, naming the line, storing nothing', async () => {
    const jsonl = `{"text":"shallow"}\n{"text":"hi","m":${'['.repeat(20_000)}${']'.repeat(20_000)}}\n`;
    const stored = async () => (await app.deps.db.selectFrom('sample').select('text').where('project_id', '=', projectId).execute()).length;
    const before = await stored();
    for (const path of ['import', 'import/preview']) {
      const res = await owner.upload(`/api/v1/projects/${projectId}/${path}`, [{ name: 'deep.jsonl', data: jsonl }]);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect([path, res.status, body.error]).toEqual([path, 400, { code: 'INVALID', message: 'line 2: "m" is nested more than 64 levels deep' }]);
    }
    expect(await stored()).toBe(before);
    expect((await owner.request('/healthz')).status).toBeLessThan(500);
  });

  it('previews a text file as large as the server imports (SIFT_MAX_UPLOAD_MB above the 50 MiB default)', async () => {
    const big = Buffer.alloc(51 * 1024 * 1024, 'a line of text\n');
    big.write('text\n');
    const res = await owner.upload(`/api/v1/projects/${projectId}/import/preview`, [{ name: 'big.csv', data: big }]);
    expect(res.status).toBe(200);
    const preview = (await res.json()) as { format: string; columns: string[]; rows: { text: string }[] };
    expect([preview.format, preview.columns, preview.rows.length, preview.rows[1]]).toEqual(['csv', ['text'], 5, { text: 'a line of text' }]);
  });

  it('keeps the rest of a production-feedback batch when one input cannot be stored', async () => {
    const items = ['first production input', 'bad\u0000input', 'second production input'].map((text) => ({ text, confidence: 0.4, modelVersion: 1 }));
    app.deps.feedback.add(projectId, items);
    await app.deps.feedback.flush();
    const rows = await app.deps.db.selectFrom('sample').select('text').where('project_id', '=', projectId).where('source', '=', 'production').orderBy('id').execute();
    expect(rows.map((r) => r.text)).toEqual(['first production input', 'second production input']);
  });

  it('answers a socket event that fails on a database error with INTERNAL, not the database message', async () => {
    const socket: Socket = await new Promise((resolve, reject) => {
      const s = connect(app.baseUrl, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: owner.cookie }, reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
    // A real database error, not a mock: the membership table is briefly gone (this worker's own database).
    await sql`ALTER TABLE project_member RENAME TO project_member_away`.execute(app.deps.db);
    try {
      const reply = (await socket.timeout(5000).emitWithAck('project:join', { projectId })) as { ok: boolean; code?: string; error?: string };
      expect(reply).toEqual({ ok: false, code: 'INTERNAL', error: 'internal error; the server logged the details' });
    } finally {
      await sql`ALTER TABLE project_member_away RENAME TO project_member`.execute(app.deps.db);
      socket.close();
    }
  });

  it('answers a tRPC call that fails on a database error with a plain internal error, not the database message', async () => {
    await sql`ALTER TABLE project_member RENAME TO project_member_away`.execute(app.deps.db);
    try {
      const res = await owner.request(`/api/trpc/projects.stats?input=${encodeURIComponent(JSON.stringify({ projectId }))}`);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { message: string; data: Record<string, unknown> } };
      expect(body.error.message).toBe('internal error; the server logged the details');
      expect(JSON.stringify(body)).not.toMatch(/project_member|relation|at .*\.ts/);
    } finally {
      await sql`ALTER TABLE project_member_away RENAME TO project_member`.execute(app.deps.db);
    }
  });

  it('serves the app normally afterwards', async () => {
    expect((await owner.request('/healthz')).status).toBeLessThan(600);
    expect((await owner.query<{ sampleCount: number }>('projects.stats', { projectId })).sampleCount).toBeGreaterThanOrEqual(NASTY.length - 1);
  });
});
