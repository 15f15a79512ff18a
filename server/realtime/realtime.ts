import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { User } from '#db/users.ts';
import type { AppDeps } from '../deps.ts';
import { findUserBySessionToken } from '../auth/auth.service.ts';
import { getProjectAccess } from '../projects/projects.service.ts';
import { getSample, releaseLease } from '../labeling/labeling.service.ts';
import { readSessionToken } from '../http/session.ts';
import { AppError } from '../errors.ts';
import { INTERNAL_MESSAGE } from '../http/errors.ts';
import { asUnavailable } from '../http/unavailable.ts';
import { FocusPayload, JoinPayload, type PresenceEntry } from './realtime.schema.ts';

interface SocketData {
  user: User;
  projectId?: number;
  sampleId: number | null;
}

type Ack = (reply: { ok: true; presence?: PresenceEntry[] } | { ok: false; error: string; code: string }) => void;

const room = (projectId: number) => `project:${projectId}`;

/**
 * socket.io on the HTTP server: a cookie-authenticated connection joins one project room at a time
 * (membership checked), gets presence updates, and receives the project's events from the bus.
 */
export interface RealtimeOptions {
  /**
   * How long a user's last connection to a project may be gone before their sample goes back to
   * the pool: a reload, a move to another page of the project or a reconnect comes back sooner.
   */
  leaveGraceMs?: number;
}

export function attachRealtime(httpServer: HttpServer, deps: AppDeps, { leaveGraceMs = 3000 }: RealtimeOptions = {}): Server {
  const io = new Server(httpServer, { path: '/socket.io', serveClient: false, maxHttpBufferSize: 64 * 1024 });
  // Pending lease releases, by project and user: one timer (about 200 bytes) per user who left a
  // project in the last leaveGraceMs, deleted when it fires. Presence itself is not kept here: it
  // is read from the room's sockets each time it is drawn.
  const leaving = new Map<string, NodeJS.Timeout>();

  io.use(async (socket, next) => {
    try {
      const user = await findUserBySessionToken(deps, readSessionToken(socket.handshake.headers.cookie));
      if (!user) return next(new Error('UNAUTHORIZED: sign in first'));
      (socket.data as SocketData) = { user, sampleId: null };
      next();
    } catch (error) {
      next(error instanceof Error ? error : new Error('authentication failed'));
    }
  });

  io.on('connection', (socket) => {
    socket.on('project:join', (payload: unknown, ack?: Ack) => void join(deps, io, socket, payload, ack));
    socket.on('presence:focus', (payload: unknown, ack?: Ack) => void focus(deps, io, socket, payload, ack));
    socket.on('disconnect', (reason) => {
      const { projectId, user } = socket.data as SocketData;
      // The server going down is not the annotator leaving: after the restart they are back on the same sample.
      if (!projectId || reason === 'server shutting down') return;
      // Presence is redrawn on the next join or focus anyway.
      void broadcastPresence(io, projectId).catch(() => undefined);
      // The grace time counts from the user's latest disconnect.
      const key = `${projectId}:${user.id}`;
      clearTimeout(leaving.get(key));
      const timer = setTimeout(() => {
        leaving.delete(key);
        void releaseIfGone(deps, io, projectId, user.id);
      }, leaveGraceMs);
      leaving.set(key, timer.unref());
    });
  });

  const unsubscribe = deps.bus.subscribe((event) => {
    io.to(room(event.projectId)).emit('event', event);
  });
  httpServer.on('close', () => {
    unsubscribe();
    leaving.forEach(clearTimeout);
  });
  return io;
}

/**
 * Answers a failed event like the HTTP routes answer a failed request: an AppError as it is, a lost
 * database connection as UNAVAILABLE, anything else as INTERNAL with a fixed message (logged here;
 * its own message may hold SQL).
 */
function reply(ack: Ack | undefined, error: unknown): void {
  const known = error instanceof AppError ? error : asUnavailable(error);
  if (!known) console.error('[socket] unexpected error:', error);
  if (typeof ack === 'function') ack({ ok: false, code: known?.code ?? 'INTERNAL', error: known?.message ?? INTERNAL_MESSAGE });
}

async function join(deps: AppDeps, io: Server, socket: Socket, payload: unknown, ack?: Ack): Promise<void> {
  try {
    const parsed = JoinPayload.safeParse(payload);
    if (!parsed.success) throw new AppError('INVALID', 'project:join needs { projectId: number }');
    const data = socket.data as SocketData;
    await getProjectAccess(deps, data.user, parsed.data.projectId);
    const previous = data.projectId;
    if (previous && previous !== parsed.data.projectId) {
      await socket.leave(room(previous));
      await leave(deps, io, previous, data.user.id);
    }
    data.projectId = parsed.data.projectId;
    data.sampleId = null;
    await socket.join(room(parsed.data.projectId));
    const presence = await broadcastPresence(io, parsed.data.projectId);
    if (typeof ack === 'function') ack({ ok: true, presence });
  } catch (error) {
    reply(ack, error);
  }
}

async function focus(deps: AppDeps, io: Server, socket: Socket, payload: unknown, ack?: Ack): Promise<void> {
  try {
    const parsed = FocusPayload.safeParse(payload);
    if (!parsed.success) throw new AppError('INVALID', 'presence:focus needs { projectId, sampleId }');
    const data = socket.data as SocketData;
    assertJoined(data, parsed.data.projectId);
    // Presence shows only the joined project's own samples, never an id from another project.
    if (parsed.data.sampleId !== null) await getSample(deps, parsed.data.projectId, parsed.data.sampleId);
    // The socket may have switched projects during the lookup.
    assertJoined(data, parsed.data.projectId);
    data.sampleId = parsed.data.sampleId;
    await broadcastPresence(io, parsed.data.projectId);
    if (typeof ack === 'function') ack({ ok: true });
  } catch (error) {
    reply(ack, error);
  }
}

function assertJoined(data: SocketData, projectId: number): void {
  if (data.projectId !== projectId) throw new AppError('FORBIDDEN', 'join the project first');
}

/** Updates presence, and once the user's last connection to the project is gone, frees their sample. */
async function leave(deps: AppDeps, io: Server, projectId: number, userId: number): Promise<void> {
  await broadcastPresence(io, projectId);
  await releaseIfGone(deps, io, projectId, userId);
}

async function releaseIfGone(deps: AppDeps, io: Server, projectId: number, userId: number): Promise<void> {
  try {
    const sockets = await io.in(room(projectId)).fetchSockets();
    if (!sockets.some((s) => (s.data as SocketData).user.id === userId)) await releaseLease(deps, projectId, userId);
  } catch (error) {
    // The lease still lapses on its own after the project's lease time.
    console.error('[realtime] releasing a lease failed:', error instanceof Error ? error.message : error);
  }
}

/** Everyone in the room, one entry per user (their most recent focus wins). */
async function broadcastPresence(io: Server, projectId: number): Promise<PresenceEntry[]> {
  const sockets = await io.in(room(projectId)).fetchSockets();
  const byUser = new Map<number, PresenceEntry>();
  for (const s of sockets) {
    const data = s.data as SocketData;
    const existing = byUser.get(data.user.id);
    byUser.set(data.user.id, { userId: data.user.id, name: data.user.name, sampleId: data.sampleId ?? existing?.sampleId ?? null });
  }
  const presence = [...byUser.values()];
  io.to(room(projectId)).emit('presence', { projectId, users: presence });
  return presence;
}
