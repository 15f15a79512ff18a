import { expect, test, type Page } from '@playwright/test';
import { person, signUp, createProject } from './fixtures.ts';

// Markup in everything a user controls: project and label names, sample texts. React renders it
// as text; this checks in a real browser that none of it ever runs.
const SCRIPTED = '<img src=x onerror="window.__pwned = 1">';
const texts = [`${SCRIPTED} first`, '<script>window.__pwned = 2</script> second', `"><svg onload="window.__pwned=3"> third`];

async function notPwned(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
}

test('markup in names and texts is shown as text and never runs', async ({ page }) => {
  test.setTimeout(120_000);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // The app's own pages must pass its Content-Security-Policy (helmet): no violation reports.
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(message.text())) cspViolations.push(message.text());
  });
  await signUp(page, person('Mallory'));
  const projectUrl = await createProject(page, `<b onmouseover=alert(1)>Proj</b>`, [SCRIPTED, '<script>alert("label")</script>']);
  await expect(page.getByRole('heading', { name: '<b onmouseover=alert(1)>Proj</b>' })).toBeVisible();

  await page.goto(`${projectUrl}/import`);
  const csv = ['text', ...texts.map((t) => `"${t.replace(/"/g, '""')}"`)].join('\n');
  await page.locator('input[type="file"]').setInputFiles({ name: '<img src=x onerror=alert(1)>.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: /^import/i }).click();
  await expect(page.getByTestId('import-result')).toContainText('3');
  await notPwned(page);

  await page.goto(`${projectUrl}/label`);
  const shown = page.getByTestId('sample-text');
  await expect(shown).toBeVisible();
  expect(texts).toContain((await shown.textContent())?.trim());
  const labelButton = page.getByRole('button', { name: new RegExp(SCRIPTED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  await expect(labelButton).toBeVisible();
  const before = (await shown.textContent()) ?? '';
  await labelButton.click();
  await expect(page.getByTestId('sample-text')).not.toHaveText(before);
  await notPwned(page);

  for (const path of ['', '/explore', '/review', '/team', '/models', '/monitoring', '/api', '/settings', '/members']) {
    await page.goto(`${projectUrl}${path}`);
    await expect(page.locator('h1, h2').first()).toBeVisible();
    await notPwned(page);
  }
  expect(dialogs).toEqual([]);
  expect(cspViolations).toEqual([]);
  const headers = (await page.request.get(projectUrl)).headers();
  expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options'] ?? headers['content-security-policy']).toMatch(/SAMEORIGIN|frame-ancestors 'self'/);
});
