import { expect, test, type Page } from '@playwright/test';

// What the front desk feels, measured in the browser and printed: how soon a search shows its
// first screenful of rows after Enter and then the rest of its page, how soon „Erledigt“ shows
// on its row, and how soon the server confirms it.
// The figures are those of the server under test (scripts/test: the demo practice; README,
// "Benchmarks", for running this file against a million calls). The test fails only when
// the page does not do what is measured, or takes far longer than the goals (100 ms for a
// search, the same frame for „Erledigt“, 50 ms for its confirmation), which a slow CI machine
// must not trip over.

const SAMPLES = 20;
const TERMS = ['Rezept', 'Termin', 'Überweisung', 'Befund'];

declare global {
  interface Window {
    measured?: Promise<number> | Promise<[number, number]>;
    // Whether „Erledigt“ was on its row before the browser drew its next frame.
    beforeNextFrame?: boolean;
  }
}

function percentiles(millis: number[]): string {
  const sorted = [...millis].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms over ${sorted.length}`;
}

async function openDashboard(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.locator('.live-online')).toBeVisible();
}

test('a search shows its rows soon after Enter', async ({ page }) => {
  test.setTimeout(120_000);
  await openDashboard(page, '/');
  const box = page.getByRole('searchbox');
  // A screenful of rows comes in one frame, the rest of the page in the next: both are timed.
  const firstRows: number[] = [];
  const allRows: number[] = [];
  for (let round = 0; round < SAMPLES; round += 1) {
    const term = TERMS[round % TERMS.length];
    // Typed as a person types, so that Enter does not land in the frame still drawing the last
    // search's rows (a `fill` right after them measured that frame too: p50 139 against 85 ms).
    await box.clear();
    await box.pressSequentially(term, { delay: 20 });
    // From the Enter key to the frame after the table holds only rows about the term, and to
    // the frame after it holds as many as the count line above it says („50 von …“).
    await page.evaluate((term) => {
      const input = document.querySelector('input[type="search"]') as HTMLInputElement;
      window.measured = new Promise<[number, number]>((resolve) => {
        input.addEventListener(
          'keydown',
          (pressed) => {
            let first: number | undefined;
            const frameAfter = (then: (millis: number) => void) =>
              requestAnimationFrame(() => then(performance.now() - pressed.timeStamp));
            const observer = new MutationObserver(() => {
              const topics = [...document.querySelectorAll('table.calls tbody td.topic')];
              if (topics.length === 0 || !topics.every((cell) => cell.textContent?.includes(term))) return;
              if (first === undefined) {
                first = NaN;
                frameAfter((millis) => (first = millis));
              }
              const meta = document.querySelector('.table-meta')?.textContent ?? '';
              if (topics.length < parseInt(meta, 10)) return;
              observer.disconnect();
              frameAfter((millis) => resolve([first as number, millis]));
            });
            observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          },
          { once: true, capture: true },
        );
      });
    }, term);
    await box.press('Enter');
    const [first, all] = await page.evaluate(() => window.measured as Promise<[number, number]>);
    firstRows.push(first);
    allRows.push(all);
  }
  console.log(`search, Enter to its first screenful of rows shown: ${percentiles(firstRows)}`);
  console.log(`search, Enter to all rows of its page shown: ${percentiles(allRows)}`);
  expect(firstRows.every((millis) => millis > 0)).toBe(true);
  expect(Math.max(...allRows)).toBeLessThan(2_000);
});

test('„Erledigt“ shows on its row in the same frame, and the server confirms it soon', async ({ page }) => {
  test.setTimeout(120_000);
  await openDashboard(page, '/?status=NEW');
  const shownAfter: number[] = [];
  const confirmedAfter: number[] = [];
  let inSameFrame = 0;
  for (let round = 0; round < SAMPLES; round += 1) {
    const row = page.locator('table.calls tbody tr[data-status="NEW"]:not(.restricted)').first();
    const id = await row.getAttribute('data-id');
    // From the click to the row showing „Erledigt“, and to the server's answer arriving.
    await page.evaluate((id) => {
      const button = document.querySelector(`tr[data-id="${id}"] td.row-actions button`) as HTMLElement;
      window.measured = new Promise<number>((resolve) => {
        button.addEventListener(
          'click',
          (clicked) => {
            const tr = document.querySelector(`tr[data-id="${id}"]`) as HTMLElement;
            let framesDrawn = 0;
            requestAnimationFrame(() => {
              framesDrawn += 1;
            });
            const observer = new MutationObserver(() => {
              if (tr.dataset.status !== 'DONE') return;
              observer.disconnect();
              window.beforeNextFrame = framesDrawn === 0;
              resolve(performance.now() - clicked.timeStamp);
            });
            observer.observe(tr, { attributes: true, attributeFilter: ['data-status'] });
            const answers = new PerformanceObserver((list) => {
              const answer = list.getEntries().find((entry) => entry.name.includes('/api/set_call_status'));
              if (!answer) return;
              answers.disconnect();
              (window as unknown as { confirmed: number }).confirmed =
                (answer as PerformanceResourceTiming).responseEnd - clicked.timeStamp;
            });
            answers.observe({ type: 'resource' });
          },
          { once: true, capture: true },
        );
      });
    }, id);
    await row.getByRole('button', { name: 'Erledigt' }).click();
    shownAfter.push(await page.evaluate(() => window.measured as Promise<number>));
    if (await page.evaluate(() => window.beforeNextFrame)) inSameFrame += 1;
    await expect(page.getByRole('status').getByText('„Erledigt“ gesetzt.')).toBeVisible();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { confirmed?: number }).confirmed))
      .toBeGreaterThan(0);
    confirmedAfter.push(
      await page.evaluate(() => {
        const holder = window as unknown as { confirmed?: number };
        const confirmed = holder.confirmed ?? NaN;
        delete holder.confirmed;
        return confirmed;
      }),
    );
    // Put the call back, so that the other tests find the practice as it was.
    await page.getByRole('button', { name: 'Rückgängig' }).click();
    await expect(page.getByText('Rückgängig gemacht.')).toBeVisible();
    await expect(page.locator(`tr[data-id="${id}"][data-status="NEW"]`)).toHaveCount(1);
  }
  console.log(
    `„Erledigt“, click to shown on the row: ${percentiles(shownAfter)}; ` +
      `before the next frame ${inSameFrame} times of ${SAMPLES}`,
  );
  console.log(`„Erledigt“, click to the server's confirmation: ${percentiles(confirmedAfter)}`);
  // Shown without waiting for the server: in the frame of the click, every time. The figures
  // above are the benchmark; a limit in milliseconds would fail on a busy machine, not on a bug.
  expect(inSameFrame).toBe(SAMPLES);
  expect(Math.max(...confirmedAfter)).toBeLessThan(2_000);
});
