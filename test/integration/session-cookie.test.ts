/**
 * The session cookie as a browser receives it: HTTP-only, SameSite=Lax, Secure when the request
 * came over HTTPS through a proxy on loopback; a cookie planted before log-in is never adopted
 * (session fixation), and logging out kills the session server-side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { buildUser } from '#test/factories/users.ts';

describe('session cookie', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  }, 60_000);
  afterAll(() => app?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('is HttpOnly and SameSite=Lax, Secure only behind HTTPS, and never a planted value', async () => {
    const who = buildUser();
    const plain = await post('auth.signUp', who);
    expect(plain.status).toBe(200);
    const [cookie] = plain.headers.getSetCookie();
    expect(cookie).toMatch(/^sift_session=[^;]{20,};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).not.toMatch(/; Secure/i);

    const planted = 'sift_session=attacker-chosen-token-0123456789';
    const proxied = await post('auth.logIn', { email: who.email, password: who.password }, { 'x-forwarded-proto': 'https', cookie: planted });
    expect(proxied.status).toBe(200);
    const [secure] = proxied.headers.getSetCookie();
    expect(secure).toMatch(/; Secure/i);
    expect(secure!.split(';')[0]).not.toBe(planted);
    const fixated = new TestClient(app.baseUrl);
    fixated.cookie = planted;
    expect(await fixated.query('auth.me', {})).toBeNull();
  });

  it('logging out ends the session for every holder of the cookie', async () => {
    const client = new TestClient(app.baseUrl);
    await client.mutate('auth.signUp', buildUser());
    const copy = new TestClient(app.baseUrl);
    copy.cookie = client.cookie;
    expect((await copy.query<{ id: number }>('auth.me', {})).id).toBeGreaterThan(0);
    await client.mutate('auth.logOut', {});
    expect(await copy.query('auth.me', {})).toBeNull();
  });
});
