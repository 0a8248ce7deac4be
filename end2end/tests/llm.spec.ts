import { expect, test, type Page } from '@playwright/test';
import { ADMIN, AGENT } from '../accounts';
import { collectErrors } from '../console';
import { appendCall, secondAdmin, uniqueWord } from '../practice';

// The LLM help against the real small model of the test endpoint (scripts/test): an admin allows
// it for the phone assistant's calls and a second admin approves; the front desk asks for a
// suggestion in the drawer, sees it as a hint in the table and accepts it with one click. With
// the endpoint failing (the userIdent „aus“, which it answers with 503) the drawer says the
// service is unreachable, the admin's ledger shows what was sent without the caller's name,
// and everything else works.

async function open(page: Page, search: string): Promise<void> {
  await page.goto(`/?q=${search}`);
  await page.locator('body[data-hydrated]').waitFor();
}

test.describe('as the admin', () => {
  test.use({ storageState: ADMIN.state });

  test('the front desk accepts a suggestion, and an unreachable service is said plainly', async ({ page, browser }) => {
    // Two approvals, two logins and the model's answers on a busy CI machine.
    test.setTimeout(180_000);
    await page.goto('/admin/compliance');
    await page.locator('body[data-hydrated]').waitFor();
    await page.getByRole('tab', { name: 'Quellen' }).click();
    await page.getByRole('row').filter({ hasText: 'phone' }).getByRole('checkbox', { name: 'LLM' }).check();
    await page.getByRole('button', { name: 'Als Entwurf speichern' }).click();
    await expect(page.getByText(/Entwurf \(Version \d+\) gespeichert\./)).toBeVisible();
    const other = await secondAdmin(page, browser, 'KI Prüferin');
    await other.goto('/admin/compliance');
    await other.locator('body[data-hydrated]').waitFor();
    await other.getByRole('tab', { name: 'Versionen' }).click();
    await other.getByRole('row').filter({ hasText: 'Entwurf' }).getByRole('button', { name: 'Freigeben' }).click();
    await expect(other.getByText(/Version \d+ ist freigegeben und aktiv\./)).toBeVisible();

    // A surname of its own to find the call by. Redaction replaces it, so the model is asked the
    // same in every run.
    const stamp = uniqueWord('Vorschlag');
    appendCall({
      event_id: `e2e-llm-${stamp}`,
      received_at: new Date().toISOString(),
      caller_number: '+49 30 5556667',
      caller_name: `Hanna ${stamp}`,
      topic: `Frau ${stamp} braucht ein Rezept für Ibuprofen 600`,
    });

    const desk = await (await browser.newContext({ storageState: AGENT.state })).newPage();
    const errors = collectErrors(desk);
    const row = desk.locator('table.calls tbody tr').filter({ hasText: stamp });
    await expect(async () => {
      await open(desk, stamp);
      await expect(row).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30_000 });
    await row.click();
    const drawer = desk.getByRole('dialog');
    await expect(drawer.getByText('Noch kein Vorschlag.')).toBeVisible();
    await drawer.getByRole('button', { name: 'Vorschlagen' }).click();
    const accept = drawer.getByRole('button', { name: 'Übernehmen' });
    await expect(accept).toBeVisible({ timeout: 60_000 });
    await expect(drawer.locator('.suggestion-summary')).not.toBeEmpty();
    await expect(drawer.getByText(/Vorschlag von smollm2-135m/)).toBeVisible();
    await expect(row.locator('.llm-hint')).toContainText('KI:');
    const category = (await drawer.locator('.suggestion dl dd').first().innerText()).trim();
    await accept.click();
    await expect(drawer.getByText('✓ Übernommen')).toBeVisible();
    await expect(row.locator('.category')).toHaveText(category);
    await expect(row.locator('.llm-hint')).toHaveCount(0);
    expect(errors).toEqual([]);

    await page.goto('/admin');
    await page.locator('body[data-hydrated]').waitFor();
    const ident = page.getByLabel('userIdent (KI-Dienst) KI Prüferin');
    await ident.fill('aus');
    await ident.press('Tab');
    await expect(page.getByText('Gespeichert.')).toBeVisible();

    await open(other, stamp);
    await other.locator('table.calls tbody tr').filter({ hasText: stamp }).click();
    const drawer2 = other.getByRole('dialog');
    await drawer2.getByRole('button', { name: 'Erneut vorschlagen' }).click();
    await expect(drawer2.getByText('KI-Dienst nicht erreichbar. Alles andere funktioniert wie gewohnt.')).toBeVisible({ timeout: 30_000 });
    await drawer2.getByText(/Anfragen an den KI-Dienst \(2\)/).click();
    const ledger = drawer2.locator('.llm-ledger');
    await expect(ledger).toContainText('nicht erreichbar');
    await expect(ledger).toContainText('[NAME] braucht ein Rezept');
    await expect(ledger).not.toContainText(stamp);
    await drawer2.getByLabel('Notiz hinzufügen').fill('Rückruf erledigt');
    await drawer2.getByRole('button', { name: 'Notiz speichern' }).click();
    await expect(other.getByText('Notiz gespeichert.')).toBeVisible();
  });
});
