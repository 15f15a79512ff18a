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
  const toast = page.getByTestId('model-toast');
  const labelOne = async () => {
    // A check sample says so and shows no guess.
    if (await page.getByTestId('check-sample').isVisible()) {
      checks += 1;
      await expect(page.getByTestId('why-reason')).toContainText('random check sample');
      if (checks === 1) await page.screenshot({ path: 'test/e2e/screenshots/labeling-check-sample.png', fullPage: true });
    }
    const card = (await page.locator('.sample-card').textContent()) ?? '';
    const before = await page.getByTestId('sample-text').textContent();
    await page.keyboard.press(String(CATEGORIES.findIndex((c) => card.includes(c)) + 1));
    await expect(page.getByTestId('sample-text')).not.toHaveText(before!);
  };
  /** Labels until version `v` is announced: at least `count` more, then one at a time while training waits for two labels in each of two classes. */
  const labelUntilVersion = async (v: number, count: number) => {
    for (let i = 0; i < count; i += 1) await labelOne();
    await expect(async () => {
      if (!new RegExp(`v${v}\\b`).test((await toast.textContent()) ?? '')) await labelOne();
      await expect(toast).toContainText(new RegExp(`v${v}\\b`), { timeout: 8000 });
    }).toPass({ timeout: 120_000 });
  };
  await labelUntilVersion(1, 6);
  // Every 3rd place in the queue is a check sample (the first sample may have been leased before the queue was written).
  expect(checks).toBeGreaterThanOrEqual(1);
  // The sample on screen was queued before the model: once the model re-ranks, its reason is the model's.
  await expect(page.getByTestId('why-reason')).not.toContainText(/no model yet/, { timeout: 30_000 });
  await page.screenshot({ path: 'test/e2e/screenshots/labeling-with-model.png', fullPage: true });

  await page.goto(`${projectUrl}/models`);
  await expect(page.getByTestId('live-version')).toHaveText('1');
  // v1's accuracy: on its check samples with an interval and the count, or why there is none in words
  // (the check samples are random: the other labels may hold too few of each label to train on alone).
  await expect(page.getByTestId('model-accuracy-1')).toContainText(/%.*–.*% · n=\d|too few other labels|no random check samples/);

  // Six more and v2: measured on the check samples among all the labels, the source said in words.
  await page.goto(`${projectUrl}/label`);
  await labelUntilVersion(2, 6);
  await page.goto(`${projectUrl}/models`);
  await expect(page.getByTestId('model-accuracy-2')).toContainText(/%.*–.*% · n=[1-9]|too few other labels/);
  await expect(page.getByTestId('figures-source')).toContainText(/random check samples|cross-validation/i);
  // The trainer (the server's child here) reports its memory; no ceiling is set.
  await expect(page.getByTestId('trainer-memory-rss')).toContainText(/\d+(\.\d)? MiB resident, no ceiling/);
  await page.screenshot({ path: 'test/e2e/screenshots/models.png', fullPage: true });
});
