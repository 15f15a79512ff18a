import { expect, type Browser, type Page } from '@playwright/test';

let counter = 0;

/** A unique person for one test run (the e2e server starts on an empty database). */
export function person(name: string) {
  counter += 1;
  const slug = `${name.toLowerCase()}${Date.now().toString(36)}${counter}`;
  return { name, email: `${slug}@example.test`, password: 'correct horse battery' };
}

/** Signs up through the real form and waits for the projects page. */
export async function signUp(page: Page, who: ReturnType<typeof person>, path = '/signup') {
  await page.goto(path);
  await page.getByLabel('Name').fill(who.name);
  const email = page.getByLabel('Email');
  if (await email.isEditable()) await email.fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: /sign up|create account/i }).click();
  await expect(page).not.toHaveURL(/\/signup/);
}

/** The owner invites `who` with `role` on the members page; returns the one-time invite link. */
export async function inviteMember(owner: Page, projectUrl: string, who: ReturnType<typeof person>, role: 'annotator' | 'reviewer' | 'lead') {
  await owner.goto(`${projectUrl}/members`);
  await owner.getByLabel('Email').fill(who.email);
  await owner.getByLabel('Role', { exact: true }).selectOption(role);
  await owner.getByRole('button', { name: /invite/i }).click();
  const link = owner.locator('.callout', { hasText: who.email }).getByTestId('invite-link');
  await expect(link).toHaveText(/\/invite\/[\w-]+$/);
  return (await link.textContent())!.trim();
}

/** `who` opens the invite link in a browser of their own and signs up through it. */
export async function joinByInvite(browser: Browser, inviteLink: string, who: ReturnType<typeof person>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(inviteLink);
  await page.getByRole('link', { name: 'Sign up to join' }).click();
  await page.waitForURL(/\/signup\?invite=/);
  await signUp(page, who, page.url());
  return page;
}

/** Creates a text project through the real form (two labels are there to fill; more are added); returns its URL. */
export async function createProject(page: Page, name: string, labels: string[]) {
  await page.getByRole('link', { name: /new project/i }).first().click();
  await page.getByLabel('Project name').fill(name);
  const names = page.locator('input[name="labelName"]');
  for (const [i, label] of labels.entries()) {
    if (i >= 2) await page.getByRole('button', { name: 'Add label' }).click();
    await names.nth(i).fill(label);
  }
  await page.getByRole('button', { name: /create project/i }).click();
  await expect(page).toHaveURL(/\/projects\/\d+$/);
  return page.url();
}
