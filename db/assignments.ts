/**
 * Assignments: the sample in front of each annotator, leased so that no more annotators work on a
 * sample than the project's overlap asks for. A lease lapses at `expires_at` (idle annotator) or is
 * released when the annotator labels, skips, or disconnects.
 */
import { sql } from 'kysely';
import type { SampleRow } from './schema.ts';
import type { Db } from './client.ts';
import { sampleRowToSample, type Sample } from './samples.ts';

/** Namespace of the per-project advisory lock that serialises leasing within a project. */
const LEASE_LOCK_NAMESPACE = 7301;

export interface LeaseRequest {
  projectId: number;
  userId: number;
  /** Samples the annotator skipped in this session. */
  excludeIds: number[];
  /** Annotators per sample (1 = single annotation). */
  overlap: number;
  leaseSeconds: number;
  /** Work through the candidates of this rare class instead of the main queue. */
  rareLabelId?: number;
}

/**
 * The annotator's next sample, leased to them. Keeps their current lease if it is still valid (a
 * reload shows the same sample); otherwise picks the best-ranked sample that is unresolved, not
 * yet labeled by them, and whose annotations plus other annotators' live leases are below the
 * overlap. Leasing is serialised per project with a transaction-scoped advisory lock, so two
 * annotators asking at the same moment cannot both take the last open slot of a sample.
 */
export async function leaseNextSample(db: Db, input: LeaseRequest): Promise<Sample | undefined> {
  return (await leaseNextSamples(db, [input]))[0];
}

/**
 * Several leases of one project in one transaction, in order, each as leaseNextSample would give
 * it (each sees the leases before it): the lock and the commit are paid once for the batch, and
 * each lease after that is a single statement. Answers one result per request, in order.
 */
export async function leaseNextSamples(db: Db, requests: LeaseRequest[]): Promise<(Sample | undefined)[]> {
  const projectId = requests[0]?.projectId;
  if (projectId === undefined) return [];
  if (requests.some((r) => r.projectId !== projectId)) throw new Error('a batch of leases must be for one project');
  return db.transaction().execute(async (trx) => {
    // One round trip for the lock and the users' current leases: leasing is serialised, so each
    // round trip inside it is paid by everyone waiting. Leases are read from the snapshot taken
    // before the lock, which is safe: only a user's own requests change theirs, and the batch
    // keeps track of the ones it changes.
    const users = [...new Set(requests.map((r) => r.userId))];
    const { rows } = await sql<{ current: Record<string, number> | null }>`select pg_advisory_xact_lock(${LEASE_LOCK_NAMESPACE}, ${projectId}) is null as locked,
      (select json_object_agg(user_id, sample_id) from assignment
        where project_id = ${projectId} and user_id = any(${users}::int[]) and expires_at > now()) as current`.execute(trx);
    const currentOf = new Map(Object.entries(rows[0]?.current ?? {}).map(([user, sample]) => [Number(user), sample]));
    const leased: (Sample | undefined)[] = [];
    for (const input of requests) {
      const current = currentOf.get(input.userId);
      const sample =
        (current !== undefined && !input.excludeIds.includes(current) ? await leaseOpenSample(trx, input, current) : undefined) ?? (await leaseOpenSample(trx, input));
      if (sample) currentOf.set(input.userId, sample.id);
      else {
        currentOf.delete(input.userId);
        await releaseAssignment(trx, input);
      }
      leased.push(sample);
    }
    return leased;
  });
}

function expiresIn(seconds: number) {
  return sql<Date>`now() + make_interval(secs => ${seconds})`;
}

/**
 * A sample the user may take: unresolved, not labeled by them, and with fewer annotations plus
 * other annotators' live leases than the overlap. Written against `sample`, evaluated per candidate.
 */
function isOpenFor(input: LeaseRequest) {
  return sql<boolean>`not exists (select 1 from resolution r where r.sample_id = sample.id)
    and not exists (select 1 from annotation a where a.sample_id = sample.id and a.user_id = ${input.userId})
    and (select count(*) from annotation a where a.sample_id = sample.id)
      + (select count(*) from assignment l where l.sample_id = sample.id and l.user_id <> ${input.userId} and l.expires_at > now())
      < ${input.overlap}`;
}

/**
 * Leases the best open sample to the user (or `only`, if it is open) and returns it: the pick and
 * the lease are one statement, so the serialised part of leasing costs as few round trips as it
 * can. Each pick walks an index in queue order and stops at the first open sample, so a lease
 * costs the same at 500 samples or 500,000: the queue's rank first (active learning), then samples
 * not ranked yet (new imports), oldest first.
 */
async function leaseOpenSample(trx: Db, input: LeaseRequest, only?: number): Promise<Sample | undefined> {
  if (only !== undefined) return lease(trx, input, openSamples(trx, input).where('sample.id', '=', only));
  if (input.rareLabelId !== undefined) {
    return lease(
      trx,
      input,
      openSamples(trx, input)
        .innerJoin('rare_candidate', (join) => join.onRef('rare_candidate.sample_id', '=', 'sample.id').on('rare_candidate.label_id', '=', input.rareLabelId!))
        .orderBy('rare_candidate.rank'),
    );
  }
  const ranked = openSamples(trx, input)
    .innerJoin('sample_score', 'sample_score.sample_id', 'sample.id')
    .where('sample_score.project_id', '=', input.projectId)
    .orderBy('sample_score.rank');
  const unranked = openSamples(trx, input)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('sample_score').select('sample_score.sample_id').whereRef('sample_score.sample_id', '=', 'sample.id'))))
    .orderBy('sample.id');
  // The two picks are two statements, each with its own snapshot: a queue written between them
  // (the first ranking after an import lands just as annotators start) hides every sample from
  // both, the ranked one seeing no queue yet and the unranked one seeing all samples queued.
  // Looking at the queue once more then finds them.
  return (await lease(trx, input, ranked)) ?? (await lease(trx, input, unranked)) ?? (await lease(trx, input, ranked));
}

function openSamples(trx: Db, input: LeaseRequest) {
  const samples = trx.selectFrom('sample').selectAll('sample').where('sample.project_id', '=', input.projectId).where(isOpenFor(input));
  return input.excludeIds.length > 0 ? samples.where('sample.id', 'not in', input.excludeIds) : samples;
}

/** The first sample `candidates` yields, leased to the user in the same statement. */
async function lease(trx: Db, input: LeaseRequest, candidates: ReturnType<typeof openSamples>): Promise<Sample | undefined> {
  const row = await trx
    .with('pick', () => candidates.limit(1))
    .with('leased', (db) =>
      db
        .insertInto('assignment')
        .columns(['project_id', 'user_id', 'sample_id', 'expires_at'])
        .expression((eb) => eb.selectFrom('pick').select([sql<number>`${input.projectId}::int`.as('project_id'), sql<number>`${input.userId}::int`.as('user_id'), 'pick.id', expiresIn(input.leaseSeconds).as('expires_at')]))
        .onConflict((oc) =>
          oc.columns(['project_id', 'user_id']).doUpdateSet({ sample_id: (eb) => eb.ref('excluded.sample_id'), leased_at: sql`now()`, expires_at: (eb) => eb.ref('excluded.expires_at') }),
        ),
    )
    .selectFrom('pick')
    .selectAll()
    .executeTakeFirst();
  return row ? sampleRowToSample(row as SampleRow) : undefined;
}

/** Ends the user's lease in the project (they labeled, skipped or left). */
export async function releaseAssignment(db: Db, input: { projectId: number; userId: number; sampleId?: number }): Promise<void> {
  let query = db.deleteFrom('assignment').where('project_id', '=', input.projectId).where('user_id', '=', input.userId);
  if (input.sampleId !== undefined) query = query.where('sample_id', '=', input.sampleId);
  await query.execute();
}

/** Live leases of a project (for tests and the team page). */
export async function listAssignments(db: Db, projectId: number): Promise<{ userId: number; sampleId: number; expiresAt: Date }[]> {
  const rows = await db
    .selectFrom('assignment')
    .select(['user_id', 'sample_id', 'expires_at'])
    .where('project_id', '=', projectId)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, sampleId: r.sample_id, expiresAt: r.expires_at }));
}
