import { io as connect, type Socket } from 'socket.io-client';
import type { TestApp } from './app.ts';
import type { TestClient } from './http.ts';

/** A real socket.io connection that sends the client's session cookie, like a browser tab. */
export function openSocket(app: Pick<TestApp, 'baseUrl'>, client: Pick<TestClient, 'cookie'>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(app.baseUrl, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: client.cookie }, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export function emitWithAck<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;
}

/** The next `event` message that matches, or a rejection after `timeoutMs`. */
export function nextMessage<T>(socket: Socket, event: string, match: (value: T) => boolean, timeoutMs = 1000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const handler = (value: T) => {
      if (!match(value)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(value);
    };
    socket.on(event, handler);
  });
}
