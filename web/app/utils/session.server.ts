import { redirect, type AppLoadContext } from '@remix-run/node';

export type SignedInUser = NonNullable<AppLoadContext['user']>;

/** Only same-site paths: `//evil.example` or `https://…` would turn log-in into an open redirect. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback;
  return to;
}

/** `/login?redirectTo=<the page asked for>`, so signing in lands where the user was going. */
export function loginPathFor(request: Request): string {
  const url = new URL(request.url);
  const target = url.pathname + url.search;
  return target === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(target)}`;
}

/** The signed-in user; a signed-out visitor is redirected to the log-in page. */
export function requireUser(context: AppLoadContext, request: Request): SignedInUser {
  if (!context.user) throw redirect(loginPathFor(request));
  return context.user;
}
