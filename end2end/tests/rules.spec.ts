import { expect, test } from '@playwright/test';
import { ADMIN } from '../accounts';
import { collectErrors } from '../console';
import { appendCall, uniqueWord } from '../practice';

// Priority rules as an admin keeps them: the red flags are there from the start, a VIP number
// is added in the usual notation, a pattern that is no regular expression is refused with a
// message, and a call from the VIP number arrives with the rule's priority, the drawer saying
// which rule set it.

test.use({ storageState: ADMIN.state });

test('an admin adds a VIP number and the next call from it says which rule set its priority', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/admin/rules');
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('heading', { name: 'Prioritätsregeln' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Brustschmerz' })).toContainText('dringend');

  const form = page.locator('form.admin-form', { has: page.getByLabel('Art') });
  await form.getByLabel('Art').selectOption({ label: 'Muster' });
  await form.getByLabel('Wert').fill('Brust(schmerz');
  await form.getByLabel('Bezeichnung').fill('Brust');
  await form.getByRole('button', { name: 'Hinzufügen' }).click();
  await expect(page.getByRole('alert')).toContainText('Das Muster ist kein gültiger regulärer Ausdruck');

  await form.getByLabel('Art').selectOption({ label: 'VIP-Nummer' });
  await form.getByLabel('Wert').fill('030 / 555 01 99');
  await form.getByLabel('Bezeichnung').fill('Pflegeheim Sonnenhof');
  await form.getByLabel('Priorität').selectOption({ label: 'hoch' });
  await form.getByRole('button', { name: 'Hinzufügen' }).click();
  await expect(page.getByText(/^Gespeichert;/)).toBeVisible();
  const vip = page.getByRole('row').filter({ hasText: 'Pflegeheim Sonnenhof' });
  await expect(vip).toContainText('+49305550199');
  await expect(vip).toContainText('hoch');

  const stamp = uniqueWord('Sonnenhof');
  appendCall({
    event_id: `e2e-rule-${stamp}`,
    received_at: new Date().toISOString(),
    caller_number: '+49 30 5550199',
    caller_name: `Pflege ${stamp}`,
    topic: 'Rückfrage zum Pflegebericht',
    priority: 'normal',
  });
  const row = page.locator('table.calls tbody tr').filter({ hasText: stamp });
  await expect(async () => {
    await page.goto(`/?q=${stamp}`);
    await page.locator('body[data-hydrated]').waitFor();
    await expect(row).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await expect(row.locator('.priority-high')).toBeVisible();
  await row.click();
  await expect(page.getByRole('dialog')).toContainText('hoch · durch Regel „Pflegeheim Sonnenhof“ (VIP-Nummer)');
  // The refused pattern's answer (422) is the one error the browser reports.
  expect(errors.filter((error) => !error.includes('422'))).toEqual([]);
});
