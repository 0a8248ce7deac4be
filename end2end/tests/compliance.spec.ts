import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN } from '../accounts';
import { appendCall, secondAdmin } from '../practice';
import { collectErrors } from '../console';

// The compliance area: one admin adds a source and drafts a PII rule (checked and tried as it is
// typed), cannot approve it herself, a second admin approves it, and the next line of the phone
// assistant that matches it is blocked and shows up in the log without its content, in the CSV
// download and in the report; the approval is in the policy's own log.

const RULE = 'Kontodaten';
const WORD = 'Kontonummer';

async function openCompliance(page: Page): Promise<void> {
  await page.goto('/admin/compliance');
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('heading', { name: 'Compliance', exact: true })).toBeVisible();
}

test.describe('as the admin', () => {
  test.use({ storageState: ADMIN.state });

  test('a rule drafted by one admin and approved by another blocks the next matching line', async ({ page, browser }) => {
    // Two logins and a line to import: more than the default 30 s on a busy CI machine.
    test.setTimeout(90_000);
    const errors = collectErrors(page);
    await openCompliance(page);
    await expect(page.getByText('Prüfliste für Auditoren')).toBeVisible();
    await expect(page.getByText('Operationsmatrix zeigt Training = verboten')).toBeVisible();

    await page.getByRole('tab', { name: 'Quellen' }).click();
    const newSource = page.locator('form.new-source');
    await newSource.getByLabel('Name').fill('Webformular');
    await newSource.getByLabel('Kennung').fill('Web Formular');
    await newSource.getByRole('button', { name: 'Quelle hinzufügen' }).click();
    await expect(page.locator('.state-error')).toContainText('Kleinbuchstaben');
    await newSource.getByLabel('Kennung').fill('webformular');
    await newSource.getByLabel('Rechtsgrundlage').fill('Art. 6 Abs. 1 lit. b DSGVO');
    await newSource.getByRole('button', { name: 'Quelle hinzufügen' }).click();
    await expect(page.getByRole('row').filter({ hasText: 'webformular' })).toContainText('Webformular');

    await page.getByRole('tab', { name: 'PII-Regeln' }).click();
    await page.getByLabel('Regeln testen').fill('Rückruf 0171 1234567, Konto DE02 1203 0000 0000 2020 51');
    await expect(page.locator('.pii-count')).toHaveText('2 Treffer');
    await expect(page.locator('mark.pii-redact')).toHaveText('DE02 1203 0000 0000 2020 51');

    const form = page.locator('form.new-rule');
    await form.getByLabel('Name').fill(RULE);
    await form.getByLabel('Ersatztext').fill('KONTO');
    await form.getByLabel('Muster').fill('(unclosed');
    await expect(form.getByRole('alert')).toContainText('does not compile');
    await expect(form.getByRole('button', { name: 'Regel hinzufügen' })).toBeDisabled();
    await form.getByLabel('Art').selectOption({ label: 'Stichwort' });
    await form.getByLabel('Muster').fill(WORD);
    await form.getByRole('button', { name: 'Regel hinzufügen' }).click();
    await expect(page.getByRole('row').filter({ hasText: RULE })).toBeVisible();
    await page.getByLabel('Regeln testen').fill(`Bitte die ${WORD} ändern`);
    await expect(page.locator('mark.pii-block')).toHaveText(WORD);

    await page.getByRole('button', { name: 'Als Entwurf speichern' }).click();
    await expect(page.getByText(/Entwurf \(Version \d+\) gespeichert\./)).toBeVisible();

    await page.getByRole('tab', { name: 'Versionen' }).click();
    const draft = page.getByRole('row').filter({ hasText: 'Entwurf' });
    await expect(draft).toContainText(`Regel „${RULE}“ hinzugefügt`);
    await expect(draft).toContainText('Quelle webformular hinzugefügt');
    await expect(draft).toContainText('Freigeben muss eine andere Admin-Person');
    await draft.getByRole('button', { name: 'Freigeben' }).click();
    await expect(page.getByRole('alert')).toContainText('Vier-Augen-Prinzip');

    const other = await secondAdmin(page, browser);
    await openCompliance(other);
    await other.getByRole('tab', { name: 'Versionen' }).click();
    await other.getByRole('row').filter({ hasText: 'Entwurf' }).getByRole('button', { name: 'Freigeben' }).click();
    await expect(other.getByText(/Version \d+ ist freigegeben und aktiv\./)).toBeVisible();

    appendCall({
      event_id: `e2e-pii-${Date.now()}`,
      received_at: new Date().toISOString(),
      caller_number: '+49 30 7654321',
      caller_name: 'Gesperrt Test',
      topic: `Neue ${WORD} für die Abbuchung`,
    });
    await other.getByRole('tab', { name: 'Protokoll' }).click();
    const blocked = other.getByRole('row').filter({ hasText: 'pii_blocked' });
    await expect(async () => {
      await other.getByRole('button', { name: 'Anzeigen' }).click();
      await expect(blocked.first()).toContainText(RULE, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(other.locator('body')).not.toContainText(WORD);
    const approval = other.getByRole('row').filter({ hasText: 'Richtlinie freigegeben' }).first();
    await expect(approval).toContainText('Zweite Admin');
    const [csv] = await Promise.all([
      other.waitForEvent('download'),
      other.getByRole('link', { name: 'CSV' }).last().click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^anrufe-blockierte-inhalte-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await csv.path(), 'utf8').split('\n');
    expect(lines[0]).toBe('occurred_at,source,reason,operation,rule,policy_version,actor,file_name,line_number');
    expect(lines.some((line) => line.includes(`,phone,pii_blocked,,${RULE},`))).toBe(true);
    expect(lines.join('\n')).not.toContain(WORD);

    // The report of today names the new version's change and counts the refusal.
    await other.getByRole('tab', { name: 'Übersicht' }).click();
    const [download] = await Promise.all([
      other.waitForEvent('download'),
      other.getByRole('link', { name: 'Bericht als JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^anrufe-compliance-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.json$/);
    const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(report.schema).toBe('anrufe.compliance-report.v1');
    expect(JSON.stringify(report.changes)).toContain(RULE);
    expect(report.blocked.by_reason).toContainEqual(expect.objectContaining({ key: 'pii_blocked' }));
    await other.close();
    expect(errors.filter((error) => !error.includes('422'))).toEqual([]);
  });
});
