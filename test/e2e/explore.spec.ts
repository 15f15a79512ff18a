import { expect, test, type Locator, type Page } from '@playwright/test';
import { person, signUp, createProject } from './fixtures.ts';
import { banking77Rows, toCsv } from '../factories/banking77.ts';

// Two kinds of banking questions that no one would confuse: a card in the post, and currency rates.
const rows = banking77Rows(['card_arrival', 'exchange_rate'], 20);
const cardTexts = new Set(rows.filter((r) => r.category === 'card_arrival').map((r) => r.text));
const rateTexts = new Set(rows.filter((r) => r.category === 'exchange_rate').map((r) => r.text));

async function resultTexts(page: Page, count: number): Promise<string[]> {
  const texts = await page.getByTestId('result-text').allTextContents();
  return texts.slice(0, count).map((t) => t.trim());
}

/** The grid has this query's results (the first search also loads the text encoder: allow time). */
async function resultsLoaded(page: Page) {
  await expect(page.getByTestId('results')).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  await expect(page.getByTestId('result-card').first()).toBeVisible();
}

async function sampleIdOf(card: Locator): Promise<string> {
  return (await card.getAttribute('data-sample-id'))!;
}

/**
 * Searches, then ticks the first `count` results (one by one, or the first then shift-click the
 * last) and gives them `label`; returns their sample ids.
 */
async function searchAndLabel(page: Page, query: string, count: number, label: string, options: { range?: boolean; screenshot?: string } = {}): Promise<string[]> {
  await page.getByLabel('Find samples about').fill(query);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('heading', { name: `Results for “${query}”` })).toBeVisible();
  await resultsLoaded(page);
  const cards = page.getByTestId('result-card');
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await sampleIdOf(cards.nth(i)));
  if (options.range) {
    await cards.first().getByRole('checkbox').check();
    await cards.nth(count - 1).getByRole('checkbox').click({ modifiers: ['Shift'] });
  } else {
    for (let i = 0; i < count; i += 1) await cards.nth(i).getByRole('checkbox').check();
  }
  await expect(page.getByTestId('selection-count')).toHaveText(`Label ${count} selected as`);
  if (options.screenshot) await page.screenshot({ path: options.screenshot });
  await page.getByRole('group', { name: 'Label the selected samples' }).getByRole('button', { name: label }).click();
  await expect(page.getByTestId('explore-notice')).toHaveText(`Labeled ${count} samples as “${label}”.`);
  return ids;
}

test('explore: search finds the right samples, bulk labels update chips and counts, more like this, rare class queue', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, person('Eve'));
  const projectUrl = await createProject(page, 'Banking questions', ['Card delivery', 'Exchange rates']);

  // A model after 5 labels, so rare-class candidates appear within the test.
  await page.goto(`${projectUrl}/settings`);
  await page.getByLabel('After this many new labels').fill('5');
  await page.getByRole('button', { name: /save/i }).click();
  await expect(page.getByText(/saved/i)).toBeVisible();

  await page.goto(`${projectUrl}/import`);
  await page.locator('input[type="file"]').setInputFiles({ name: 'banking.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(rows)) });
  await page.getByRole('button', { name: /^import/i }).click();
  await expect(page.getByTestId('import-result')).toContainText('40');
  await page.goto(projectUrl);
  await expect(page.getByTestId('embed-progress')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });

  await page.getByRole('link', { name: 'Explore' }).click();
  await expect(page).toHaveURL(/\/explore$/);
  // The map follows the trainer live (explore.updated), whether or not it was ready when the page loaded.
  await expect(page.locator('.explore-map__point')).toHaveCount(40, { timeout: 30_000 });

  // Search by words: the top results are about cards in the post.
  const cardIds = await searchAndLabel(page, 'card delivery', 3, 'Card delivery', { range: true, screenshot: 'test/e2e/screenshots/explore-selection.png' });
  const top = await resultTexts(page, 5);
  expect(top.every((t) => cardTexts.has(t)), `top results: ${top.join(' | ')}`).toBe(true);
  for (const id of cardIds) await expect(page.locator(`[data-testid="result-card"][data-sample-id="${id}"]`).getByTestId('label-chip')).toHaveText('Card delivery');
  const chart = page.getByTestId('class-chart');
  await expect(chart.locator('.explore-class', { hasText: 'Card delivery' }).getByTestId(/^class-count-/)).toHaveText('3');
  await expect(chart.locator('.explore-class', { hasText: 'Card delivery' })).toContainText(/fewer than 10 labels/i);
  await page.screenshot({ path: 'test/e2e/screenshots/explore-labeled.png', fullPage: true });

  // "More like this" on an unlabeled card question: its neighbours are card questions too.
  const fourth = page.getByTestId('result-card').nth(3);
  const fourthId = await sampleIdOf(fourth);
  await fourth.getByRole('button', { name: 'More like this' }).click();
  await expect(page.getByRole('heading', { name: `More like sample #${fourthId}` })).toBeVisible();
  await resultsLoaded(page);
  await expect(page.getByTestId('anchor-sample')).toBeVisible();
  // The words searched for no longer describe the results: the box is cleared.
  await expect(page.getByLabel('Find samples about')).toHaveValue('');
  const similar = await resultTexts(page, 3);
  expect(similar.every((t) => cardTexts.has(t)), `similar: ${similar.join(' | ')}`).toBe(true);

  // The filter applies to "More like this": labeled samples drop out.
  await page.getByLabel('Show').selectOption({ label: 'Not labeled yet' });
  await expect(page.getByText('Only samples not labeled yet.')).toBeVisible();
  await expect(page.getByTestId('results')).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByTestId('label-chip').filter({ hasText: 'Card delivery' })).toHaveCount(0);
  await page.getByLabel('Show').selectOption({ label: 'All samples' });

  // Three exchange-rate questions make six labels: a model is trained, then rare-class candidates are found.
  await searchAndLabel(page, 'exchange rate', 3, 'Exchange rates');
  expect((await resultTexts(page, 3)).every((t) => rateTexts.has(t))).toBe(true);
  const cardClass = chart.locator('.explore-class', { hasText: 'Card delivery' });
  await expect(cardClass.getByRole('link', { name: 'Label them now: rare: Card delivery' })).toBeVisible({ timeout: 90_000 });
  await cardClass.getByRole('button', { name: /^See likely samples \(\d+\)$/ }).click();
  await expect(page.getByRole('heading', { name: 'Likely “Card delivery” samples' })).toBeVisible();
  await resultsLoaded(page);
  const likely = await resultTexts(page, 3);
  expect(likely.every((t) => cardTexts.has(t)), `likely: ${likely.join(' | ')}`).toBe(true);
  await expect(page.locator('.explore-map__point.is-result').first()).toBeVisible();
  await page.screenshot({ path: 'test/e2e/screenshots/explore-rare.png', fullPage: true });

  // A click on the map shows that sample's neighbours.
  await page.locator('.explore-map__point').nth(10).click({ force: true });
  await expect(page.getByRole('heading', { name: /^More like sample #\d+$/ })).toBeVisible();
  await expect(page.locator('.explore-map__point.is-anchor')).toHaveCount(1);
  await page.screenshot({ path: 'test/e2e/screenshots/explore-map-click.png', fullPage: true });

  // On a phone the panels stack and the grid has one column.
  await page.setViewportSize({ width: 400, height: 860 });
  await page.screenshot({ path: 'test/e2e/screenshots/explore-narrow.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // "Label them now" opens the labeling page on the rare class's queue, and leads back to the main one.
  await cardClass.getByRole('link', { name: 'Label them now: rare: Card delivery' }).click();
  await expect(page).toHaveURL(/\/label\?rare=\d+$/);
  await expect(page.getByTestId('rare-queue-banner')).toContainText('Rare class queue: Card delivery');
  expect(cardTexts.has((await page.getByTestId('sample-text').textContent())!.trim())).toBe(true);
  await page.screenshot({ path: 'test/e2e/screenshots/labeling-rare.png', fullPage: true });
  await page.getByRole('link', { name: 'Back to the main queue' }).click();
  await expect(page).toHaveURL(/\/label$/);
  await expect(page.getByTestId('rare-queue-banner')).toHaveCount(0);
});
