/**
 * `npm run bench:predict -- --minutes 10 --swap-every 30`: prediction traffic for a long run while
 * a new model version goes live every few seconds, with the server's resident memory watched.
 * The project is all of banking77's train.csv (10,003 texts, 77 intents) imported with its labels,
 * so its head is a large one: lexical weights for every n-gram column of 10,000 texts × 77
 * classes. Each swap goes the way a lead's would: the live version's bundle (exported once) is
 * imported as a new version (`POST /api/v1/projects/:id/models/import`) and put live
 * (`models.promote`), so every swap makes the server load a head it has never held and drop the
 * one it served. Each swap also puts a new version live in one of `--idle-projects N` (default 10)
 * other projects with the same labels that get no predictions, in turn, as the trainer would in a
 * busy instance: the server must not load those. RSS is read from /proc every 5 s; prints a row per
 * minute (RSS, predictions/s, errors) and a JSON line with the trend: growth after minute 2 and
 * the slope of the last 5 minutes.
 */
import autocannon from 'autocannon';
import { until, type benchClient } from './bench-client.ts';
import { between, mb, sampleRss, slopeMbPerMinute, type RssSample } from './process-memory.ts';

export interface SoakOptions {
  base: string;
  serverPid: number;
  projectId: number;
  /** Projects with the same labels that get new versions but no predictions. */
  idleProjectIds: number[];
  key: string;
  /** A signed-in lead of the project (imports and promotes). */
  api: ReturnType<typeof benchClient>;
  texts: string[];
  minutes: number;
  swapEverySeconds: number;
  connections: number;
}

const SAMPLE_EVERY_MS = 5000;
/** Minutes of warm-up (encoder load, embedding cache filling, TF.js heap reaching its peak) not judged. */
const WARM_UP_MINUTES = 2;

/** Rows imported after the rest is embedded, so one version trains on every label. */
const LATE_ROWS = 20;

/**
 * Signs up, creates the project with `rows`' categories as labels and imports the rows with their
 * labels: all but the last few, then (once those are embedded) the last few, which asks for a
 * version trained on every embedded label (versions the trainer made meanwhile saw fewer). That
 * version is put live, a predict key created, and the idle projects made.
 */
export async function prepareLabeledProject(
  base: string,
  api: SoakOptions['api'],
  rows: { text: string; category: string }[],
  idleProjects: number,
): Promise<{ projectId: number; idleProjectIds: number[]; key: string }> {
  await until('the server', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 120_000);
  await api.mutate('auth.signUp', { email: 'bench@example.test', name: 'Bench', password: 'correct horse battery' });
  const labels = [...new Set(rows.map((r) => r.category))].map((name) => ({ name }));
  const project = await api.mutate<{ id: number }>('projects.create', { name: 'Soak', dataType: 'text', labels });
  const projectId = project.id;
  const first = await importLabeled(base, api, projectId, rows.slice(0, -LATE_ROWS));
  await until(
    'embeddings',
    async () => {
      const { embedding } = await api.query<{ embedding: { total: number; embedded: number } }>('models.status', { projectId });
      return embedding.total > 0 && embedding.embedded === embedding.total ? true : undefined;
    },
    3600_000,
  );
  await importLabeled(base, api, projectId, rows.slice(-LATE_ROWS));
  type Version = { id: number; status: string; labelCount: number };
  const full = await until(
    'a version trained on every label',
    async () => (await api.query<{ versions: Version[] }>('models.list', { projectId })).versions.find((v) => v.labelCount >= first.labeled),
    3600_000,
  );
  if (full.status !== 'active') await api.mutate('models.promote', { projectId, versionId: full.id });
  const { key } = await api.mutate<{ key: string }>('apiKeys.create', { projectId, name: 'soak' });
  const idleProjectIds: number[] = [];
  for (let i = 0; i < idleProjects; i += 1) idleProjectIds.push((await api.mutate<{ id: number }>('projects.create', { name: `Idle ${i + 1}`, dataType: 'text', labels })).id);
  return { projectId, idleProjectIds, key };
}

async function importLabeled(base: string, api: SoakOptions['api'], projectId: number, rows: { text: string; category: string }[]): Promise<{ labeled: number }> {
  const csv = ['text,category', ...rows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.category}`)].join('\n');
  const form = new FormData();
  form.append('textField', 'text');
  form.append('labelField', 'category');
  form.append('file', new Blob([csv]), 'soak.csv');
  const res = await fetch(`${base}/api/v1/projects/${projectId}/import`, { method: 'POST', body: form, headers: { cookie: api.cookie() } });
  if (!res.ok) throw new Error(`import: ${res.status} ${await res.text()}`);
  return (await res.json()) as { labeled: number };
}

export async function runSoak(options: SoakOptions): Promise<void> {
  const { base, projectId, api } = options;
  const live = await api.query<{ versions: { version: number; status: string }[] }>('models.list', { projectId });
  const version = live.versions.find((v) => v.status === 'active') ?? live.versions[0]!;
  const bundle = await download(`${base}/api/v1/projects/${projectId}/models/${version.version}/export`, api.cookie());
  console.error(
    `soak: ${options.minutes} min, ${options.connections} clients, a new version (bundle of ${mb(bundle.byteLength)} MB) live every ${options.swapEverySeconds} s, and in one of ${options.idleProjectIds.length} idle projects`,
  );

  const windows: { ok: number; errors: number }[] = [];
  const windowOf = (started: number) => (windows[Math.floor((performance.now() - started) / 60_000)] ??= { ok: 0, errors: 0 });
  const swaps = { done: 0, failed: 0 };
  const rss = sampleRss({ server: options.serverPid }, SAMPLE_EVERY_MS);
  const started = performance.now();
  let tick = 0;
  let swapping: Promise<unknown> = Promise.resolve();
  const swapTimer = setInterval(() => {
    const idle = options.idleProjectIds[tick++ % Math.max(1, options.idleProjectIds.length)];
    swapping = swapOnce(base, api, projectId, bundle)
      .then(() => (idle === undefined ? undefined : swapOnce(base, api, idle, bundle)))
      .then(
        () => (swaps.done += 1),
        (error: Error) => {
          swaps.failed += 1;
          console.error(`swap failed: ${error.message}`);
        },
      );
  }, options.swapEverySeconds * 1000);
  let n = 0;
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => [finish, fail] = [resolve, reject]);
  const run = autocannon({
    url: `${base}/api/v1/projects/${projectId}/predict`,
    connections: options.connections,
    duration: options.minutes * 60,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
    // Every text different, so the embedding cache fills to its bound and stays there.
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ inputs: [{ text: `${options.texts[n % options.texts.length]} (${(n++).toString(36)})` }] }) }) }],
  }, (error, result) => (error ? fail(error) : finish(result)));
  run.on('response', (_client, status: number) => (status < 300 ? (windowOf(started).ok += 1) : (windowOf(started).errors += 1)));
  run.on('reqError', () => (windowOf(started).errors += 1));
  const printed = new Set<number>();
  const table = setInterval(() => {
    const minute = Math.floor((performance.now() - started) / 60_000);
    for (let m = 0; m < minute; m += 1) if (!printed.has(m)) printRow(m, rss.series.server!, windows[m]);
    for (let m = 0; m < minute; m += 1) printed.add(m);
  }, 1000);
  console.log('minute | RSS MB (end) | RSS MB (mean) | predictions/s | errors');
  const result = await finished;
  clearInterval(swapTimer);
  clearInterval(table);
  await swapping;
  const samples = rss.stop().server!;
  for (let m = 0; m < options.minutes; m += 1) if (!printed.has(m)) printRow(m, samples, windows[m]);
  console.log(JSON.stringify(summarize(samples, options, swaps, result)));
}

/** Imports the bundle as a new version and puts it live, as a lead would. */
async function swapOnce(base: string, api: SoakOptions['api'], projectId: number, bundle: Uint8Array<ArrayBuffer>): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([bundle]), 'bench-model.zip');
  const res = await fetch(`${base}/api/v1/projects/${projectId}/models/import`, { method: 'POST', body: form, headers: { cookie: api.cookie() } });
  if (!res.ok) throw new Error(`import: ${res.status} ${await res.text()}`);
  const { versionId } = (await res.json()) as { versionId: number };
  await api.mutate('models.promote', { projectId, versionId });
}

async function download(url: string, cookie: string): Promise<Uint8Array<ArrayBuffer>> {
  const res = await fetch(url, { headers: { cookie } });
  if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
  return new Uint8Array(await res.arrayBuffer());
}

function printRow(minute: number, samples: RssSample[], window: { ok: number; errors: number } | undefined): void {
  const inMinute = between(samples, minute * 60, (minute + 1) * 60);
  if (inMinute.length === 0) return;
  const mean = inMinute.reduce((s, x) => s + x.rss, 0) / inMinute.length;
  const rate = ((window?.ok ?? 0) / 60).toFixed(1);
  console.log(`${String(minute + 1).padStart(6)} | ${String(mb(inMinute.at(-1)!.rss)).padStart(12)} | ${String(mb(mean)).padStart(13)} | ${rate.padStart(13)} | ${window?.errors ?? 0}`);
}

function summarize(samples: RssSample[], options: SoakOptions, swaps: { done: number; failed: number }, result: autocannon.Result) {
  const seconds = options.minutes * 60;
  const afterWarmUp = between(samples, WARM_UP_MINUTES * 60);
  const lastFive = between(samples, Math.max(0, seconds - 5 * 60));
  const atWarmUp = afterWarmUp[0]?.rss ?? samples[0]!.rss;
  return {
    scenario: `${options.connections} clients for ${options.minutes} min, a new live version every ${options.swapEverySeconds} s (and in one of ${options.idleProjectIds.length} idle projects)`,
    swaps: swaps.done,
    swapsFailed: swaps.failed,
    requests: result.requests.total,
    rps: Number(result.requests.average.toFixed(1)),
    errors: result.errors + result.timeouts + result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    rssStartMb: mb(samples[0]!.rss),
    rssAtMinute2Mb: mb(atWarmUp),
    rssEndMb: mb(samples.at(-1)!.rss),
    rssPeakMb: mb(Math.max(...samples.map((s) => s.rss))),
    rssGrowthAfterMinute2Mb: mb(Math.max(...afterWarmUp.map((s) => s.rss)) - atWarmUp),
    rssSlopeLast5MinMbPerMin: slopeMbPerMinute(lastFive),
    rssByMinuteMb: Array.from({ length: options.minutes }, (_, m) => mb(between(samples, m * 60, (m + 1) * 60).at(-1)?.rss ?? 0)),
  };
}
