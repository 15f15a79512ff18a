import { expect, test, type Browser, type Page, type Route } from '@playwright/test';
import { person } from './fixtures.ts';
import { createOwnServer, type OwnServer } from './server-process.ts';

const port = Number(process.env.SIFT_E2E_RESTART_PORT ?? 3125);
const shots = 'test/e2e/screenshots';
const annotateCall = '**/api/trpc/labeling.annotate*';
const CSV = ['text', ...Array.from({ length: 14 }, (_, i) => `Support ticket number ${i + 1}`)].join('\n');

interface Annotator {
  page: Page;
  name: string;
  /** The label this annotator gives, and its key. */
  label: 'Positive' | 'Negative';
  key: '1' | '2';
}

/** Two annotators of one project (overlap 1), and every label they gave, by sample. */
interface Team {
  server: OwnServer;
  projectId: number;
  ann: Annotator;
  bob: Annotator;
  labelIds: Record<Annotator['key'], number>;
  given: Map<number, Annotator>;
}

interface Overview {
  labels: { id: number; shortcut: string | null }[];
  stats: { annotationCount: number; resolvedCount: number; annotators: { name: string; count: number }[] };
}

/** A tRPC call as the page's user: plain JSON in and out (the app's client uses no transformer). */
async function call<T>(page: Page, server: OwnServer, procedure: string, input: unknown, kind: 'query' | 'mutation' = 'query'): Promise<T> {
  const url = `${server.url}/api/trpc/${procedure}`;
  const response = kind === 'query' ? await page.request.get(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`) : await page.request.post(url, { data: input });
  expect(response.status(), `${procedure}: ${await response.text()}`).toBe(200);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

/**
 * Ann owns a text project (Positive on key 1, Negative on key 2, 14 samples) and Bob annotates it,
 * both on its labeling page. Set up through the API: other specs walk these steps in the UI.
 */
async function seedTeam(browser: Browser, server: OwnServer): Promise<Team> {
  const ann = await (await browser.newContext({ baseURL: server.url })).newPage();
  const bob = await (await browser.newContext({ baseURL: server.url })).newPage();
  const bobPerson = person('Bob');
  await call(ann, server, 'auth.signUp', person('Ann'), 'mutation');
  const labels = [
    { name: 'Positive', shortcut: '1' },
    { name: 'Negative', shortcut: '2' },
  ];
  const { id: projectId } = await call<{ id: number }>(ann, server, 'projects.create', { name: 'Ticket triage', dataType: 'text', labels }, 'mutation');
  const upload = await ann.request.post(`${server.url}/api/v1/projects/${projectId}/import`, { multipart: { file: { name: 't.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) } } });
  expect(upload.status(), await upload.text()).toBe(200);
  const invite = await call<{ token: string }>(ann, server, 'projects.invite', { projectId, email: bobPerson.email, role: 'annotator' }, 'mutation');
  await call(bob, server, 'auth.signUp', { ...bobPerson, inviteToken: invite.token }, 'mutation');
  const overview = await call<Overview>(ann, server, 'projects.get', { projectId });
  const labelIdOf = (key: string) => overview.labels.find((l) => l.shortcut === key)!.id;
  for (const page of [ann, bob]) {
    await page.goto(`/projects/${projectId}/label`);
    // Cleared by any reload: the pages must recover on their own.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
  }
  return {
    server,
    projectId,
    ann: { page: ann, name: 'Ann', label: 'Positive', key: '1' },
    bob: { page: bob, name: 'Bob', label: 'Negative', key: '2' },
    labelIds: { '1': labelIdOf('1'), '2': labelIdOf('2') },
    given: new Map(),
  };
}

/** The id of the sample on screen. */
async function shownSample(page: Page): Promise<number> {
  return Number((await page.locator('.sample-card').getAttribute('aria-label'))?.replace('Sample ', ''));
}

async function expectMovedOn(page: Page, from: number, timeout = 10_000): Promise<void> {
  await expect(page.locator('.sample-card')).not.toHaveAttribute('aria-label', `Sample ${from}`, { timeout });
}

/** With overlap 1 no sample may be labeled twice, by the same annotator or by both. */
function record(team: Team, sampleId: number, who: Annotator): void {
  expect(team.given.get(sampleId)?.name, `sample ${sampleId} labeled twice`).toBeUndefined();
  team.given.set(sampleId, who);
}

async function labelNext(team: Team, who: Annotator): Promise<void> {
  const sampleId = await shownSample(who.page);
  await who.page.keyboard.press(who.key);
  await expectMovedOn(who.page, sampleId);
  record(team, sampleId, who);
}

/** (a, d) The server holds exactly the labels given: one annotation per sample, each by its annotator, with its label. */
async function expectStored(team: Team): Promise<void> {
  const { stats } = await call<Overview>(team.ann.page, team.server, 'projects.get', { projectId: team.projectId });
  expect(stats.annotationCount).toBe(team.given.size);
  expect(stats.resolvedCount).toBe(team.given.size);
  for (const who of [team.ann, team.bob]) {
    expect(stats.annotators.find((a) => a.name === who.name)?.count).toBe([...team.given.values()].filter((w) => w === who).length);
  }
  for (const [sampleId, who] of team.given) {
    const view = await call<{ myLabelId: number | null }>(who.page, team.server, 'labeling.sample', { projectId: team.projectId, sampleId });
    expect(view.myLabelId, `${who.name}'s label on sample ${sampleId}`).toBe(team.labelIds[who.key]);
  }
}

/** Handles the page's next annotate call with `handle`; `handled` settles when the handler is done. */
async function interceptAnnotate(page: Page, handle: (route: Route) => Promise<void>): Promise<{ handled: Promise<void> }> {
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const handled = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  await page.route(annotateCall, (route) => handle(route).then(settle!.resolve, settle!.reject), { times: 1 });
  return { handled };
}

/** Holds the page's annotate calls until `release()`. */
async function holdAnnotate(page: Page): Promise<{ release: () => Promise<void> }> {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  await page.route(annotateCall, async (route) => {
    await opened;
    await route.continue();
  });
  return {
    release: async () => {
      open();
      // Lets the held call go on before the route goes.
      await page.unrouteAll({ behavior: 'wait' });
    },
  };
}

/**
 * The server goes down (`signal`) just after it saved `early`'s label and before the answer got
 * back; `late` labels while it is down; then it starts again on the same port and data.
 */
async function restartMidSession(team: Team, signal: 'SIGTERM' | 'SIGKILL', early: Annotator, late: Annotator): Promise<void> {
  const earlySample = await shownSample(early.page);
  const lateSample = await shownSample(late.page);
  // (b) The label pressed just before the crash: saved, but its answer is lost, so the browser sends it again.
  const answerLost = await interceptAnnotate(early.page, async (route) => {
    expect((await route.fetch()).status()).toBe(200);
    await team.server.stop(signal);
    await route.abort('connectionreset');
  });
  await early.page.keyboard.press(early.key);
  await answerLost.handled;

  // (a) A label given while the server is down, by key or by click.
  if (signal === 'SIGTERM') await late.page.keyboard.press(late.key);
  else await late.page.getByTestId(`label-button-${late.key}`).click();
  // Both pages say that the server is out of reach and that the label waits to be sent.
  for (const who of [early, late]) {
    await expect(who.page.getByTestId('connection-notice')).toContainText(`Reconnecting… The server can't be reached. Your label “${who.label}” is kept`);
    await expect(who.page.getByTestId('room-status')).toContainText('Offline');
  }
  // The late label's first attempt has failed; its resends wait until the early annotator has their next sample (see below).
  const lateResends = await holdAnnotate(late.page);
  // Impatient presses while a label is on its way add nothing.
  await early.page.keyboard.press(early.key);
  await late.page.keyboard.press(late.key);
  if (signal === 'SIGTERM') await late.page.screenshot({ path: `${shots}/server-restart-outage.png`, fullPage: true });

  await team.server.start();
  await expectMovedOn(early.page, earlySample, 30_000);
  // The late annotator's sample stays theirs while their label is on its way: not handed to anyone else.
  expect(await shownSample(early.page)).not.toBe(lateSample);
  await lateResends.release();
  await expectMovedOn(late.page, lateSample, 30_000);
  record(team, earlySample, early);
  record(team, lateSample, late);
  await expectStored(team);

  // (c) Both sockets are back in the project's room: live, with presence, and events arrive again.
  for (const [who, other] of [
    [early, late],
    [late, early],
  ] as const) {
    await expect(who.page.getByTestId('room-status')).toHaveText('Live', { timeout: 20_000 });
    await expect(who.page.getByTestId('connection-notice')).toBeHidden();
    await expect(who.page.getByTestId('presence-list')).toContainText(other.name);
    await expect(who.page.getByTestId('labeled-count')).toHaveText(String(team.given.size));
  }
  await labelNext(team, late);
  await expect(early.page.getByTestId('labeled-count')).toHaveText(String(team.given.size));
  await labelNext(team, early);
  await expect(late.page.getByTestId('labeled-count')).toHaveText(String(team.given.size));
  if (signal === 'SIGTERM') await late.page.screenshot({ path: `${shots}/server-restart-recovered.png`, fullPage: true });
}

// Module scope, so that the hook stops the server even when the test times out.
let ownServer: OwnServer | undefined;

test.afterEach(async () => {
  if (!ownServer) return;
  const info = test.info();
  if (info.status !== info.expectedStatus) {
    console.log(`own server's log (tail):\n${ownServer.log().slice(-3000)}`);
    await info.attach('own-server.log', { body: ownServer.log(), contentType: 'text/plain' });
  }
  await ownServer.dispose();
  ownServer = undefined;
});

test('a server restart mid-session (SIGTERM, then SIGKILL) loses and doubles no label, and the live view comes back without a reload', async ({ browser }) => {
  // About 45 s on a quiet machine; three server starts take much longer on a busy one.
  test.setTimeout(180_000);
  const server = (ownServer = createOwnServer({ port, name: 'restart' }));
  await server.start();
  const team = await seedTeam(browser, server);
  const { ann, bob } = team;
  await expect(ann.page.getByTestId('presence-list')).toContainText('Bob');
  await expect(bob.page.getByTestId('presence-list')).toContainText('Ann');
  await labelNext(team, ann);
  await expect(bob.page.getByTestId('labeled-count')).toHaveText('1');

  await test.step('SIGTERM: Ann labels as the server stops, Bob while it is down', () => restartMidSession(team, 'SIGTERM', ann, bob));
  // The hard variant: server and embedded database killed at once, nothing gets to clean up.
  await test.step('SIGKILL: Bob labels as the server dies, Ann while it is down', () => restartMidSession(team, 'SIGKILL', bob, ann));

  await expectStored(team);
  for (const who of [ann, bob]) {
    expect(await who.page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument), `${who.name}'s page was reloaded`).toBe(true);
    await who.page.context().close();
  }
});
