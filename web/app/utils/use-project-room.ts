import { useCallback, useEffect, useRef, useState } from 'react';
import { connectProjectSocket, type PresenceEntry, type ProjectEvent, type ProjectSocket } from './socket.client.ts';

export type RoomStatus = 'connecting' | 'live' | 'offline';

export interface RoomHandlers {
  /** Something changed in the project (someone labeled, an import finished). */
  onEvent?: (event: ProjectEvent) => void;
  /** Joined or re-joined the room: events may have been missed while disconnected. */
  onJoin?: () => void;
}

/**
 * Joins the project's realtime room for as long as the component is mounted: returns who is
 * online (and on which sample), and calls the handlers on project events.
 */
export function useProjectRoom(projectId: number, handlers: RoomHandlers = {}) {
  const [presence, setPresence] = useState<PresenceEntry[]>([]);
  const [status, setStatus] = useState<RoomStatus>('connecting');
  const [error, setError] = useState<string | null>(null);
  const socketRef = useRef<ProjectSocket | null>(null);
  const focusRef = useRef<number | null>(null);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    const socket = connectProjectSocket();
    socketRef.current = socket;
    socket.on('connect', () => {
      socket.emit('project:join', { projectId }, (reply) => {
        if (!reply.ok) {
          setStatus('offline');
          setError(reply.error);
          return;
        }
        setStatus('live');
        setError(null);
        if (reply.presence) setPresence(reply.presence);
        // Joining resets our focus on the server; restore it after a reconnect.
        if (focusRef.current !== null) socket.emit('presence:focus', { projectId, sampleId: focusRef.current });
        handlersRef.current.onJoin?.();
      });
    });
    socket.on('disconnect', () => setStatus('offline'));
    socket.on('connect_error', (err) => {
      setStatus('offline');
      setError(err.message);
    });
    socket.on('presence', (message) => {
      if (message.projectId === projectId) setPresence(message.users);
    });
    socket.on('event', (event) => {
      if (event.projectId === projectId) handlersRef.current.onEvent?.(event);
    });
    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, [projectId]);

  /** Tells the others which sample this browser shows (null: none). */
  const focusSample = useCallback(
    (sampleId: number | null) => {
      focusRef.current = sampleId;
      const socket = socketRef.current;
      if (socket?.connected) socket.emit('presence:focus', { projectId, sampleId });
    },
    [projectId],
  );

  return { presence, status, error, focusSample };
}
