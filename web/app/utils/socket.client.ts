import { io, type Socket } from 'socket.io-client';
import type { PresenceEntry } from '#server/realtime/realtime.schema.ts';

export type { PresenceEntry };

/** What the server broadcasts to a project's room (annotation.changed, import.completed …). */
export interface ProjectEvent {
  projectId: number;
  type: string;
  data: Record<string, unknown>;
}

export type JoinReply = { ok: true; presence?: PresenceEntry[] } | { ok: false; error: string; code: string };

interface ServerToClient {
  presence(message: { projectId: number; users: PresenceEntry[] }): void;
  event(event: ProjectEvent): void;
}

interface ClientToServer {
  'project:join'(payload: { projectId: number }, ack: (reply: JoinReply) => void): void;
  'presence:focus'(payload: { projectId: number; sampleId: number | null }): void;
}

export type ProjectSocket = Socket<ServerToClient, ClientToServer>;

/** A socket.io connection to this origin; the session cookie authenticates it. */
export function connectProjectSocket(): ProjectSocket {
  return io({ path: '/socket.io', withCredentials: true });
}
