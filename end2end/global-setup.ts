// cargo-leptos starts the server and Playwright at the same moment: wait until the server
// answers and the demo calls it imports at start are in the table.
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const deadline = Date.now() + 120_000;

export default async function globalSetup(): Promise<void> {
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(baseURL);
      const html = await response.text();
      if (response.ok && html.includes('data-status=')) return;
      last = `HTTP ${response.status}, no call rows yet`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server at ${baseURL} did not show calls within 120 s (${last})`);
}
