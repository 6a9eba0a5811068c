// What both browser tests share: where things are, how Chromium is launched,
// a named step with its time, and a page that records everything it should
// not do.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BINARY = process.env.SCAMATLAS_BIN ?? join(REPO, 'target/debug/scamatlas');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'target/e2e');

// The launch flags of ../shared/research/browser.md: no sandbox (root in CI),
// and no background networking, which would try to reach other hosts.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Runs `check` as the step `name` of the test `prefix`, printing its time. */
export async function step(prefix, name, check) {
  const started = Date.now();
  process.stdout.write(`${prefix}: ${name} ... `);
  try {
    await check();
    console.log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    console.log('FAILED');
    throw error;
  }
}

/**
 * A page at `url` that records every request: any to another host, any that
 * failed or got a 4xx/5xx, and any console error or uncaught exception; ready
 * once `ready` (a function run in the page) holds, waiting up to `waitMs`.
 */
export async function openPage(browser, url, { contextOptions, ready, waitMs }) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('request', (request) => {
    requests.push(request.url());
    const target = new URL(request.url());
    if (target.protocol === 'data:' || target.protocol === 'blob:') return;
    if (target.hostname !== '127.0.0.1') problems.push(`request to another host: ${request.url()}`);
  });
  page.on('requestfailed', async (request) => {
    const error = request.failure()?.errorText;
    // MapLibre cancels the tiles that leave the view before they arrive (a
    // fly-to passes many zooms): that is the page's choice, not a failure.
    if (error === 'net::ERR_ABORTED' && new URL(request.url()).pathname.startsWith('/tiles/')) return;
    // Chromium reports a fetch answered 204 No Content as aborted, though the
    // page gets its answer (microsoft/playwright#32752).
    if (error === 'net::ERR_ABORTED' && (await request.response())?.status() === 204) return;
    problems.push(`failed request: ${request.url()} (${error})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.setDefaultTimeout(waitMs);
  await page.goto(url);
  await page.waitForFunction(ready);
  return { context, page, problems, requests };
}
