import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** A running embedded PGlite server (its own process) and the connection string to reach it. */
export interface EmbeddedPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (with pgvector) in a child process serving `dataDir` on a loopback port.
 * `dataDir` may be `memory://` for throwaway databases in tests.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const entry = fileURLToPath(new URL('./pglite-server.ts', import.meta.url));
  const resolved = dataDir.startsWith('memory://') ? dataDir : path.resolve(dataDir);
  const child = fork(entry, [resolved], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const address = await waitForReady(child);
  return {
    connectionString: `postgres://postgres@${address}/postgres`,
    stop: () => stopChild(child),
  };
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`embedded PGlite exited before it was ready (code ${code}); is the data directory in use?`));
    child.once('exit', onExit);
    child.once('message', (message: { type?: string; address?: string }) => {
      child.off('exit', onExit);
      if (message.type === 'ready' && message.address) resolve(message.address);
      else reject(new Error('embedded PGlite sent an unexpected first message'));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  });
}
