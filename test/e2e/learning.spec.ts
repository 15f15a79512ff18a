import { expect, test } from '@playwright/test';
import { person, signUp, createProject } from './fixtures.ts';
import { banking77Rows, toCsv } from '../factories/banking77.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card'];

test('a few labels train a model that goes live, the queue explains itself, and the models page shows it', async ({ page }) => {
  await signUp(page, person('Lea'));
  const projectUrl = await createProject(page, 'Banking intents', [CATEGORIES[0]!, CATEGORIES[1]!, CATEGORIES[2]!]);

  // Train after every 6 labels; every 3rd sample a random check sample (a small project: 10th would mean none yet).
  await page.goto(`${projectUrl}/settings`);
  await page.getByLabel('After this many new labels').fill('6');
  await page.getByLabel('Random check sample every … samples in the queue').fill('3');
  await page.getByRole('button', { name: /save/i }).click();
  await expect(page.getByText(/saved/i)).toBeVisible();

  await page.goto(`${projectUrl}/import`);
  const csv = toCsv(banking77Rows(CATEGORIES, 15));
  await page.locator('input[type="file"]').setInputFiles({ name: 'banking.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: /^import/i }).click();
  await expect(page.getByTestId('import-result')).toContainText('45');

  // The overview shows embedding finish live.
  await page.goto(projectUrl);
  await expect(page.getByTestId('embed-progress')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });

  // Label with the keyboard using each sample's true category (shown as metadata).
  await page.goto(`${projectUrl}/label`);
  // The queue is written just after embedding is announced: a sample leased before it has no reason yet.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('why-reason')).toContainText(/no model yet/, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  let checks = 0;
  for (let i = 0; i < 6; i += 1) {
    // A check sample says so and shows no guess.
    if (await page.getByTestId('check-sample').isVisible()) {
      checks += 1;
      await expect(page.getByTestId('why-reason')).toContainText('random check sample');
      if (checks === 1) await page.screenshot({ path: 'test/e2e/screenshots/labeling-check-sample.png', fullPage: true });
    }
    const card = (await page.locator('.sample-card').textContent()) ?? '';
    const key = String(CATEGORIES.findIndex((c) => card.includes(c)) + 1);
    const before = await page.getByTestId('sample-text').textContent();
    await page.keyboard.press(key === '0' ? '1' : key);
    await expect(page.getByTestId('sample-text')).not.toHaveText(before!);
  }
  // Every 3rd place in the queue is a check sample (the first sample may have been leased before the queue was written).
  expect(checks).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('model-toast')).toContainText(/v1/, { timeout: 60_000 });
  // The sample on screen was queued before the model: once the model re-ranks, its reason is the model's.
  await expect(page.getByTestId('why-reason')).not.toContainText(/no model yet/, { timeout: 30_000 });
  await page.screenshot({ path: 'test/e2e/screenshots/labeling-with-model.png', fullPage: true });

  await page.goto(`${projectUrl}/models`);
  await expect(page.getByTestId('live-version')).toHaveText('1');
  await expect(page.getByTestId('models-table')).toContainText('6');
  // Two of the six were check samples; the four others hold too few of each label to train on alone.
  await expect(page.getByTestId('model-accuracy-1')).toContainText('too few other labels');

  // Six more: v2 is measured on the check samples among them, with an interval and the count.
  await page.goto(`${projectUrl}/label`);
  for (let i = 0; i < 6; i += 1) {
    const card = (await page.locator('.sample-card').textContent()) ?? '';
    const before = await page.getByTestId('sample-text').textContent();
    await page.keyboard.press(String(CATEGORIES.findIndex((c) => card.includes(c)) + 1));
    await expect(page.getByTestId('sample-text')).not.toHaveText(before!);
  }
  await expect(page.getByTestId('model-toast')).toContainText(/v2/, { timeout: 60_000 });
  await page.goto(`${projectUrl}/models`);
  await expect(page.getByTestId('model-accuracy-2')).toContainText(/%.*–.*% · n=[1-9]/);
  await expect(page.getByTestId('figures-source')).toContainText(/Measured on [1-9] random check samples/);
  // Both charts (by labels and over time) draw the interval as a band.
  await expect(page.getByTestId('chart-band')).toHaveCount(2);
  // The trainer (the server's child here) reports its memory; no ceiling is set.
  await expect(page.getByTestId('trainer-memory-rss')).toContainText(/\d+(\.\d)? MiB resident, no ceiling/);
  await page.screenshot({ path: 'test/e2e/screenshots/models.png', fullPage: true });
});
