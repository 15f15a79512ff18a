import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.SIFT_E2E_PORT ?? 3123);
const dataDir = path.join(root, 'test', 'e2e', '.tmp', `data-${process.pid}`);

/**
 * End-to-end tests in Debian's Chromium against the real server in its zero-setup shape
 * (embedded PGlite in a fresh data directory, trainer as a child process).
 */
export default defineConfig({
  testDir: path.join(root, 'test', 'e2e'),
  outputDir: path.join(root, 'test-results'),
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `rm -rf "${path.dirname(dataDir)}" && node --import tsx server/index.ts`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    // Empty values count as unset: the e2e server never touches the CI's shared PostgreSQL/Redis.
    // SIFT_TRAINER_NICE 0: here the trainer competes with Chromium, not with a team's labeling;
    // at its default low priority the specs' waits for a model would hang on the browser's load.
    env: { PORT: String(port), HOST: '127.0.0.1', SIFT_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', SIFT_TRAINER: '', SIFT_TRAINER_NICE: '0' },
  },
});
