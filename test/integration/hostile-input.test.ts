/**
 * Hostile and malformed input at every door: tRPC (bad JSON, wrong types, huge and injected
 * values), imports (markup and SQL in texts and label names), socket events, the prediction API.
 * Every request gets a 4xx-style answer or is stored inertly — byte for byte — and the server
 * keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { buildUser } from '#test/factories/users.ts';

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
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite');
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

  it('serves the app normally afterwards', async () => {
    expect((await owner.request('/healthz')).status).toBeLessThan(600);
    expect((await owner.query<{ sampleCount: number }>('projects.stats', { projectId })).sampleCount).toBeGreaterThanOrEqual(NASTY.length - 1);
  });
});
