import type { Page } from '@playwright/test';

// Everything a page reports as an error (uncaught exceptions, console errors such as CSP
// violations or failed requests), for tests that expect none.
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}
