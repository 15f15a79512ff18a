import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EventBus } from '#trainer/jobs/events.ts';
import { SiftEvent } from '#trainer/jobs/events.ts';
import { planTrainerRestart } from './trainer-restart.ts';

/** What /healthz says about the trainer process (its memory comes from its heartbeat, beside this). */
export interface TrainerStatus {
  mode: 'child' | 'external';
  ready: boolean;
  tensorBackend?: string;
  /** The last child's exit code, once one has exited. */
  exitCode?: number | null;
  /** Child mode: how often the server has started the trainer again, and the latest time. */
  restarts?: number;
  lastRestart?: { at: string; reason: 'memory' | 'crash'; exitCode: number | null; signal: string | null; delayMs: number };
}

export interface TrainerChild {
  status(): TrainerStatus;
  stop(): Promise<void>;
}

/**
 * Runs the trainer as a child process of the server in the embedded setup: heavy compute never
 * shares the HTTP event loop, and its events reach browsers over the IPC channel (PGlite has no
 * cross-connection LISTEN/NOTIFY, and there is no Redis). A child that exits unasked — past its
 * memory ceiling, or a crash — is started again (trainer-restart.ts decides when).
 */
export function startTrainerChild(input: {
  databaseUrl: string;
  prefix: string;
  tfBackend?: string;
  bus: EventBus;
  /** More environment for the child (tests set its memory ceiling this way). */
  env?: Record<string, string>;
}): TrainerChild {
  const entry = fileURLToPath(new URL('../trainer/index.ts', import.meta.url));
  const env: NodeJS.ProcessEnv = { ...process.env, ...input.env, DATABASE_URL: input.databaseUrl, SIFT_QUEUE_PREFIX: input.prefix, SIFT_EMBEDDED: '1' };
  delete env.REDIS_URL;
  if (input.tfBackend) env.SIFT_TF_BACKEND = input.tfBackend;
  const status: TrainerStatus = { mode: 'child', ready: false, restarts: 0 };
  let child: ChildProcess;
  let stopping = false;
  let quickExits = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = () => {
    const startedAt = Date.now();
    child = fork(entry, [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: { type?: string; event?: unknown; tensorBackend?: string }) => {
      if (message.type === 'ready') Object.assign(status, { ready: true, tensorBackend: message.tensorBackend });
      if (message.type === 'event') {
        const parsed = SiftEvent.safeParse(message.event);
        if (parsed.success) void input.bus.publish(parsed.data).catch(() => undefined);
      }
    });
    child.on('exit', (code, signal) => {
      Object.assign(status, { ready: false, exitCode: code });
      if (stopping) return;
      const plan = planTrainerRestart({ code, uptimeMs: Date.now() - startedAt }, quickExits);
      quickExits = plan.quickExits;
      const when = plan.delayMs > 0 ? `in ${plan.delayMs / 1000} s` : 'now';
      console.error(
        plan.reason === 'memory'
          ? `[sift] trainer process exited to restart for memory (code ${code}): starting it again ${when}`
          : `[sift] trainer process exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}): starting it again ${when}`,
      );
      restartTimer = setTimeout(() => {
        status.restarts = (status.restarts ?? 0) + 1;
        status.lastRestart = { at: new Date().toISOString(), reason: plan.reason, exitCode: code, signal, delayMs: plan.delayMs };
        start();
      }, plan.delayMs);
    });
  };
  start();

  return {
    status: () => ({ ...status }),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        clearTimeout(restartTimer);
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
