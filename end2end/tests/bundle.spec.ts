import { expect, test, type Browser } from '@playwright/test';
import { ADMIN, AGENT } from '../accounts';
import { collectErrors } from '../console';

// What a browser loads first, and how soon the page answers: the front desk's call list must
// not fetch the drawer's or the admin area's code (the drawer is a lazy function, the admin tabs
// are lazy routes, each split into WASM chunks of their own by `cargo leptos build --split`); a
// call opened by its link and an admin tab must fetch their chunk and work, whether loaded first
// or reached by a click. Prints the WASM bytes over the wire and the time
// from the page's arrival to hydration (a fresh browser profile each time, so nothing comes from
// cache), here and over a practice's DSL line (16 Mbit/s, 20 ms, as Chromium emulates it).

const SAMPLES = 10;
const DSL = { offline: false, latency: 20, downloadThroughput: 2_000_000, uploadThroughput: 250_000 };

declare global {
  interface Window {
    hydratedAt?: number;
  }
}

interface FirstLoad {
  // From the end of the page's response to `<body data-hydrated>`.
  hydratedAfter: number;
  wasm: { name: string; bytes: number }[];
}

// Opens `path` in a fresh context logged in as `state`, over `network` if given, and reports when
// the page hydrated and the WASM it fetched.
async function firstLoad(
  browser: Browser,
  state: string,
  path: string,
  network?: typeof DSL,
): Promise<FirstLoad> {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  const errors = collectErrors(page);
  if (network) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', network);
  }
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.body?.hasAttribute('data-hydrated')) return;
      window.hydratedAt = performance.now();
      observer.disconnect();
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  await page.goto(path);
  await page.locator('body[data-hydrated]').waitFor();
  const load = await page.evaluate(() => ({
    hydratedAfter:
      (window.hydratedAt ?? NaN) -
      (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseEnd,
    wasm: performance
      .getEntriesByType('resource')
      .filter((entry) => new URL(entry.name).pathname.endsWith('.wasm'))
      .map((entry) => ({
        name: new URL(entry.name).pathname,
        bytes: (entry as PerformanceResourceTiming).encodedBodySize,
      })),
  }));
  expect(errors).toEqual([]);
  await context.close();
  return load;
}

function percentiles(millis: number[]): string {
  const sorted = [...millis].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return `p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms over ${sorted.length}`;
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

test('the call list loads only the main bundle and hydrates soon', async ({ browser }) => {
  test.setTimeout(120_000);
  const loads: FirstLoad[] = [];
  for (let round = 0; round < SAMPLES; round += 1) {
    loads.push(await firstLoad(browser, AGENT.state, '/'));
  }
  const overDsl: FirstLoad[] = [];
  for (let round = 0; round < SAMPLES / 2; round += 1) {
    overDsl.push(await firstLoad(browser, AGENT.state, '/', DSL));
  }
  for (const load of [...loads, ...overDsl]) {
    expect(load.wasm.map((file) => file.name)).toEqual(['/pkg/anrufe.wasm']);
  }
  console.log(
    `call list, first load: ${kilobytes(loads[0].wasm[0].bytes)} of WASM over the wire; page to ` +
      `hydrated ${percentiles(loads.map((load) => load.hydratedAfter))}, over DSL ` +
      percentiles(overDsl.map((load) => load.hydratedAfter)),
  );
});

test('a call opened by its link fetches the drawer chunk, and the drawer works', async ({ browser }) => {
  const context = await browser.newContext({ storageState: AGENT.state });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto('/');
  const id = await page.locator('table.calls tbody tr').first().getAttribute('data-id');
  await page.goto(`/?call=${id}`);
  await page.locator('body[data-hydrated]').waitFor();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByRole('heading', { name: `Anruf ${id}` })).toBeVisible();
  const fetched = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname),
  );
  expect(fetched.filter((path) => path.includes('lazy_drawer'))).toHaveLength(1);
  await drawer.getByRole('button', { name: 'Schließen (Esc)' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page).not.toHaveURL(/call=/);
  expect(errors).toEqual([]);
  await context.close();
});

test('an admin tab fetches its own chunk, loaded first or reached by a click', async ({ browser }) => {
  test.setTimeout(60_000);
  const direct = await firstLoad(browser, ADMIN.state, '/admin/audit');
  const chunks = direct.wasm.filter((file) => file.name !== '/pkg/anrufe.wasm');
  expect(chunks.length).toBeGreaterThan(0);
  console.log(
    `admin audit tab, first load: ${kilobytes(direct.wasm.reduce((sum, file) => sum + file.bytes, 0))} ` +
      `of WASM in ${direct.wasm.length} files; page to hydrated ${direct.hydratedAfter.toFixed(0)} ms`,
  );

  const context = await browser.newContext({ storageState: ADMIN.state });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto('/');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('link', { name: 'Verwaltung' }).click();
  await expect(page.getByRole('heading', { name: 'Benutzer', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Auswertung' }).click();
  await expect(page).toHaveURL(/\/admin\/report$/);
  await expect(page.getByRole('heading', { name: 'Auswertung', exact: true })).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});
