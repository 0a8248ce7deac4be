import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN } from '../accounts';
import { collectErrors } from '../console';

// The evaluation: charts drawn by the server, the same days as a table, and the table as a
// CSV file.

test.use({ storageState: ADMIN.state });

test('the evaluation shows the last 30 days as charts, a table and a CSV file', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/admin/report');
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('heading', { name: 'Auswertung' })).toBeVisible();
  await expect(page.getByText(/^Stand: /)).toBeVisible();
  const perDay = page.getByRole('img', { name: /^Anrufe pro Tag, zusammen \d+, davon \d+ erledigt$/ });
  await expect(perDay).toBeVisible();
  await expect(perDay.locator('rect.bar-done, rect.bar-open')).toHaveCount(60);
  await expect(page.getByRole('img', { name: /^Anrufe nach Uhrzeit/ }).locator('rect')).toHaveCount(24);
  await expect(page.getByRole('img', { name: /^Stoßzeiten/ }).locator('rect.heat')).toHaveCount(7 * 24);

  const table = page.locator('table.admin-table').first();
  await expect(table.locator('tbody tr')).toHaveCount(31);
  const total = table.locator('tbody tr').last();
  await expect(total).toContainText('Zusammen');
  // The job may have counted before the demo calls were imported: the figures, whatever they
  // are, must be the same in the table and the file.
  const calls = await total.locator('td').nth(1).innerText();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Als CSV herunterladen' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('anrufe-auswertung.csv');
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(csv[0]).toBe('Tag;Anrufe;Erledigt;Offen;Eskaliert;Bis erledigt (Median);Bis erledigt (9 von 10)');
  expect(csv).toHaveLength(32);
  expect(csv[31]).toMatch(new RegExp(`^Zusammen;${calls};`));
  expect(errors).toEqual([]);
});
