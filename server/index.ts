/** The HTTP process: `npm start` (production build) or `npm run dev` (Vite middleware). */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadEnv } from './env.ts';
import { startRuntime } from './runtime.ts';
import { createApp, loadProductionWeb, type WebHandler } from './app.ts';

async function loadDevWeb(): Promise<WebHandler> {
  const vite = await import('vite');
  const server = await vite.createServer({ configFile: 'web/vite.config.ts', server: { middlewareMode: true } });
  return {
    build: () => server.ssrLoadModule('virtual:remix/server-build') as never,
    assets: [server.middlewares as unknown as express.RequestHandler],
  };
}

/**
 * Stops listening and waits for the requests in flight, then closes every connection. Keep-alive
 * connections outlive `close()`: browsers reconnect socket.io over them (to this server, which is
 * going away) and its long polls keep them busy, so each is closed as soon as it is idle and the
 * rest after a drain period.
 */
async function closeConnections(httpServer: HttpServer, drainMs = 5000): Promise<void> {
  const sweep = setInterval(() => httpServer.closeIdleConnections(), 100);
  const deadline = setTimeout(() => httpServer.closeAllConnections(), drainMs);
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  clearInterval(sweep);
  clearTimeout(deadline);
}

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev');
  const env = loadEnv();
  const runtime = await startRuntime(env);
  const web = dev ? await loadDevWeb() : await loadProductionWeb();
  const { httpServer, io } = createApp(runtime.deps, web, { databaseMode: runtime.handle.mode, trainer: runtime.trainerStatus });
  await new Promise<void>((resolve) => httpServer.listen(env.PORT, env.HOST, resolve));
  const { port } = httpServer.address() as AddressInfo;
  console.log(`[sift] listening on http://localhost:${port} (database: ${runtime.handle.mode}, queue: ${runtime.deps.jobs.kind}, trainer: ${runtime.trainerStatus().mode})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sift] ${signal}: shutting down`);
    void io.close();
    await closeConnections(httpServer);
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`[sift] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
