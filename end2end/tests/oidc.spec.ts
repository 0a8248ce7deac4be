import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { OIDC_ISSUER } from '../accounts';
import { collectErrors } from '../console';

// Login through the practice's identity provider: a real OpenID Connect provider process
// (oidc-provider, started by Playwright, see oidc/provider.mjs) and the server configured for it
// in scripts/test. Authorization Code with PKCE, state, nonce; users provisioned at first login
// with the role their `groups` claim gives.

test.use({ storageState: { cookies: [], origins: [] } });

function psql(sql: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name the database the server under test uses');
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]).toString().trim();
}

/// From Anrufe's login page through the provider's own login form and back.
/// Clicks only once the page is hydrated, as a person would, so the router sees the click.
/// The provider is asked to check the password every time (`prompt=login`): on a shared
/// front-desk PC the next person must not inherit the last one's login at the provider.
async function logInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('body[data-hydrated]').waitFor();
  const authorization = page.waitForRequest((request) => request.url().startsWith(`${OIDC_ISSUER}/auth?`));
  await page.getByRole('link', { name: 'Mit dem Praxis-Konto anmelden' }).click();
  expect(new URL((await authorization).url()).searchParams.get('prompt')).toBe('login');
  await expect(page).toHaveURL(new RegExp(`^${OIDC_ISSUER}/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('beliebig');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

test('an admin from the identity provider is provisioned at first login with the role of their group', async ({ page }) => {
  await page.goto('/?status=NEW');
  await expect(page).toHaveURL(/\/login\?next=/);
  await logInAtProvider(page, 'oidc-admin');

  await expect(page).toHaveURL(/\/\?status=NEW$/);
  const errors = collectErrors(page);
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByText('Dr. Leitung (SSO)')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Verwaltung' })).toBeVisible();
  expect(psql("select role || ' ' || oidc_subject from users where email = 'leitung@praxis.example'"))
    .toBe('ADMIN oidc-admin');
  expect(psql(`select count(*) from actions_audit a join users u on u.id = a.actor_id
               where u.email = 'leitung@praxis.example' and a.action_type = 'login' and a.diff ->> 'method' = 'oidc'`))
    .toBe('1');
  expect(errors).toEqual([]);
});

test('a colleague without the admin group becomes an agent, and the session works like any other', async ({ page }) => {
  await page.goto('/login');
  await logInAtProvider(page, 'oidc-empfang');
  await expect(page).toHaveURL(/\/$/);
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByText('Empfang (SSO)')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Verwaltung' })).toHaveCount(0);
  expect(psql("select role from users where email = 'sso-empfang@praxis.example'")).toBe('AGENT');
  expect((await page.request.get('/admin')).status()).toBe(403);

  await page.getByRole('button', { name: 'Abmelden' }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test('someone the provider gives no access to Anrufe is refused, and the refusal is audited', async ({ page }) => {
  await page.goto('/login');
  await logInAtProvider(page, 'oidc-praxis');
  await expect(page).toHaveURL(/\/login\?oidc=not_entitled$/);
  await expect(page.getByRole('alert')).toContainText('für Anrufe nicht freigegeben');
  expect(psql("select count(*) from users where email = 'labor@praxis.example'")).toBe('0');
  expect(psql(`select count(*) from actions_audit
               where action_type = 'login_failed' and diff ->> 'reason' = 'not_entitled'`)).toBe('1');
  const cookies = await page.context().cookies();
  expect(cookies.filter((cookie) => cookie.name === 'anrufe_session')).toEqual([]);
});

test('a callback this browser did not begin is refused', async ({ page }) => {
  await page.goto('/auth/oidc/callback?code=erfunden&state=erfunden');
  await expect(page).toHaveURL(/\/login\?oidc=expired$/);
  await expect(page.getByRole('alert')).toContainText('in einem anderen Browser begonnen');
  const cookies = await page.context().cookies();
  expect(cookies.filter((cookie) => cookie.name === 'anrufe_session')).toEqual([]);
});
