import { defineConfig } from '@playwright/test';
import { AGENT, OIDC_ISSUER } from './accounts';

// The server under test is started by `cargo leptos end-to-end` (see scripts/test).
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    // Logged in as the demo front desk (global-setup.ts); tests of login start without it.
    storageState: AGENT.state,
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright's own browser download cannot reach its host here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  // The identity provider the server under test is configured for (scripts/test: OIDC_*).
  webServer: {
    command: 'node oidc/provider.mjs',
    url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
    reuseExistingServer: false,
    stdout: 'ignore',
    timeout: 30_000,
  },
});
