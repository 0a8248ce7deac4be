import { expect, test } from '@playwright/test';
import { AGENT } from '../accounts';
import { collectErrors } from '../console';
import { appendCall, uniqueWord } from '../practice';

// Someone rings three times within half an hour: the desk shows one row with „3×“ and the
// newest concern, the drawer lists the two before, „Erledigt“ on the row closes all three, and
// Undo opens all three again.

test.use({ storageState: AGENT.state });

test('three calls from one number are one row, closed and reopened together', async ({ page }) => {
  const errors = collectErrors(page);
  const stamp = uniqueWord('Wiederholt');
  const number = `+49 30 9${String(Date.now()).slice(-6)}`;
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  for (const [minutes, concern] of [[30, 'Termin'], [15, 'Termin, bitte Rückruf'], [1, 'Noch einmal: Termin']] as const) {
    appendCall({
      event_id: `e2e-repeat-${stamp}-${minutes}`,
      received_at: minutesAgo(minutes),
      caller_number: number,
      caller_name: `Anna ${stamp}`,
      topic: `${concern} ${stamp}`,
    });
  }

  const rows = page.locator('table.calls tbody tr').filter({ hasText: stamp });
  await expect(async () => {
    await page.goto('/');
    await page.locator('body[data-hydrated]').waitFor();
    await expect(rows.locator('.badge-repeats')).toHaveText('3×', { timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(`Noch einmal: Termin ${stamp}`);

  await rows.click();
  const drawer = page.getByRole('dialog');
  const others = drawer.locator('section.repeats li');
  await expect(drawer.getByRole('heading', { name: 'Weitere offene Anrufe dieser Nummer' })).toBeVisible();
  await expect(others).toHaveCount(2);
  await expect(others.first()).toContainText(`Termin, bitte Rückruf ${stamp}`);
  await page.keyboard.press('Escape');

  await rows.getByRole('button', { name: 'Erledigt' }).click();
  await expect(page.getByRole('status').getByText('3 Anrufe erledigt.')).toBeVisible();
  await expect(rows.locator('.badge-repeats')).toHaveCount(0);
  await expect(rows.locator('.badge.status-done')).toHaveCount(3);

  await page.getByRole('button', { name: 'Rückgängig' }).click();
  await expect(page.getByText('Rückgängig gemacht.')).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(rows.locator('.badge-repeats')).toHaveText('3×');
  await expect(rows.locator('.badge.status-new')).toBeVisible();
  expect(errors).toEqual([]);
});
