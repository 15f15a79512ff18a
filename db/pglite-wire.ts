import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * LISTEN/UNLISTEN statements in a unit's Query ('Q') and Parse ('P') messages, so notifications
 * can be routed to the connections that asked for them.
 */
function trackListens(unit: Buffer): { listen: boolean; channel: string }[] {
  const found: { listen: boolean; channel: string }[] = [];
  let offset = 0;
  while (offset + 5 <= unit.length) {
    const type = unit[offset]!;
    const length = 1 + unit.readInt32BE(offset + 1);
    if (type === 0x51 /* Q */ || type === 0x50 /* P */) {
      let start = offset + 5;
      if (type === 0x50) start = unit.indexOf(0, start) + 1; // skip the statement name
      const sql = unit
        .subarray(start, unit.indexOf(0, start))
        .toString('utf8')
        .replace(/--[^\n]*/g, ' ')
        .replace(/\/\*[\s\S]*?\*\//g, ' ');
      for (const match of sql.matchAll(/(?:^|;)\s*(UN)?LISTEN\s+(\*|"((?:[^"]|"")+)"|[A-Za-z_][\w$]*)/gi)) {
        const channel = match[3] !== undefined ? match[3].replace(/""/g, '"') : match[2] === '*' ? '*' : match[2]!.toLowerCase();
        found.push({ listen: !match[1], channel });
      }
    }
    offset += length;
  }
  return found;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/**
 * Serves one PGlite instance to many Postgres wire-protocol clients on loopback.
 *
 * PGlite is a single backend, so statements from different connections must never interleave
 * inside one extended-protocol exchange (Parse…Sync: the unnamed statement and portal are shared)
 * nor inside an open transaction. This server forwards each connection's messages in units that
 * end at Sync, Query or Flush, runs one unit at a time, and keeps the backend for the same
 * connection while it is inside a transaction or mid-exchange. (`@electric-sql/pglite-socket`
 * queues single messages instead, which lets concurrent clients corrupt each other's portals.)
 */
export class PgliteWireServer {
  private server: Server | undefined;
  private nextId = 1;
  private owner: number | undefined;
  private waiters: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();
  /** LISTEN channels per connection: one backend hears them all, this server routes them. */
  private readonly listeners = new Map<number, { socket: Socket; channels: Set<string> }>();

  constructor(private readonly db: PGlite) {}

  /** Listens on host:port (0 = any free port); resolves with `host:port`. */
  listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => {
        const address = this.server!.address();
        if (!address || typeof address === 'string') return reject(new Error('no TCP address'));
        resolve(`${host}:${address.port}`);
      });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    const id = this.nextId++;
    this.sockets.add(socket);
    this.listeners.set(id, { socket, channels: new Set() });
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let unit: Buffer[] = [];
    let chain = Promise.resolve();
    const run = (bytes: Buffer, endsExchange: boolean) => {
      chain = chain.then(() => this.runUnit(id, socket, bytes, endsExchange)).catch(() => void socket.destroy());
    };

    socket.on('data', (chunk) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST) {
            socket.end();
            return;
          }
          started = true;
          run(Buffer.from(message), true);
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const type = String.fromCharCode(buffer[0]!);
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (type === 'X') {
          socket.end();
          return;
        }
        unit.push(Buffer.from(message));
        if (type === 'S' || type === 'Q' || type === 'H') {
          run(Buffer.concat(unit), type !== 'H');
          unit = [];
        }
      }
    });
    const finish = () => {
      this.sockets.delete(socket);
      this.listeners.delete(id);
      chain = chain.then(() => this.abandon(id));
    };
    socket.once('close', finish);
    socket.on('error', () => socket.destroy());
  }

  private async runUnit(id: number, socket: Socket, bytes: Buffer, endsExchange: boolean): Promise<void> {
    await this.acquire(id);
    try {
      const changes = trackListens(bytes);
      const output: Buffer[] = [];
      await this.db.execProtocolRawStream(new Uint8Array(bytes), { onRawData: (data) => void output.push(Buffer.from(data)) });
      const channels = this.listeners.get(id)?.channels;
      for (const change of changes) {
        if (change.channel === '*') channels?.clear();
        else if (change.listen) channels?.add(change.channel);
        else channels?.delete(change.channel);
      }
      if (changes.some((c) => !c.listen)) await this.relisten();
      const own = this.routeNotifications(Buffer.concat(output), id);
      if (!socket.destroyed) socket.write(own);
    } finally {
      // Keep the backend while this connection is inside a transaction or a Parse…Sync exchange.
      this.release(id, !endsExchange || this.db.isInTransaction());
    }
  }

  /**
   * The single backend queues a NotificationResponse ('A') on whichever connection's exchange
   * committed the NOTIFY. Deliver each to every connection that LISTENs on its channel instead;
   * returns the rest of the output for the connection that ran the exchange.
   */
  private routeNotifications(output: Buffer, origin: number): Buffer {
    const kept: Buffer[] = [];
    let offset = 0;
    while (offset + 5 <= output.length) {
      const length = 1 + output.readInt32BE(offset + 1);
      const message = output.subarray(offset, offset + length);
      offset += length;
      if (message[0] !== 0x41 /* 'A' */) {
        kept.push(message);
        continue;
      }
      const end = message.indexOf(0, 9);
      const channel = message.subarray(9, end).toString('utf8');
      for (const [id, listener] of this.listeners) {
        if (!listener.channels.has(channel)) continue;
        if (id === origin) kept.push(message);
        else if (!listener.socket.destroyed) listener.socket.write(message);
      }
    }
    if (offset < output.length) kept.push(output.subarray(offset));
    return Buffer.concat(kept);
  }

  /** An UNLISTEN from one connection silences the shared backend: re-arm what others still need. */
  private async relisten(): Promise<void> {
    const wanted = new Set([...this.listeners.values()].flatMap((l) => [...l.channels]));
    for (const channel of wanted) await this.db.exec(`LISTEN "${channel.replace(/"/g, '""')}"`);
  }

  /** A connection went away while holding the backend: roll its transaction back and let others in. */
  private async abandon(id: number): Promise<void> {
    if (this.owner !== id) return;
    try {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.release(id, false);
    }
  }

  private async acquire(id: number): Promise<void> {
    while (this.owner !== undefined && this.owner !== id) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.owner = id;
  }

  private release(id: number, keep: boolean): void {
    if (keep || this.owner !== id) return;
    this.owner = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
