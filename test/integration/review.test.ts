import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { listAssignments } from '#db/assignments.ts';
import { replaceSuspects } from '#db/suspects.ts';
import { createTestDeps } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import { signUpCaller } from '#test/factories/users.ts';
import type { AppDeps } from '#server/deps.ts';

type Caller = Awaited<ReturnType<typeof signUpCaller>>['caller'];

/** A project with `count` text samples, an owner and members with the given roles. */
async function seedTeam(deps: AppDeps, count: number, roles: ('annotator' | 'reviewer')[], overlap: number) {
  const owner = await signUpCaller(deps);
  const project = await owner.caller.projects.create({ name: 'Review', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const projectId = project.id;
  await owner.caller.models.updateSettings({ projectId, settings: { overlap, trainEveryLabels: 100_000, trainAfterSeconds: 86_400 } });
  const batch = await insertImportBatch(deps.db, { projectId, createdBy: owner.user.id, fileName: 'r.csv', format: 'csv', rowCount: count });
  const sampleIds = await insertSamples(
    deps.db,
    projectId,
    batch,
    Array.from({ length: count }, (_, i) => ({ text: `sample ${i} of ${projectId}`, metadata: {}, contentHash: `review-${projectId}-${i}` })),
  );
  const members: { caller: Caller; userId: number }[] = [];
  for (const role of roles) {
    const member = await signUpCaller(deps);
    const invite = await owner.caller.projects.invite({ projectId, email: member.input.email, role });
    await member.caller.projects.acceptInvite({ token: invite.token });
    members.push({ caller: member.caller, userId: member.user.id });
  }
  const labels = (await owner.caller.projects.get({ projectId })).labels;
  return { owner, projectId, sampleIds, members, labelId: (name: string) => labels.find((l) => l.name === name)!.id };
}

async function annotationCounts(deps: AppDeps, projectId: number): Promise<Map<number, number>> {
  const rows = await deps.db
    .selectFrom('annotation')
    .select(['sample_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', projectId)
    .groupBy('sample_id')
    .execute();
  return new Map(rows.map((r) => [r.sample_id, Number(r.n)]));
}

describe.each(databaseBackends())('team review on %s', (backend) => {
  let env: Awaited<ReturnType<typeof createTestDeps>>;
  beforeAll(async () => {
    env = await createTestDeps(backend);
  });
  afterAll(() => env?.close());

  it('never serves a sample to more annotators than the overlap, even when they ask at the same moment', async () => {
    const { projectId, sampleIds, members, labelId } = await seedTeam(env.deps, 6, ['annotator', 'annotator', 'annotator', 'annotator', 'annotator'], 2);
    for (let round = 0; round < 10; round += 1) {
      const served = await Promise.all(members.map((m) => m.caller.labeling.next({ projectId })));
      const leases = await listAssignments(env.deps.db, projectId);
      const counts = await annotationCounts(env.deps, projectId);
      // At every moment: annotations + live leases ≤ overlap for every sample.
      for (const id of sampleIds) {
        expect((counts.get(id) ?? 0) + leases.filter((l) => l.sampleId === id).length).toBeLessThanOrEqual(2);
      }
      if (served.every((s) => s === null)) break;
      await Promise.all(served.map((s, i) => s && members[i]!.caller.labeling.annotate({ projectId, sampleId: s.id, labelId: labelId('a'), durationMs: 500 })));
    }
    const counts = await annotationCounts(env.deps, projectId);
    expect(sampleIds.map((id) => counts.get(id))).toEqual(sampleIds.map(() => 2));
    // Two agreeing annotators resolve a sample by agreement.
    const methods = await env.deps.db.selectFrom('resolution').select('method').where('project_id', '=', projectId).execute();
    expect(methods).toHaveLength(6);
    expect(new Set(methods.map((m) => m.method))).toEqual(new Set(['agreement']));
  });

  it('keeps an annotator on their sample across reloads and returns it to the pool when the lease lapses', async () => {
    const { projectId, members } = await seedTeam(env.deps, 2, ['annotator', 'annotator'], 1);
    const [first, second] = members;
    const mine = await first!.caller.labeling.next({ projectId });
    expect((await first!.caller.labeling.next({ projectId }))?.id).toBe(mine!.id);
    const theirs = await second!.caller.labeling.next({ projectId });
    expect(theirs!.id).not.toBe(mine!.id);
    // The second annotator skips theirs: with the first one's lease live, nothing else is open.
    expect(await second!.caller.labeling.next({ projectId, excludeIds: [theirs!.id] })).toBeNull();
    await env.deps.db.updateTable('assignment').set({ expires_at: sql`now() - interval '1 second'` }).where('user_id', '=', first!.userId).execute();
    expect((await second!.caller.labeling.next({ projectId, excludeIds: [theirs!.id] }))?.id).toBe(mine!.id);
  });

  it('sends disagreements to reviewers, who resolve them; annotators cannot', async () => {
    const { projectId, sampleIds, members, labelId } = await seedTeam(env.deps, 1, ['annotator', 'annotator', 'reviewer'], 2);
    const [ann1, ann2, reviewer] = members;
    const sampleId = sampleIds[0]!;
    await ann1!.caller.labeling.annotate({ projectId, sampleId, labelId: labelId('a'), durationMs: 1200 });
    expect((await reviewer!.caller.review.disagreements({ projectId })).total).toBe(0);
    await ann2!.caller.labeling.annotate({ projectId, sampleId, labelId: labelId('b'), durationMs: 800 });
    const queue = await reviewer!.caller.review.disagreements({ projectId });
    expect(queue.total).toBe(1);
    expect(queue.items[0]!.sample.id).toBe(sampleId);
    expect(queue.items[0]!.annotations.map((a) => [a.labelId, a.durationMs])).toEqual([
      [labelId('a'), 1200],
      [labelId('b'), 800],
    ]);
    await expect(ann1!.caller.review.disagreements({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(ann1!.caller.review.resolve({ projectId, sampleId, labelId: labelId('a') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(reviewer!.caller.review.resolve({ projectId, sampleId, labelId: 999_999 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    await reviewer!.caller.review.resolve({ projectId, sampleId, labelId: labelId('b') });
    expect((await reviewer!.caller.review.disagreements({ projectId })).total).toBe(0);
    const resolution = await env.deps.db.selectFrom('resolution').selectAll().where('sample_id', '=', sampleId).executeTakeFirstOrThrow();
    expect([resolution.label_id, resolution.method]).toEqual([labelId('b'), 'review']);
    // A later annotation change does not undo the reviewer's decision.
    await ann1!.caller.labeling.annotate({ projectId, sampleId, labelId: labelId('c'), durationMs: 100 });
    expect((await env.deps.db.selectFrom('resolution').select('label_id').where('sample_id', '=', sampleId).executeTakeFirstOrThrow()).label_id).toBe(labelId('b'));

    const team = await reviewer!.caller.review.team({ projectId });
    expect(team.agreement.ratings).toBe(2);
    const first = team.annotators.find((a) => a.userId === ann1!.userId)!;
    expect(first.annotations).toBe(1);
    expect(first.agreementWithResolution).toBe(0);
    expect(team.annotators.find((a) => a.userId === ann2!.userId)!.agreementWithResolution).toBe(1);
  });

  it('lets reviewers accept or dismiss suspected mislabels, remembers dismissals and reports the hit rate', async () => {
    const { owner, projectId, sampleIds, labelId } = await seedTeam(env.deps, 3, [], 1);
    for (const sampleId of sampleIds) await owner.caller.labeling.annotate({ projectId, sampleId, labelId: labelId('a'), durationMs: 300 });
    const suspect = (sampleId: number, rank: number) => ({
      sampleId, labelId: labelId('a'), suggestedLabelId: labelId('b'), score: 0.9 - rank / 10, flagged: true, selfConfidence: 0.1, neighborAgreement: 0.2, rank,
    });
    await replaceSuspects(env.deps.db, projectId, null as unknown as number, sampleIds.map((id, i) => suspect(id, i)));
    const before = await owner.caller.review.suspects({ projectId });
    expect(before.items.map((s) => s.sampleId)).toEqual(sampleIds);
    expect(before.hitRate.rate).toBeNull();

    await owner.caller.review.decideSuspect({ projectId, sampleId: sampleIds[0]!, decision: 'accept' });
    await owner.caller.review.decideSuspect({ projectId, sampleId: sampleIds[1]!, decision: 'dismiss' });
    const after = await owner.caller.review.suspects({ projectId });
    expect(after.items.map((s) => s.sampleId)).toEqual([sampleIds[2]]);
    expect(after.hitRate).toEqual({ accepted: 1, decided: 2, rate: 0.5 });
    const fixed = await env.deps.db.selectFrom('resolution').selectAll().where('sample_id', '=', sampleIds[0]!).executeTakeFirstOrThrow();
    expect([fixed.label_id, fixed.method]).toEqual([labelId('b'), 'review']);
    // A new version suspecting the same label again: the dismissal still holds.
    await replaceSuspects(env.deps.db, projectId, null as unknown as number, [suspect(sampleIds[1]!, 0)]);
    expect((await owner.caller.review.suspects({ projectId })).items).toEqual([]);
    await expect(owner.caller.review.decideSuspect({ projectId, sampleId: sampleIds[0]!, decision: 'dismiss' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('applies a resubmitted annotation (same client id) once', async () => {
    const { projectId, sampleIds, members, labelId } = await seedTeam(env.deps, 1, ['annotator'], 1);
    const [annotator] = members;
    const submit = { projectId, sampleId: sampleIds[0]!, labelId: labelId('a'), durationMs: 700, clientId: '9b2f4a4e-6d0c-4a8e-9d3c-2f1e8b7a6c51' };
    const first = await annotator!.caller.labeling.annotate(submit);
    // The answer was lost; the browser sends the same submission again, twice at once.
    const retries = await Promise.all([annotator!.caller.labeling.annotate(submit), annotator!.caller.labeling.annotate(submit)]);
    expect([first.action, ...retries.map((r) => r.action)]).toEqual(['create', 'duplicate', 'duplicate']);
    const events = await env.deps.db.selectFrom('annotation_event').select('action').where('sample_id', '=', sampleIds[0]!).execute();
    expect(events).toEqual([{ action: 'create' }]);
    // A new submission (new id) with another label is a real change.
    const changed = await annotator!.caller.labeling.annotate({ ...submit, labelId: labelId('b'), clientId: 'c7d9e1f3-2a4b-4c6d-8e0f-1a2b3c4d5e6f' });
    expect(changed.action).toBe('update');
  });
});
