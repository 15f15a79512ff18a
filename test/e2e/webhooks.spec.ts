import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { person, signUp, createProject } from './fixtures.ts';

test('the delivery log is live: Send test shows the attempt without a reload or Refresh', async ({ page }) => {
  // The receiver holds the ping until told to answer, so the attempt is logged only after the
  // action and its reload are over: whatever shows it then came over the live connection.
  let answer: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (answer = resolve));
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => void held.then(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('pong')));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await signUp(page, person('Wes'));
    await createProject(page, 'Hooked', ['Yes', 'No']);

    await page.goto(`${page.url()}/webhooks`);
    await page.getByLabel('URL').fill(url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await expect(page.getByTestId('deliveries-status')).toContainText('Live');
    await expect(page.getByRole('button', { name: 'Refresh' })).toHaveCount(0);
    await expect(page.getByTestId('no-deliveries')).toBeVisible();

    await page.getByRole('button', { name: 'Send test' }).click();
    await expect(page.getByText('Test queued')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Send test' })).toBeEnabled();
    await expect(page.getByTestId('no-deliveries')).toBeVisible();

    answer();
    const row = page.getByTestId('webhook-deliveries').getByRole('row').nth(1);
    await expect(row).toContainText('ping');
    await expect(row).toContainText('200');
    await expect(row).toContainText('pong');
    await page.screenshot({ path: 'test/e2e/screenshots/webhooks-live-log.png', fullPage: true });
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
