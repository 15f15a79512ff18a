/**
 * `npm run bench:export`: a streamed data export of a 200,000-sample project (60% with two
 * annotations each, the rest with a prediction) over HTTP, with the server's memory watched.
 * Needs DATABASE_URL (a scratch database is made beside it and dropped) and REDIS_URL. Starts the
 * real server (`server/index.ts`) as a child on that database, downloads CSV and then JSONL with an
 * export-scoped API key, and samples the child's RSS from /proc every 50 ms. Prints one JSON line
 * per format: rows, seconds, rows/s, MB, the RSS before, at peak and after, and the RSS growth
 * after the first 10% of rows (a leak grows with rows; a streaming export stays flat).
 * `--size N` changes the sample count; `--heap-mb N` caps the server's V8 old space.
 * `--images KB`: an image project instead, each image KB kilobytes, exported as `format=zip`
 * (progress then counts bytes rather than rows).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seedExportBench, seedImageExportBench } from '#db/bench-export.ts';
import { createScratchDatabase } from '#db/scratch.ts';
import { until } from './bench-client.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sizeArg = process.argv.indexOf('--size');
const SIZE = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : 200_000;
const heapArg = process.argv.indexOf('--heap-mb');
/** Caps the server's V8 old space: an export that held its rows would run out of memory instead of passing. */
const HEAP_MB = heapArg > 0 ? Number(process.argv[heapArg + 1]) : undefined;
const imagesArg = process.argv.indexOf('--images');
const IMAGE_KB = imagesArg > 0 ? Number(process.argv[imagesArg + 1]) : undefined;
const PORT = 3193;
const base = `http://127.0.0.1:${PORT}`;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

function startServer(databaseUrl: string): ChildProcess {
  const env = { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, SIFT_TRAINER: 'external', SIFT_QUEUE_PREFIX: `bench_export_${randomBytes(3).toString('hex')}` };
  const heap = HEAP_MB ? [`--max-old-space-size=${HEAP_MB}`] : [];
  const child = spawn(process.execPath, [...heap, '--import', 'tsx', 'server/index.ts'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code) => code && console.error(`server exited with ${code}`));
  return child;
}

async function download(pid: number, url: string, key: string, format: 'csv' | 'jsonl' | 'zip'): Promise<Record<string, unknown>> {
  const before = rssOf(pid);
  // `rows` here is progress: rows for CSV and JSONL, bytes for a zip.
  const samples: { rows: number; rss: number }[] = [];
  let rows = 0;
  let bytes = 0;
  const timer = setInterval(() => samples.push({ rows: format === 'zip' ? bytes : rows, rss: rssOf(pid) }), 50);
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    const chunk = next.value;
    bytes += chunk.byteLength;
    if (format === 'zip') continue;
    // Seeded texts hold no line breaks, so each record ends one line.
    const text = decoder.decode(chunk, { stream: true });
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) rows++;
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  if (format === 'zip') rows = bytes;
  samples.push({ rows, rss: rssOf(pid) });
  if (format === 'csv') rows -= 1; // the header
  const peak = Math.max(...samples.map((s) => s.rss));
  const afterTenth = samples.find((s) => s.rows >= rows / 10)?.rss ?? before;
  return {
    format,
    rows: format === 'zip' ? SIZE : rows,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round((format === 'zip' ? SIZE : rows) / seconds),
    megabytes: mb(bytes),
    rssBeforeMb: mb(before),
    rssPeakMb: mb(peak),
    rssAfterMb: mb(samples.at(-1)!.rss),
    rssGrowthMb: mb(peak - before),
    rssGrowthAfterFirstTenthMb: mb(peak - afterTenth),
    // RSS when 10%, 20%, … 100% of the rows had arrived: a leak climbs steadily, garbage saws up and down.
    rssByTenthMb: Array.from({ length: 10 }, (_, i) => mb(samples.find((x) => x.rows >= (rows * (i + 1)) / 10)?.rss ?? samples.at(-1)!.rss)),
    serverHeapCapMb: HEAP_MB ?? null,
  };
}

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('bench:export needs DATABASE_URL and REDIS_URL');
const database = await createScratchDatabase({ adminUrl: process.env.DATABASE_URL, name: `sift_bench_export_${randomBytes(4).toString('hex')}` });
let server: ChildProcess | undefined;
try {
  const prefix = randomBytes(6).toString('hex').replace(/[^a-z0-9]/gi, 'x').slice(0, 8).padEnd(8, 'x');
  const key = `sift_${prefix}_${randomBytes(32).toString('base64url')}`;
  const t0 = performance.now();
  const seed = { size: SIZE, keyPrefix: prefix, keyHash: createHash('sha256').update(key).digest('hex') };
  const { projectId } = IMAGE_KB ? await seedImageExportBench(database.db, { ...seed, imageBytes: IMAGE_KB * 1024 }) : await seedExportBench(database.db, seed);
  console.error(`seeded ${SIZE} samples in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  server = startServer(database.connectionString);
  await until('the server', async () => ((await fetch(`${base}/healthz`).catch(() => undefined))?.status ? true : undefined), 120_000);
  // A small export first, so start-up allocations (route code, pools) are not counted as growth.
  const warmUp = IMAGE_KB ? 'format=zip&label=bag&split=check' : 'format=jsonl&label=pin_blocked&split=check';
  await fetch(`${base}/api/v1/projects/${projectId}/export?${warmUp}`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.arrayBuffer());
  for (const format of IMAGE_KB ? (['zip'] as const) : (['csv', 'jsonl'] as const)) {
    console.log(JSON.stringify({ samples: SIZE, ...(await download(server.pid!, `${base}/api/v1/projects/${projectId}/export?format=${format}`, key, format)) }));
  }
} finally {
  server?.kill('SIGTERM');
  await new Promise((resolve) => (server ? server.once('exit', resolve) : resolve(undefined)));
  await database.close();
}
process.exit(0);
