import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import { TestClient } from '#test/setup/http.ts';
import { emitWithAck, nextMessage, openSocket } from '#test/setup/sockets.ts';
import { buildUser } from '#test/factories/users.ts';

interface Presence {
  projectId: number;
  users: { userId: number; name: string; sampleId: number | null }[];
}

// A closed socket's user keeps their sample this long (a reload, a reconnect) before it is freed.
const leaveGraceMs = 1000;

describe.each(databaseBackends())('realtime on %s', (backend) => {
  let app: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    app = await startTestApp(backend, { leaveGraceMs });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await app?.close();
  });

  it('refuses connections without a valid session', async () => {
    const anonymous = new TestClient(app.baseUrl);
    await expect(openSocket(app, anonymous)).rejects.toThrow(/UNAUTHORIZED/);
    anonymous.cookie = 'sift_session=forged';
    await expect(openSocket(app, anonymous)).rejects.toThrow(/UNAUTHORIZED/);
  });

  it('broadcasts presence and every label to the other members within a second; non-members get nothing', async () => {
    const owner = new TestClient(app.baseUrl);
    const annotator = new TestClient(app.baseUrl);
    const stranger = new TestClient(app.baseUrl);
    const annotatorInput = buildUser();
    await owner.mutate('auth.signUp', buildUser());
    await annotator.mutate('auth.signUp', annotatorInput);
    await stranger.mutate('auth.signUp', buildUser());
    const project = await owner.mutate<{ id: number }>('projects.create', { name: 'Live', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
    const invite = await owner.mutate<{ token: string }>('projects.invite', { projectId: project.id, email: annotatorInput.email, role: 'annotator' });
    await annotator.mutate('projects.acceptInvite', { token: invite.token });
    const upload = await owner.upload(`/api/v1/projects/${project.id}/import`, [{ name: 's.csv', data: 'text\nfirst\nsecond\n' }]);
    expect(upload.status).toBe(200);

    const ownerSocket = await openSocket(app, owner);
    const annotatorSocket = await openSocket(app, annotator);
    const strangerSocket = await openSocket(app, stranger);
    sockets.push(ownerSocket, annotatorSocket, strangerSocket);

    const denied = await emitWithAck<{ ok: boolean; code?: string }>(strangerSocket, 'project:join', { projectId: project.id });
    expect(denied).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const malformed = await emitWithAck<{ ok: boolean; code?: string }>(ownerSocket, 'project:join', { projectId: 'nope' });
    expect(malformed).toMatchObject({ ok: false, code: 'INVALID' });

    expect(await emitWithAck(ownerSocket, 'project:join', { projectId: project.id })).toMatchObject({ ok: true });
    const seesAnnotator = nextMessage<Presence>(ownerSocket, 'presence', (p) => p.users.length === 2);
    expect(await emitWithAck(annotatorSocket, 'project:join', { projectId: project.id })).toMatchObject({ ok: true });
    await seesAnnotator;

    const sample = await annotator.query<{ id: number }>('labeling.next', { projectId: project.id });
    const focused = nextMessage<Presence>(ownerSocket, 'presence', (p) => p.users.some((u) => u.sampleId === sample.id));
    expect(await emitWithAck(annotatorSocket, 'presence:focus', { projectId: project.id, sampleId: sample.id })).toMatchObject({ ok: true });
    await focused;

    const { labels } = await annotator.query<{ labels: { id: number }[] }>('projects.get', { projectId: project.id });
    let strangerHeard = false;
    strangerSocket.on('event', () => (strangerHeard = true));
    const heard = nextMessage<{ type: string; data: { sampleId: number } }>(ownerSocket, 'event', (e) => e.type === 'annotation.changed');
    // The new counts follow without the owner's page asking for them.
    const counted = nextMessage<{ type: string; data: { resolvedCount: number; annotationCount: number } }>(ownerSocket, 'event', (e) => e.type === 'stats.updated');
    const started = Date.now();
    await annotator.mutate('labeling.annotate', { projectId: project.id, sampleId: sample.id, labelId: labels[0]!.id, durationMs: 1500 });
    const event = await heard;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(event.data.sampleId).toBe(sample.id);
    expect((await counted).data).toMatchObject({ resolvedCount: 1, annotationCount: 1 });
    const stats = await owner.query<{ resolvedCount: number }>('projects.stats', { projectId: project.id });
    expect(stats.resolvedCount).toBe(1);
    expect(strangerHeard).toBe(false);

    const left = nextMessage<Presence>(ownerSocket, 'presence', (p) => p.users.length === 1);
    annotatorSocket.close();
    await left;
  });

  /** An owner and an annotator of a project with a single sample. */
  async function leaseProject() {
    const owner = new TestClient(app.baseUrl);
    const annotator = new TestClient(app.baseUrl);
    const annotatorInput = buildUser();
    await owner.mutate('auth.signUp', buildUser());
    await annotator.mutate('auth.signUp', annotatorInput);
    const project = await owner.mutate<{ id: number }>('projects.create', { name: 'Leases', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
    const invite = await owner.mutate<{ token: string }>('projects.invite', { projectId: project.id, email: annotatorInput.email, role: 'annotator' });
    await annotator.mutate('projects.acceptInvite', { token: invite.token });
    await owner.upload(`/api/v1/projects/${project.id}/import`, [{ name: 's.csv', data: 'text\nonly one\n' }]);
    return { owner, annotator, project };
  }

  it("returns an annotator's sample to the pool when their last connection closes", async () => {
    const { owner, annotator, project } = await leaseProject();

    const first = await openSocket(app, annotator);
    const second = await openSocket(app, annotator);
    sockets.push(first, second);
    for (const socket of [first, second]) expect(await emitWithAck(socket, 'project:join', { projectId: project.id })).toMatchObject({ ok: true });
    const held = await annotator.query<{ id: number }>('labeling.next', { projectId: project.id });
    expect(held).not.toBeNull();
    // The only sample is leased: the owner gets nothing to label.
    expect(await owner.query('labeling.next', { projectId: project.id })).toBeNull();
    first.close();
    await new Promise((resolve) => setTimeout(resolve, leaveGraceMs + 300));
    // Another tab of the annotator is still open: the lease holds.
    expect(await owner.query('labeling.next', { projectId: project.id })).toBeNull();
    second.close();
    let freed: { id: number } | null = null;
    for (let tries = 0; tries < 50 && !freed; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      freed = await owner.query<{ id: number } | null>('labeling.next', { projectId: project.id });
    }
    expect(freed?.id).toBe(held.id);
  });

  it("keeps an annotator's sample through a reload or a reconnect within the grace time", async () => {
    const { owner, annotator, project } = await leaseProject();
    const join = async () => {
      const socket = await openSocket(app, annotator);
      sockets.push(socket);
      expect(await emitWithAck(socket, 'project:join', { projectId: project.id })).toMatchObject({ ok: true });
      return socket;
    };
    const before = await join();
    // The next page's loader leases the sample while the old page's socket is still open.
    expect(await annotator.query('labeling.next', { projectId: project.id })).not.toBeNull();
    before.close();
    await join();
    await new Promise((resolve) => setTimeout(resolve, leaveGraceMs + 500));
    // Back within the grace time: the sample is still theirs.
    expect(await owner.query('labeling.next', { projectId: project.id })).toBeNull();
  });
});
