import { expect, test } from '@playwright/test';
import { person, signUp, createProject } from './fixtures.ts';

// Three rows carry a label, one is blank (arrives unlabeled); `source` is not a label column.
const CSV = ['text,label,source', '"Great product, works as advertised.",Positive,web', 'Terrible support; never again.,Negative,web', 'It arrived on Tuesday.,,app', 'Would buy again!,Positive,web'].join('\n');

test('import a CSV with a label column: pick it, see what the preview holds, arrive labeled', async ({ page }) => {
  await signUp(page, person('Lea'));
  const projectUrl = await createProject(page, 'Labeled import', ['Positive', 'Negative']);

  await page.getByRole('link', { name: 'Import' }).first().click();
  await page.locator('input[type="file"]').setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  const picker = page.getByLabel('Label column');
  await expect(page.getByLabel('Text column')).toHaveValue('text');
  await expect(picker).toHaveValue('label');
  await expect(page.getByTestId('label-column-summary')).toContainText('3 of 4 preview rows carry a label');
  await expect(page.getByTestId('label-column-warning')).toHaveCount(0);

  // A column of other values: warned about before importing, naming them and the project's labels.
  await picker.selectOption('source');
  await expect(page.getByTestId('label-column-warning')).toContainText('“web”, “app”');
  await expect(page.getByTestId('label-column-warning')).toContainText('“Positive”, “Negative”');
  await expect(page.getByRole('button', { name: /^import/i })).toBeDisabled();
  await page.screenshot({ path: 'test/e2e/screenshots/import-label-warning.png', fullPage: true });

  // Back to `label` from the keyboard: the picker is a native select.
  await picker.focus();
  await page.keyboard.press('ArrowUp');
  await expect(picker).toHaveValue('label');
  await expect(page.getByTestId('label-column-warning')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^import/i })).toBeEnabled();
  await page.screenshot({ path: 'test/e2e/screenshots/import-label-column.png', fullPage: true });

  await page.getByRole('button', { name: /^import/i }).click();
  await expect(page.getByTestId('import-result')).toHaveText('Imported 4 samples (3 labeled), no duplicates.');
  await page.screenshot({ path: 'test/e2e/screenshots/import-labeled-result.png', fullPage: true });

  // The labeled ones are resolved: the overview counts them as labeled.
  await page.goto(projectUrl);
  await expect(page.getByTestId('labeled-count')).toHaveText('3');
});
