import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient } from '#test/setup/http.ts';
import { buildUser } from '#test/factories/users.ts';

const hasBuild = existsSync(path.join(process.cwd(), 'build', 'server', 'index.js'));

/** Starts `server/index.ts` as `npm start` would, with no DATABASE_URL/REDIS_URL: everything embedded. */
function startServer(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', SIFT_DATA_DIR: dataDir, SIFT_QUEUE_PREFIX: 'embedded_test' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1]!.replace('localhost', '127.0.0.1'), output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function stopServer(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe.skipIf(!hasBuild)('zero-setup start (embedded PGlite + BullMQ on PGlite, trainer as a child process)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sift-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts with no services, reports health, serves pages, and keeps data across a restart', async () => {
    const first = await startServer(dataDir);
    const client = new TestClient(first.baseUrl);
    const health = await (await client.request('/healthz')).json();
    expect(health).toMatchObject({
      status: 'ok',
      database: { ok: true, mode: 'pglite' },
      queue: { ok: true, backend: 'postgres' },
      events: { backend: 'local' },
    });
    const page = await client.request('/login');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const input = buildUser();
    await client.mutate('auth.signUp', input);
    expect(await stopServer(first.child)).toBe(0);

    const second = await startServer(dataDir);
    try {
      const again = new TestClient(second.baseUrl);
      const user = await again.mutate<{ email: string; isInstanceOwner: boolean }>('auth.logIn', { email: input.email, password: input.password });
      expect(user).toMatchObject({ email: input.email, isInstanceOwner: true });
      const tensor = await (async () => {
        for (let i = 0; i < 300; i += 1) {
          const body = (await (await again.request('/healthz')).json()) as {
            tensor: { ok: boolean; backend: string | null };
            trainer: { mode: string; ready: boolean };
          };
          if (body.tensor.ok && body.trainer.ready) {
            expect(body.trainer.mode).toBe('child');
            return body.tensor;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('tensor backend never became ready');
      })();
      expect(['wasm', 'cpu', 'webgpu', 'tensorflow', 'tensorflow-gpu']).toContain(tensor.backend);
    } finally {
      expect(await stopServer(second.child)).toBe(0);
    }
  }, 120_000);
});
