import { execFileSync } from 'node:child_process';
import { expect, test, type APIRequestContext, type APIResponse, type Page } from '@playwright/test';
import { inviteMember, joinByInvite, person, signUp, createProject } from './fixtures.ts';
import { banking77Rows, toCsv } from '../factories/banking77.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card'];

interface PredictResponse {
  modelVersion: number;
  predictions: { label: string | null; confidence: number; probabilities: Record<string, number>; abstained?: true }[];
}

/** The steps of learning.spec: a text project whose model v1 is live after six labels. */
async function trainedProject(page: Page): Promise<string> {
  const projectUrl = await createProject(page, 'Support intents', [CATEGORIES[0]!, CATEGORIES[1]!, CATEGORIES[2]!]);
  await page.goto(`${projectUrl}/settings`);
  await page.getByLabel('After this many new labels').fill('6');
  await page.getByRole('button', { name: /save/i }).click();
  await expect(page.getByText(/saved/i)).toBeVisible();
  await page.goto(`${projectUrl}/import`);
  await page.locator('input[type="file"]').setInputFiles({ name: 'banking.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(banking77Rows(CATEGORIES, 15))) });
  await page.getByRole('button', { name: /^import/i }).click();
  await expect(page.getByTestId('import-result')).toContainText('45');
  await page.goto(projectUrl);
  await expect(page.getByTestId('embed-progress')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  await page.goto(`${projectUrl}/label`);
  for (let i = 0; i < 6; i += 1) {
    const card = (await page.locator('.sample-card').textContent()) ?? '';
    const key = String(CATEGORIES.findIndex((c) => card.includes(c)) + 1);
    const before = await page.getByTestId('sample-text').textContent();
    await page.keyboard.press(key === '0' ? '1' : key);
    await expect(page.getByTestId('sample-text')).not.toHaveText(before!);
  }
  await expect(page.getByTestId('model-toast')).toContainText(/v1/, { timeout: 60_000 });
  return projectUrl;
}

function predict(request: APIRequestContext, projectId: string, key: string, texts: string[], query = '') {
  return request.post(`/api/v1/projects/${projectId}/predict${query}`, { headers: { authorization: `Bearer ${key}` }, data: { inputs: texts.map((text) => ({ text })) } });
}

/** The label each logged prediction counts under on the monitoring page: the top one, abstained or not. */
function topLabels(body: PredictResponse): string[] {
  return body.predictions.map((p) => Object.entries(p.probabilities).sort((a, b) => b[1] - a[1])[0]![0]);
}

/** Labels `count` more samples with their true category through tRPC (the UI's path is covered above). */
async function labelMore(request: APIRequestContext, projectId: number, count: number) {
  const call = async <T>(res: Promise<APIResponse>) => ((await (await res).json()) as { result: { data: T } }).result.data;
  const input = encodeURIComponent(JSON.stringify({ projectId }));
  const { labels } = await call<{ labels: { id: number; name: string }[] }>(request.get(`/api/trpc/projects.get?input=${input}`));
  for (let i = 0; i < count; i += 1) {
    const sample = await call<{ id: number; metadata: { category: string } }>(request.get(`/api/trpc/labeling.next?input=${input}`));
    const labelId = labels.find((l) => l.name === sample.metadata.category)!.id;
    await call(request.post('/api/trpc/labeling.annotate', { data: { projectId, sampleId: sample.id, labelId, durationMs: 100 } }));
  }
}

test('API keys: create once, call the prediction API, see it on Monitoring, check drift, revoke', async ({ page, browser, request }) => {
  test.setTimeout(240_000);
  await signUp(page, person('Ada'));
  const projectUrl = await trainedProject(page);
  const projectId = /\/projects\/(\d+)$/.exec(projectUrl)![1]!;

  // No traffic yet: Monitoring points to the API tab.
  await page.goto(`${projectUrl}/monitoring`);
  await expect(page.getByTestId('monitoring-empty')).toBeVisible();
  await expect(page.getByTestId('feedback-setting')).toContainText('Off');
  await page.getByRole('link', { name: 'Go to the API tab' }).click();

  // The key is shown once, then only its prefix.
  await expect(page).toHaveURL(/\/api$/);
  await expect(page.getByTestId('no-keys')).toBeVisible();
  await page.getByLabel('Key name').fill('support inbox');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-key')).toContainText('shown only this once');
  const key = (await page.getByTestId('new-key-secret').textContent())!.trim();
  expect(key).toMatch(/^sift_[A-Za-z0-9]{8}_[\w-]{43}$/);
  const prefix = key.split('_')[1]!;
  const row = page.getByTestId('api-keys').locator('tbody tr', { hasText: 'support inbox' });
  await expect(row.getByTestId('key-prefix')).toHaveText(`sift_${prefix}_…`);
  await expect(row.getByTestId('key-last-used')).toHaveText('never');
  await expect(page.getByTestId('snippet-curl')).toContainText(`/api/v1/projects/${projectId}/predict`);
  await page.screenshot({ path: 'test/e2e/screenshots/api-key-created.png', fullPage: true });
  await page.reload();
  await expect(row.getByTestId('key-prefix')).toHaveText(`sift_${prefix}_…`);
  await expect(page.getByTestId('new-key')).toHaveCount(0);
  expect(await page.content()).not.toContain(key);

  // Calls: two texts, the same two abstaining under a strict threshold, and the page's own curl example.
  const texts = ['My new card still has not arrived', 'What is the euro to dollar rate today?'];
  const plain = await predict(request, projectId, key, texts);
  expect(plain.status()).toBe(200);
  const plainBody = (await plain.json()) as PredictResponse;
  expect(plainBody.modelVersion).toBe(1);
  expect(plainBody.predictions.map((p) => CATEGORIES.includes(p.label!))).toEqual([true, true]);
  const strictBody = (await (await predict(request, projectId, key, texts, '?threshold=0.999999')).json()) as PredictResponse;
  expect(strictBody.predictions.every((p) => p.label === null && p.abstained === true)).toBe(true);
  await page.getByRole('button', { name: 'TypeScript', exact: true }).click();
  await expect(page.getByTestId('snippet-typescript')).toContainText('process.env.SIFT_API_KEY');
  await page.getByRole('button', { name: 'curl', exact: true }).click();
  const curl = (await page.getByTestId('snippet-curl').textContent())!;
  const curlBody = JSON.parse(execFileSync('bash', ['-c', `${curl} --silent --fail-with-body`], { env: { ...process.env, SIFT_API_KEY: key } }).toString()) as PredictResponse;
  expect(curlBody.predictions).toHaveLength(2);
  const expected = new Map<string, number>();
  for (const label of [plainBody, strictBody, curlBody].flatMap(topLabels)) expected.set(label, (expected.get(label) ?? 0) + 1);

  // Monitoring counts the six predictions (the log is written a moment after each answer).
  await page.goto(`${projectUrl}/monitoring`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('prediction-count')).toHaveText('6', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  for (const label of CATEGORIES) await expect(page.getByTestId(`mix-${label}`).getByTestId('mix-production-count')).toHaveText(new RegExp(`·\\s*${expected.get(label) ?? 0}$`));
  await expect(page.getByTestId('traffic-chart')).toBeVisible();
  await expect(page.getByTestId('drift-none')).toBeVisible();
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('drift-status')).toContainText(/did not run: it needs 30 predictions .*\(has 6 and/, { timeout: 30_000 });
  await page.screenshot({ path: 'test/e2e/screenshots/monitoring.png', fullPage: true });

  // An annotator sees the examples and the figures, but no keys.
  const annotator = person('Ann');
  const teammate = await joinByInvite(browser, await inviteMember(page, projectUrl, annotator, 'annotator'), annotator);
  await teammate.goto(`${projectUrl}/api`);
  await expect(teammate.getByTestId('keys-ask-lead')).toBeVisible();
  await expect(teammate.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await expect(teammate.getByTestId('snippet-curl')).toContainText('SIFT_API_KEY');
  await teammate.goto(`${projectUrl}/monitoring`);
  await expect(teammate.getByTestId('prediction-count')).toHaveText('6');
  await teammate.context().close();

  // Enough labels and off-topic traffic for a real check: it finds drift and the page says what to do.
  await labelMore(page.request, Number(projectId), 30);
  const offTopic = banking77Rows(['pin_blocked', 'terminate_account', 'get_physical_card', 'apple_pay_or_google_pay', 'cash_withdrawal_charge'], 8).map((r) => r.text);
  expect((await predict(request, projectId, key, offTopic)).status()).toBe(200);
  await page.goto(`${projectUrl}/monitoring`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('prediction-count')).toHaveText('46', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  // One check that finds a difference is not an alarm yet; the next one, finding it again, is.
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('drift-verdict')).toContainText(/^One check found a difference .*Not an alarm yet/, { timeout: 60_000 });
  await expect(page.getByTestId('drift-alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('drift-alert')).toContainText('no longer look like the training data', { timeout: 60_000 });
  await expect(page.getByTestId('drift-verdict')).toContainText(/^Drift: .*p = /);
  await expect(page.getByTestId('drift-compared')).toContainText('random sample of the imported pool');
  await expect(page.getByTestId('label-shift')).toContainText('Label shift');
  await page.screenshot({ path: 'test/e2e/screenshots/monitoring-drift.png', fullPage: true });

  // Revoked: the row says so and the API answers 401.
  await page.goto(`${projectUrl}/api`);
  await expect(row.getByTestId('key-last-used')).not.toHaveText('never');
  await row.getByRole('button', { name: 'Revoke…' }).click();
  await row.getByRole('button', { name: 'Revoke key' }).click();
  await expect(row).toContainText('Revoked');
  const refused = await predict(request, projectId, key, texts);
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  await page.screenshot({ path: 'test/e2e/screenshots/api-key-revoked.png', fullPage: true });
  // On a laptop's width all thirteen fit in the row, with nothing to scroll to.
  expect(await page.getByRole('navigation', { name: 'Project' }).evaluate((nav) => nav.scrollWidth <= nav.clientWidth)).toBe(true);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test/e2e/screenshots/api-narrow.png', fullPage: true });
  await page.goto(`${projectUrl}/monitoring`);
  await expect(page.getByTestId('drift-alert')).toBeVisible();
  // An owner's thirteen tabs are one row that scrolls sideways, with the open one in view, and the
  // page itself does not scroll sideways.
  const tabs = page.getByRole('navigation', { name: 'Project' });
  const monitoringTab = tabs.getByRole('link', { name: 'Monitoring' });
  await expect(tabs.getByRole('group')).toHaveCount(4);
  await expect(tabs.getByRole('link')).toHaveCount(13);
  const [bar, open] = [(await tabs.boundingBox())!, (await monitoringTab.boundingBox())!];
  expect(bar.height).toBeLessThan(open.height * 1.6);
  expect(open.x).toBeGreaterThanOrEqual(bar.x);
  expect(open.x + open.width).toBeLessThanOrEqual(bar.x + bar.width + 1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: 'test/e2e/screenshots/monitoring-narrow.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${projectUrl}/api`);

  // The reference page renders the served document.
  const openApi = await request.get('/api/v1/openapi.json');
  expect(openApi.status()).toBe(200);
  await page.getByRole('link', { name: 'API reference' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sift API');
  await expect(page.getByTestId('operation-predict')).toContainText('/api/v1/projects/{projectId}/predict');
  await expect(page.getByTestId('operation-predict').getByTestId('api-errors')).toContainText('TOO_MANY');
  // Exports, imports and model transfer are documented on the same page.
  for (const [operation, path] of [
    ['exportProjectData', '/api/v1/projects/{projectId}/export'],
    ['importFile', '/api/v1/projects/{projectId}/import'],
    ['exportModelVersion', '/api/v1/projects/{projectId}/models/{version}/export'],
    ['importModelVersion', '/api/v1/projects/{projectId}/models/import'],
  ]) {
    await expect(page.getByTestId(`operation-${operation}`)).toContainText(path!);
  }
  await page.screenshot({ path: 'test/e2e/screenshots/docs-api.png', fullPage: true });
});
