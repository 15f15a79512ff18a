/**
 * A redis-server of the test's own on a free port, so a fault test can kill it and start it again
 * (empty, as a Redis without persistence comes back) without touching the shared one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './free-port.ts';

export interface PrivateRedis {
  url: string;
  /** SIGKILL: no goodbye to clients, like a crashed or unplugged server. */
  kill(): Promise<void>;
  /** Starts it again on the same port, with no data. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const BIN = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
/** Whether this machine has a redis-server binary to run. */
export const canRunPrivateRedis = BIN !== undefined;

export async function startPrivateRedis(): Promise<PrivateRedis> {
  if (!BIN) throw new Error('no redis-server binary installed');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      proc.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
      child = proc;
    });
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, kill, start, destroy: kill };
}
