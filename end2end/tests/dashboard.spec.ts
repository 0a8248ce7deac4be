import { expect, test, type Page } from '@playwright/test';
import { ADMIN, AGENT } from '../accounts';
import { appendCall } from '../practice';

async function openDashboard(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.locator('.live-online')).toBeVisible();
}

const rows = (page: Page) => page.locator('table.calls tbody tr');

test('search, quick filters and sorting narrow the table and live in the URL', async ({ page }) => {
  await openDashboard(page);
  const firstRow = await rows(page).first().getAttribute('data-id');
  await page.getByRole('link', { name: 'Weiter ›' }).click();
  await expect(rows(page).first()).not.toHaveAttribute('data-id', firstRow ?? '');
  await expect(page.locator('table.calls tbody tr.fresh')).toHaveCount(0);

  await page.getByRole('searchbox').fill('Rezept');
  await page.getByRole('searchbox').press('Enter');
  await expect(page).toHaveURL(/q=Rezept/);
  // The URL changes before the filtered rows arrive, so wait for the table itself: rows shown,
  // and every one of them about a prescription.
  const topics = () => page.locator('table.calls tbody td.topic').allTextContents();
  await expect.poll(async () => (await topics()).length).toBeGreaterThan(0);
  await expect.poll(async () => (await topics()).filter((topic) => !topic.includes('Rezept'))).toEqual([]);
  // The rows of a search, like those of the next page, are what was asked for: none is marked
  // as a call that just arrived.
  await expect(page.locator('table.calls tbody tr.fresh')).toHaveCount(0);

  await page.getByRole('link', { name: 'Offen' }).click();
  await expect(page).toHaveURL(/status=NEW%2CIN_PROGRESS/);
  await expect(page).toHaveURL(/q=Rezept/);
  await expect(page.locator('table.calls tbody tr[data-status="DONE"]')).toHaveCount(0);

  await page.goto('/?q=zzzz-niemand');
  await expect(page.getByText('Keine Anrufe zu „zzzz-niemand“.')).toBeVisible();

  await page.goto('/?from=2001-01-01&to=2001-01-02');
  await expect(page.getByText('Keine Anrufe in diesem Zeitraum.')).toBeVisible();

  await openDashboard(page, '/?sort=priority');
  await expect(rows(page).first().locator('.priority-urgent')).toBeVisible();
});

test('a line appended to the import file appears in the open page without reload', async ({ page }) => {
  await openDashboard(page);
  // Resolves with the wall-clock time of the first animation frame that shows the row. Taken
  // in the page, so Playwright's own polling round trips are not part of the figure; the
  // browser and this process read the same system clock.
  const shownAt = (name: string) =>
    page.evaluate(
      (wanted) =>
        new Promise<number>((resolve, reject) => {
          const deadline = Date.now() + 10_000;
          const check = () => {
            if (document.querySelector('table.calls tbody')?.textContent?.includes(wanted)) resolve(Date.now());
            else if (Date.now() > deadline) reject(new Error(`${wanted} did not appear within 10 s`));
            else requestAnimationFrame(check);
          };
          check();
        }),
      name,
    );

  // Each sample: append one line and wait for its row; then a pause, as between real calls.
  const delays: number[] = [];
  for (let sample = 0; sample < 20; sample++) {
    const name = `Live Test ${Date.now()}-${sample}`;
    const appended = Date.now();
    appendCall({ received_at: new Date().toISOString(), caller_name: name, caller_number: '030 5550123', topic: 'Live-Test' });
    delays.push((await shownAt(name)) - appended);
    await page.waitForTimeout(300);
  }

  delays.sort((a, b) => a - b);
  const at = (q: number) => Math.round(delays[Math.ceil(q * delays.length) - 1]);
  console.log(`append → visible in the browser over ${delays.length} lines: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`);
  // A later change (here a call from an hour ago, which sorts below) keeps the new call's mark.
  appendCall({ received_at: new Date(Date.now() - 3_600_000).toISOString(), caller_name: 'Nachgereicht', caller_number: '030 5550999', topic: 'Nachtrag' });
  await expect(page.locator('table.calls tbody')).toContainText('Nachgereicht');
  // The newest call comes first after the pinned red flags (of the demo data).
  const newest = page.locator('table.calls tbody tr:not(.pinned)').first();
  await expect(newest).toHaveClass(/fresh/);
  await expect(newest).toContainText('Live Test');
});

test('marking a call done can be undone from the toast', async ({ page }) => {
  await openDashboard(page, '/?status=NEW');
  const row = rows(page).first();
  const id = await row.getAttribute('data-id');

  await row.getByRole('button', { name: 'Erledigt' }).click();
  await expect(page.getByRole('status').getByText('„Erledigt“ gesetzt.')).toBeVisible();
  await expect(page.locator(`tr[data-id="${id}"]`)).toHaveCount(0);

  await page.getByRole('button', { name: 'Rückgängig' }).click();
  await expect(page.getByText('Rückgängig gemacht.')).toBeVisible();
  await expect(page.locator(`tr[data-id="${id}"][data-status="NEW"]`)).toHaveCount(1);
});

test('the keyboard moves, opens the drawer, adds a note and closes it', async ({ page }) => {
  await openDashboard(page);

  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.locator('tr.focused')).toHaveCount(1);
  const id = await page.locator('tr.focused').getAttribute('data-id');
  await page.keyboard.press('n');
  await expect(page).toHaveURL(new RegExp(`call=${id}`));
  await expect(page.getByRole('dialog')).toContainText(`Anruf ${id}`);
  await expect(page.getByLabel('Notiz hinzufügen')).toBeFocused();
  await page.getByLabel('Notiz hinzufügen').fill('Rückruf morgen früh vereinbart');
  await page.getByRole('button', { name: 'Notiz speichern' }).click();
  await expect(page.getByRole('dialog').locator('.note-body')).toHaveText('Rückruf morgen früh vereinbart');
  await expect(page.getByRole('dialog').locator('table.audit')).toContainText('note');

  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox')).toBeFocused();
});

test('bulk selection sets the status of every selected call', async ({ page }) => {
  await openDashboard(page, '/?status=NEW');
  const ids = [];
  for (const row of (await rows(page).all()).slice(0, 3)) {
    ids.push(await row.getAttribute('data-id'));
    await row.getByRole('checkbox').check();
  }
  await expect(page.getByText('3 ausgewählt')).toBeVisible();

  await page.getByRole('region', { name: 'Auswahl' }).getByRole('button', { name: '→ In Bearbeitung' }).click();

  await expect(page.getByText('3 Anrufe geändert.')).toBeVisible();
  for (const id of ids) {
    await expect(page.locator(`tr[data-id="${id}"]`)).toHaveCount(0);
  }
  await page.goto('/?status=IN_PROGRESS');
  for (const id of ids) {
    await expect(page.locator(`tr[data-id="${id}"]`)).toHaveCount(1);
  }
});

test('two people changing the same call: the later one sees a conflict and nothing is lost', async ({ browser }) => {
  const first = await (await browser.newContext({ storageState: AGENT.state })).newPage();
  const second = await (await browser.newContext({ storageState: ADMIN.state })).newPage();
  // The second person's live connection is down, so their page stays at the old version.
  await second.routeWebSocket(/\/live$/, () => {});
  await openDashboard(first, '/?status=NEW');
  await second.goto('/?status=NEW');
  await second.locator('body[data-hydrated]').waitFor();
  const id = await rows(first).first().getAttribute('data-id');

  await first.locator(`tr[data-id="${id}"]`).click();
  await first.getByRole('dialog').getByRole('button', { name: 'In Bearbeitung' }).click();
  await expect(first.getByText('„In Bearbeitung“ gesetzt.')).toBeVisible();

  await second.locator(`tr[data-id="${id}"]`).getByRole('button', { name: 'Erledigt' }).click();
  await expect(second.getByText('Jemand anderes hat diesen Anruf inzwischen geändert')).toBeVisible();
  await expect(second.locator(`tr[data-id="${id}"]`)).toHaveCount(0);

  await second.goto(`/?call=${id}`);
  await expect(second.getByRole('dialog').locator('.fields')).toContainText('In Bearbeitung');
});
