/**
 * Suspected mislabels: labeled samples ranked by how likely their label is wrong (rebuilt after
 * each model version), and reviewers' decisions on them. A dismissal is remembered for the label
 * it was about: the sample does not come back as a suspect while it keeps that label.
 */
import type { Selectable } from 'kysely';
import type { Db } from './client.ts';
import type { SuspectTable } from './schema.ts';

export interface SuspectRow {
  sampleId: number;
  labelId: number;
  suggestedLabelId: number;
  score: number;
  flagged: boolean;
  selfConfidence: number;
  neighborAgreement: number | null;
  rank: number;
}

function suspectRowOf(r: Selectable<SuspectTable>): SuspectRow {
  return {
    sampleId: r.sample_id,
    labelId: r.label_id,
    suggestedLabelId: r.suggested_label_id,
    score: r.score,
    flagged: r.flagged,
    selfConfidence: r.self_confidence,
    neighborAgreement: r.neighbor_agreement,
    rank: r.rank,
  };
}

/** Replaces the project's suspects with those of `versionId`. */
export async function replaceSuspects(trx: Db, projectId: number, versionId: number, suspects: SuspectRow[]): Promise<void> {
  await trx.deleteFrom('suspect').where('project_id', '=', projectId).execute();
  for (let start = 0; start < suspects.length; start += 1000) {
    await trx
      .insertInto('suspect')
      .values(
        suspects.slice(start, start + 1000).map((s) => ({
          sample_id: s.sampleId,
          project_id: projectId,
          model_version_id: versionId,
          label_id: s.labelId,
          suggested_label_id: s.suggestedLabelId,
          score: s.score,
          flagged: s.flagged,
          self_confidence: s.selfConfidence,
          neighbor_agreement: s.neighborAgreement,
          rank: s.rank,
        })),
      )
      .execute();
  }
}

/**
 * The open suspects, most suspicious first: still carrying the label they were suspected for, and
 * not dismissed for it. `flaggedOnly` keeps those the method would put in front of a reviewer.
 */
export async function listOpenSuspects(db: Db, input: { projectId: number; limit: number; flaggedOnly: boolean }): Promise<SuspectRow[]> {
  let query = openSuspects(db, input.projectId).selectAll('suspect');
  if (input.flaggedOnly) query = query.where('suspect.flagged', '=', true);
  const rows = await query.orderBy('suspect.rank').limit(input.limit).execute();
  return rows.map(suspectRowOf);
}

/** How many flagged suspects are open. */
export async function countOpenSuspects(db: Db, projectId: number): Promise<number> {
  const row = await openSuspects(db, projectId)
    .where('suspect.flagged', '=', true)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function openSuspects(db: Db, projectId: number) {
  return db
    .selectFrom('suspect')
    .innerJoin('resolution', (join) => join.onRef('resolution.sample_id', '=', 'suspect.sample_id').onRef('resolution.label_id', '=', 'suspect.label_id'))
    .where('suspect.project_id', '=', projectId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('suspect_decision')
            .select('suspect_decision.id')
            .whereRef('suspect_decision.sample_id', '=', 'suspect.sample_id')
            .whereRef('suspect_decision.label_id', '=', 'suspect.label_id')
            .where('suspect_decision.decision', '=', 'dismissed'),
        ),
      ),
    );
}

/** The sample's suspect entry while it is open (same label, not dismissed), if any. */
export async function findOpenSuspect(db: Db, projectId: number, sampleId: number): Promise<SuspectRow | undefined> {
  const rows = await openSuspects(db, projectId).selectAll('suspect').where('suspect.sample_id', '=', sampleId).execute();
  return rows.map(suspectRowOf)[0];
}

/** Records a reviewer's decision on a suspect. */
export async function insertSuspectDecision(
  trx: Db,
  input: { projectId: number; suspect: SuspectRow; decision: 'accepted' | 'dismissed'; finalLabelId: number | null; decidedBy: number },
): Promise<void> {
  await trx
    .insertInto('suspect_decision')
    .values({
      project_id: input.projectId,
      sample_id: input.suspect.sampleId,
      label_id: input.suspect.labelId,
      suggested_label_id: input.suspect.suggestedLabelId,
      final_label_id: input.finalLabelId,
      decision: input.decision,
      score: input.suspect.score,
      decided_by: input.decidedBy,
    })
    .execute();
}

/** Past decisions: the share accepted is the honest hit rate of the suspect list. */
export async function countSuspectDecisions(db: Db, projectId: number): Promise<{ accepted: number; dismissed: number }> {
  const rows = await db
    .selectFrom('suspect_decision')
    .select(['decision', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', projectId)
    .groupBy('decision')
    .execute();
  const count = (decision: string) => Number(rows.find((r) => r.decision === decision)?.n ?? 0);
  return { accepted: count('accepted'), dismissed: count('dismissed') };
}

/** Deletes suspects of samples no longer labeled as suspected (kept tidy after relabels). */
export async function pruneStaleSuspects(trx: Db, projectId: number): Promise<void> {
  await trx
    .deleteFrom('suspect')
    .where('project_id', '=', projectId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('resolution')
            .select('resolution.sample_id')
            .whereRef('resolution.sample_id', '=', 'suspect.sample_id')
            .whereRef('resolution.label_id', '=', 'suspect.label_id'),
        ),
      ),
    )
    .execute();
}
