import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { collectErrors } from '../console';

// Marks a few calls done straight in PostgreSQL, the way a colleague's action would.
function markDone(count: number): void {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name the database the server under test uses');
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc',
    `update calls set status = 'DONE' where id in (select id from calls order by id limit ${count})`]);
}

test.beforeAll(() => markDone(5));

test('the calls table shows the demo calls with the blueprint columns', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');

  await expect(page.getByRole('heading', { name: 'Anrufe' })).toBeVisible();
  for (const column of ['Zeitpunkt', 'Name / Nummer', 'Anliegen', 'Geburtsdatum', 'Quelle / Priorität',
    'Status', 'Zugewiesen an', 'Letzte Änderung']) {
    await expect(page.getByRole('columnheader', { name: column, exact: true })).toBeVisible();
  }
  const rows = page.locator('table.calls tbody tr');
  await expect.poll(() => rows.count()).toBeGreaterThan(10);
  await expect(rows.first().locator('a[href^="tel:+49"], .muted').first()).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();
  expect(errors).toEqual([]);
});

test('after hydration the status filter narrows the table and lives in the URL', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await page.locator('body[data-hydrated]').waitFor();
  const rows = page.locator('table.calls tbody tr');

  const status = page.getByRole('group', { name: 'Status' });
  await status.getByRole('link', { name: 'Erledigt', exact: true }).click();

  await expect(page).toHaveURL(/\?status=DONE$/);
  await expect(page.getByText('5 von 5 Anrufen')).toBeVisible();
  await expect(rows).toHaveCount(5);
  await expect(page.locator('table.calls tbody tr:not([data-status="DONE"])')).toHaveCount(0);
  await expect(status.getByRole('link', { name: 'Erledigt', exact: true })).toHaveAttribute('aria-pressed', 'true');

  await page.reload();
  await expect(rows).toHaveCount(5);

  await page.locator('body[data-hydrated]').waitFor();
  await status.getByRole('link', { name: 'In Bearbeitung' }).click();
  await expect(page.getByText('Keine Anrufe mit Status „In Bearbeitung“.')).toBeVisible();

  await status.getByRole('link', { name: 'Alle' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(() => rows.count()).toBeGreaterThan(5);
  expect(errors).toEqual([]);
});

test('English can be chosen, keeps the view, survives a reload and hydrates without errors', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?status=DONE');
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');

  await page.getByRole('button', { name: 'English', exact: true }).click();

  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/\?status=DONE$/);
  await expect(page.getByRole('columnheader', { name: 'Assigned to', exact: true })).toBeVisible();
  await expect(page.getByText('5 of 5 calls')).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('group', { name: 'Status' }).getByRole('link', { name: 'In progress' }).click();
  await expect(page.getByText('No calls with status “In progress”.')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('link', { name: 'Today', exact: true })).toBeVisible();

  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('button', { name: 'Deutsch', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('link', { name: 'Heute', exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});
