import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import type { Server as SocketServer } from 'socket.io';
import type { AppDeps } from './deps.ts';
import { createContextInner } from './context.ts';
import { appRouter, createCaller } from './router.ts';
import { cookieJarFor, sessionMiddleware } from './http/session.ts';
import { errorMiddleware } from './http/errors.ts';
import { predictRoutes } from './predict/predict.route.ts';
import { importRoutes } from './import/import.route.ts';
import { exportRoutes } from './export/export.route.ts';
import { modelTransferRoutes } from './model-transfer/model-transfer.route.ts';
import { healthRoutes } from './health/health.route.ts';
import { attachRealtime, type RealtimeOptions } from './realtime/realtime.ts';

export interface WebHandler {
  /** Serves the Remix app: the production build, or Vite's dev middleware. */
  build: ServerBuild | (() => Promise<ServerBuild>);
  assets: express.RequestHandler[];
}

export interface App {
  httpServer: HttpServer;
  io: SocketServer;
}

/** The loader/action context every Remix route receives: the signed-in user and a tRPC caller. */
export function loadContextFor(deps: AppDeps, req: Request, res: Response) {
  const ctx = createContextInner({
    deps,
    user: res.locals.user,
    sessionToken: res.locals.sessionToken,
    clientKey: req.ip ?? 'unknown',
    cookies: cookieJarFor(res, deps.env.SIFT_SECURE_COOKIES || req.secure),
  });
  return { user: res.locals.user ?? null, caller: createCaller(ctx) };
}
export type SiftLoadContext = ReturnType<typeof loadContextFor>;

/** One HTTP process: Remix pages, tRPC at /api/trpc, REST at /api/v1, socket.io, /healthz. */
export function createApp(deps: AppDeps, web: WebHandler | undefined, info: Parameters<typeof healthRoutes>[1], realtime: RealtimeOptions = {}): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // Remix hydrates with inline module scripts; everything else comes from this origin.
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          upgradeInsecureRequests: deps.env.SIFT_SECURE_COOKIES ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
      hsts: deps.env.SIFT_SECURE_COOKIES,
    }),
  );
  app.use(healthRoutes(deps, info));
  app.use(sessionMiddleware(deps));
  app.use(
    '/api/trpc',
    express.json({ limit: '1mb' }),
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) =>
        createContextInner({
          deps,
          user: res.locals.user,
          sessionToken: res.locals.sessionToken,
          clientKey: req.ip ?? 'unknown',
          cookies: cookieJarFor(res, deps.env.SIFT_SECURE_COOKIES || req.secure),
        }),
      onError: ({ error, path: procedure }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${procedure}:`, error.cause ?? error);
      },
    }),
  );
  app.use('/api/v1', importRoutes(deps));
  app.use('/api/v1', exportRoutes(deps));
  app.use('/api/v1', modelTransferRoutes(deps));
  app.use('/api/v1', predictRoutes(deps));
  app.use('/api', (_req, res) => res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such API route' } }));
  if (web) {
    app.use(...web.assets);
    app.all('*', createRequestHandler({ build: web.build, getLoadContext: (req, res) => loadContextFor(deps, req, res) }));
  }
  app.use(errorMiddleware);
  const httpServer = createServer(app);
  const io = attachRealtime(httpServer, deps, realtime);
  return { httpServer, io };
}

/** Static assets and the server bundle of `npm run build` (web/ built by Vite into build/). */
export async function loadProductionWeb(root = process.cwd()): Promise<WebHandler> {
  const buildDir = path.join(root, 'build');
  const build = (await import(path.join(buildDir, 'server', 'index.js'))) as ServerBuild;
  return {
    build,
    assets: [
      express.static(path.join(buildDir, 'client', 'assets'), { immutable: true, maxAge: '1y', index: false }),
      express.static(path.join(buildDir, 'client'), { maxAge: '1h', index: false }),
    ].map((handler, i) => (i === 0 ? (express.Router().use('/assets', handler) as express.RequestHandler) : handler)),
  };
}
