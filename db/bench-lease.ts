/**
 * `npm run bench:lease`: how long handing an annotator their next sample takes as a project grows
 * (DATABASE_URL: real PostgreSQL; a scratch database per size). Leasing is serialised per project,
 * so this bounds how many annotators one project can serve. Prints JSON per pool size, with the
 * queue ranked (after a model version) and unranked (fresh import). `--sizes 1000,100000`.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createScratchDatabase } from './scratch.ts';
import { insertProject } from './projects.ts';
import { insertUser } from './users.ts';
import { insertImportBatch, insertSamples } from './samples.ts';
import { leaseNextSample } from './assignments.ts';

const sizesArg = process.argv.includes('--sizes') ? process.argv[process.argv.indexOf('--sizes') + 1]! : '1000,10000,100000';
const SIZES = sizesArg.split(',').map(Number);
const ANNOTATORS = 50;

function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1));
}

async function measure(size: number, ranked: boolean): Promise<Record<string, unknown>> {
  const database = await createScratchDatabase({ adminUrl: process.env.DATABASE_URL, name: `sift_bench_lease_${randomBytes(4).toString('hex')}` });
  const { db } = database;
  try {
    const owner = await insertUser(db, { email: 'owner@lease.test', name: 'Owner', passwordHash: 'x' });
    const project = await insertProject(db, { name: 'Lease', dataType: 'text', createdBy: owner.id, labels: [{ name: 'a', shortcut: '1' }] });
    const batch = await insertImportBatch(db, { projectId: project.id, createdBy: owner.id, fileName: 'f.csv', format: 'csv', rowCount: size });
    for (let i = 0; i < size; i += 5000) {
      await insertSamples(db, project.id, batch, Array.from({ length: Math.min(5000, size - i) }, (_, j) => ({ text: `sample ${i + j}`, metadata: {}, contentHash: `h${i + j}` })));
    }
    if (ranked) await sql`insert into sample_score (sample_id, project_id, strategy, rank, updated_at) select id, project_id, 'margin', row_number() over (order by random()), now() from sample`.execute(db);
    await sql`analyze`.execute(db);
    const annotators = await Promise.all(Array.from({ length: ANNOTATORS }, (_, i) => insertUser(db, { email: `a${i}@lease.test`, name: `A${i}`, passwordHash: 'x' })));
    // Each annotator leases twice (the second skips the first): 100 leases with 50 live leases around.
    const times: number[] = [];
    for (const round of [0, 1]) {
      for (const annotator of annotators) {
        const excludeIds = round === 1 ? (await db.selectFrom('assignment').select('sample_id').where('user_id', '=', annotator.id).execute()).map((r) => r.sample_id) : [];
        const t0 = performance.now();
        await leaseNextSample(db, { projectId: project.id, userId: annotator.id, excludeIds, overlap: 2, leaseSeconds: 600 });
        times.push(performance.now() - t0);
      }
    }
    times.sort((a, b) => a - b);
    return { samples: size, queue: ranked ? 'ranked' : 'unranked', leases: times.length, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99), leasesPerSecond: Math.round(1000 / (times.reduce((a, b) => a + b, 0) / times.length)) };
  } finally {
    await database.close();
  }
}

if (!process.env.DATABASE_URL) throw new Error('bench:lease needs DATABASE_URL (real PostgreSQL)');
for (const size of SIZES) for (const ranked of [true, false]) console.log(JSON.stringify(await measure(size, ranked)));
process.exit(0);
