import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';

// What several tests do as the practice would: a line from the phone assistant, a second admin.

// The server under test imports from IMPORT_DIR (see scripts/test); lines appended there
// arrive the way the phone assistant's do.
export function appendCall(fields: Record<string, string>): void {
  const dir = process.env.IMPORT_DIR;
  if (!dir) throw new Error('IMPORT_DIR must name the directory the server under test imports');
  const day = new Date().toISOString().slice(0, 10);
  appendFileSync(join(dir, `calls-${day}.jsonl`), `${JSON.stringify(fields)}\n`);
}

// A word of its own to find a call by: `word` and the time in letters (digits would be searched
// as a phone number).
export function uniqueWord(word: string): string {
  return `${word}${[...`${Date.now()}`].map((digit) => 'abcdefghij'[Number(digit)]).join('')}`;
}

// Adds a second admin as `page`'s admin does in the admin area, and logs them in in a browser
// context of their own (without the demo login the tests share).
export async function secondAdmin(page: Page, browser: Browser, name = 'Zweite Admin'): Promise<Page> {
  const email = `pruefer-${Date.now()}@praxis.example`;
  await page.goto('/admin');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.locator('select[name="role"]').selectOption({ label: 'Admin' });
  await page.getByLabel('Erstes Passwort (mind. 12 Zeichen)').fill('ein-langes-passwort');
  await page.getByRole('button', { name: 'Benutzer anlegen' }).click();
  await expect(page.getByText('Benutzer angelegt.')).toBeVisible();
  const other = await (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
  await other.goto('/login');
  await other.locator('body[data-hydrated]').waitFor();
  await other.getByLabel('E-Mail-Adresse').fill(email);
  await other.getByLabel('Passwort').fill('ein-langes-passwort');
  await other.getByRole('button', { name: 'Anmelden' }).click();
  await expect(other).toHaveURL(/\/$/);
  return other;
}
