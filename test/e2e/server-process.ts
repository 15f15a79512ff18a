import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A server of a spec's own, on its own port and embedded database, that the spec can stop
 * (gracefully or by crashing it) and start again on the same port and data. The suite's shared
 * server (playwright.config.ts) cannot be restarted from a spec.
 */
export interface OwnServer {
  url: string;
  /** Starts the server and waits until /healthz answers. */
  start(): Promise<void>;
  /**
   * SIGTERM: the server shuts down as under a supervisor. SIGKILL: the server and its embedded
   * PGlite die at once, as in an OOM kill or `docker kill`. Either way, waits until every process
   * of the server is gone (the data directory's lock is then free).
   */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** The server's output so far (for failure messages). */
  log(): string;
  /** Stops the server if it runs and deletes its data directory. */
  dispose(): Promise<void>;
}

export function createOwnServer(options: { port: number; name: string }): OwnServer {
  const url = `http://127.0.0.1:${options.port}`;
  const dataDir = path.join(root, 'test', 'e2e', '.tmp', `${options.name}-${process.pid}-${Date.now().toString(36)}`);
  const logFile = path.join(dataDir, 'server.log');
  mkdirSync(dataDir, { recursive: true });
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const log = () => readFileSync(logFile, 'utf8');

  async function start(): Promise<void> {
    if (child) throw new Error('the server is already running');
    if (await answers(`${url}/healthz`)) throw new Error(`port ${options.port} is taken by another server: set SIFT_E2E_RESTART_PORT`);
    const out = openSync(logFile, 'a');
    // Empty values count as unset: this server never touches shared PostgreSQL/Redis. Neither the
    // trainer nor a fast tensor backend is needed to label, and both would make each start slower.
    const env = {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      SIFT_DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      SIFT_TRAINER: 'external',
      SIFT_TF_BACKEND: 'cpu',
    };
    // Its own process group, so a crash can take the embedded PGlite child down with it.
    const spawned = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: root, env, detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    child = spawned;
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!(await answers(`${url}/healthz`))) {
      if (spawned.exitCode !== null || Date.now() > deadline) {
        await stop('SIGKILL');
        throw new Error(`the server did not come up:\n${log().slice(-2000)}`);
      }
      await delay(100);
    }
  }

  async function stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const running = child;
    if (!running?.pid) return;
    if (signal === 'SIGKILL') signalGroup(running.pid, 'SIGKILL');
    else running.kill('SIGTERM');
    // A shutdown that hangs is a failure of its own, but must not leave the port and data taken.
    let hung = false;
    const timer = setTimeout(() => (hung = signalGroup(running.pid!, 'SIGKILL')), 20_000);
    await exited;
    clearTimeout(timer);
    // The embedded PGlite child may outlive the server by a moment while it closes the database.
    while (signalGroup(running.pid, 0)) await delay(50);
    child = undefined;
    if (hung) throw new Error(`the server did not shut down within 20 s of ${signal}:\n${log().slice(-2000)}`);
  }

  async function dispose(): Promise<void> {
    try {
      await stop('SIGTERM');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  return { url, start, stop, log, dispose };
}

/** Sends `signal` to the process group led by `pid`; false once no process of it is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
