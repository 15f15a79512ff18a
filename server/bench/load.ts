/**
 * `npm run bench:load`: 50 annotators labeling over HTTP + socket.io at once for 60 s against real
 * PostgreSQL and Redis (DATABASE_URL, REDIS_URL), with training triggered throughout (every 50
 * labels) and the prediction API under 32 concurrent clients meanwhile. Prints JSON: annotations
 * sent and stored (each exactly once), the p50/p99 time from an annotation to its broadcast
 * reaching the other annotators' sockets, samples annotated beyond the overlap (must be 0), and the
 * prediction API's requests and errors. `--duration S`, `--annotators N` shorten it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import { benchClient, until } from './bench-client.ts';
import { parse } from 'csv-parse/sync';
import { io, type Socket } from 'socket.io-client';
import { createScratchDatabase } from '#db/scratch.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const DURATION_S = arg('--duration', 60);
const ANNOTATORS = arg('--annotators', 50);
/** `--predict-clients 0` and `--train-every 0` turn that background load off, to see what costs what. */
const PREDICT_CLIENTS = arg('--predict-clients', 32);
const TRAIN_EVERY = arg('--train-every', 50);
/**
 * Each annotator reads a sample for THINK_MS ± 50% before labeling it (a fast human; 0 = as fast
 * as the server answers, which measures saturation rather than latency at a given load).
 */
const THINK_MS = arg('--think-ms', 1000);
const OVERLAP = 2;
const PORT = 3192;
const base = `http://127.0.0.1:${PORT}`;
const client = () => benchClient(base);
/** Twelve intents, ~1,700 samples: with overlap 2, room for the whole run's labels at a fast team's pace. */
const INTENTS = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'top_up_failed', 'card_payment_fee_charged', 'direct_debit_payment_not_recognised', 'cash_withdrawal_charge', 'transaction_charged_twice', 'declined_cash_withdrawal', 'transfer_fee_charged', 'request_refund', 'pin_blocked'];

/** `--profile DIR`: the server and trainer write CPU profiles there on exit (open them in Chrome DevTools). */
const PROFILE_DIR = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;

function spawnNode(entry: string, env: Record<string, string>): ChildProcess {
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  return spawn(process.execPath, [...profile, '--import', 'tsx', entry], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('bench:load needs DATABASE_URL and REDIS_URL (real PostgreSQL and Redis)');
  const database = await createScratchDatabase({ adminUrl: process.env.DATABASE_URL, name: `sift_bench_load_${randomBytes(4).toString('hex')}` });
  const env = { DATABASE_URL: database.connectionString, REDIS_URL: process.env.REDIS_URL, SIFT_QUEUE_PREFIX: `load_${randomBytes(3).toString('hex')}`, PORT: String(PORT), HOST: '127.0.0.1', SIFT_TRAINER: 'external', SIFT_API_RATE_PER_MINUTE: '1000000', SIFT_ALLOW_SIGNUP: 'true' };
  const processes = [spawnNode('server/index.ts', env), spawnNode('trainer/index.ts', env)];
  const sockets: Socket[] = [];
  try {
    const owner = client();
    await until('the server', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 120_000);
    await owner.mutate('auth.signUp', { email: 'owner@load.test', name: 'Owner', password: 'correct horse battery' });
    const project = await owner.mutate<{ id: number }>('projects.create', { name: 'Load', dataType: 'text', labels: INTENTS.map((name) => ({ name })) });
    const projectId = project.id;
    await owner.mutate('models.updateSettings', { projectId, settings: { overlap: OVERLAP, trainEveryLabels: TRAIN_EVERY || 100_000, trainAfterSeconds: TRAIN_EVERY ? 30 : 86_400 } });
    const rows = (parse(readFileSync(path.join(root, '..', 'shared', 'datasets', 'banking77', 'train.csv')), { columns: true }) as { text: string; category: string }[]).filter((r) => INTENTS.includes(r.category));
    await owner.upload(`/api/v1/projects/${projectId}/import`, 'load.csv', ['text,category', ...rows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.category}`)].join('\n'));
    await until('embeddings', async () => {
      const s = await owner.query<{ embedding: { total: number; embedded: number } }>('models.status', { projectId });
      return s.embedding.total > 0 && s.embedding.embedded === s.embedding.total ? true : undefined;
    }, 600_000);
    const { labels } = await owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId });

    // The team: each annotator signs up through an invite and joins the project room.
    const team: { member: ReturnType<typeof client>; socket: Socket; userId: number }[] = [];
    for (let i = 0; i < ANNOTATORS; i += 1) {
      const invite = await owner.mutate<{ token: string }>('projects.invite', { projectId, email: `a${i}@load.test`, role: 'annotator' });
      const member = client();
      await member.mutate('auth.signUp', { email: `a${i}@load.test`, name: `A${i}`, password: 'correct horse battery', inviteToken: invite.token });
      const socket = io(base, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: member.cookie() } });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await socket.timeout(5000).emitWithAck('project:join', { projectId });
      sockets.push(socket);
      team.push({ member, socket, userId: i });
    }

    // Broadcast latency: when each annotation was sent, and when each other annotator heard of it.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    team.forEach(({ socket }) =>
      socket.on('event', (event: { type: string; data: { sampleId: number; userId: number } }) => {
        if (event.type !== 'annotation.changed') return;
        const sent = sentAt.get(`${event.data.userId}:${event.data.sampleId}`);
        if (sent !== undefined) latencies.push(performance.now() - sent);
      }),
    );
    const me = await Promise.all(team.map(({ member }) => member.query<{ id: number }>('auth.me', {})));
    let sent = 0;
    let failed = 0;
    let exhausted = false;
    const nextMs: number[] = [];
    const annotateMs: number[] = [];
    const deadline = Date.now() + DURATION_S * 1000;
    // This process plays fifty browsers: its own event-loop delay is part of every latency it measures.
    const ownDelay = monitorEventLoopDelay({ resolution: 10 });
    ownDelay.enable();
    const annotator = async ({ member }: (typeof team)[number], index: number) => {
      while (Date.now() < deadline) {
        const asked = performance.now();
        const sample = await member.query<{ id: number; metadata: { category: string } } | null>('labeling.next', { projectId }).catch(() => null);
        if (!sample) {
          exhausted = true;
          break;
        }
        nextMs.push(performance.now() - asked);
        const labelId = labels.find((l) => l.name === sample.metadata.category)!.id;
        if (THINK_MS > 0) await new Promise((resolve) => setTimeout(resolve, THINK_MS * (0.5 + Math.random())));
        const sentNow = performance.now();
        sentAt.set(`${me[index]!.id}:${sample.id}`, sentNow);
        await member.mutate('labeling.annotate', { projectId, sampleId: sample.id, labelId, durationMs: 500, clientId: randomUUID() }).then(
          () => {
            sent += 1;
            annotateMs.push(performance.now() - sentNow);
          },
          () => (failed += 1),
        );
      }
    };

    // Prediction traffic meanwhile, once the first version is live.
    const predicting = (async () => {
      if (PREDICT_CLIENTS === 0) return new Error('prediction traffic off');
      await until('a live version', async () => ((await owner.query<{ versions: unknown[] }>('models.list', { projectId })).versions.length > 0 ? true : undefined), DURATION_S * 1000);
      const { key } = await owner.mutate<{ key: string }>('apiKeys.create', { projectId, name: 'load' });
      const remaining = Math.max(5, Math.round((deadline - Date.now()) / 1000));
      const args = JSON.stringify({ url: `${base}/api/v1/projects/${projectId}/predict`, key, connections: PREDICT_CLIENTS, seconds: remaining, texts: rows.slice(0, 500).map((r) => r.text) });
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'bench', 'predict-clients.ts'), args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await new Promise((resolve) => child.once('exit', resolve));
      return JSON.parse(output) as autocannon.Result;
    })().catch((error: Error) => error);

    await Promise.all(team.map((t, i) => annotator(t, i)));
    const predictions = await predicting;
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const stored = await database.db.selectFrom('annotation').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
    const overfull = await database.db
      .selectFrom('annotation')
      .select('sample_id')
      .where('project_id', '=', projectId)
      .groupBy('sample_id')
      .having((eb) => eb.fn.countAll(), '>', OVERLAP)
      .execute();
    const versions = await owner.query<{ versions: unknown[] }>('models.list', { projectId });
    for (const list of [latencies, nextMs, annotateMs]) list.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        annotators: ANNOTATORS,
        seconds: DURATION_S,
        thinkMs: THINK_MS,
        labelsPerSecond: Number((sent / DURATION_S).toFixed(1)),
        annotationsSent: sent,
        annotationsFailed: failed,
        annotationsStored: Number(stored.n),
        samplesBeyondOverlap: overfull.length,
        broadcastP50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
        broadcastP99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
        broadcastsHeard: latencies.length,
        benchLoopDelayP99Ms: Number((ownDelay.percentile(99) / 1e6).toFixed(1)),
        annotateP50Ms: Number(percentile(annotateMs, 0.5).toFixed(1)),
        annotateP99Ms: Number(percentile(annotateMs, 0.99).toFixed(1)),
        nextP50Ms: Number(percentile(nextMs, 0.5).toFixed(1)),
        nextP99Ms: Number(percentile(nextMs, 0.99).toFixed(1)),
        modelVersions: versions.versions.length,
        poolExhausted: exhausted,
        predict: predictions instanceof Error ? { error: predictions.message } : { requests: predictions.requests.total, rps: Number(predictions.requests.average.toFixed(1)), errors: predictions.errors + predictions.timeouts + predictions.non2xx, timeouts: predictions.timeouts, non2xx: predictions.non2xx, statusCodes: predictions.statusCodeStats, p99Ms: predictions.latency.p99 },
      }),
    );
  } finally {
    sockets.forEach((s) => s.close());
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await database.close();
  }
}

await main();
process.exit(0);
