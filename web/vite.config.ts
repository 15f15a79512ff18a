import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vitePlugin as remix } from '@remix-run/dev';
import { build, defineConfig, type Plugin, type ResolvedConfig } from 'vite';

// Paths below are relative to the repository root, which is Vite's root whether the config is
// loaded by `vite build --config web/vite.config.ts` or by the dev server in server/index.ts.
const root = fileURLToPath(new URL('..', import.meta.url));
const buildDirectory = 'build';

/**
 * `remix vite:build` runs two Vite builds: the browser bundle, then the server bundle
 * (build/server/index.js) that server/app.ts imports. Plain `vite build` runs only the first;
 * this plugin runs the second right after it, so `npm run build` yields both.
 */
function buildServerBundleToo(): Plugin {
  let config: ResolvedConfig;
  let failed = false;
  return {
    name: 'sift:build-server-bundle-too',
    apply: (_config, env) => env.command === 'build' && !env.isSsrBuild && !process.argv.includes('vite:build'),
    configResolved(resolved) {
      config = resolved;
    },
    buildEnd(error) {
      failed = Boolean(error);
    },
    async closeBundle() {
      if (failed) return;
      await build({ root: config.root, mode: config.mode, configFile: config.configFile, logLevel: config.logLevel, build: { ssr: true } });
      // Like `remix vite:build`: the Vite manifests were only needed while building.
      for (const side of ['client', 'server']) {
        await rm(path.join(config.root, buildDirectory, side, '.vite'), { recursive: true, force: true });
      }
    },
  };
}

export default defineConfig({
  root,
  plugins: [
    remix({
      appDirectory: 'web/app',
      buildDirectory,
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
    buildServerBundleToo(),
  ],
  build: { target: 'es2022' },
});
