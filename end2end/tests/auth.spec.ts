import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { AGENT } from '../accounts';
import { collectErrors } from '../console';

// Logging in and out, a session that ends while the page is open, a cross-site POST, and the
// Content Security Policy the app must hydrate under.

function psql(sql: string): void {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name the database the server under test uses');
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
}

async function logIn(page: Page, password = AGENT.password): Promise<void> {
  await page.getByLabel('E-Mail-Adresse').fill(AGENT.email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
}

test.describe('without a session', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('logging in leads back to the view asked for, logging out ends the session', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('/?status=NEW');
    await expect(page).toHaveURL(/\/login\?next=%2F%3Fstatus%3DNEW$/);
    await page.locator('body[data-hydrated]').waitFor();

    await logIn(page, 'daneben-daneben');
    await expect(page.getByRole('alert')).toHaveText('E-Mail-Adresse oder Passwort ist falsch.');
    // The browser reports the refused login (HTTP 401) on the console; nothing else may appear.
    errors.length = 0;

    await logIn(page);
    await expect(page).toHaveURL(/\/\?status=NEW$/);
    await expect(page.getByText(AGENT.name)).toBeVisible();
    await page.locator('body[data-hydrated]').waitFor();
    await expect(page.getByRole('link', { name: 'Neu', exact: true })).toHaveAttribute('aria-pressed', 'true');

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=/);
    expect(errors).toEqual([]);
  });

  test('a session that ends while the page is open leads to the login page', async ({ browser }) => {
    const context = await browser.newContext({
      storageState: { cookies: [], origins: [] },
      userAgent: 'anrufe-e2e-expiry',
    });
    const page = await context.newPage();
    await page.goto('/');
    await logIn(page);
    await expect(page.getByText(AGENT.name)).toBeVisible();
    await page.locator('body[data-hydrated]').waitFor();

    psql("update sessions set last_seen_at = now() - interval '1 day' where user_agent = 'anrufe-e2e-expiry'");
    await page.getByRole('link', { name: 'Erledigt', exact: true }).click();
    await expect(page).toHaveURL(/\/login\?next=%2F%3Fstatus%3DDONE$/);
    await context.close();
  });
});

test('the page hydrates under a Content Security Policy with a nonce and no unsafe-eval', async ({ page }) => {
  const errors = collectErrors(page);
  const response = await page.goto('/');
  const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'nonce-");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("'unsafe-inline'");
  expect(csp).not.toMatch(/[^-]'unsafe-eval'/);
  await page.locator('body[data-hydrated]').waitFor();
  await page.keyboard.press('j');
  await expect(page.locator('tr.focused')).toHaveCount(1);
  expect(errors, 'no CSP violations or other errors').toEqual([]);
});

test('a form on another site cannot post to Anrufe with the session', async ({ page, baseURL }) => {
  // A page of another site, served by the browser itself.
  await page.route('http://elsewhere.example/', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!DOCTYPE html><title>Elsewhere</title>' }));
  await page.goto('http://elsewhere.example/');
  const answer = page.waitForResponse((r) => r.url() === `${baseURL}/api/logout`);
  await page.evaluate((target) => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = target;
    document.body.append(form);
    form.submit();
  }, `${baseURL}/api/logout`);
  expect((await answer).status()).toBe(403);
  await page.waitForURL(`${baseURL}/api/logout`);
  await expect(page.locator('body')).toHaveText('Anfragen von fremden Seiten werden abgelehnt.');

  await page.goto(`${baseURL}/`);
  await expect(page.getByText(AGENT.name)).toBeVisible();
});
