import { expect, type Page } from '@playwright/test';

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
