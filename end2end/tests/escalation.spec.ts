import { expect, test } from '@playwright/test';
import { ADMIN } from '../accounts';
import { collectErrors } from '../console';
import { appendCall, uniqueWord } from '../practice';

// A red-flag call from days ago that nobody took: it is pinned on top of the desk, escalated
// once the (shortened) escalation time has passed, named in the banner and in a browser
// notification (allowed here) that names nobody, and a bulk „Erledigt“ that includes it asks
// first.

test.use({ storageState: ADMIN.state, permissions: ['notifications'] });

// Records every notification the page shows, before the browser shows it.
function recordNotifications(): void {
  const shown: { title: string; body: string }[] = [];
  (window as unknown as { notified: typeof shown }).notified = shown;
  window.Notification = class extends window.Notification {
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body ?? '' });
      super(title, options);
    }
  };
}

test('a forgotten red-flag call is pinned, escalated, and not marked done by accident', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.addInitScript(recordNotifications);
  await page.goto('/admin/rules');
  await page.locator('body[data-hydrated]').waitFor();
  const settings = page.locator('form.admin-form', { has: page.getByLabel('Eskalieren nach (Minuten)') });
  await expect(settings.getByLabel('Eskalieren nach (Minuten)')).toHaveValue('10');
  await settings.getByLabel('Eskalieren nach (Minuten)').fill('1');
  await settings.getByRole('button', { name: 'Speichern' }).click();
  await expect(page.getByText('Gespeichert: dringende Anrufe eskalieren nach einer Minute.')).toBeVisible();

  const stamp = uniqueWord('Warnzeichen');
  const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
  appendCall({
    event_id: `e2e-escalation-${stamp}`,
    received_at: threeDaysAgo.toISOString(),
    caller_number: '+49 30 5550123',
    caller_name: `Vergessen ${stamp}`,
    topic: 'Atemnot beim Treppensteigen, seit gestern schlimmer',
  });

  // Older than every other call, yet on the first page of the desk: pinned.
  const row = page.locator('table.calls tbody tr').filter({ hasText: stamp });
  await expect(async () => {
    await page.goto('/');
    await page.locator('body[data-hydrated]').waitFor();
    await expect(row).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await expect(row).toHaveClass(/pinned/);
  await expect(row.locator('.badge-red-flag')).toHaveText('Warnzeichen');

  // The escalation job runs every half minute; the live table shows its change.
  await expect(row.locator('.badge-escalated')).toHaveText('Eskaliert', { timeout: 75_000 });
  const banner = page.locator('.escalation-banner');
  await expect(banner).toContainText('seit über einer Minute');
  const notified = () => page.evaluate(() => (window as unknown as { notified: { title: string; body: string }[] }).notified);
  await expect.poll(async () => (await notified()).length).toBeGreaterThan(0);
  for (const { title, body } of await notified()) {
    expect(title).toBe('Anrufe: dringender Anruf wartet');
    for (const personal of [stamp, 'Vergessen', 'Atemnot', '5550123']) {
      expect(`${title} ${body}`).not.toContain(personal);
    }
  }

  // Marking it done with others asks first; „Abbrechen“ leaves it open.
  await row.getByRole('checkbox').check();
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.locator('.bulk-bar').getByRole('button', { name: '→ Erledigt' }).click();
  await expect.poll(() => asked).toContain('klinischem Warnzeichen');
  await expect(row.locator('.badge.status-new')).toBeVisible();

  page.once('dialog', (dialog) => void dialog.accept());
  await page.locator('.bulk-bar').getByRole('button', { name: '→ Erledigt' }).click();
  await expect(page.locator('table.calls tbody tr.pinned').filter({ hasText: stamp })).toHaveCount(0);

  await page.goto('/admin/rules');
  await page.locator('body[data-hydrated]').waitFor();
  await settings.getByLabel('Eskalieren nach (Minuten)').fill('10');
  await settings.getByRole('button', { name: 'Speichern' }).click();
  await expect(page.getByText('Gespeichert: dringende Anrufe eskalieren nach 10 Minuten.')).toBeVisible();
  expect(errors).toEqual([]);
});
