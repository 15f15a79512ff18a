import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPredictions } from '#db/predictions.ts';
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
const RATE_PER_MINUTE = 40;

interface PredictResponse {
  modelVersion: number;
  predictions: { label: string | null; confidence: number; probabilities: Record<string, number>; abstained?: boolean }[];
}

/** A project with a live model trained on real banking77 labels, and the owner's client. */
async function trainedProject(app: TestApp, events: SiftEvent[], name: string, labelCount = 24) {
  const owner = new TestClient(app.baseUrl);
  await owner.mutate('auth.signUp', buildUser());
  const project = await owner.mutate<{ id: number }>('projects.create', { name, dataType: 'text', labels: CATEGORIES.map((c) => ({ name: c })) });
  await owner.mutate('models.updateSettings', { projectId: project.id, settings: { trainEveryLabels: 24, trainAfterSeconds: 3600 } });
  await owner.upload(`/api/v1/projects/${project.id}/import`, [{ name: 'b.csv', data: toCsv(banking77Rows(CATEGORIES, 20)) }]);
  await waitFor(() => events.find((e) => e.type === 'embed.completed' && e.projectId === project.id), 120_000, 'embedding');
  const { labels } = await owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId: project.id });
  for (let i = 0; i < labelCount; i += 1) {
    const sample = await owner.query<{ id: number; metadata: { category: string } } | null>('labeling.next', { projectId: project.id });
    if (!sample) {
      // Say what the project held when the queue came back empty, so a failure here can be read.
      const db = app.deps.db;
      const count = async (table: 'sample' | 'resolution' | 'assignment' | 'sample_score') =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', project.id).executeTakeFirstOrThrow()).n);
      throw new Error(`no next sample after ${i} labels: ${JSON.stringify({ samples: await count('sample'), resolved: await count('resolution'), leases: await count('assignment'), queued: await count('sample_score') })}`);
    }
    await owner.mutate('labeling.annotate', { projectId: project.id, sampleId: sample.id, labelId: labels.find((l) => l.name === sample.metadata.category)!.id, durationMs: 100 });
  }
  await waitFor(() => events.find((e) => e.type === 'model.version' && e.projectId === project.id && e.data.promoted === true), 120_000, 'a live version');
  const { key } = await owner.mutate<{ key: string }>('apiKeys.create', { projectId: project.id, name: 'tests' });
  return { owner, projectId: project.id, key, labels };
}

describe('prediction API', () => {
  let app: TestApp;
  const events: SiftEvent[] = [];
  let project: Awaited<ReturnType<typeof trainedProject>>;

  const predict = (projectId: number, key: string | undefined, body: unknown, query = '') =>
    fetch(`${app.baseUrl}/api/v1/projects/${projectId}/predict${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite', { env: { SIFT_API_RATE_PER_MINUTE: String(RATE_PER_MINUTE), SIFT_PREDICT_MAX_BODY_MB: '0.1' } });
    const tensor = await initTensorBackend({ log: () => undefined });
    await startTrainerWorkers({ db: app.deps.db, jobs: app.deps.jobs, bus: app.deps.bus, encoders: createEncoderPool({}), backend: () => tensor.backend });
    app.deps.bus.subscribe((event) => events.push(event));
    project = await trainedProject(app, events, 'Serving');
  }, 240_000);
  afterAll(() => app?.close());

  it('answers with the live version, per-label probabilities, abstentions below a threshold, and logs every prediction', async () => {
    const inputs = [{ text: 'My new card still has not arrived' }, { text: 'What is the euro to dollar rate today?' }];
    const res = await predict(project.projectId, project.key, { inputs });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PredictResponse;
    expect(body.modelVersion).toBe(1);
    expect(body.predictions.map((p) => p.label)).toEqual(['card_arrival', 'exchange_rate']);
    for (const p of body.predictions) {
      expect(Object.keys(p.probabilities).sort()).toEqual([...CATEGORIES].sort());
      expect(Object.values(p.probabilities).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 3);
      expect(p.confidence).toBe(Math.max(...Object.values(p.probabilities)));
    }
    const strict = (await (await predict(project.projectId, project.key, { inputs }, '?threshold=0.999999')).json()) as PredictResponse;
    expect(strict.predictions.every((p) => p.label === null && p.abstained === true)).toBe(true);
    expect((await (await predict(project.projectId, project.key, { inputs }, '?version=1')).json()) as PredictResponse).toMatchObject({ modelVersion: 1 });
    const missing = await predict(project.projectId, project.key, { inputs }, '?version=9');
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, 'NOT_FOUND']);
    await app.deps.predictionLog.flush();
    expect(await countPredictions(app.deps.db, project.projectId)).toBe(6);
  });

  it('refuses missing, malformed, unknown, revoked and other projects\' keys with a JSON error and no data', async () => {
    const body = { inputs: [{ text: 'hello' }] };
    const expectError = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      const json = (await res.json()) as Record<string, unknown>;
      expect(json).toHaveProperty('error.message');
      expect(json).not.toHaveProperty('predictions');
    };
    await expectError(await predict(project.projectId, undefined, body), 401);
    await expectError(await predict(project.projectId, 'not-a-key', body), 401);
    await expectError(await predict(project.projectId, `sift_abcdefgh_${'x'.repeat(43)}`, body), 401);
    const other = await project.owner.mutate<{ id: number }>('projects.create', { name: 'Other', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
    const { key: otherKey, apiKey } = await project.owner.mutate<{ key: string; apiKey: { id: number } }>('apiKeys.create', { projectId: other.id, name: 'other' });
    await expectError(await predict(project.projectId, otherKey, body), 403);
    await expectError(await predict(other.id, otherKey, body), 409);
    await project.owner.mutate('apiKeys.revoke', { projectId: other.id, keyId: apiKey.id });
    await expectError(await predict(other.id, otherKey, body), 401);
    const keys = await project.owner.query<{ keys: { prefix: string; lastUsedAt: string | null; revokedAt: string | null }[] }>('apiKeys.list', { projectId: project.projectId });
    expect(keys.keys[0]!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(keys)).not.toContain(project.key);
  });

  it('rejects malformed bodies with clear 4xx errors and keeps serving', async () => {
    const cases: [unknown, number, RegExp][] = [
      ['{"inputs": [', 400, /JSON|parse|Unexpected/i],
      [{}, 400, /inputs/],
      [{ inputs: [] }, 400, /at least one input/],
      [{ inputs: [{ text: '' }] }, 400, /empty/],
      [{ inputs: [{ text: 'x', extra: 1 }] }, 400, /.+/],
      [{ inputs: [{ image: 'aGVsbG8=' }] }, 400, /text project/],
      [{ inputs: Array.from({ length: 65 }, () => ({ text: 'x' })) }, 400, /at most 64/],
      [{ inputs: [{ text: 'x'.repeat(20_001) }] }, 400, /20,000/],
      // Postgres cannot store these; one would sink the whole production-feedback batch it joined.
      [{ inputs: [{ text: 'fine' }, { text: 'hi\u0000' }] }, 400, /^inputs\.1\.text: text contains a NUL character/],
      [{ inputs: [{ text: 'x\ud800' }] }, 400, /^inputs\.0\.text: text contains an unpaired UTF-16 surrogate/],
      [{ inputs: Array.from({ length: 10 }, () => ({ text: 'y'.repeat(15_000) })) }, 413, /.+/],
    ];
    for (const [body, status, message] of cases) {
      const res = await predict(project.projectId, project.key, body);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect([res.status, json.error.message]).toEqual([status, expect.stringMatching(message)]);
      expect(json.error.code).toBe(status === 413 ? 'TOO_LARGE' : 'INVALID');
    }
    expect((await predict(project.projectId, project.key, { inputs: [{ text: 'card?' }] })).status).toBe(200);
  });

  it('rate-limits each key with 429 and Retry-After', async () => {
    const { key } = await project.owner.mutate<{ key: string }>('apiKeys.create', { projectId: project.projectId, name: 'burst' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < RATE_PER_MINUTE + 2; i += 1) {
      const res = await predict(project.projectId, key, { inputs: [{ text: 'is my card on its way' }] });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, RATE_PER_MINUTE).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(RATE_PER_MINUTE)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another key of the same project is not affected.
    expect((await predict(project.projectId, project.key, { inputs: [{ text: 'card' }] })).status).toBe(200);
  });

  it('swaps versions under concurrent requests without a failed or mixed-up answer', async () => {
    const versions = await project.owner.query<{ versions: { id: number; version: number }[] }>('models.list', { projectId: project.projectId });
    expect(versions.versions).toHaveLength(1);
    // A second version: label a few more, then flip the live version back and forth under load.
    for (let i = 0; i < 24; i += 1) {
      const sample = await project.owner.query<{ id: number; metadata: { category: string } } | null>('labeling.next', { projectId: project.projectId });
      if (!sample) break;
      await project.owner.mutate('labeling.annotate', { projectId: project.projectId, sampleId: sample.id, labelId: project.labels.find((l) => l.name === sample.metadata.category)!.id, durationMs: 100 });
    }
    await waitFor(() => events.find((e) => e.type === 'model.version' && e.projectId === project.projectId && e.data.version === 2), 120_000, 'version 2');
    const all = (await project.owner.query<{ versions: { id: number; version: number }[] }>('models.list', { projectId: project.projectId })).versions;
    const flips = (async () => {
      for (let i = 0; i < 6; i += 1) {
        await project.owner.mutate('models.promote', { projectId: project.projectId, versionId: all[i % 2]!.id });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const { key } = await project.owner.mutate<{ key: string }>('apiKeys.create', { projectId: project.projectId, name: 'load' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 10));
        const res = await predict(project.projectId, key, { inputs: [{ text: `where is my card ${i}` }] });
        return { status: res.status, body: (await res.json()) as PredictResponse };
      }),
    );
    await flips;
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers.every((a) => [1, 2].includes(a.body.modelVersion) && a.body.predictions[0]!.label !== undefined)).toBe(true);
    // After the last flip (to version 2's row, i = 5 → all[1]) every process serves it.
    const live = all[1]!.version;
    let served = 0;
    for (let tries = 0; tries < 50 && served !== live; tries += 1) {
      served = ((await (await predict(project.projectId, key, { inputs: [{ text: 'card' }] })).json()) as PredictResponse).modelVersion;
      if (served !== live) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(served).toBe(live);
  }, 240_000);

  it('sends low-confidence production inputs into the labeling pool once, marked as production', async () => {
    await project.owner.mutate('models.updateSettings', { projectId: project.projectId, settings: { feedbackBelowConfidence: 0.999 } });
    const existing = banking77Rows(CATEGORIES, 1)[0]!.text;
    const fresh = 'Could you tell me when the card I ordered last week will show up?';
    const res = await predict(project.projectId, project.key, { inputs: [{ text: fresh }, { text: fresh }, { text: existing }] });
    expect(res.status).toBe(200);
    await app.deps.feedback.flush();
    const rows = await app.deps.db.selectFrom('sample').select(['text', 'source', 'metadata']).where('project_id', '=', project.projectId).where('source', '=', 'production').execute();
    expect(rows.map((r) => r.text)).toEqual([fresh]);
    expect(rows[0]!.metadata).toMatchObject({ source: 'production', modelVersion: expect.any(Number) });
    // Asked again: still one sample.
    await predict(project.projectId, project.key, { inputs: [{ text: fresh }] });
    await app.deps.feedback.flush();
    const again = await app.deps.db.selectFrom('sample').select('id').where('project_id', '=', project.projectId).where('source', '=', 'production').execute();
    expect(again).toHaveLength(1);
    await project.owner.mutate('models.updateSettings', { projectId: project.projectId, settings: { feedbackBelowConfidence: null } });
  });

  it('checks production inputs for drift against the training data and reports it on the monitoring page', async () => {
    // A project of its own: the other tests' made-up inputs would (rightly) look like drift.
    const project = await trainedProject(app, events, 'Drift', 36);
    const checkDrift = async () => {
      const before = events.length;
      await project.owner.mutate('monitoring.checkDrift', { projectId: project.projectId });
      return waitFor(() => events.slice(before).find((e) => e.projectId === project.projectId && (e.type === 'drift.updated' || e.type === 'drift.skipped')), 60_000, 'a drift check');
    };
    const send = async (texts: string[]) => {
      for (let i = 0; i < texts.length; i += 32) {
        const res = await predict(project.projectId, project.key, { inputs: texts.slice(i, i + 32).map((text) => ({ text })) });
        expect(res.status).toBe(200);
      }
      await app.deps.predictionLog.flush();
    };
    // Same intents, rows the model never saw: no drift.
    const unseen = CATEGORIES.flatMap((c) => banking77Rows([c], 50).slice(20)).map((r) => r.text);
    await send(unseen);
    const quiet = await checkDrift();
    expect(quiet.type).toBe('drift.updated');
    expect(quiet.data.drifted).toBe(false);
    // Then traffic about other things entirely.
    // Under 200 predictions in all, so no automatic check runs in between.
    const shifted = banking77Rows(['pin_blocked', 'terminate_account', 'get_physical_card', 'apple_pay_or_google_pay', 'cash_withdrawal_charge'], 20).map((r) => r.text);
    await send(shifted);
    // One check that signals is not yet an alarm; the next one, still signalling, is.
    const first = await checkDrift();
    expect(first.data).toMatchObject({ signal: true, drifted: false });
    const loud = await checkDrift();
    expect(loud.data).toMatchObject({ signal: true, drifted: true });
    // With feedback while drifted on, even confident predictions now join the pool.
    await project.owner.mutate('models.updateSettings', { projectId: project.projectId, settings: { feedbackWhenDrifted: true } });
    const oddOne = 'How do I get a refund for a duplicate charge on my statement?';
    expect((await predict(project.projectId, project.key, { inputs: [{ text: oddOne }] })).status).toBe(200);
    await app.deps.feedback.flush();
    await app.deps.predictionLog.flush();
    const added = await app.deps.db.selectFrom('sample').select('text').where('project_id', '=', project.projectId).where('source', '=', 'production').execute();
    expect(added.map((r) => r.text)).toEqual([oddOne]);

    const overview = await project.owner.query<{
      summary: { count: number; p50Ms: number; confidenceHistogram: number[] };
      labelMix: { name: string; production: number; trainingShare: number }[];
      drift: { latest: { drifted: boolean; statistic: string; reference: string; effect: number | null; labelShift: { distance: number } | null } | null; history: unknown[]; method: string };
      traffic: { count: number }[];
    }>('monitoring.overview', { projectId: project.projectId });
    expect(overview.summary.count).toBe(shifted.length + unseen.length + 1);
    expect(overview.summary.confidenceHistogram.reduce((s, x) => s + x, 0)).toBe(overview.summary.count);
    expect(overview.summary.p50Ms).toBeGreaterThan(0);
    expect(overview.labelMix.reduce((s, m) => s + m.production, 0)).toBe(overview.summary.count);
    expect(overview.labelMix.reduce((s, m) => s + m.trainingShare, 0)).toBeCloseTo(1, 5);
    expect(overview.traffic.reduce((s, t) => s + t.count, 0)).toBe(overview.summary.count);
    expect(overview.drift.latest).toMatchObject({ drifted: true, statistic: 'mmd2-rbf', reference: 'random sample of the imported pool' });
    expect(overview.drift.latest!.effect).toBeGreaterThan(1);
    expect(overview.drift.latest!.labelShift!.distance).toBeGreaterThan(0);
    expect(overview.drift.history).toHaveLength(3);
    expect(overview.drift.method).toMatch(/MMD/);
  }, 120_000);
});
