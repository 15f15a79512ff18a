/**
 * Who may do what over socket.io: connecting needs a live session; `project:join` needs
 * membership (any role); `presence:focus` needs the joined project and one of its samples. A
 * project's events and presence reach only sockets that joined it, and a socket never frees
 * another project's leases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Role } from '#db/schema.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { emitWithAck, nextMessage, openSocket } from '#test/setup/sockets.ts';
import { WHO, isAllowed, seedTeam, signedInClient, type Who } from '#test/factories/team.ts';

interface World {
  clients: Record<Who, TestClient>;
  projectId: number;
  sampleId: number;
  /** The stranger's own project and one of its samples. */
  foreign: { projectId: number; sampleId: number };
}

interface Ack {
  ok: boolean;
  code?: string;
}

/** Each event the server handles: [case, lowest role that may send it, event, a valid payload]. */
const EVENTS: [string, Role, string, (w: World) => unknown][] = [
  ['project:join', 'annotator', 'project:join', (w) => ({ projectId: w.projectId })],
  ['presence:focus on a sample', 'annotator', 'presence:focus', (w) => ({ projectId: w.projectId, sampleId: w.sampleId })],
  ['presence:focus on no sample', 'annotator', 'presence:focus', (w) => ({ projectId: w.projectId, sampleId: null })],
];

/** The owner, joined to their project, sending the stranger's ids: [case, event, payload, refusal]. */
const CROSS_PROJECT: [string, string, (w: World) => unknown, string][] = [
  ['join their project', 'project:join', (w) => ({ projectId: w.foreign.projectId }), 'FORBIDDEN'],
  ['join a project that does not exist', 'project:join', () => ({ projectId: 2_147_483_647 }), 'NOT_FOUND'],
  ['focus their sample in their project', 'presence:focus', (w) => ({ projectId: w.foreign.projectId, sampleId: w.foreign.sampleId }), 'FORBIDDEN'],
  ['focus their sample in my project', 'presence:focus', (w) => ({ projectId: w.projectId, sampleId: w.foreign.sampleId }), 'NOT_FOUND'],
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('authorization of socket.io events', () => {
  let app: TestApp;
  let world: World;
  const sockets: Socket[] = [];
  const open = async (client: TestClient) => {
    const socket = await openSocket(app, client);
    sockets.push(socket);
    return socket;
  };
  /** Every lease of both projects: closing a socket may free only its own user's lease in its own project. */
  const leases = () =>
    app.deps.db.selectFrom('assignment').select(['project_id', 'user_id', 'sample_id']).where('project_id', 'in', [world.projectId, world.foreign.projectId]).orderBy('sample_id').execute();

  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    const { clients, projectIds } = await seedTeam(app, [{ name: 'Mine', dataType: 'text' }]);
    const projectId = projectIds[0]!;
    const theirs = await clients.stranger.mutate<{ id: number }>('projects.create', { name: 'Theirs', dataType: 'text', labels: [{ name: 'x' }, { name: 'y' }] });
    for (const [client, id] of [[clients.owner, projectId], [clients.stranger, theirs.id]] as const) {
      expect((await client.upload(`/api/v1/projects/${id}/import`, [{ name: 's.csv', data: `text\none ${id}\ntwo ${id}\nthree ${id}\n` }])).status).toBe(200);
    }
    // Live leases in both projects, which no other user's socket may free.
    const mine = await clients.annotator.query<{ id: number }>('labeling.next', { projectId });
    const foreign = await clients.stranger.query<{ id: number }>('labeling.next', { projectId: theirs.id });
    world = { clients, projectId, sampleId: mine.id, foreign: { projectId: theirs.id, sampleId: foreign.id } };
  }, 60_000);
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await app?.close();
  });

  it('refuses connections without a live session', async () => {
    const member = await signedInClient(app);
    const cookie = member.cookie;
    await member.mutate('auth.logOut', {});
    for (const cookieHeader of ['', 'sift_session=forged', cookie]) {
      await expect(openSocket(app, { cookie: cookieHeader })).rejects.toThrow(/UNAUTHORIZED/);
    }
  });

  it.each(CROSS_PROJECT)('%s is refused (%s) and frees no lease', async (_name, event, payload, code) => {
    const before = await leases();
    const socket = await open(world.clients.owner);
    expect(await emitWithAck(socket, 'project:join', { projectId: world.projectId })).toMatchObject({ ok: true });
    expect(await emitWithAck(socket, event, payload(world))).toMatchObject({ ok: false, code });
    socket.close();
    // Leaving is handled after the disconnect: give it time to (wrongly) free something.
    await pause(200);
    expect(await leases()).toEqual(before);
  });

  it.each(EVENTS)('%s: allowed from %s up, refused below', async (_name, minimum, event, payload) => {
    for (const who of WHO) {
      if (who === 'anonymous') {
        await expect(openSocket(app, world.clients.anonymous)).rejects.toThrow(/UNAUTHORIZED/);
        continue;
      }
      const socket = await open(world.clients[who]);
      if (event !== 'project:join') await emitWithAck(socket, 'project:join', { projectId: world.projectId });
      const ack = await emitWithAck<Ack>(socket, event, payload(world));
      const expected = isAllowed(who, minimum) ? 'ok' : 'FORBIDDEN';
      expect(`${who}: ${ack.ok ? 'ok' : ack.code}`).toBe(`${who}: ${expected}`);
      socket.close();
    }
  });

  it("a project's events and presence reach the sockets that joined it, and no others", async () => {
    const { clients } = world;
    const members = await Promise.all((['annotator', 'reviewer', 'lead', 'owner'] as const).map((who) => open(clients[who])));
    const stranger = await open(clients.stranger);
    const heardByStranger: { projectId: number }[] = [];
    stranger.onAny((_event: string, message: { projectId: number }) => heardByStranger.push(message));
    for (const socket of members) expect(await emitWithAck(socket, 'project:join', { projectId: world.projectId })).toMatchObject({ ok: true });
    expect(await emitWithAck(stranger, 'project:join', { projectId: world.projectId })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await emitWithAck(stranger, 'project:join', { projectId: world.foreign.projectId })).toMatchObject({ ok: true });
    const heardByMembers: { projectId: number }[] = [];
    for (const socket of members) socket.onAny((_event: string, message: { projectId: number }) => heardByMembers.push(message));

    const isMine = (e: { type: string; projectId: number }) => e.type === 'annotation.changed' && e.projectId === world.projectId;
    const everyMemberHears = Promise.all(members.map((s) => nextMessage(s, 'event', isMine, 2000)));
    const { labels } = await clients.annotator.query<{ labels: { id: number }[] }>('projects.get', { projectId: world.projectId });
    await clients.annotator.mutate('labeling.annotate', { projectId: world.projectId, sampleId: world.sampleId, labelId: labels[0]!.id, durationMs: 1 });
    await everyMemberHears;

    const isTheirs = (e: { type: string; projectId: number }) => e.type === 'annotation.changed' && e.projectId === world.foreign.projectId;
    const strangerHears = nextMessage(stranger, 'event', isTheirs, 2000);
    const theirLabels = await clients.stranger.query<{ labels: { id: number }[] }>('projects.get', { projectId: world.foreign.projectId });
    await clients.stranger.mutate('labeling.annotate', { projectId: world.foreign.projectId, sampleId: world.foreign.sampleId, labelId: theirLabels.labels[0]!.id, durationMs: 1 });
    await strangerHears;
    await pause(200);

    expect(heardByStranger.length).toBeGreaterThan(0);
    expect(heardByStranger.filter((m) => m.projectId !== world.foreign.projectId)).toEqual([]);
    expect(heardByMembers.filter((m) => m.projectId !== world.projectId)).toEqual([]);
  });
});
