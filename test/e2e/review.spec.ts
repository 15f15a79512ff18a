import { expect, test, type Page } from '@playwright/test';
import { inviteMember, joinByInvite, person, signUp, createProject } from './fixtures.ts';

const CSV = ['text', 'I was charged twice for one order.', 'Please close my account today.', 'Where is my parcel?'].join('\n');
const shots = 'test/e2e/screenshots';

/** Labels each sample whose text is in `texts` with `key`, skipping the others, until all are done. */
async function labelTexts(page: Page, texts: string[], key: string) {
  const todo = new Set(texts);
  for (let turn = 0; todo.size > 0 && turn < 10; turn += 1) {
    const text = page.getByTestId('sample-text');
    const shown = (await text.textContent())!.trim();
    const wanted = todo.delete(shown);
    await page.keyboard.press(wanted ? key : 'ArrowRight');
    await expect(text).not.toHaveText(shown);
  }
  expect(todo.size).toBe(0);
}

test('two annotators disagree, a reviewer settles it, and everyone sees the final label live', async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await (await browser.newContext()).newPage();
  await signUp(owner, person('Olga'));
  // Labels Refund (key 1) and Cancel (key 2).
  const projectUrl = await createProject(owner, 'Support tickets', ['Refund', 'Cancel']);

  // Every sample goes to two annotators.
  await owner.goto(`${projectUrl}/settings`);
  await owner.getByLabel('Annotators per sample').fill('2');
  await owner.getByRole('button', { name: /save/i }).click();
  await expect(owner.getByText(/saved/i)).toBeVisible();

  await owner.goto(`${projectUrl}/import`);
  await owner.locator('input[type="file"]').setInputFiles({ name: 'tickets.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await owner.getByRole('button', { name: /^import/i }).click();
  await expect(owner.getByTestId('import-result')).toContainText('3');

  const [ana, ben, rita] = [person('Ana'), person('Ben'), person('Rita')];
  const annA = await joinByInvite(browser, await inviteMember(owner, projectUrl, ana, 'annotator'), ana);
  const annB = await joinByInvite(browser, await inviteMember(owner, projectUrl, ben, 'annotator'), ben);
  const reviewer = await joinByInvite(browser, await inviteMember(owner, projectUrl, rita, 'reviewer'), rita);

  // Ana labels the first two samples she gets as Refund; Ben labels the same two as Cancel.
  await annA.goto(`${projectUrl}/label`);
  const texts: string[] = [];
  for (let i = 0; i < 2; i += 1) {
    const text = annA.getByTestId('sample-text');
    texts.push((await text.textContent())!.trim());
    await annA.keyboard.press('1');
    await expect(text).not.toHaveText(texts[i]!);
  }
  await annB.goto(`${projectUrl}/label`);
  await labelTexts(annB, texts, '2');

  // An annotator has no Review tab and is told why if she opens the page anyway.
  await annA.goto(`${projectUrl}/review`);
  await expect(annA.getByTestId('review-refused')).toContainText(/only reviewers/i);
  await expect(annA.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Review' })).toHaveCount(0);
  await annA.screenshot({ path: `${shots}/review-refused.png`, fullPage: true });

  // Ana watches the overview, the owner a second review page: neither reloads from here on.
  await annA.goto(projectUrl);
  await expect(annA.getByTestId('labeled-count')).toHaveText('0');
  await owner.goto(`${projectUrl}/review`);
  await expect(owner.getByTestId('disagreement')).toHaveCount(2);

  await reviewer.goto(`${projectUrl}/review`);
  await expect(reviewer.getByTestId('disagreements-count')).toHaveText('(2)');
  const first = reviewer.getByTestId('disagreement').first();
  await expect(first.getByTestId('review-sample-text')).toHaveText(texts[0]!);
  await expect(first.getByRole('list', { name: 'Annotations' })).toContainText(/Ana chose Refund/);
  await expect(first.getByRole('list', { name: 'Annotations' })).toContainText(/Ben chose Cancel/);
  await reviewer.screenshot({ path: `${shots}/review-disagreements.png`, fullPage: true });

  // Rita picks Cancel with a click: the item leaves her page and the owner's; Ana's count moves.
  const firstId = await first.getAttribute('data-sample-id');
  await first.getByRole('button', { name: /Cancel/ }).click();
  await expect(reviewer.locator(`[data-testid="disagreement"][data-sample-id="${firstId}"]`)).toHaveCount(0);
  await expect(reviewer.getByTestId('disagreements-count')).toHaveText('(1)');
  await expect(owner.locator(`[data-testid="disagreement"][data-sample-id="${firstId}"]`)).toHaveCount(0, { timeout: 5000 });
  await expect(annA.getByTestId('labeled-count')).toHaveText('1', { timeout: 5000 });
  await expect(annB.getByTestId('resolution-toast')).toContainText('Rita resolved a sample as Cancel', { timeout: 5000 });
  await annB.screenshot({ path: `${shots}/labeling-resolution-notice.png`, fullPage: true });

  // The second one with the keyboard: 1 = Refund. Then the queue is empty and says what to do.
  await reviewer.keyboard.press('1');
  await expect(reviewer.getByTestId('disagreements-empty')).toBeVisible();
  await expect(owner.getByTestId('disagreements-empty')).toBeVisible({ timeout: 5000 });
  await expect(annA.getByTestId('labeled-count')).toHaveText('2', { timeout: 5000 });
  await reviewer.screenshot({ path: `${shots}/review-empty.png`, fullPage: true });
  await reviewer.getByRole('tab', { name: /suspected mislabels/i }).click();
  await expect(reviewer.getByTestId('hit-rate')).toContainText(/no decisions yet/i);
  await reviewer.screenshot({ path: `${shots}/review-suspects.png`, fullPage: true });

  // The team page: agreement figures and everyone's work, open to annotators too.
  await annA.goto(`${projectUrl}/team`);
  await expect(annA.getByTestId('team-table')).toContainText('Ana');
  await expect(annA.getByTestId('team-table')).toContainText('Ben');
  await expect(annA.getByTestId('agreement-cohen')).toBeVisible();
  await expect(annA.getByTestId('daily-chart')).toBeVisible();
  await annA.screenshot({ path: `${shots}/team.png`, fullPage: true });
  await annA.setViewportSize({ width: 390, height: 844 });
  await annA.screenshot({ path: `${shots}/team-narrow.png`, fullPage: true });
});
