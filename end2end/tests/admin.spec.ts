import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ADMIN } from '../accounts';
import { collectErrors } from '../console';

// The admin area (users, API tokens, masking, audit log) and what masking means for the front
// desk: masked fields in the table, revealed in the drawer with a reason.

function psql(sql: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name the database the server under test uses');
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]).toString().trim();
}

// The date of birth the phone assistant delivered for `eventId` (DD.MM.YYYY), read from the call
// files: the database holds it only sealed.
function deliveredBirth(eventId: string): string {
  const dir = process.env.IMPORT_DIR;
  if (!dir) throw new Error('IMPORT_DIR must name the directory the server under test imports');
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.includes(`"${eventId}"`)) continue;
      const birth: string = JSON.parse(line).date_of_birth;
      const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth);
      return iso ? `${iso[3]}.${iso[2]}.${iso[1]}` : birth;
    }
  }
  throw new Error(`no call file holds ${eventId}`);
}

test.describe('as the admin', () => {
  test.use({ storageState: ADMIN.state });

  test('adds a colleague, makes a token shown once, revokes it and finds it all in the log', async ({ page }) => {
    const errors = collectErrors(page);
    const email = `kollegin-${Date.now()}@praxis.example`;
    await page.goto('/');
    await page.getByRole('link', { name: 'Verwaltung' }).click();
    await expect(page).toHaveURL(/\/admin$/);
    await page.locator('body[data-hydrated]').waitFor();
    await expect(page.getByRole('heading', { name: 'Benutzer', exact: true })).toBeVisible();

    await page.getByLabel('Name', { exact: true }).fill('Kollegin Test');
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Erstes Passwort (mind. 12 Zeichen)').fill('ein-langes-passwort');
    await page.getByRole('button', { name: 'Benutzer anlegen' }).click();
    await expect(page.getByText('Benutzer angelegt.')).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: email });
    await expect(row).toContainText('aktiv');

    // An admin account joins the practice account (OIDC) only with an admin's leave.
    const adminRow = page.getByRole('row').filter({ hasText: ADMIN.email });
    await adminRow.getByRole('button', { name: 'Praxis-Konto erlauben' }).click();
    await expect(page.getByText('Verbindung mit dem Praxis-Konto für 24 Stunden erlaubt.')).toBeVisible();
    await expect(adminRow).toContainText('Praxis-Konto erlaubt bis');

    // A tab's code is fetched when it is opened; until then the last tab stays on the page.
    await page.getByRole('link', { name: 'API-Tokens' }).click();
    await expect(page.getByRole('heading', { name: 'API-Tokens', level: 2 })).toBeVisible();
    await page.getByLabel('Name').fill('Praxissoftware E2E');
    // A token acts as its maker or a service account (the demo has none), never as a colleague.
    const actsAs = page.getByLabel('Handelt als');
    await expect(actsAs).toContainText('Sie selbst');
    await expect(actsAs.locator('option')).toHaveCount(1);
    await page.getByLabel('Wofür').selectOption({ label: 'nur Metriken (/metrics)' });
    await page.getByRole('button', { name: 'Token erstellen' }).click();
    const secret = page.locator('.secret input');
    await expect(secret).toHaveValue(/^anrufe_[0-9a-f]{64}$/);
    const tokenRow = page.getByRole('row').filter({ hasText: 'Praxissoftware E2E' });
    await expect(tokenRow).toContainText('aktiv bis');
    await expect(tokenRow).toContainText('nur Metriken');

    page.once('dialog', (dialog) => dialog.accept());
    await tokenRow.getByRole('button', { name: 'Widerrufen' }).click();
    await expect(page.getByText('Token widerrufen.')).toBeVisible();
    await expect(tokenRow).toContainText('widerrufen');

    await page.getByRole('link', { name: 'Audit-Protokoll' }).click();
    await expect(page.getByRole('heading', { name: 'Audit-Protokoll', level: 2 })).toBeVisible();
    await page.getByLabel('Aktion').selectOption({ label: 'Token widerrufen' });
    await page.getByRole('button', { name: 'Anwenden' }).click();
    await expect(page).toHaveURL(/action=token_revoked/);
    await expect(page.locator('table.admin-table tbody tr').first()).toContainText('Praxis-Admin (Demo)');
    await expect(page.getByRole('link', { name: 'CSV' })).toHaveAttribute('href', /format=csv&action=token_revoked/);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'CSV' }).click();
    const csv = await download;
    expect(csv.suggestedFilename()).toMatch(/^anrufe-audit-.*\.csv$/);
    expect(errors).toEqual([]);
  });

  test('masking settings are saved and audited', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('/admin/masking');
    await page.locator('body[data-hydrated]').waitFor();
    const number = page.getByRole('group', { name: 'Nummer' });
    await expect(number.getByLabel('sichtbar')).toBeChecked();
    await number.getByLabel(/^teilweise/).check();
    await page.getByRole('button', { name: 'Speichern' }).click();
    await expect(page.getByText('Maskierung gespeichert.')).toBeVisible();
    expect(psql("select level from pii_masking where field = 'caller_number'")).toBe('partial');
    expect(psql("select diff ->> 'caller_number' from actions_audit where action_type = 'masking_changed' order by chain_position desc limit 1"))
      .toBe('{"new": "partial", "old": "visible"}');
    await page.reload();
    await expect(page.getByRole('group', { name: 'Nummer' }).getByLabel(/^teilweise/)).toBeChecked();
    psql("update pii_masking set level = 'visible' where field = 'caller_number'");
    expect(errors).toEqual([]);
  });

  test('erases a call from the drawer after a confirmation that names what goes', async ({ page }) => {
    const errors = collectErrors(page);
    const id = psql(`insert into calls (event_id, received_at, caller_name, caller_number, topic, raw_payload, content_hash)
      values ('e2e-erase-' || gen_random_uuid(), now() - interval '5 minutes', 'Erika Löschmich', '+49301112233',
              'Rezept', '{}', '\\x00') returning id`);
    psql(`insert into notes (call_id, body) values (${id}, 'Bitte zurückrufen')`);
    await page.goto(`/?call=${id}`);
    await page.locator('body[data-hydrated]').waitFor();
    const drawer = page.getByRole('dialog');
    await expect(drawer.getByText('Erika Löschmich')).toBeVisible();
    await drawer.getByRole('button', { name: 'Diesen Anruf löschen …' }).click();
    await expect(drawer.getByRole('alert')).toContainText('Bitte einen Grund mit 3 bis 500 Zeichen');
    await drawer.getByLabel('Grund (wird protokolliert)').fill('Löschantrag nach Art. 17');
    await drawer.getByRole('button', { name: 'Diesen Anruf löschen …' }).click();
    const confirmation = drawer.getByRole('alertdialog');
    await expect(confirmation).toContainText('Endgültig gelöscht wird dieser Anruf mit 0 Statuseinträgen, 1 Notizen');
    await confirmation.getByRole('button', { name: 'Endgültig löschen' }).click();
    await expect(page.getByText('Gelöscht: 1 Anruf und alles dazu.')).toBeVisible();
    await expect(drawer).toBeHidden();
    expect(psql(`select count(*) from calls where id = ${id}`)).toBe('0');
    expect(psql(`select diff ->> 'reason' from actions_audit where action_type = 'dsgvo_erased' order by chain_position desc limit 1`))
      .toBe('Löschantrag nach Art. 17');
    expect(errors).toEqual([]);
  });

  test('the Aufbewahrung tab shows the purge that ran at start and what is overdue now', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('/admin');
    await page.locator('body[data-hydrated]').waitFor();
    await page.getByRole('link', { name: 'Aufbewahrung' }).click();
    await expect(page.getByRole('heading', { name: 'Aufbewahrung' })).toBeVisible();
    await expect(page.getByText('0 Datensätze älter als 30 Tage.')).toBeVisible();
    const run = page.getByRole('row').filter({ hasText: 'beim Start' });
    await expect(run).toContainText('erfolgreich');
    await expect(page.getByText('Nächster Löschlauf')).toBeVisible();
    // The server backed up at start and drilled the backup (scripts/test gives it BACKUP_DIR and
    // a drill identity); both may still be running when the page first loads.
    await expect(async () => {
      await page.reload();
      await expect(page.locator('.backup-last')).toContainText(/anrufe-backup-\d{8}T\d{6}Z\.age/, { timeout: 1000 });
      await expect(page.locator('.backup-drill')).toContainText('stimmt mit der Sicherung überein', { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);

    const id = psql(`insert into calls (event_id, received_at, topic, raw_payload, content_hash)
      values ('e2e-alt', now() - interval '31 days', 'Rezept', '{}', '\\x00') returning id`);
    try {
      await page.reload();
      await expect(page.getByRole('alert')).toHaveText(
        '1 Datensatz ist älter als 30 Tage: Der Löschlauf ist überfällig oder schlägt fehl.');
    } finally {
      psql(`delete from calls where id = ${id}`);
    }
    expect(errors).toEqual([]);
  });
});

test('the front desk sees the date of birth masked and reveals it with a reason', async ({ page }) => {
  const errors = collectErrors(page);
  const id = psql('select id from calls where date_of_birth_sealed is not null order by received_at desc limit 1');
  const born = deliveredBirth(psql(`select event_id from calls where id = ${id}`));
  await page.goto(`/?call=${id}`);
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.locator(`tr[data-id="${id}"] .masked`)).toHaveText('•••');
  await expect(page.locator('body')).not.toContainText(born);

  const drawer = page.getByRole('dialog');
  await drawer.getByRole('button', { name: 'Aufdecken' }).click();
  await drawer.getByLabel('Grund').fill('Rückruf: Identität prüfen');
  await drawer.getByRole('button', { name: 'Aufdecken' }).click();
  await expect(drawer.locator('.revealed')).toHaveText(born);
  // The drawer fetches again so its audit list shows the reveal, and the value stays shown.
  await expect(drawer.getByRole('region', { name: 'Protokoll', exact: true })).toContainText('Feld aufgedeckt');
  await expect(drawer.locator('.revealed')).toHaveText(born);
  expect(psql(`select count(*) from pii_reveals where call_id = ${id} and reason = 'Rückruf: Identität prüfen'`)).toBe('1');

  const admin = await page.request.get('/admin');
  expect(admin.status()).toBe(403);
  expect(errors).toEqual([]);
});
