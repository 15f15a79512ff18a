import { expect, test } from '@playwright/test';
import { person, signUp, createProject } from './fixtures.ts';

const CSV = [
  'text,source',
  '"Great product, works as advertised.",review',
  'Terrible customer support; never again.,review',
  'It arrived on Tuesday.,review',
  '<script>window.__pwned = true</script> a hostile sample,review',
  'Would buy again!,review',
  '"Great product,  works as advertised.",dup',
].join('\n');

test('sign up, create a project, import a CSV, label with the keyboard while a teammate watches live', async ({ browser }) => {
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  const ann = person('Ann');
  await signUp(owner, ann);

  // Create a text project with three labels.
  const projectUrl = await createProject(owner, 'Review sentiment', ['Positive', 'Negative', 'Neutral']);

  // Import a CSV: preview, pick the column, import; the duplicate is skipped (the dup row's
  // fields differ only in the source column and whitespace, so it hashes the same).
  await owner.getByRole('link', { name: 'Import' }).first().click();
  await owner.locator('input[type="file"]').setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await expect(owner.getByLabel('Text column')).toHaveValue('text');
  await owner.getByRole('button', { name: /^import/i }).click();
  await expect(owner.getByTestId('import-result')).toContainText('5');
  await expect(owner.getByTestId('import-result')).toContainText(/1 duplicate/);

  // Invite Bob as an annotator; he signs up through the link in his own browser.
  await owner.goto(`${projectUrl}/members`);
  const bob = person('Bob');
  await owner.getByLabel('Email').fill(bob.email);
  await owner.getByRole('button', { name: /invite/i }).click();
  const inviteLink = (await owner.getByTestId('invite-link').textContent())!.trim();
  expect(inviteLink).toMatch(/\/invite\/[\w-]+$/);

  const bobContext = await browser.newContext();
  const watcher = await bobContext.newPage();
  await watcher.goto(inviteLink);
  await watcher.getByRole('link', { name: 'Sign up to join' }).click();
  await watcher.waitForURL(/\/signup\?invite=/);
  await signUp(watcher, bob, watcher.url());
  await watcher.goto(projectUrl);
  await expect(watcher.getByTestId('labeled-count')).toHaveText('0');

  // Ann labels with the keyboard; Bob's overview counts follow without a reload.
  await owner.goto(`${projectUrl}/label`);
  const first = (await owner.getByTestId('sample-text').textContent())!;
  await owner.keyboard.press('1');
  await expect(owner.getByTestId('sample-text')).not.toHaveText(first);
  await expect(watcher.getByTestId('labeled-count')).toHaveText('1', { timeout: 5000 });
  await owner.keyboard.press('2');
  await expect(watcher.getByTestId('labeled-count')).toHaveText('2', { timeout: 5000 });
  await expect(owner.getByTestId('my-count')).toHaveText('2');

  // Skip, then undo the last label: the count drops for everyone.
  const beforeSkip = (await owner.getByTestId('sample-text').textContent())!;
  await owner.keyboard.press('ArrowRight');
  await expect(owner.getByTestId('sample-text')).not.toHaveText(beforeSkip);
  await owner.keyboard.press('Backspace');
  await expect(owner.getByTestId('my-count')).toHaveText('1');
  await expect(watcher.getByTestId('labeled-count')).toHaveText('1', { timeout: 5000 });

  // Bob is shown in Ann's presence list; hostile sample text is rendered inert.
  await expect(owner.getByTestId('presence-list')).toContainText('Bob');
  expect(await owner.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
  await owner.screenshot({ path: 'test/e2e/screenshots/labeling.png', fullPage: true });
  await watcher.screenshot({ path: 'test/e2e/screenshots/overview-live.png', fullPage: true });

  await ownerContext.close();
  await bobContext.close();
});
