import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

// A second server on the same database, which this test may kill and start again while the
// first one (started by cargo leptos) keeps importing. Whatever happens while the second is
// down must be on the page once the browser has reconnected to it.
const root = resolve(__dirname, '..', '..');
// The debug build scripts/test serves; E2E_SERVER_BIN names another, e.g. target/release/server
// for `cargo leptos end-to-end --release` (a server must match the WASM bundle it serves).
const binary = process.env.E2E_SERVER_BIN
  ? resolve(root, process.env.E2E_SERVER_BIN)
  : join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'server');
const addr = `127.0.0.1:${process.env.E2E_RESTART_PORT ?? '3056'}`;

let server: ChildProcess | undefined;
// In demo mode like the first server (a start without it would retire the demo logins this
// test is logged in with), importing its one demo call from a directory of its own, so the two
// servers never read the same files.
const ownImportDir = mkdtempSync(join(tmpdir(), 'anrufe-restart-'));

async function startServer(): Promise<void> {
  if (!existsSync(binary)) throw new Error(`the server binary ${binary} is missing; run the tests through scripts/test`);
  server = spawn(binary, [], {
    cwd: root,
    env: {
      ...process.env,
      IMPORT_DIR: ownImportDir,
      DEMO_CALLS: '1',
      LEPTOS_OUTPUT_NAME: 'anrufe',
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_SITE_ADDR: addr,
    },
    stdio: 'inherit',
  });
  await expect
    .poll(async () => fetch(`http://${addr}/`).then((r) => r.status, () => 0), { timeout: 30_000 })
    .toBe(200);
}

function killServer(): void {
  server?.kill('SIGKILL');
  server = undefined;
}

test.afterAll(() => {
  killServer();
  rmSync(ownImportDir, { recursive: true, force: true });
});

test('after the server restarts the page reconnects and shows what happened meanwhile', async ({ page }) => {
  await startServer();
  await page.goto(`http://${addr}/`);
  await page.locator('body[data-hydrated]').waitFor();
  const indicator = page.getByRole('status').filter({ hasText: /Live|Offline/ });
  await expect(indicator).toHaveText('Live');

  killServer();
  await expect(indicator).toContainText('Offline');

  const name = `Während des Neustarts ${Date.now()}`;
  const dir = process.env.IMPORT_DIR;
  if (!dir) throw new Error('IMPORT_DIR must name the directory the first server imports');
  appendFileSync(join(dir, `calls-${new Date().toISOString().slice(0, 10)}.jsonl`),
    `${JSON.stringify({ received_at: new Date().toISOString(), caller_name: name, topic: 'Neustart' })}\n`);

  await startServer();
  await expect(indicator).toHaveText('Live', { timeout: 15_000 });
  await expect(page.getByText(name)).toBeVisible();
});
