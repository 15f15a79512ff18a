/**
 * Who may call which HTTP route outside tRPC: the REST routes under /api/v1 (session cookie), the
 * prediction API (API keys only), and the public /healthz and OpenAPI document, which must hold
 * no project data. Refused writes must leave the database as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#db/schema.ts';
import { countSamples } from '#db/samples.ts';
import { countPredictions } from '#db/predictions.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import type { TestClient } from '#test/setup/http.ts';
import { encodePng } from '#test/factories/images.ts';
import { WHO, isAllowed, seedTeam, signedInClient, type Who } from '#test/factories/team.ts';
import { buildUser } from '#test/factories/users.ts';

interface World {
  clients: Record<Who, TestClient>;
  text: number;
  images: number;
  imageSampleId: number;
  /** The stranger's own image project, one image sample in it, and its live API key. */
  foreign: { projectId: number; imageSampleId: number; key: string; keyId: number };
  keys: { live: string; liveId: number; revoked: string; unscoped: string };
  /** Strings that only members and key holders may ever see. */
  secrets: string[];
}

type Send = (w: World) => Promise<Response>;

let rows = 0;
const csv = () => `text\nrow ${(rows += 1)}\n`;
const png = (width: number) => [{ name: `p${width}.png`, data: encodePng(width, 4) }];
const trpcGet = (procedure: string, input: unknown) => `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;

/** Session routes, each with the lowest role the product allows (all answer 200 when allowed). */
const ROUTES: [string, Role, (c: TestClient, w: World) => Promise<Response>][] = [
  ['POST /api/v1/projects/:projectId/import', 'lead', (c, w) => c.upload(`/api/v1/projects/${w.text}/import`, [{ name: 'a.csv', data: csv() }])],
  ['POST /api/v1/projects/:projectId/import/preview', 'lead', (c, w) => c.upload(`/api/v1/projects/${w.text}/import/preview`, [{ name: 'a.csv', data: csv() }])],
  ['GET /api/v1/projects/:projectId/samples/:sampleId/image', 'annotator', (c, w) => c.request(`/api/v1/projects/${w.images}/samples/${w.imageSampleId}/image`)],
  ['GET /api/trpc/projects.get over HTTP', 'annotator', (c, w) => c.request(trpcGet('projects.get', { projectId: w.text }))],
];

/** The prediction API and API keys on other routes: [case, status, error code, request]. */
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const predictAs = (w: World, projectId: number, headers: Record<string, string>, options: { client?: TestClient; query?: string } = {}) => {
  const path = `/api/v1/projects/${projectId}/predict${options.query ?? ''}`;
  const init = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ inputs: [{ text: 'hello' }] }) };
  return options.client ? options.client.request(path, init) : fetch(`${w.clients.owner.baseUrl}${path}`, init);
};
const KEYS: [string, number, string, Send][] = [
  ['predict without a key', 401, 'UNAUTHORIZED', (w) => predictAs(w, w.text, {})],
  ["predict with the owner's session instead of a key", 401, 'UNAUTHORIZED', (w) => predictAs(w, w.text, {}, { client: w.clients.owner })],
  ['predict with a malformed key', 401, 'UNAUTHORIZED', (w) => predictAs(w, w.text, bearer('sift_nope'))],
  ['predict with an unknown key', 401, 'UNAUTHORIZED', (w) => predictAs(w, w.text, bearer(`sift_abcdefgh_${'x'.repeat(43)}`))],
  ["predict with this project's revoked key", 401, 'UNAUTHORIZED', (w) => predictAs(w, w.text, bearer(w.keys.revoked))],
  ["predict with another project's key", 403, 'FORBIDDEN', (w) => predictAs(w, w.text, bearer(w.foreign.key))],
  ["predict with another project's key, pinning a version", 403, 'FORBIDDEN', (w) => predictAs(w, w.text, bearer(w.foreign.key), { query: '?version=1' })],
  ['predict with a key without the predict scope', 403, 'FORBIDDEN', (w) => predictAs(w, w.text, bearer(w.keys.unscoped))],
  ["predict with this project's key on a project that does not exist", 403, 'FORBIDDEN', (w) => predictAs(w, 2_147_483_647, bearer(w.keys.live))],
  // Past the key check: this project simply has no live model yet.
  ["predict with this project's key", 409, 'CONFLICT', (w) => predictAs(w, w.text, bearer(w.keys.live))],
  // Import takes keys with the import scope (see cli-transfer.test.ts); a predict key is not one.
  ['a predict key on the import route', 403, 'FORBIDDEN', (w) => fetch(`${w.clients.owner.baseUrl}/api/v1/projects/${w.text}/import`, { method: 'POST', headers: bearer(w.keys.live), body: 'text\nx' })],
  ['a key on the image route', 401, 'UNAUTHORIZED', (w) => fetch(`${w.clients.owner.baseUrl}/api/v1/projects/${w.images}/samples/${w.imageSampleId}/image`, { headers: bearer(w.keys.live) })],
  ['a key on tRPC', 401, 'UNAUTHORIZED', (w) => fetch(`${w.clients.owner.baseUrl}${trpcGet('projects.get', { projectId: w.text })}`, { headers: bearer(w.keys.live) })],
];

/** The owner of the seeded projects, using the stranger's project and sample ids: [case, status, request]. */
const CROSS_PROJECT: [string, number, Send][] = [
  ["their sample's image under my project id", 404, (w) => w.clients.owner.request(`/api/v1/projects/${w.images}/samples/${w.foreign.imageSampleId}/image`)],
  ["their sample's image under their project id", 403, (w) => w.clients.owner.request(`/api/v1/projects/${w.foreign.projectId}/samples/${w.foreign.imageSampleId}/image`)],
  ['import into their project', 403, (w) => w.clients.owner.upload(`/api/v1/projects/${w.foreign.projectId}/import`, png(9))],
  ['preview an import into their project', 403, (w) => w.clients.owner.upload(`/api/v1/projects/${w.foreign.projectId}/import/preview`, [{ name: 'a.csv', data: csv() }])],
  ['their project over tRPC', 403, (w) => w.clients.owner.request(trpcGet('projects.get', { projectId: w.foreign.projectId }))],
];

async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { error?: { code?: unknown; data?: { code?: string } } };
  return body.error?.data?.code ?? (typeof body.error?.code === 'string' ? body.error.code : undefined);
}

describe('authorization of HTTP routes', () => {
  let app: TestApp;
  let world: World;

  /** Samples, import batches and keys of a project: what a refused request must not change. */
  const snapshot = async (projectId: number) => {
    const batches = await app.deps.db.selectFrom('import_batch').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
    const keys = await app.deps.db.selectFrom('api_key').select(['id', 'revoked_at', 'last_used_at']).where('project_id', '=', projectId).orderBy('id').execute();
    return { samples: await countSamples(app.deps.db, projectId), batches: Number(batches.n), keys };
  };
  const firstSample = async (projectId: number) =>
    (await app.deps.db.selectFrom('sample').select('id').where('project_id', '=', projectId).orderBy('id').executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    const tag = Math.random().toString(36).slice(2, 10);
    const { clients, projectIds } = await seedTeam(app, [
      { name: `Secret text ${tag}`, dataType: 'text' },
      { name: `Secret images ${tag}`, dataType: 'image' },
    ]);
    const [text, images] = projectIds as [number, number];
    const { owner, stranger } = clients;
    expect((await owner.upload(`/api/v1/projects/${images}/import`, png(5))).status).toBe(200);
    const theirs = await stranger.mutate<{ id: number }>('projects.create', { name: `Their secret ${tag}`, dataType: 'image', labels: [{ name: 'a' }, { name: 'b' }] });
    expect((await stranger.upload(`/api/v1/projects/${theirs.id}/import`, png(6))).status).toBe(200);
    const foreignKey = await stranger.mutate<{ key: string; apiKey: { id: number } }>('apiKeys.create', { projectId: theirs.id, name: 'theirs' });
    const key = (name: string) => owner.mutate<{ key: string; apiKey: { id: number } }>('apiKeys.create', { projectId: text, name });
    const [live, revoked, unscoped] = [await key('live'), await key('revoked'), await key('unscoped')];
    await owner.mutate('apiKeys.revoke', { projectId: text, keyId: revoked.apiKey.id });
    // Keys are only ever made with the predict scope: give one another scope, before its first use.
    await app.deps.db.updateTable('api_key').set({ scopes: ['export'] }).where('id', '=', unscoped.apiKey.id).execute();
    world = {
      clients,
      text,
      images,
      imageSampleId: await firstSample(images),
      foreign: { projectId: theirs.id, imageSampleId: await firstSample(theirs.id), key: foreignKey.key, keyId: foreignKey.apiKey.id },
      keys: { live: live.key, liveId: live.apiKey.id, revoked: revoked.key, unscoped: unscoped.key },
      secrets: [tag, live.key, foreignKey.key, live.key.slice(0, 13), foreignKey.key.slice(0, 13)],
    };
  }, 60_000);
  afterAll(() => app?.close());

  it.each(ROUTES)('%s: allowed from %s up, refused below, and a refusal changes nothing', async (_name, minimum, send) => {
    for (const who of WHO) {
      const before = await snapshot(world.text);
      const res = await send(world.clients[who], world);
      const expected = who === 'anonymous' ? 401 : isAllowed(who, minimum) ? 200 : 403;
      expect(`${who}: ${res.status}`).toBe(`${who}: ${expected}`);
      if (expected === 200) continue;
      expect(await errorCode(res)).toBe(expected === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
      expect(await snapshot(world.text)).toEqual(before);
    }
  });

  it.each(KEYS)('%s: %i %s', async (_name, status, code, send) => {
    const res = await send(world);
    expect([res.status, await errorCode(res)]).toEqual([status, code]);
  });

  it('refused predictions are neither logged nor counted as key use', async () => {
    await app.deps.predictionLog.flush();
    expect(await countPredictions(app.deps.db, world.text)).toBe(0);
    expect(await countPredictions(app.deps.db, world.foreign.projectId)).toBe(0);
    const used = await app.deps.db.selectFrom('api_key').select('id').where('project_id', 'in', [world.text, world.foreign.projectId]).where('last_used_at', 'is not', null).execute();
    // Only the live key got past the check (its request then found no model); it is marked used in the background.
    expect(used.filter((k) => k.id !== world.keys.liveId)).toEqual([]);
  });

  it.each(CROSS_PROJECT)('%s: %i, and neither project changes', async (_name, status, send) => {
    const before = [await snapshot(world.text), await snapshot(world.images), await snapshot(world.foreign.projectId)];
    const res = await send(world);
    expect([res.status, await errorCode(res)]).toEqual([status, status === 404 ? 'NOT_FOUND' : 'FORBIDDEN']);
    expect([await snapshot(world.text), await snapshot(world.images), await snapshot(world.foreign.projectId)]).toEqual(before);
  });

  it.each(['/healthz', '/api/v1/openapi.json'])('%s answers everyone alike and holds no project data', async (path) => {
    const bodies: string[] = [];
    for (const who of WHO) {
      const res = await world.clients[who].request(path);
      expect(`${who}: ${res.status}`).toBe(`${who}: 200`);
      bodies.push(await res.text());
    }
    for (const body of bodies) for (const secret of world.secrets) expect(body).not.toContain(secret);
    const shapes = bodies.map((b) => Object.keys(JSON.parse(b) as object).sort().join());
    expect(new Set(shapes).size).toBe(1);
    if (path === '/healthz') expect(shapes[0]).toBe('database,encoders,events,queue,status,tensor,trainer');
  });

  it("a member's signed-out session cookie reads nothing", async () => {
    const input = buildUser();
    const member = await signedInClient(app, input);
    const invite = await world.clients.owner.mutate<{ token: string }>('projects.invite', { projectId: world.images, email: input.email, role: 'annotator' });
    await member.mutate('projects.acceptInvite', { token: invite.token });
    const path = `/api/v1/projects/${world.images}/samples/${world.imageSampleId}/image`;
    expect((await member.request(path)).status).toBe(200);
    const cookie = member.cookie;
    await member.mutate('auth.logOut', {});
    member.cookie = cookie;
    expect((await member.request(path)).status).toBe(401);
  });
});
