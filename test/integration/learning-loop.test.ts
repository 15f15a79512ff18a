import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '#trainer/jobs/webhook-signature.ts';
import type { SiftEvent } from '#trainer/jobs/events.ts';
import { startTrainerWorkers } from '#trainer/workers.ts';
import { createEncoderPool } from '#trainer/encoder-pool.ts';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { waitFor } from '#test/setup/wait.ts';
import { buildUser } from '#test/factories/users.ts';
import { banking77Rows, toCsv } from '#test/factories/banking77.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card'];

/** The first event matching `match`; the error lists every event seen, to show where the loop stopped. */
function waitForEvent(events: SiftEvent[], match: (e: SiftEvent) => boolean, timeoutMs: number): Promise<SiftEvent> {
  return waitFor(() => events.find(match), timeoutMs, () => `a matching event; saw ${events.map((e) => e.type).join(', ')}`);
}

// One backend is enough here: the queue and database paths are covered on all backends elsewhere,
// and this test spends its time in real embedding and training.
describe('learning loop: import → embed → label through the API → one training run → promoted version → re-ranked queue', () => {
  let app: TestApp;
  let client: TestClient;
  const events: SiftEvent[] = [];
  // A webhook receiver: the automatic promotion must reach it, signed.
  const hooks: { headers: http.IncomingHttpHeaders; raw: string }[] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    const tensor = await initTensorBackend({ log: () => undefined });
    await startTrainerWorkers({ db: app.deps.db, jobs: app.deps.jobs, bus: app.deps.bus, encoders: createEncoderPool({}), backend: () => tensor.backend });
    app.deps.bus.subscribe((event) => events.push(event));
    client = new TestClient(app.baseUrl);
    await client.mutate('auth.signUp', buildUser());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }, 120_000);
  afterAll(async () => {
    receiver.closeAllConnections();
    receiver.close();
    await app?.close();
  });

  it('trains exactly once for a burst of labels, promotes it, and re-ranks the pool with it', async () => {
    const rows = banking77Rows(CATEGORIES, 30);
    const project = await client.mutate<{ id: number }>('projects.create', {
      name: 'Banking',
      dataType: 'text',
      labels: CATEGORIES.map((name) => ({ name })),
    });
    await client.mutate('models.updateSettings', { projectId: project.id, settings: { trainEveryLabels: 24, trainAfterSeconds: 3600 } });
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/promoted`;
    const { secret } = await client.mutate<{ secret: string }>('webhooks.create', { projectId: project.id, url: hookUrl, events: ['model.promoted'] });
    const upload = await client.upload(`/api/v1/projects/${project.id}/import`, [{ name: 'banking.csv', data: toCsv(rows) }]);
    expect(await upload.json()).toMatchObject({ imported: 90 });

    await waitForEvent(events, (e) => e.type === 'embed.completed' && e.projectId === project.id, 120_000);
    await waitForEvent(events, (e) => e.type === 'queue.updated' && e.projectId === project.id, 30_000);
    const status = await client.query<{ embedding: { total: number; embedded: number } }>('models.status', { projectId: project.id });
    expect(status.embedding).toEqual({ total: 90, embedded: 90, failed: 0, unreadable: [] });

    const { labels } = await client.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId: project.id });
    const labelId = new Map(labels.map((l) => [l.name, l.id]));
    // Label 24 samples in queue order (cold start: diversity sampling), with their true category.
    for (let i = 0; i < 24; i += 1) {
      const sample = await client.query<{ id: number; metadata: { category: string }; why: { strategy: string } | null }>('labeling.next', { projectId: project.id });
      if (i === 0) expect(sample.why?.strategy).toBe('cold-start');
      await client.mutate('labeling.annotate', { projectId: project.id, sampleId: sample.id, labelId: labelId.get(sample.metadata.category), durationMs: 500 });
    }
    const version = await waitForEvent(events, (e) => e.type === 'model.version' && e.projectId === project.id, 120_000);
    expect(version.data).toMatchObject({ version: 1, promoted: true });
    // The trainer's automatic promotion went out as a signed webhook.
    const hook = await waitFor(() => hooks.find((h) => h.headers['sift-event'] === 'model.promoted'), 30_000, 'a model.promoted webhook');
    expect(verifyWebhookSignature({ secret, header: String(hook.headers['sift-signature']), body: hook.raw })).toBe(true);
    expect(JSON.parse(hook.raw)).toMatchObject({ event: 'model.promoted', projectId: project.id, data: { version: 1 } });
    await waitForEvent(events, (e) => e.type === 'queue.updated' && e.projectId === project.id && e.data.modelVersionId === version.data.versionId, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(events.filter((e) => e.type === 'train.started' && e.projectId === project.id)).toHaveLength(1);

    const list = await client.query<{ versions: { version: number; status: string; labelCount: number; accuracy: number | null; accuracyLow: number | null; accuracyHigh: number | null; checkCount: number; cvAccuracy: number }[] }>('models.list', { projectId: project.id });
    expect(list.versions).toHaveLength(1);
    // The queue's 10th and 20th places were random check samples: the accuracy is measured on them.
    expect(list.versions[0]).toMatchObject({ version: 1, status: 'active', labelCount: 24, checkCount: 2 });
    const v1 = list.versions[0]!;
    expect(v1.accuracyLow!).toBeLessThanOrEqual(v1.accuracy!);
    expect(v1.accuracyHigh!).toBeGreaterThanOrEqual(v1.accuracy!);
    // Three well-separated intents: even 24 labels should beat chance (1/3) by far.
    expect(v1.cvAccuracy).toBeGreaterThan(0.6);

    const next = await client.query<{ why: { strategy: string; reason: string; guess: { labelId: number } | null } }>('labeling.next', { projectId: project.id });
    expect(next.why.strategy).toBe('diverse-margin');
    expect(next.why.guess).not.toBeNull();
    // A project that hides the model's guess (so annotators are not nudged) hides it in the reason too.
    await client.mutate('models.updateSettings', { projectId: project.id, settings: { showModelGuess: false } });
    const blind = await client.query<{ why: { reason: string; guess: unknown } }>('labeling.next', { projectId: project.id });
    expect(blind.why.guess).toBeNull();
    for (const name of labelId.keys()) expect(blind.why.reason).not.toContain(name);
    expect(blind.why.reason).not.toMatch(/\d%/);
    const oof = await app.deps.db.selectFrom('oof_prediction').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(oof.n)).toBe(24);

    // The version also ranks every label for review, maps the samples, and mines candidates for
    // each rare class (fewer than 10 labels: with 24 labels over three classes, most or all).
    await waitForEvent(events, (e) => e.type === 'explore.updated' && e.projectId === project.id, 30_000);
    const count = async (table: 'suspect' | 'sample_map' | 'rare_candidate') =>
      Number((await app.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', project.id).executeTakeFirstOrThrow()).n);
    expect(await count('suspect')).toBe(24);
    expect(await count('sample_map')).toBe(90);
    // Candidates for each rare class are mostly samples of that class (the metadata holds the truth).
    const candidates = await app.deps.db
      .selectFrom('rare_candidate')
      .innerJoin('sample', 'sample.id', 'rare_candidate.sample_id')
      .select(['rare_candidate.label_id', 'sample.metadata'])
      .where('rare_candidate.project_id', '=', project.id)
      .orderBy('rare_candidate.rank')
      .execute();
    const resolved = await app.deps.db.selectFrom('resolution').select('label_id').where('project_id', '=', project.id).execute();
    const rare = [...labelId].filter(([, id]) => resolved.filter((r) => r.label_id === id).length < 10);
    expect(rare.length).toBeGreaterThanOrEqual(2);
    // A class with 10 labels or more is not rare: nothing is mined for it.
    for (const [, id] of labelId) if (!rare.some(([, r]) => r === id)) expect(candidates.filter((c) => c.label_id === id)).toHaveLength(0);
    for (const [name, id] of rare) {
      const mine = candidates.filter((c) => c.label_id === id);
      const precision = (list: typeof mine) => list.filter((c) => (c.metadata as { category: string }).category === name).length / list.length;
      expect(mine.length).toBeGreaterThan(0);
      expect(precision(mine)).toBeGreaterThan(0.7);
      expect(precision(mine.slice(0, 10))).toBeGreaterThan(0.8);
    }
  }, 300_000);
});
