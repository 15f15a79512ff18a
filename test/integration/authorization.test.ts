/**
 * Who may call what: every tRPC procedure that acts on a project, called by anonymous, a non-member,
 * and each role, against the lowest role the product allows; and every id-taking procedure with
 * another project's ids, which must never read or write across projects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#db/schema.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { createTestDeps } from '#test/setup/app.ts';
import { callerFor, signUpCaller } from '#test/factories/users.ts';
import { WHO, isAllowed, type Who } from '#test/factories/team.ts';

type Caller = ReturnType<typeof callerFor>;

interface World {
  projectId: number;
  sampleId: number;
  labelId: number;
  /** Ids that belong to another project (owned by the stranger). */
  foreign: { projectId: number; sampleId: number; labelId: number; keyId: number; webhookId: number };
}

/** Each procedure, the lowest role that may call it, and a call with valid-looking input. */
const PROCEDURES: [string, Role, (c: Caller, w: World) => Promise<unknown>][] = [
  ['projects.get', 'annotator', (c, w) => c.projects.get({ projectId: w.projectId })],
  ['projects.stats', 'annotator', (c, w) => c.projects.stats({ projectId: w.projectId })],
  ['projects.members', 'annotator', (c, w) => c.projects.members({ projectId: w.projectId })],
  ['projects.invite', 'owner', (c, w) => c.projects.invite({ projectId: w.projectId, email: `x${Math.random()}@example.test`, role: 'annotator' })],
  ['labeling.next', 'annotator', (c, w) => c.labeling.next({ projectId: w.projectId })],
  ['labeling.sample', 'annotator', (c, w) => c.labeling.sample({ projectId: w.projectId, sampleId: w.sampleId })],
  ['labeling.annotate', 'annotator', (c, w) => c.labeling.annotate({ projectId: w.projectId, sampleId: w.sampleId, labelId: w.labelId, durationMs: 1 })],
  ['labeling.annotateMany', 'annotator', (c, w) => c.labeling.annotateMany({ projectId: w.projectId, sampleIds: [w.sampleId], labelId: w.labelId })],
  ['labeling.undo', 'annotator', (c, w) => c.labeling.undo({ projectId: w.projectId })],
  ['explore.similar', 'annotator', (c, w) => c.explore.similar({ projectId: w.projectId, sampleId: w.sampleId, k: 5 })],
  ['explore.classes', 'annotator', (c, w) => c.explore.classes({ projectId: w.projectId })],
  ['explore.map', 'annotator', (c, w) => c.explore.map({ projectId: w.projectId })],
  ['explore.rare', 'annotator', (c, w) => c.explore.rare({ projectId: w.projectId, labelId: w.labelId })],
  ['models.list', 'annotator', (c, w) => c.models.list({ projectId: w.projectId })],
  ['models.status', 'annotator', (c, w) => c.models.status({ projectId: w.projectId })],
  ['models.get', 'annotator', (c, w) => c.models.get({ projectId: w.projectId, versionId: 999_999 })],
  ['models.promote', 'lead', (c, w) => c.models.promote({ projectId: w.projectId, versionId: 999_999 })],
  ['models.updateSettings', 'lead', (c, w) => c.models.updateSettings({ projectId: w.projectId, settings: { trainAfterSeconds: 3600 } })],
  ['review.disagreements', 'reviewer', (c, w) => c.review.disagreements({ projectId: w.projectId })],
  ['review.resolve', 'reviewer', (c, w) => c.review.resolve({ projectId: w.projectId, sampleId: w.sampleId, labelId: w.labelId })],
  ['review.suspects', 'reviewer', (c, w) => c.review.suspects({ projectId: w.projectId })],
  ['review.decideSuspect', 'reviewer', (c, w) => c.review.decideSuspect({ projectId: w.projectId, sampleId: w.sampleId, decision: 'dismiss' })],
  ['review.team', 'annotator', (c, w) => c.review.team({ projectId: w.projectId })],
  ['apiKeys.list', 'lead', (c, w) => c.apiKeys.list({ projectId: w.projectId })],
  ['apiKeys.create', 'lead', (c, w) => c.apiKeys.create({ projectId: w.projectId, name: 'k' })],
  ['apiKeys.revoke', 'lead', (c, w) => c.apiKeys.revoke({ projectId: w.projectId, keyId: 999_999 })],
  ['monitoring.overview', 'annotator', (c, w) => c.monitoring.overview({ projectId: w.projectId })],
  ['monitoring.checkDrift', 'annotator', (c, w) => c.monitoring.checkDrift({ projectId: w.projectId })],
  ['webhooks.list', 'lead', (c, w) => c.webhooks.list({ projectId: w.projectId })],
  ['webhooks.create', 'lead', (c, w) => c.webhooks.create({ projectId: w.projectId, url: 'https://hooks.example.test/sift', events: ['drift.alert'] })],
  ['webhooks.update', 'lead', (c, w) => c.webhooks.update({ projectId: w.projectId, webhookId: 999_999, enabled: false })],
  ['webhooks.remove', 'lead', (c, w) => c.webhooks.remove({ projectId: w.projectId, webhookId: 999_999 })],
  ['webhooks.test', 'lead', (c, w) => c.webhooks.test({ projectId: w.projectId, webhookId: 999_999 })],
  ['webhooks.deliveries', 'lead', (c, w) => c.webhooks.deliveries({ projectId: w.projectId })],
];

/** Another project's ids passed with one's own project id: never found, never changed. */
const CROSS_PROJECT: [string, (c: Caller, w: World) => Promise<unknown>][] = [
  ['labeling.sample', (c, w) => c.labeling.sample({ projectId: w.projectId, sampleId: w.foreign.sampleId })],
  ['labeling.annotate (their sample)', (c, w) => c.labeling.annotate({ projectId: w.projectId, sampleId: w.foreign.sampleId, labelId: w.labelId, durationMs: 1 })],
  ['labeling.annotate (their label)', (c, w) => c.labeling.annotate({ projectId: w.projectId, sampleId: w.sampleId, labelId: w.foreign.labelId, durationMs: 1 })],
  ['labeling.annotateMany', (c, w) => c.labeling.annotateMany({ projectId: w.projectId, sampleIds: [w.foreign.sampleId], labelId: w.labelId })],
  ['explore.similar', (c, w) => c.explore.similar({ projectId: w.projectId, sampleId: w.foreign.sampleId, k: 5 })],
  ['review.resolve', (c, w) => c.review.resolve({ projectId: w.projectId, sampleId: w.foreign.sampleId, labelId: w.labelId })],
  ['review.decideSuspect', (c, w) => c.review.decideSuspect({ projectId: w.projectId, sampleId: w.foreign.sampleId, decision: 'accept' })],
  ['apiKeys.revoke', (c, w) => c.apiKeys.revoke({ projectId: w.projectId, keyId: w.foreign.keyId })],
  ['webhooks.update', (c, w) => c.webhooks.update({ projectId: w.projectId, webhookId: w.foreign.webhookId, enabled: false })],
  ['webhooks.remove', (c, w) => c.webhooks.remove({ projectId: w.projectId, webhookId: w.foreign.webhookId })],
  ['webhooks.test', (c, w) => c.webhooks.test({ projectId: w.projectId, webhookId: w.foreign.webhookId })],
  ['webhooks.deliveries', (c, w) => c.webhooks.deliveries({ projectId: w.projectId, webhookId: w.foreign.webhookId })],
];

describe('authorization', () => {
  let env: Awaited<ReturnType<typeof createTestDeps>>;
  const callers = new Map<Who, Caller>();
  let world: World;

  beforeAll(async () => {
    env = await createTestDeps(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    const deps = env.deps;
    const owner = await signUpCaller(deps);
    const stranger = await signUpCaller(deps);
    callers.set('anonymous', callerFor(deps, undefined)).set('owner', owner.caller).set('stranger', stranger.caller);
    const seed = async (who: typeof owner) => {
      const project = await who.caller.projects.create({ name: 'P', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
      const batch = await insertImportBatch(deps.db, { projectId: project.id, createdBy: who.user.id, fileName: 'f', format: 'csv', rowCount: 3 });
      const sampleIds = await insertSamples(deps.db, project.id, batch, [0, 1, 2].map((i) => ({ text: `s${i}`, metadata: {}, contentHash: `auth-${project.id}-${i}` })));
      const { labels } = await who.caller.projects.get({ projectId: project.id });
      return { projectId: project.id, sampleId: sampleIds[0]!, labelId: labels[0]!.id };
    };
    const mine = await seed(owner);
    const theirs = await seed(stranger);
    const { apiKey } = await stranger.caller.apiKeys.create({ projectId: theirs.projectId, name: 'theirs' });
    const { webhook } = await stranger.caller.webhooks.create({ projectId: theirs.projectId, url: 'https://hooks.example.test/theirs', events: ['drift.alert'] });
    world = { ...mine, foreign: { ...theirs, keyId: apiKey.id, webhookId: webhook.id } };
    for (const role of ['annotator', 'reviewer', 'lead'] as const) {
      const member = await signUpCaller(deps);
      const invite = await owner.caller.projects.invite({ projectId: mine.projectId, email: member.input.email, role });
      await member.caller.projects.acceptInvite({ token: invite.token });
      callers.set(role, member.caller);
    }
  }, 60_000);
  afterAll(() => env?.close());

  it.each(PROCEDURES)('%s: allowed from %s up, refused below', async (_name, minimum, call) => {
    for (const who of WHO) {
      const outcome = await call(callers.get(who)!, world).then(
        () => 'ok',
        (error: { code?: string }) => error.code ?? 'ERROR',
      );
      const expected = who === 'anonymous' ? 'UNAUTHORIZED' : !isAllowed(who, minimum) ? 'FORBIDDEN' : 'allowed';
      // Allowed calls may still fail on their input (no such version, nothing to undo): never on access.
      const got = ['UNAUTHORIZED', 'FORBIDDEN'].includes(outcome) ? outcome : 'allowed';
      expect(`${who}: ${got}`).toBe(`${who}: ${expected}`);
    }
  });

  it.each(CROSS_PROJECT)('%s with another project\'s ids is refused and changes nothing', async (_name, call) => {
    const before = await env.deps.db.selectFrom('annotation').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', world.foreign.projectId).executeTakeFirstOrThrow();
    const error = await call(callers.get('owner')!, world).then(() => undefined, (e: { code?: string }) => e);
    expect(error?.code).toMatch(/NOT_FOUND|BAD_REQUEST|CONFLICT/);
    const after = await env.deps.db.selectFrom('annotation').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', world.foreign.projectId).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const resolutions = await env.deps.db.selectFrom('resolution').select('sample_id').where('sample_id', '=', world.foreign.sampleId).execute();
    expect(resolutions).toEqual([]);
    const key = await env.deps.db.selectFrom('api_key').select('revoked_at').where('id', '=', world.foreign.keyId).executeTakeFirstOrThrow();
    expect(key.revoked_at).toBeNull();
    const hook = await env.deps.db.selectFrom('webhook').select('enabled').where('id', '=', world.foreign.webhookId).executeTakeFirstOrThrow();
    expect(hook.enabled).toBe(true);
    const deliveries = await env.deps.db.selectFrom('webhook_delivery').select('id').where('webhook_id', '=', world.foreign.webhookId).execute();
    expect(deliveries).toEqual([]);
  });
});
