/**
 * `npm run bench:predict`: the prediction API under load. Starts the server (embedded setup) on a
 * fresh data dir, imports 1,000 banking77 texts (10 intents), labels 200 through the API, waits for
 * a live version, creates a key, and drives the API with autocannon from this process on loopback:
 * 1 and 32 concurrent clients, single-text requests (every text different, so the embedding cache
 * does not flatter the figures), 30 s each; then 32 clients while the live version is swapped back
 * and forth. Prints one JSON line per scenario with `encoderRps` (batches of 32 through the encoder
 * + head in this process) and `inProcessSingleMs` (one text through both) for comparison.
 * `--duration S` shortens the runs.
 *
 * `--minutes M --swap-every S [--clients C] [--idle-projects N]`: instead, a project of all 10,003
 * banking77 training texts imported with their labels, and C clients (default 8) for M minutes
 * while a new version goes live every S seconds there and in one of N (default 10) projects that
 * get no predictions, with the server's RSS sampled (see predict-soak.ts). With
 * DATABASE_URL and REDIS_URL set, that run uses a scratch database beside DATABASE_URL and Redis
 * (the production shape, the trainer forked), else the embedded setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchClient, until } from './bench-client.ts';
import { parse } from 'csv-parse/sync';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import { loadTextEncoder } from '#trainer/ml/encoders/text-encoder.ts';
import { fitHead } from '#trainer/ml/head.ts';
import { createScratchDatabase } from '#db/scratch.ts';
import { prepareLabeledProject, runSoak } from './predict-soak.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const datasets = path.join(root, '..', 'shared', 'datasets', 'banking77');
const durationArg = process.argv.indexOf('--duration');
const DURATION = durationArg > 0 ? Number(process.argv[durationArg + 1]) : 30;
const numberArg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const SOAK_MINUTES = numberArg('--minutes', 0);
const SWAP_EVERY = numberArg('--swap-every', 30);
const SOAK_CLIENTS = numberArg('--clients', 8);
const IDLE_PROJECTS = numberArg('--idle-projects', 10);
const PORT = 3191;
const base = `http://127.0.0.1:${PORT}`;
const client = () => benchClient(base);
const INTENTS = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'top_up_failed', 'pin_blocked', 'terminate_account', 'cash_withdrawal_charge', 'apple_pay_or_google_pay', 'transfer_timing', 'refund_not_showing_up'];

type Row = { text: string; category: string };
const read = (file: string) => parse(readFileSync(path.join(datasets, file)), { columns: true }) as Row[];

function startServer(dataDir: string, production?: { databaseUrl: string; redisUrl: string }): ChildProcess {
  const shape = production
    ? { DATABASE_URL: production.databaseUrl, REDIS_URL: production.redisUrl, SIFT_TRAINER: 'child', SIFT_QUEUE_PREFIX: `bench_predict_${randomBytes(3).toString('hex')}` }
    : { DATABASE_URL: '', REDIS_URL: '' };
  // Uploads up to 200 MB: the soak imports a large head's bundle at every swap.
  const env = { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', SIFT_DATA_DIR: dataDir, SIFT_API_RATE_PER_MINUTE: '1000000', SIFT_MAX_UPLOAD_MB: '200', ...shape };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code) => code && console.error(`server exited with ${code}`));
  return child;
}

/** Sets up the project through the API; returns its id, key, and the two version ids to swap. */
async function prepare(): Promise<{ projectId: number; key: string; versionIds: number[] }> {
  const api = client();
  await until('the server', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 120_000);
  await api.mutate('auth.signUp', { email: 'bench@example.test', name: 'Bench', password: 'correct horse battery' });
  const project = await api.mutate<{ id: number }>('projects.create', { name: 'Bench', dataType: 'text', labels: INTENTS.map((name) => ({ name })) });
  await api.mutate('models.updateSettings', { projectId: project.id, settings: { trainEveryLabels: 200, trainAfterSeconds: 3600 } });
  const rows = INTENTS.flatMap((c) => read('train.csv').filter((r) => r.category === c).slice(0, 100));
  const csv = ['text,category', ...rows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.category}`)].join('\n');
  await api.upload(`/api/v1/projects/${project.id}/import`, 'bench.csv', csv);
  await until('embeddings', async () => {
    const status = await api.query<{ embedding: { total: number; embedded: number } }>('models.status', { projectId: project.id });
    return status.embedding.total > 0 && status.embedding.embedded === status.embedding.total ? true : undefined;
  }, 600_000);
  const { labels } = await api.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId: project.id });
  const label = async (count: number) => {
    for (let i = 0; i < count; i += 1) {
      const sample = await api.query<{ id: number; metadata: { category: string } } | null>('labeling.next', { projectId: project.id });
      if (!sample) return;
      await api.mutate('labeling.annotate', { projectId: project.id, sampleId: sample.id, labelId: labels.find((l) => l.name === sample.metadata.category)!.id, durationMs: 1 });
    }
  };
  const versions = () => api.query<{ versions: { id: number; status: string }[] }>('models.list', { projectId: project.id });
  await label(200);
  await until('version 1', async () => ((await versions()).versions.length >= 1 ? true : undefined), 300_000);
  await label(200);
  const all = await until('version 2', async () => {
    const list = (await versions()).versions;
    return list.length >= 2 ? list : undefined;
  }, 300_000);
  const { key } = await api.mutate<{ key: string }>('apiKeys.create', { projectId: project.id, name: 'bench' });
  return { projectId: project.id, key, versionIds: all.map((v) => v.id) };
}

/** Encoder + head throughput and single-text latency in this process (the bar the API is held to). */
async function measureInProcess(): Promise<{ encoderRps: number; inProcessSingleMs: number }> {
  await initTensorBackend({ log: () => undefined });
  const encoder = await loadTextEncoder();
  const train = INTENTS.flatMap((c) => read('train.csv').filter((r) => r.category === c).slice(0, 40));
  const fit = await fitHead({ dense: await encoder.embed(train.map((r) => r.text)), texts: train.map((r) => r.text) }, train.map((r) => INTENTS.indexOf(r.category)), INTENTS.length);
  const texts = read('test.csv').map((r) => r.text);
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < 10_000) {
    const batch = texts.slice(done % 3000, (done % 3000) + 32);
    fit.head.predictProba({ dense: await encoder.embed(batch), texts: batch });
    done += batch.length;
  }
  const encoderRps = done / ((performance.now() - started) / 1000);
  const single: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    const t0 = performance.now();
    fit.head.predictProba({ dense: await encoder.embed([texts[i]!]), texts: [texts[i]!] });
    single.push(performance.now() - t0);
  }
  encoder.dispose();
  return { encoderRps, inProcessSingleMs: single.sort((a, b) => a - b)[30]! };
}

function load(projectId: number, key: string, connections: number, duration: number): Promise<autocannon.Result> {
  const texts = read('test.csv').map((r) => r.text);
  let i = 0;
  return autocannon({
    url: `${base}/api/v1/projects/${projectId}/predict`,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ inputs: [{ text: `${texts[i % texts.length]} (${(i++).toString(36)})` }] }) }) }],
  });
}

function report(name: string, result: autocannon.Result, inProcess: { encoderRps: number; inProcessSingleMs: number }) {
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(JSON.stringify({ scenario: name, p50Ms: result.latency.p50, p99Ms: result.latency.p99, rps: Number(result.requests.average.toFixed(1)), errors, requests: result.requests.total, ...roundAll(inProcess) }));
}

function roundAll(values: Record<string, number>) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v.toFixed(2))]));
}

/** The long run: a new live version every SWAP_EVERY seconds under steady traffic, RSS watched. */
async function soak(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sift-bench-predict-'));
  const { DATABASE_URL, REDIS_URL } = process.env;
  const database = DATABASE_URL && REDIS_URL ? await createScratchDatabase({ adminUrl: DATABASE_URL, name: `sift_bench_predict_${randomBytes(4).toString('hex')}` }) : undefined;
  const server = startServer(dataDir, database && { databaseUrl: database.connectionString, redisUrl: REDIS_URL! });
  try {
    const api = client();
    const { projectId, idleProjectIds, key } = await prepareLabeledProject(base, api, read('train.csv'), IDLE_PROJECTS);
    const texts = read('test.csv').map((r) => r.text);
    await load(projectId, key, 1, 3);
    await runSoak({ base, serverPid: server.pid!, projectId, idleProjectIds, key, api, texts, minutes: SOAK_MINUTES, swapEverySeconds: SWAP_EVERY, connections: SOAK_CLIENTS });
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (SOAK_MINUTES > 0) return soak();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sift-bench-predict-'));
  const server = startServer(dataDir);
  try {
    const { projectId, key, versionIds } = await prepare();
    const inProcess = await measureInProcess();
    // Warm the server's encoder thread first (model load).
    await load(projectId, key, 1, 3);
    report('1 client', await load(projectId, key, 1, DURATION), inProcess);
    report('32 clients', await load(projectId, key, 32, DURATION), inProcess);
    const api = client();
    await api.mutate('auth.logIn', { email: 'bench@example.test', password: 'correct horse battery' });
    let swaps = 0;
    const swapping = setInterval(() => {
      swaps += 1;
      void api.mutate('models.promote', { projectId, versionId: versionIds[swaps % versionIds.length] }).catch((error: Error) => console.error(`promote failed: ${error.message}`));
    }, 2000);
    const swapped = await load(projectId, key, 32, DURATION);
    clearInterval(swapping);
    report(`32 clients, live version swapped ${swaps} times`, swapped, inProcess);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
