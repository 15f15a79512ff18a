import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EventBus } from '#trainer/jobs/events.ts';
import { SiftEvent } from '#trainer/jobs/events.ts';

/** What /healthz says about the trainer. */
export interface TrainerStatus {
  mode: 'child' | 'external';
  ready: boolean;
  tensorBackend?: string;
  exitCode?: number | null;
}

export interface TrainerChild {
  status(): TrainerStatus;
  stop(): Promise<void>;
}

/**
 * Runs the trainer as a child process of the server in the embedded setup: heavy compute never
 * shares the HTTP event loop, and its events reach browsers over the IPC channel (PGlite has no
 * cross-connection LISTEN/NOTIFY, and there is no Redis).
 */
export function startTrainerChild(input: { databaseUrl: string; prefix: string; tfBackend?: string; bus: EventBus }): TrainerChild {
  const entry = fileURLToPath(new URL('../trainer/index.ts', import.meta.url));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: input.databaseUrl, SIFT_QUEUE_PREFIX: input.prefix, SIFT_EMBEDDED: '1' };
  delete env.REDIS_URL;
  if (input.tfBackend) env.SIFT_TF_BACKEND = input.tfBackend;
  const status: TrainerStatus = { mode: 'child', ready: false };
  const child: ChildProcess = fork(entry, [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('message', (message: { type?: string; event?: unknown; tensorBackend?: string }) => {
    if (message.type === 'ready') Object.assign(status, { ready: true, tensorBackend: message.tensorBackend });
    if (message.type === 'event') {
      const parsed = SiftEvent.safeParse(message.event);
      if (parsed.success) void input.bus.publish(parsed.data).catch(() => undefined);
    }
  });
  child.on('exit', (code) => {
    Object.assign(status, { ready: false, exitCode: code });
    if (code !== 0 && code !== null) console.error(`[sift] trainer process exited with code ${code}`);
  });
  return {
    status: () => ({ ...status }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
