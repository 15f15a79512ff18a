import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '#server/router.ts';
import { createContextInner } from '#server/context.ts';
import { createTestDeps } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import { callerFor, signUpCaller, buildUser } from '#test/factories/users.ts';
import { findUserBySessionToken } from '#server/auth/auth.service.ts';

describe.each(databaseBackends())('auth and permissions on %s', (backend) => {
  let env: Awaited<ReturnType<typeof createTestDeps>>;
  beforeAll(async () => {
    env = await createTestDeps(backend);
  });
  afterAll(() => env?.close());

  it('makes the first user instance owner, rejects duplicate emails, and stores argon2id hashes', async () => {
    const first = await signUpCaller(env.deps);
    const second = await signUpCaller(env.deps);
    expect(first.user.isInstanceOwner).toBe(true);
    expect(second.user.isInstanceOwner).toBe(false);
    const anonymous = createCaller(createContextInner({ deps: env.deps }));
    await expect(anonymous.auth.signUp({ ...buildUser(), email: first.input.email.toUpperCase() })).rejects.toMatchObject({ code: 'CONFLICT' });
    const row = await env.deps.db.selectFrom('app_user').select('password_hash').where('id', '=', first.user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('logs in with the right password only, issuing a fresh session each time', async () => {
    const { input } = await signUpCaller(env.deps);
    const tokens: string[] = [];
    const cookies = { setSession: (token: string) => tokens.push(token), clearSession: () => tokens.push('') };
    const caller = createCaller(createContextInner({ deps: env.deps, cookies, clientKey: 'test-login' }));
    await expect(caller.auth.logIn({ email: input.email, password: 'wrong password' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(caller.auth.logIn({ email: 'nobody@example.test', password: 'whatever1' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const user = await caller.auth.logIn({ email: input.email, password: input.password });
    expect(user.email).toBe(input.email);
    expect(tokens).toHaveLength(1);
    expect((await findUserBySessionToken(env.deps, tokens[0]))?.id).toBe(user.id);
    expect(await findUserBySessionToken(env.deps, 'forged-token')).toBeUndefined();
  });

  it('rate-limits repeated failed log-ins', async () => {
    const { input } = await signUpCaller(env.deps);
    const caller = createCaller(createContextInner({ deps: env.deps, clientKey: 'flood' }));
    const codes: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      await caller.auth.logIn({ email: input.email, password: `bad-${i}-pass` }).catch((e: { code: string }) => codes.push(e.code));
    }
    expect(codes.slice(0, 10).every((c) => c === 'UNAUTHORIZED')).toBe(true);
    expect(codes.slice(10)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
  });

  it('refuses signed-out callers, non-members and too-low roles', async () => {
    const owner = await signUpCaller(env.deps);
    const stranger = await signUpCaller(env.deps);
    const annotator = await signUpCaller(env.deps);
    const project = await owner.caller.projects.create({ name: 'Intents', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
    const projectId = project.id;

    await expect(callerFor(env.deps, undefined).projects.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerFor(env.deps, undefined).projects.get({ projectId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(stranger.caller.projects.get({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(stranger.caller.projects.stats({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(stranger.caller.labeling.next({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(stranger.caller.labeling.annotate({ projectId, sampleId: 1, labelId: 1, durationMs: 5 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(stranger.caller.projects.get({ projectId: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const invite = await owner.caller.projects.invite({ projectId, email: annotator.input.email, role: 'annotator' });
    await expect(stranger.caller.projects.acceptInvite({ token: invite.token })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(annotator.caller.projects.acceptInvite({ token: invite.token })).resolves.toEqual({ projectId });
    await expect(annotator.caller.projects.acceptInvite({ token: invite.token })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const view = await annotator.caller.projects.get({ projectId });
    expect(view.role).toBe('annotator');
    expect(view.labels.map((l) => l.shortcut)).toEqual(['1', '2']);
    await expect(annotator.caller.projects.invite({ projectId, email: 'x@example.test', role: 'lead' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const members = await annotator.caller.projects.members({ projectId });
    expect(members.members.map((m) => m.role).sort()).toEqual(['annotator', 'owner']);
    expect(members.invites).toEqual([]);
  });

  it('validates input with clear messages', async () => {
    const owner = await signUpCaller(env.deps);
    await expect(owner.caller.projects.create({ name: 'x', dataType: 'text', labels: [{ name: 'only' }] })).rejects.toThrow(/at least two labels/);
    await expect(owner.caller.projects.create({ name: 'x', dataType: 'text', labels: [{ name: 'A' }, { name: 'a' }] })).rejects.toThrow(/appears twice/);
    await expect(owner.caller.projects.create({ name: 'x', dataType: 'video' as 'text', labels: [{ name: 'a' }, { name: 'b' }] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(createCaller(createContextInner({ deps: env.deps })).auth.signUp({ email: 'not-an-email', name: 'n', password: 'longenough' })).rejects.toThrow(/valid email/);
  });

  it('labels, relabels and undoes through the router, one sample at a time', async () => {
    const owner = await signUpCaller(env.deps);
    const project = await owner.caller.projects.create({ name: 'L', dataType: 'text', labels: [{ name: 'pos' }, { name: 'neg' }] });
    await env.deps.db
      .insertInto('sample')
      .values(['one', 'two'].map((text, i) => ({ project_id: project.id, text, content_hash: `c${i}` })))
      .execute();
    const { labels } = await owner.caller.projects.get({ projectId: project.id });
    const first = await owner.caller.labeling.next({ projectId: project.id });
    expect(first?.text).toBe('one');
    const saved = await owner.caller.labeling.annotate({ projectId: project.id, sampleId: first!.id, labelId: labels[0]!.id, durationMs: 900 });
    expect(saved).toMatchObject({ action: 'create', stats: { resolvedCount: 1, sampleCount: 2 } });
    const other = await signUpCaller(env.deps);
    const foreignProject = await other.caller.projects.create({ name: 'F', dataType: 'text', labels: [{ name: 'x' }, { name: 'y' }] });
    const foreignLabels = (await other.caller.projects.get({ projectId: foreignProject.id })).labels;
    await expect(
      owner.caller.labeling.annotate({ projectId: project.id, sampleId: first!.id, labelId: foreignLabels[0]!.id, durationMs: 1 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await owner.caller.labeling.next({ projectId: project.id }))?.text).toBe('two');
    const undone = await owner.caller.labeling.undo({ projectId: project.id });
    expect(undone?.id).toBe(first!.id);
    expect((await owner.caller.projects.stats({ projectId: project.id })).resolvedCount).toBe(0);
  });
});

describe('sign-up through an invite', () => {
  it('fails before creating an account when the invite is for another email', async () => {
    const env = await createTestDeps(databaseBackends()[0]!);
    try {
      const owner = await signUpCaller(env.deps);
      const project = await owner.caller.projects.create({ name: 'P', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
      const invite = await owner.caller.projects.invite({ projectId: project.id, email: 'invited@example.test', role: 'annotator' });
      const anonymous = createCaller(createContextInner({ deps: env.deps }));
      const wrong = buildUser({ email: 'someone-else@example.test' });
      await expect(anonymous.auth.signUp({ ...wrong, inviteToken: invite.token })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const created = await env.deps.db.selectFrom('app_user').select('id').where('email', '=', wrong.email).execute();
      expect(created).toEqual([]);
      const right = await anonymous.auth.signUp({ ...buildUser({ email: 'invited@example.test' }), inviteToken: invite.token });
      expect(right.joinedProjectId).toBe(project.id);
    } finally {
      await env.close();
    }
  });
});
