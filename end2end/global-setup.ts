import { request } from '@playwright/test';
import { ADMIN, AGENT, type Account } from './accounts';

// cargo-leptos starts the server and Playwright at the same moment: wait until the server
// answers and the demo calls it imports at start are in the table, then log in once as the
// demo agent and the demo admin and keep their sessions for the tests (see accounts.ts).
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const deadline = Date.now() + 120_000;

async function logIn(account: Account): Promise<string | undefined> {
  const context = await request.newContext({ baseURL });
  try {
    const response = await context.post('/api/login', {
      form: { email: account.email, password: account.password, next: '/' },
      headers: { Accept: 'application/json' },
    });
    if (!response.ok()) return `login as ${account.email}: HTTP ${response.status()}`;
    const page = await context.get('/');
    if (!(await page.text()).includes('data-status=')) return 'logged in, no call rows yet';
    await context.storageState({ path: account.state });
    return undefined;
  } finally {
    await context.dispose();
  }
}

export default async function globalSetup(): Promise<void> {
  let last: string | undefined = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      last = await logIn(AGENT);
      if (last === undefined) {
        last = await logIn(ADMIN);
        if (last === undefined) return;
      }
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server at ${baseURL} did not show calls within 120 s (${last})`);
}
