import type { SiftLoadContext } from '#server/app.ts';

declare module '@remix-run/node' {
  // Every loader and action receives the Express-side context: the signed-in user and a tRPC
  // caller bound to the request's session (see loadContextFor in server/app.ts).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends SiftLoadContext {}
  // Single fetch keeps Dates as Dates between loader and component; this tells the types so.
  interface Future {
    v3_singleFetch: true;
  }
}

export type { SiftLoadContext };
