/**
 * `npm run bench:import-memory`: the server's and the trainer's resident memory over an import of
 * 100,000 texts into one text project and the trainer embedding them all. Needs DATABASE_URL (a
 * scratch database is made beside it and dropped) and REDIS_URL. Starts the real server
 * (`server/index.ts`, trainer external) and the real trainer (`trainer/index.ts`) as children,
 * builds the CSV in memory from ../shared/datasets (banking77, clinc150, goemotions, sms-spam;
 * topped up with numbered copies to reach the row count; nothing is written to disk), uploads it
 * through the import route, and samples both processes' RSS from /proc every 2 s until the
 * embeddings are done and `--settle S` (default 120) seconds more have passed (scoring the pool).
 * Prints a row per minute and a JSON line: baseline, peak and end RSS of each process, and the
 * trainer's RSS slope while it embeds (after the first 10% of texts: a per-batch leak climbs).
 * `--rows N` changes the row count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { createScratchDatabase } from '#db/scratch.ts';
import { benchClient, until } from './bench-client.ts';
import { between, mb, sampleRss, slopeMbPerMinute, type RssSample } from './process-memory.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const datasets = path.join(root, '..', 'shared', 'datasets');
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROWS = arg('--rows', 100_000);
const SETTLE_SECONDS = arg('--settle', 120);
const PORT = 3194;
const base = `http://127.0.0.1:${PORT}`;

/** Distinct texts from the shared datasets, then numbered copies, `rows` in all, as one CSV. */
function buildCsv(rows: number): string {
  const csvTexts = (file: string) => (parse(readFileSync(path.join(datasets, file)), { columns: true }) as { text: string }[]).map((r) => r.text);
  const clinc = JSON.parse(readFileSync(path.join(datasets, 'clinc150', 'data_full.json'), 'utf8')) as Record<string, [string, string][]>;
  const sms = readFileSync(path.join(datasets, 'sms-spam', 'SMSSpamCollection.txt'), 'utf8').split('\n').map((line) => line.slice(line.indexOf('\t') + 1));
  const all = [
    ...csvTexts('banking77/train.csv'),
    ...csvTexts('banking77/test.csv'),
    ...Object.values(clinc).flatMap((pairs) => pairs.map(([text]) => text)),
    ...['train', 'dev', 'test'].flatMap((split) => csvTexts(`goemotions/${split}.csv`)),
    ...sms,
  ];
  const distinct = [...new Set(all.map((t) => t.replace(/\s+/g, ' ').trim()).filter((t) => t.length > 0))];
  const texts = Array.from({ length: rows }, (_, i) => (i < distinct.length ? distinct[i]! : `${distinct[i % distinct.length]} (${Math.floor(i / distinct.length)})`));
  return ['text', ...texts.map((t) => `"${t.replace(/"/g, '""')}"`)].join('\n');
}

function start(entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code) => code && console.error(`${entry} exited with ${code}`));
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

const peak = (samples: RssSample[]) => mb(Math.max(...samples.map((s) => s.rss)));
const last = (samples: RssSample[]) => mb(samples.at(-1)?.rss ?? 0);

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('bench:import-memory needs DATABASE_URL and REDIS_URL');
const csv = buildCsv(ROWS);
const database = await createScratchDatabase({ adminUrl: process.env.DATABASE_URL, name: `sift_bench_import_${randomBytes(4).toString('hex')}` });
const shared = { DATABASE_URL: database.connectionString, REDIS_URL: process.env.REDIS_URL, SIFT_QUEUE_PREFIX: `bench_import_${randomBytes(3).toString('hex')}` };
let server: ChildProcess | undefined;
let trainer: ChildProcess | undefined;
try {
  server = start('server/index.ts', { ...shared, PORT: String(PORT), HOST: '127.0.0.1', SIFT_TRAINER: 'external', SIFT_MAX_IMPORT_ROWS: String(Math.max(ROWS, 100_000)) });
  trainer = start('trainer/index.ts', shared);
  await until('the server', async () => ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok ? true : undefined), 120_000);
  const api = benchClient(base);
  await api.mutate('auth.signUp', { email: 'bench@example.test', name: 'Bench', password: 'correct horse battery' });
  const project = await api.mutate<{ id: number }>('projects.create', { name: 'Import memory', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
  // Idle readings first: the baseline is the started, signed-in server before the upload.
  const rss = sampleRss({ server: server.pid!, trainer: trainer.pid! }, 2000);
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000 + 10;
  await api.upload(`/api/v1/projects/${project.id}/import`, 'import-memory.csv', csv);
  const importSeconds = seconds() - 10;
  console.error(`imported ${ROWS} rows (${mb(csv.length)} MB) in ${importSeconds.toFixed(1)} s`);
  const progress: { seconds: number; embedded: number }[] = [];
  let printedMinute = 0;
  console.log('minute | server RSS MB | trainer RSS MB | embedded | texts/s');
  const done = await until(
    'embeddings',
    async () => {
      const { embedding } = await api.query<{ embedding: { total: number; embedded: number } }>('models.status', { projectId: project.id });
      progress.push({ seconds: seconds(), embedded: embedding.embedded });
      const minute = Math.floor(seconds() / 60);
      if (minute > printedMinute) {
        printedMinute = minute;
        const rate = progress.length > 1 ? (embedding.embedded - (progress.find((p) => p.seconds >= seconds() - 60)?.embedded ?? 0)) / 60 : 0;
        console.log(`${String(minute).padStart(6)} | ${String(last(rss.series.server!)).padStart(12)} | ${String(last(rss.series.trainer!)).padStart(14)} | ${String(embedding.embedded).padStart(8)} | ${rate.toFixed(1)}`);
      }
      return embedding.total >= ROWS && embedding.embedded === embedding.total ? seconds() : undefined;
    },
    3 * 3600_000,
  );
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  const series = rss.stop();
  const tenth = progress.find((p) => p.embedded >= ROWS / 10)?.seconds ?? 10;
  const embedding = between(series.trainer!, tenth, done);
  const baseline = between(series.server!, 0, 10);
  console.log(
    JSON.stringify({
      rows: ROWS,
      csvMb: mb(csv.length),
      importSeconds: Number(importSeconds.toFixed(1)),
      embedSeconds: Math.round(done - 10 - importSeconds),
      textsPerSecond: Number((ROWS / (done - 10 - importSeconds)).toFixed(1)),
      server: {
        baselineMb: last(baseline),
        peakMb: peak(series.server!),
        peakDuringImportMb: peak(between(series.server!, 10, 10 + importSeconds + 2)),
        afterEmbeddingMb: last(between(series.server!, 0, done)),
        endMb: last(series.server!),
        slopeAfterImportMbPerMin: slopeMbPerMinute(between(series.server!, 10 + importSeconds + 30)),
      },
      trainer: {
        baselineMb: last(between(series.trainer!, 0, 10)),
        atFirstTenthMb: last(between(series.trainer!, 0, tenth)),
        peakWhileEmbeddingMb: peak(between(series.trainer!, 0, done)),
        embeddedMb: last(between(series.trainer!, 0, done)),
        growthAfterFirstTenthMb: mb(Math.max(...embedding.map((s) => s.rss)) - (embedding[0]?.rss ?? 0)),
        slopeAfterFirstTenthMbPerMin: slopeMbPerMinute(embedding),
        peakMb: peak(series.trainer!),
        endMb: last(series.trainer!),
      },
      settleSeconds: SETTLE_SECONDS,
    }),
  );
} finally {
  await stop(server);
  await stop(trainer);
  await database.close();
}
process.exit(0);
