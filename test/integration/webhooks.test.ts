/**
 * Webhooks end to end on real PostgreSQL + Redis: a local receiver on an ephemeral port checks each
 * delivery's signature over the raw body; retries, the test button, promotions and the review
 * queue threshold go through the real queue and worker.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { createEventBus, type EventBus, type SiftEvent } from '#trainer/jobs/events.ts';
import { createJobSystem } from '#trainer/jobs/queue.ts';
import { WEBHOOK_QUEUE, webhookBackoff, type WebhookPayload } from '#trainer/jobs/webhook.job.ts';
import { createWebhookProcessor } from '#trainer/jobs/webhook.processor.ts';
import { verifyWebhookSignature } from '#trainer/jobs/webhook-signature.ts';
import { createTestDeps } from '#test/setup/app.ts';
import { redisUrl, uniqueName } from '#test/setup/databases.ts';
import { callerFor, signUpCaller } from '#test/factories/users.ts';
import { waitFor } from '#test/setup/wait.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  at: number;
}
type Reply = (res: http.ServerResponse) => void;

const BACKOFF_MS = 150;
const TIMEOUT_MS = 400;
const ok: Reply = (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');

describe.skipIf(!process.env.DATABASE_URL || !redisUrl())('webhooks', () => {
  let env: Awaited<ReturnType<typeof createTestDeps>>;
  /** The worker's own bus, as in a separate trainer process: its events reach the server's through Redis. */
  let trainerBus: EventBus;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];
  /** Per path, the replies to give in turn (then 200). */
  const script = new Map<string, Reply[]>();
  let owner: Awaited<ReturnType<typeof signUpCaller>>;
  let projectId: number;
  const at = (path: string) => received.filter((r) => r.path === path);

  beforeAll(async () => {
    env = await createTestDeps('postgres');
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        (script.get(req.url ?? '')?.shift() ?? ok)(res);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    trainerBus = await createEventBus({ redisUrl: redisUrl(), prefix: env.deps.env.SIFT_QUEUE_PREFIX });
    env.deps.jobs.worker<WebhookPayload>(WEBHOOK_QUEUE, createWebhookProcessor({ db: env.deps.db, bus: trainerBus, timeoutMs: TIMEOUT_MS }), {
      concurrency: 2,
      settings: { backoffStrategy: webhookBackoff(BACKOFF_MS) },
    });
    owner = await signUpCaller(env.deps);
    projectId = (await owner.caller.projects.create({ name: 'Hooks', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] })).id;
  }, 60_000);
  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await env?.close();
    await trainerBus?.close();
  });

  const create = (path: string, events: ('model.promoted' | 'drift.alert' | 'review.queue')[], extra: { reviewQueueThreshold?: number } = {}) =>
    owner.caller.webhooks.create({ projectId, url: `${base}${path}`, events, ...extra });

  it('refuses URLs that are not http(s) or carry credentials', async () => {
    await expect(owner.caller.webhooks.create({ projectId, url: 'ftp://example.com/x', events: ['drift.alert'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(owner.caller.webhooks.create({ projectId, url: 'https://me:pw@example.com/x', events: ['drift.alert'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('sends a signed test ping that verifies over the exact raw body, and logs it', async () => {
    const { webhook, secret } = await create('/ping', ['model.promoted']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await owner.caller.webhooks.list({ projectId });
    expect(JSON.stringify(listed)).not.toContain(secret);

    const sent = await owner.caller.webhooks.test({ projectId, webhookId: webhook.id });
    expect(sent.queued).toBe(true);
    const [hit] = await waitFor(() => (at('/ping').length ? at('/ping') : undefined), 15_000, 'the ping');
    const signature = String(hit!.headers['sift-signature']);
    expect(signature).toMatch(new RegExp(`^t=${hit!.headers['sift-timestamp']},v1=[0-9a-f]{64}$`));
    expect(verifyWebhookSignature({ secret, header: signature, body: hit!.raw })).toBe(true);
    expect(verifyWebhookSignature({ secret, header: signature, body: `${hit!.raw} ` })).toBe(false);
    const body = JSON.parse(hit!.raw);
    expect(body).toMatchObject({ id: sent.deliveryId, event: 'ping', projectId, data: { webhookId: webhook.id } });
    expect(hit!.headers['sift-event']).toBe('ping');
    expect(hit!.headers['sift-delivery']).toBe(sent.deliveryId);
    expect(hit!.headers['content-type']).toBe('application/json');

    const attempts = await pollAttempts(webhook.id, 1);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ deliveryId: sent.deliveryId, event: 'ping', attempt: 1, statusCode: 200, error: null, responseSnippet: 'thanks' });
  });

  it('retries with exponential backoff: a 500, a timeout, then success — three attempts logged', async () => {
    const { webhook } = await create('/flaky', ['model.promoted']);
    script.set('/flaky', [(res) => res.writeHead(500).end('boom'), () => undefined /* never answers: times out */]);
    await owner.caller.webhooks.test({ projectId, webhookId: webhook.id });
    await waitFor(() => (at('/flaky').length === 3 ? true : undefined), 20_000, () => `3 attempts (got ${at('/flaky').length})`);
    const [first, second, third] = at('/flaky');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(BACKOFF_MS - 20);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(TIMEOUT_MS + 2 * BACKOFF_MS - 20);
    // Same delivery, same body on every attempt; a fresh timestamp and signature each time.
    expect(new Set(at('/flaky').map((r) => r.raw)).size).toBe(1);
    expect(new Set(at('/flaky').map((r) => r.headers['sift-delivery'])).size).toBe(1);

    const attempts = await pollAttempts(webhook.id, 3);
    expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([[3, 200], [2, null], [1, 500]]);
    expect(attempts[1]!.error).toMatch(/no answer within 0.4 s/);
    expect(attempts[2]!.error).toMatch(/HTTP 500/);
    expect(attempts[2]!.responseSnippet).toBe('boom');
  });

  it('announces every logged attempt to the project with ids only, so the log can refetch it live', async () => {
    const { webhook, secret } = await create('/announced', ['model.promoted']);
    script.set('/announced', [(res) => res.writeHead(503).end('busy')]);
    const heard: SiftEvent[] = [];
    const stop = env.deps.bus.subscribe((event) => {
      if (event.type === 'webhook.delivery' && event.data.webhookId === webhook.id) heard.push(event);
    });
    try {
      const sent = await owner.caller.webhooks.test({ projectId, webhookId: webhook.id });
      await waitFor(() => (heard.length === 2 ? true : undefined), 15_000, () => `2 announcements (got ${heard.length})`);
      expect(heard).toEqual([1, 2].map((attempt) => ({ projectId, type: 'webhook.delivery', data: { webhookId: webhook.id, deliveryId: sent.deliveryId, attempt } })));
      expect(JSON.stringify(heard)).not.toContain(secret);
      expect(JSON.stringify(heard)).not.toContain(base);
      // Announced after it was logged: the lead's query already shows the attempt it names.
      const { attempts } = await owner.caller.webhooks.deliveries({ projectId, webhookId: webhook.id });
      expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([[2, 200], [1, 503]]);
    } finally {
      stop();
    }
  });

  async function pollAttempts(webhookId: number, count: number) {
    for (let i = 0; i < 100; i += 1) {
      const { attempts } = await owner.caller.webhooks.deliveries({ projectId, webhookId });
      if (attempts.length >= count) return attempts;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`fewer than ${count} attempts logged`);
  }

  it('fires model.promoted when a lead puts a version live; disabled webhooks stay quiet', async () => {
    await create('/promoted', ['model.promoted']);
    const { webhook: off } = await create('/disabled', ['model.promoted']);
    await owner.caller.webhooks.update({ projectId, webhookId: off.id, enabled: false });
    const { id: versionId } = await env.deps.db
      .insertInto('model_version')
      .values({ project_id: projectId, version: 1, status: 'candidate', encoder: 'test', metrics: '{}', label_count: 12 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await owner.caller.models.promote({ projectId, versionId });
    const [hit] = await waitFor(() => (at('/promoted').length ? at('/promoted') : undefined), 15_000, 'model.promoted');
    expect(hit!.headers['sift-event']).toBe('model.promoted');
    expect(JSON.parse(hit!.raw)).toMatchObject({ event: 'model.promoted', projectId, data: { versionId, version: 1, automatic: false, labelCount: 12 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(at('/disabled')).toEqual([]);
  });

  it('still promotes when the job queue is unreachable, and logs (and announces) the delivery as not queued', async () => {
    const { webhook } = await create('/unqueued', ['model.promoted']);
    // A real Redis client pointed at a port where no Redis listens: enqueueing fails at once.
    const dead = createJobSystem({ redisUrl: 'redis://127.0.0.1:1', databaseUrl: env.database.connectionString, embedded: false, prefix: uniqueName('t') });
    const heard: SiftEvent[] = [];
    const stop = env.deps.bus.subscribe((event) => {
      if (event.type === 'webhook.delivery' && event.data.webhookId === webhook.id) heard.push(event);
    });
    try {
      const { id: versionId } = await env.deps.db
        .insertInto('model_version')
        .values({ project_id: projectId, version: 2, status: 'candidate', encoder: 'test', metrics: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const promoted = await callerFor({ ...env.deps, jobs: dead }, owner.user).models.promote({ projectId, versionId });
      expect(promoted.status).toBe('active');
      const [attempt] = await pollAttempts(webhook.id, 1);
      expect(attempt).toMatchObject({ event: 'model.promoted', attempt: 0, statusCode: null, error: expect.stringMatching(/^not queued: /) });
      await waitFor(() => (heard.length === 1 ? true : undefined), 5_000, () => 'the not-queued attempt announced');
      expect(heard[0]!.data).toMatchObject({ webhookId: webhook.id, attempt: 0 });
    } finally {
      stop();
      await dead.close();
    }
  });

  it('fires review.queue once when the queue rises above N, and again only after it came back down', async () => {
    const member = await signUpCaller(env.deps);
    const invite = await owner.caller.projects.invite({ projectId, email: member.input.email, role: 'reviewer' });
    await member.caller.projects.acceptInvite({ token: invite.token });
    await owner.caller.models.updateSettings({ projectId, settings: { overlap: 2, trainAfterSeconds: 3600 } });
    const batch = await insertImportBatch(env.deps.db, { projectId, createdBy: owner.user.id, fileName: 'f', format: 'csv', rowCount: 5 });
    const samples = await insertSamples(env.deps.db, projectId, batch, [0, 1, 2, 3, 4].map((i) => ({ text: `q${i}`, metadata: {}, contentHash: `hooks-${i}` })));
    const { labels } = await owner.caller.projects.get({ projectId });
    const [a, b] = [labels[0]!.id, labels[1]!.id];
    const disagree = async (sampleId: number) => {
      await owner.caller.labeling.annotate({ projectId, sampleId, labelId: a, durationMs: 1 });
      await member.caller.labeling.annotate({ projectId, sampleId, labelId: b, durationMs: 1 });
    };
    await create('/queue', ['review.queue'], { reviewQueueThreshold: 1 });

    await disagree(samples[0]!); // 1: not above 1
    await disagree(samples[1]!); // 2: crosses
    await disagree(samples[2]!); // 3: still above
    const [hit] = await waitFor(() => (at('/queue').length ? at('/queue') : undefined), 15_000, 'review.queue');
    expect(JSON.parse(hit!.raw)).toMatchObject({ event: 'review.queue', data: { size: 2, threshold: 1, disagreements: 2, suspects: 0 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(at('/queue')).toHaveLength(1);

    // Reviewers bring it back to 1, then a new disagreement crosses again.
    for (const sampleId of [samples[0]!, samples[1]!]) await member.caller.review.resolve({ projectId, sampleId, labelId: a });
    await disagree(samples[3]!);
    await waitFor(() => (at('/queue').length === 2 ? true : undefined), 15_000, 'the second crossing');
    expect(JSON.parse(at('/queue')[1]!.raw).data.size).toBe(2);
  });

  it('never shows or touches another project\'s webhooks', async () => {
    const stranger = await signUpCaller(env.deps);
    const theirs = await stranger.caller.projects.create({ name: 'Theirs', dataType: 'text', labels: [{ name: 'x' }, { name: 'y' }] });
    const { webhook } = await stranger.caller.webhooks.create({ projectId: theirs.id, url: `${base}/theirs`, events: ['drift.alert'] });
    const mine = callerFor(env.deps, owner.user);
    await expect(mine.webhooks.update({ projectId, webhookId: webhook.id, enabled: false })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(mine.webhooks.test({ projectId, webhookId: webhook.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(mine.webhooks.remove({ projectId, webhookId: webhook.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await mine.webhooks.list({ projectId })).webhooks.map((w) => w.id)).not.toContain(webhook.id);
    expect((await stranger.caller.webhooks.list({ projectId: theirs.id })).webhooks[0]).toMatchObject({ id: webhook.id, enabled: true });
  });
});
