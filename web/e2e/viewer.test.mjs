// The map viewer end to end, in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core): starts `scamatlas serve` on a free port, loads
// the page, and checks what a person would see and do. Every request must stay
// on 127.0.0.1, none may fail, and the console must show no error.
//
// Usage: node web/e2e/viewer.test.mjs   (scripts/e2e.sh installs and builds first)
// Environment: SCAMATLAS_BIN (default target/debug/scamatlas), CHROMIUM
// (default /usr/bin/chromium). Screenshots go to target/e2e/.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { chromium } from 'playwright-core';

import {
  ARTIFACTS, BINARY, CHROMIUM, CHROMIUM_ARGS, openPage as openRecordedPage, step as namedStep,
} from './harness.mjs';

/** The whole run, start to finish, may take this long. */
const TOTAL_TIMEOUT_MS = 240_000;
/** Any one wait in the page. */
const WAIT_MS = 60_000;

const LAUKKAI = { lon: 98.76214, lat: 23.69611 };

const cleanup = [];
let failed = false;

async function main() {
  const started = Date.now();
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer([]);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  cleanup.push(() => browser.close());

  await step('desktop: layers, time, details, search, download and a shared view', () =>
    desktop(browser, server.url),
  );
  await step('phone width: the map renders and the panel opens as a drawer', () => phone(browser, server.url));

  const workspace = freshWorkspace();
  const live = await startServer([], { SCAMATLAS_WORKSPACE: workspace });
  await step('live: a published event shows without a reload; quotes, history; drafts for reviewers only', () =>
    liveMap(browser, live.url, workspace),
  );

  const large = await startServer(['--synthetic', '30000']);
  await step('30,000 events: drawn from tiles that follow the clock', () => largeData(browser, large.url));

  console.log(`e2e: all passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs one named check, logging its time. */
function step(name, check) {
  return namedStep('e2e', name, check);
}

/** Starts `scamatlas serve` on a free port, with `env` added to the
 * environment; resolves with its URL once it logs that it is serving. */
function startServer(extra, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(BINARY, ['serve', '--bind', '127.0.0.1:0', ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    cleanup.push(() => child.exitCode === null && child.kill('SIGTERM'));
    let log = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in time:\n${log}`)), WAIT_MS);
    child.on('error', (error) => reject(new Error(`cannot run ${BINARY}: ${error.message}`)));
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ url: match[1], child });
      }
    });
  });
}

/** A viewer page, ready when the viewer says so. */
function openPage(browser, url, contextOptions) {
  return openRecordedPage(browser, url, {
    contextOptions, ready: () => window.viewer?.ready === true, waitMs: WAIT_MS,
  });
}

async function settle(page) {
  await page.evaluate(
    () =>
      new Promise((resolveIdle) => {
        window.map.once('idle', resolveIdle);
        window.map.triggerRepaint();
      }),
  );
}

/** The distinct rendered features of a layer, with a few of their fields. */
function rendered(page, layer) {
  return page.evaluate((layerId) => {
    const byId = new Map();
    for (const f of window.map.queryRenderedFeatures({ layers: [layerId] })) {
      const g = f.geometry;
      const [lon, lat] = g.type === 'Point' ? g.coordinates : g.type === 'MultiPoint' ? g.coordinates[0] : [];
      const id = f.properties.id ?? `${lon},${lat}`;
      byId.set(id, { id, lon, lat, type: f.properties.type, cluster: f.properties.cluster === true });
    }
    return [...byId.values()];
  }, layer);
}

/** Polls `condition` (in this process) until it holds. */
async function waitUntil(condition, message) {
  const until = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > until) throw new Error(message);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const meanLatitude = (features) => features.reduce((sum, f) => sum + f.lat, 0) / features.length;

/** Moves the time slider with the mouse to `fraction` of its length. */
async function slideTo(page, fraction) {
  const box = await page.locator('#time').boundingBox();
  await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
  await settle(page);
}

function assertClean(problems) {
  assert.deepEqual(problems, [], `the page had problems:\n${problems.join('\n')}`);
}

async function desktop(browser, url) {
  const { context, page, problems, requests } = await openPage(browser, url, { viewport: { width: 1280, height: 800 } });
  await settle(page);

  // Events and Myanmar's emphasised borders are drawn.
  const latest = await rendered(page, 'events');
  assert.ok(latest.length > 0, 'no event is drawn');
  const borders = (await rendered(page, 'borders-emphasis')).map((b) => b.id).sort();
  assert.deepEqual(borders, ['CN-MM', 'LA-MM', 'MM-TH', 'moei']);
  const countries = await page.evaluate(() => window.map.queryRenderedFeatures({ layers: ['countries'] }).map((f) => f.properties.iso2));
  for (const country of ['MM', 'TH', 'LA', 'CN']) assert.ok(countries.includes(country), `${country} is not drawn`);
  assert.ok((await rendered(page, 'drift-steps')).length > 0, 'no drift step is drawn');

  // The slider moves the clock, and every layer follows: the events of late
  // 2023 centre on the China border (Kokang, Wa), late 2025's on the Thai
  // border. Not every event lies there (the Golden Triangle SEZ at 20.35°N,
  // country-wide events), so the mean latitude is what is checked, as the
  // README says.
  await slideTo(page, 0.3);
  const late2023 = await rendered(page, 'events');
  const label2023 = await page.locator('#time-label').textContent();
  await slideTo(page, 0.97);
  const late2025 = await rendered(page, 'events');
  const label2025 = await page.locator('#time-label').textContent();
  assert.notEqual(label2023, label2025);
  assert.match(label2023, /2023/);
  assert.match(label2025, /2025/);
  assert.ok(late2023.length > 0 && late2025.length > 0, 'both windows have events');
  const ids2023 = late2023.map((f) => f.id).sort();
  const ids2025 = late2025.map((f) => f.id).sort();
  assert.notDeepEqual(ids2023, ids2025, 'the visible events did not change with the slider');
  assert.ok(meanLatitude(late2023) > 21, `late 2023 events: mean latitude ${meanLatitude(late2023)}°N, not north of 21°N`);
  assert.ok(meanLatitude(late2025) < 19, `late 2025 events: mean latitude ${meanLatitude(late2025)}°N, not south of 19°N`);
  const hubs2025 = await rendered(page, 'hubs');
  assert.ok(hubs2025.every((h) => h.lat < 21), 'a hub of another time is drawn in late 2025');
  const labels = await page.locator('.drift-label:not(.hidden)').allTextContents();
  assert.ok(labels.some((l) => l.startsWith('2025')), `drift labels shown: ${labels}`);

  // Play moves the clock; pause stops it.
  await slideTo(page, 0.1);
  const before = await page.evaluate(() => window.viewer.clock.day);
  await page.click('#play');
  await page.waitForFunction((day) => window.viewer.clock.day > day + 20, before);
  await page.click('#play');
  assert.equal(await page.locator('#play').textContent(), 'Play');
  await slideTo(page, 0.97);

  // Cumulative mode shows everything up to the day; the window only its months.
  await page.selectOption('#mode', 'cumulative');
  await settle(page);
  const sofar = await rendered(page, 'events');
  assert.ok(sofar.length > late2025.length, `${sofar.length} events so far, ${late2025.length} in the window`);
  assert.ok(sofar.some((f) => f.lat > 21), 'the 2023 events are not drawn in cumulative mode');
  await page.selectOption('#mode', 'window');

  // The legend's types filter the events; the toggles hide layers.
  await page.click('#legend-types [data-type="raid"] input');
  await settle(page);
  const withoutRaids = await rendered(page, 'events');
  assert.ok(late2025.some((f) => f.type === 'raid') && !withoutRaids.some((f) => f.type === 'raid'));
  await page.waitForFunction(() => /types=(?!.*raid)/.test(window.location.hash));
  await page.click('#legend-types [data-type="raid"] input');
  await page.click('#layer-toggles [data-layer="hubs"] input');
  await settle(page);
  assert.equal((await rendered(page, 'hubs')).length, 0, 'hubs are drawn after being switched off');
  await page.click('#layer-toggles [data-layer="hubs"] input');
  await settle(page);
  assert.ok((await rendered(page, 'hubs')).length > 0, 'hubs are not drawn after being switched on');

  // Clicking an event opens its details, with its sources as links.
  const target = await page.evaluate(() => {
    const map = window.map;
    const { width, height } = map.getContainer().getBoundingClientRect();
    const inside = map.queryRenderedFeatures({ layers: ['events'] }).find((f) => {
      const p = map.project(f.geometry.type === 'Point' ? f.geometry.coordinates : f.geometry.coordinates[0]);
      return p.x > 60 && p.x < width - 60 && p.y > 60 && p.y < height - 60;
    });
    const [lon, lat] = inside.geometry.type === 'Point' ? inside.geometry.coordinates : inside.geometry.coordinates[0];
    const point = map.project([lon, lat]);
    const box = map.getContainer().getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  });
  await page.mouse.click(target.x, target.y);
  const popup = page.locator('.maplibregl-popup');
  await popup.locator('a[href^="http"]').first().waitFor();
  const first = popup.locator('.event').first();
  const clicked = await first.locator('.event-id').textContent();
  const sources = await page.evaluate(
    (id) => window.viewer.eventsView.byId.get(id).properties.sources.map((s) => s.url),
    clicked,
  );
  const links = await first.locator('table.claims a').evaluateAll((as) => as.map((a) => a.href));
  assert.ok(links.length > 0 && links.every((href) => sources.includes(href)), `links ${links} vs ${sources}`);
  assert.match(await first.locator('.when').textContent(), /known to the (day|month|year)/);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer.png') });

  // The search suggests as you type and flies to the chosen place.
  await page.fill('#search-input', 'Laukkaing');
  await page.locator('#search-list li').first().waitFor();
  const suggestion = await page.locator('#search-list li .name').first().textContent();
  assert.equal(suggestion, 'Laukkai');
  const moved = page.evaluate(() => new Promise((resolveMove) => window.map.once('moveend', resolveMove)));
  await page.keyboard.press('Enter');
  await moved;
  const center = await page.evaluate(() => window.map.getCenter());
  assert.ok(Math.abs(center.lng - LAUKKAI.lon) < 0.02, `centre longitude ${center.lng}`);
  assert.ok(Math.abs(center.lat - LAUKKAI.lat) < 0.02, `centre latitude ${center.lat}`);
  await settle(page);

  // The download is the chosen layer in the view, at the time shown.
  const href = await page.locator('#download').getAttribute('href');
  assert.match(href, /^\/api\/layers\/events\.geojson\?bbox=[-\d.,%C]+&datetime=\d{4}-\d\d-\d\d%2F\d{4}-\d\d-\d\d$/);
  const downloaded = await page.evaluate((link) => fetch(link).then((r) => r.json()), href);
  assert.equal(downloaded.type, 'FeatureCollection');

  // The hash holds the view; opening it elsewhere shows the same view.
  await page.waitForFunction(() => window.location.hash.includes('&t=2025'));
  const shared = await page.evaluate(() => window.location.href);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-search.png') });
  const again = await openPage(browser, shared, { viewport: { width: 1280, height: 800 } });
  const restored = await again.page.evaluate(() => ({
    center: window.map.getCenter(),
    day: window.viewer.clock.day,
  }));
  const day = await page.evaluate(() => window.viewer.clock.day);
  assert.equal(restored.day, day);
  assert.ok(Math.abs(restored.center.lng - LAUKKAI.lon) < 0.02 && Math.abs(restored.center.lat - LAUKKAI.lat) < 0.02);
  // A link pasted into an open page moves it too.
  await again.page.evaluate(() => {
    window.location.hash = '#t=2023-11-15&mode=cumulative';
  });
  await again.page.waitForFunction(() => window.viewer.clock.mode === 'cumulative');
  assert.match(await again.page.locator('#time-label').textContent(), /^up to 15 Nov 2023$/);

  assert.ok(requests.some((r) => r.includes('/vendor/maplibre-gl/maplibre-gl-worker.mjs')), 'no worker was loaded');
  assertClean(problems);
  assertClean(again.problems);
  await again.context.close();
  await context.close();
}

async function phone(browser, url) {
  const { context, page, problems } = await openPage(browser, url, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  await settle(page);
  assert.ok((await rendered(page, 'events')).length > 0, 'no event is drawn at phone width');
  assert.equal(await page.locator('#panel').isVisible(), false, 'the panel covers the map at phone width');
  const mapBox = await page.locator('#map').boundingBox();
  assert.ok(mapBox.width >= 380 && mapBox.height >= 500, `the map is ${mapBox.width}x${mapBox.height}`);
  const bar = await page.locator('#timebar').boundingBox();
  assert.ok(bar.x >= 0 && bar.x + bar.width <= 390, 'the time bar overflows the screen');
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-phone.png') });
  await page.tap('#panel-toggle');
  await page.locator('#panel').waitFor({ state: 'visible' });
  await page.locator('#panel [data-layer="events"]').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-phone-panel.png') });
  assertClean(problems);
  await context.close();
}

async function largeData(browser, url) {
  const { context, page, problems, requests } = await openPage(browser, url, { viewport: { width: 1280, height: 800 } });
  await settle(page);
  assert.match(await page.locator('#status').textContent(), /30,000 events, drawn from tiles/);
  const first = await rendered(page, 'events');
  assert.ok(first.length > 0, 'no event tile is drawn');
  assert.ok(first.some((f) => f.cluster), 'low zooms draw clusters');
  const tileRequests = () => requests.filter((r) => r.includes('/tiles/events/'));
  const asked = tileRequests().length;
  await slideTo(page, 0.2);
  await waitUntil(() => tileRequests().length > asked, 'no tile was fetched after the clock moved');
  await settle(page);
  const later = tileRequests().slice(asked);
  const range = await page.evaluate(() => window.viewer.clock.range.map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10)));
  assert.ok(
    later.some((r) => r.includes(`datetime=${range[0]}%2F${range[1]}`)),
    `no tile asked for ${range}: ${later.slice(0, 3)}`,
  );
  assert.ok((await rendered(page, 'events')).length > 0, 'no event is drawn after moving the clock');
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-30000.png') });
  assertClean(problems);
  await context.close();
}

/** A workspace path in a new temporary folder, removed at the end. */
function freshWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'scamatlas-e2e-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'workspace.db');
}

/** Runs the scamatlas CLI on `workspace`; resolves with its stdout. */
function scamatlas(workspace, ...args) {
  return new Promise((resolveRun, reject) => {
    execFile(BINARY, args, { env: { ...process.env, SCAMATLAS_WORKSPACE: workspace } }, (error, stdout, stderr) =>
      error ? reject(new Error(`scamatlas ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolveRun(stdout),
    );
  });
}

/** The day number of an ISO date, as the viewer counts days. */
const dayNumber = (iso) => Date.UTC(...iso.split('-').map((v, i) => Number(v) - (i === 1 ? 1 : 0))) / 86_400_000;

/** Whether the page draws a feature with `id` in `layer`. */
function draws(page, layer, id) {
  return page.evaluate(
    ([layerId, wanted]) => window.map.queryRenderedFeatures({ layers: [layerId] }).some((f) => f.properties.id === wanted),
    [layer, id],
  );
}

/** Clicks the feature `id` of `layer` where the map draws it. */
async function clickFeature(page, layer, id) {
  const target = await page.evaluate(
    ([layerId, wanted]) => {
      const map = window.map;
      const hit = map.queryRenderedFeatures({ layers: [layerId] }).find((f) => f.properties.id === wanted);
      const g = hit.geometry;
      const point = map.project(g.type === 'Point' ? g.coordinates : g.coordinates[0]);
      const box = map.getContainer().getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    },
    [layer, id],
  );
  await page.mouse.click(target.x, target.y);
}

// A test article in our own words, and the quote an event takes from it.
const ARTICLE_URL = 'https://example.org/scamatlas-e2e-report';
const ARTICLE = 'HPA-AN, Nov 10 - Officers said they detained 57 people at a building on the edge of Hpa-an on Monday. This report was written for the scamatlas browser test.';
const QUOTE = 'detained 57 people';
const DAY = '2025-11-10';

async function liveMap(browser, url, workspace) {
  const cli = (...args) => scamatlas(workspace, ...args);
  const articleFile = join(dirname(workspace), 'article.txt');
  writeFileSync(articleFile, ARTICLE);
  await cli('workspace', 'article', '--url', ARTICLE_URL, '--outlet', 'scamatlas e2e', '--date', DAY, articleFile);
  await cli('users', 'add', 'root', '--role', 'admin');
  const password = /^password:\s+(\S+)/m.exec(await cli('users', 'add', 'rita', '--role', 'reviewer'))[1];
  await cli('events', 'add', '--id', 'DRAFT1', '--date', DAY, '--type', 'rescue', '--place', 'Kengtung', '--count', '40',
    '--count-kind', 'rescued', '--source-url', ARTICLE_URL);

  // Anonymous: no drafts toggle, and drafts are refused to anyone not logged in.
  const { context, page, problems, requests } = await openPage(browser, url, { viewport: { width: 1280, height: 800 } });
  assert.equal(await page.locator('#layer-toggles [data-layer="drafts"]').count(), 0, 'an anonymous page offers drafts');
  assert.equal((await fetch(new URL('/api/drafts.geojson', url))).status, 401);
  assert.ok(!(await draws(page, 'events', 'DRAFT1')), 'a draft on the public map');

  // A view of our own, which the changes to come must leave as it is.
  await page.evaluate((day) => {
    window.map.jumpTo({ center: [97.9, 17.3], zoom: 7.5 });
    window.viewer.clock.set({ day, mode: 'window', windowDays: 91 });
    document.getElementById('panel').scrollTop = 120;
    window.notReloaded = true;
  }, dayNumber(DAY));
  await settle(page);
  const viewOf = () =>
    page.evaluate(() => ({
      center: window.map.getCenter().toArray(),
      zoom: window.map.getZoom(),
      day: window.viewer.clock.day,
      mode: window.viewer.clock.mode,
      panelScroll: document.getElementById('panel').scrollTop,
      notReloaded: window.notReloaded,
    }));
  const before = await viewOf();
  assert.ok(before.panelScroll > 0, 'the panel does not scroll at 1280x800');

  // A new draft changes the server's revision; the page follows, and still shows no draft.
  const revision = await page.evaluate(() => window.viewer.eventsView.revision);
  await cli('events', 'add', '--id', 'LIVE1', '--date', DAY, '--type', 'raid', '--place', 'Hpa-an', '--count', '57',
    '--count-kind', 'arrested', '--source-url', ARTICLE_URL, '--quote', QUOTE);
  await page.waitForFunction((r) => window.viewer.eventsView.revision !== r, revision);
  await settle(page);
  assert.ok(!(await draws(page, 'events', 'LIVE1')), 'a draft on the public map');

  // Published through the CLI: on the map within 2 s, with no reload, the view and clock kept.
  await cli('events', 'publish', 'LIVE1');
  const published = Date.now();
  await page.waitForFunction(
    () => window.map.queryRenderedFeatures({ layers: ['events'] }).some((f) => f.properties.id === 'LIVE1'),
    null,
    { polling: 50, timeout: 2000 },
  );
  const shownAfter = Date.now() - published;
  process.stdout.write(`(shown ${shownAfter} ms after \`events publish\`) `);
  assert.deepEqual(await viewOf(), before, 'the view, the clock, the panel or the page changed');
  assert.match(await page.locator('#status').textContent(), / of 79 events /);

  // Its popup: the quote behind the claim, and its history.
  await clickFeature(page, 'events', 'LIVE1');
  const popup = page.locator('.maplibregl-popup .event').filter({ hasText: 'LIVE1' });
  await popup.locator('.quote').waitFor();
  assert.equal(await popup.locator('.quote').textContent(), `“${QUOTE}”`);
  const history = popup.locator('a.history-link');
  assert.equal(await history.getAttribute('href'), '/api/events/LIVE1/history');
  await history.click();
  await popup.locator('.revisions li').nth(1).waitFor();
  const revisions = await popup.locator('.revisions li').allTextContents();
  assert.equal(revisions.length, 2, `${revisions}`);
  assert.match(revisions[0], /^v1, .*create/);
  assert.match(revisions[1], /^v2, .*publish/);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-live.png') });
  assert.ok(!requests.some((r) => r.includes('/api/drafts')), 'an anonymous page asked for drafts');
  assertClean(problems);
  await context.close();

  // A reviewer logs in from the page: the drafts toggle appears, and shows the draft apart.
  const reviewer = await openPage(browser, url, { viewport: { width: 1280, height: 800 } });
  const rp = reviewer.page;
  const status = await rp.evaluate(
    async ({ name, password }) => {
      const post = (path, body, csrf) =>
        fetch(path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': csrf } : {}) },
          body: JSON.stringify(body),
        });
      const login = await (await post('/api/login', { name, password })).json();
      return (await post('/api/password', { old: password, new: 'a new password for rita' }, login.csrf)).status;
    },
    { name: 'rita', password },
  );
  assert.equal(status, 204);
  await rp.evaluate((day) => window.viewer.clock.set({ day }), dayNumber(DAY));
  const toggle = rp.locator('#layer-toggles [data-layer="drafts"] input');
  await toggle.waitFor();
  const answer = rp.waitForResponse((r) => r.url().endsWith('/api/drafts.geojson'));
  await toggle.check();
  assert.equal((await answer).headers()['cache-control'], 'private, no-store');
  await rp.waitForFunction(() =>
    window.map.queryRenderedFeatures({ layers: ['drafts'] }).some((f) => f.properties.id === 'DRAFT1'),
  );
  assert.ok(!(await draws(rp, 'events', 'DRAFT1')), 'the draft is drawn as an event');
  assert.equal(await rp.evaluate(() => window.map.getPaintProperty('drafts', 'circle-color')), '#ffffff');
  await clickFeature(rp, 'drafts', 'DRAFT1');
  await rp.locator('.maplibregl-popup .event.draft .draft-mark').waitFor();
  await rp.screenshot({ path: join(ARTIFACTS, 'viewer-drafts.png') });
  assertClean(reviewer.problems);
  await reviewer.context.close();
}

async function shutdown() {
  for (const stop of cleanup.reverse()) {
    try {
      await stop();
    } catch {
      // already gone
    }
  }
}

const deadline = setTimeout(async () => {
  console.error(`\ne2e: timed out after ${TOTAL_TIMEOUT_MS / 1000} s`);
  await shutdown();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

try {
  await main();
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  clearTimeout(deadline);
  await shutdown();
}
process.exit(failed ? 1 : 0);
