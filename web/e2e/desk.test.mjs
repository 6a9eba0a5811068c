// The review desk end to end, in headless Chromium: an editor logs in at
// /review, pastes an article, corrects one of its places, attaches one
// proposal to an existing event as a further claim and saves another as a
// draft; a reviewer finds it in the queue, meets a conflicting change (412)
// and merges, then publishes; the public map, open anonymously in another
// context, draws it within 2 s. An anonymous context gets the login form and
// no data, every write API refuses it, and a write without the CSRF token is
// refused. Every page: no request to another host, no console error, no
// failed request beyond those the test makes on purpose.
//
// Usage: node web/e2e/desk.test.mjs   (scripts/e2e.sh installs and builds first)
// Environment: SCAMATLAS_BIN (default target/debug/scamatlas), CHROMIUM.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import {
  ARTIFACTS, BINARY, CHROMIUM, CHROMIUM_ARGS, openPage as openRecordedPage, step as namedStep,
} from './harness.mjs';

const TOTAL_TIMEOUT_MS = 180_000;
const WAIT_MS = 10_000;

// A fixture article written for this test (no real report): a raid and,
// two days later, a handover, both on the Mae Sot-Myawaddy crossing.
const ARTICLE_URL = 'https://example.org/desk-e2e/raid-and-handover';
const ARTICLE = 'MAE SOT, March 6 - Police in Myawaddy arrested 120 people on Monday in a raid on a compound '
  + 'near Shwe Kokko, officials said. Of the 120 people arrested, 70 were Chinese nationals.\n\n'
  + 'On Wednesday, Myanmar border guards handed over 45 Thai nationals to Thai authorities at the '
  + 'Friendship Bridge in Mae Sot. Pyramid Hill, a local volunteer, said more handovers would follow.';
const PUBLISHED = '2025-03-06';
const HANDOVER_DAY = '2025-03-05';
const NEW_PASSWORD = { ed: 'a long password for ed', rita: 'a long password for rita' };

const cleanup = [];
let failed = false;

async function main() {
  const started = Date.now();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'scamatlas-desk-e2e-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const workspace = join(dir, 'workspace.db');
  const cli = (...args) => run(workspace, ...args);
  const rootToken = /^token:\s+(\S+)/m.exec(await cli('users', 'add', 'root', '--role', 'admin'))[1];
  const passwords = {};
  for (const [name, role] of [['ed', 'editor'], ['rita', 'reviewer']]) {
    passwords[name] = /^password:\s+(\S+)/m.exec(await cli('users', 'add', name, '--role', role))[1];
  }
  // The event another outlet reported: the raid the article's first proposal is about.
  await cli('events', 'add', '--id', 'EXIST1', '--date', '2025-03-04', '--type', 'raid', '--place', 'Myawaddy',
    '--count', '110', '--count-kind', 'arrested', '--source-url', 'https://example.org/other-outlet/raid');

  const server = await startServer(workspace);
  const url = server.url;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  cleanup.push(() => browser.close());

  await step('anonymous: a login form, no data, every write refused', () => anonymous(browser, url));
  let draftId;
  await step('editor: paste, correct a place, attach a further claim, save a draft', async () => {
    draftId = await editor(browser, url, passwords.ed);
  });
  await step('reviewer: queue, a conflict merged, publish; the public map shows it within 2 s', () =>
    reviewer(browser, url, passwords.rita, rootToken, draftId),
  );
  await step('phone width: the desk in one column, nothing wider than the screen', () =>
    phone(browser, url),
  );
  console.log(`e2e desk: all passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function anonymous(browser, url) {
  const { context, page, problems, requests } = await openPage(browser, new URL('/review', url).href);
  await page.locator('#login').waitFor();
  assert.ok(await page.locator('#tab-article').isHidden());
  assert.ok(await page.locator('#tabs').isHidden());
  const asked = requests.filter((r) => new URL(r).pathname.startsWith('/api/')).map((r) => new URL(r).pathname);
  assert.deepEqual(asked, ['/api/revision'], 'an anonymous page asked the API for more');
  // Every read of the desk and every write: 401 (not logged in), never data.
  const statuses = await page.evaluate(async () => {
    const ask = async (method, path, body) =>
      (await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })).status;
    return {
      queue: await ask('GET', '/api/review/queue'),
      article: await ask('GET', '/api/articles/1'),
      similar: await ask('GET', '/api/review/similar?type=raid&lon=98.5&lat=16.7&date=2025-03-04'),
      addArticle: await ask('POST', '/api/articles', { url: 'https://example.org/x', text: 'x' }),
      correct: await ask('PUT', '/api/articles/1/mentions/0', { not_a_place: true }),
      create: await ask('POST', '/api/events', { type: 'Feature', properties: {} }),
      patch: await ask('PATCH', '/api/events/EXIST1', { properties: {} }),
      claim: await ask('POST', '/api/events/EXIST1/claims', { source: { url: 'https://example.org/y' } }),
      publish: await ask('POST', '/api/events/EXIST1/publish', {}),
      retract: await ask('POST', '/api/events/EXIST1/retract', { reason: 'x' }),
    };
  });
  for (const [what, status] of Object.entries(statuses)) {
    assert.ok(status === 401 || status === 403, `anonymous ${what}: ${status}`);
  }
  const expected = problems.filter((p) => /^HTTP 40[13]: /.test(p) || /status of 40[13]/.test(p));
  assert.equal(expected.length, problems.length, problems.join('\n'));
  await page.screenshot({ path: join(ARTIFACTS, 'desk-anonymous.png') });
  await context.close();
}

/** Logs in at /review (changing a one-time password); resolves with the page. */
async function login(page, name, password) {
  await page.locator('#login').waitFor();
  await page.fill('#login [name=name]', name);
  await page.fill('#login [name=password]', password);
  await page.click('#login button[type=submit]');
  const form = page.locator('#password');
  await Promise.race([form.waitFor(), page.locator('#tabs').waitFor()]);
  if (await form.isVisible()) {
    await page.fill('#password [name=new]', NEW_PASSWORD[name]);
    await page.click('#password button[type=submit]');
  }
  await page.locator('#tabs').waitFor();
  assert.match(await page.locator('#who').textContent(), new RegExp(`^${name} `));
}

async function editor(browser, url, password) {
  const { context, page, problems } = await openPage(browser, new URL('/review', url).href);
  await login(page, 'ed', password);

  // Bring in the article.
  await page.fill('#bring [name=url]', ARTICLE_URL);
  await page.fill('#bring [name=outlet]', 'Desk Fixture');
  await page.fill('#bring [name=published]', PUBLISHED);
  await page.fill('#bring [name=text]', ARTICLE);
  await page.click('#bring button[type=submit]');
  await page.locator('#text mark').first().waitFor();
  const kinds = await page.locator('#text mark').evaluateAll((ms) => [...new Set(ms.map((m) => m.dataset.kind))].sort());
  assert.deepEqual(kinds, ['count', 'date', 'place']);
  assert.ok((await page.locator('#mentions li').count()) >= 10);

  // Correct one place: "Friendship Bridge" is taken to mean Mae Sot, found by its Thai name.
  const bridge = page.locator('#text mark.m-place', { hasText: 'Friendship Bridge' });
  await bridge.click();
  const detail = page.locator('#mention-detail');
  await detail.locator('.candidates li').first().waitFor();
  assert.match(await detail.locator('.candidates li').first().textContent(), /Friendship Bridge.*: \w+/);
  await detail.locator('input[type=search]').fill('แม่สอด');
  await detail.locator('.place-search button').click();
  await detail.locator('.found button[data-place="mae_sot"]').click();
  const fixed = page.locator('#mentions li[data-kind="place"]', { hasText: 'Friendship Bridge' });
  await fixed.filter({ hasText: 'Mae Sot (town), corrected' }).waitFor();
  // The dateline "MAE SOT" is where the report was filed: marked as no place of the story.
  await page.locator('#text mark.m-place[data-start="0"]').click();
  await detail.locator('button.not-place').click();
  await page.locator('#mentions li[data-kind="place"][data-start="0"]', { hasText: 'not a place' }).waitFor();
  // Stored with the article: reopening shows it again.
  const articleId = await page.evaluate(() => window.desk.view.article.id);
  const reopened = await page.evaluate(async (id) => (await (await fetch(`/api/articles/${id}`)).json()).corrections, articleId);
  assert.deepEqual(reopened.map((c) => [c.start_char, c.place_id]).sort(), [[0, null], [274, 'mae_sot']]);

  // The raid: the desk lists EXIST1 (same type, within 25 km and 14 days); attach, with a translation.
  const raid = page.locator('form.event[data-n="1"]');
  await raid.locator('button.attach[data-event="EXIST1"]').waitFor();
  assert.equal(await raid.locator('[name=type]').inputValue(), 'raid');
  await raid.locator('[name=translation]').fill('(test) the same sentence, as a translation');
  await raid.locator('button.attach[data-event="EXIST1"]').click();
  await page.locator('form.event[data-n="1"][data-id="EXIST1"][data-status="attached"]').waitFor();
  assert.equal(await raid.locator('button.save').count(), 0, 'an attached proposal can still be saved over the event');
  const exist = await page.evaluate(async () => (await (await fetch('/api/events/EXIST1')).json()).properties);
  assert.deepEqual(exist.sources.map((s) => [s.url, s.count]), [
    ['https://example.org/other-outlet/raid', 110],
    [ARTICLE_URL, 120],
  ]);
  const evidence = await page.evaluate(async () => (await (await fetch('/api/events/EXIST1/evidence')).json()).quotes);
  const quote = evidence.find((q) => q.source_url === ARTICLE_URL);
  assert.ok(quote, JSON.stringify(evidence));
  assert.equal(ARTICLE.slice(quote.start_char, quote.end_char), quote.quote);
  assert.equal(quote.translation, '(test) the same sentence, as a translation');

  // The handover: no event like it yet; saved as a draft.
  const handover = page.locator('form.event[data-n="2"]');
  assert.equal(await handover.locator('[name=type]').inputValue(), 'handover');
  await handover.locator('.similar p').first().waitFor();
  await handover.locator('button.save').click();
  await page.locator('form.event[data-n="2"][data-status="draft"]').waitFor();
  const draftId = await handover.getAttribute('data-id');
  assert.ok(draftId);
  // The proposal's quote is stored as the evidence of the article's claim.
  const draftEvidence = await page.evaluate(async (id) =>
    (await fetch(`/api/events/${encodeURIComponent(id)}/evidence`)).json(), draftId);
  assert.equal(draftEvidence.quotes.length, 1, JSON.stringify(draftEvidence));
  assert.ok(draftEvidence.quotes[0].quote.length > 0 && draftEvidence.quotes[0].end_char > draftEvidence.quotes[0].start_char,
    JSON.stringify(draftEvidence));
  // An editor may not publish.
  assert.equal(await handover.locator('button.publish').count(), 0);

  // The same article brought in again is the one stored, reopened.
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/articles') && r.request().method() === 'POST');
  await page.click('#bring button[type=submit]');
  const again = await answered;
  assert.deepEqual([again.status(), (await again.json()).existing, (await again.json()).id], [200, true, articleId]);
  // Its saved proposal is shown as the stored draft, not as one to save again.
  await page.locator(`form.event[data-n="2"][data-id="${draftId}"][data-status="draft"]`).waitFor();

  // A write without the CSRF token is refused, though the session cookie goes with it.
  const withoutToken = await page.evaluate(async () =>
    (await fetch('/api/articles', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.org/no-token', text: 'Police in Myawaddy arrested 5 people.' }),
    })).status,
  );
  assert.equal(withoutToken, 403);
  await page.screenshot({ path: join(ARTIFACTS, 'desk-editor.png'), fullPage: true });
  const unexpected = problems.filter((p) => !/^HTTP 403: .*\/api\/articles$/.test(p) && !/status of 403/.test(p));
  assert.deepEqual(unexpected, [], unexpected.join('\n'));
  await context.close();
  return draftId;
}

async function reviewer(browser, url, password, rootToken, draftId) {
  // The public map, anonymous, looking at Mae Sot on the handover's day.
  const map = await openPage(browser, url, {}, () => window.viewer?.ready === true);
  await map.page.evaluate((day) => {
    window.map.jumpTo({ center: [98.57, 16.72], zoom: 9 });
    window.viewer.clock.set({ day, mode: 'window', windowDays: 91 });
  }, dayNumber(HANDOVER_DAY));
  await settle(map.page);
  assert.ok(!(await draws(map.page, draftId)), 'a draft on the public map');

  const { context, page, problems } = await openPage(browser, new URL('/review#queue', url).href);
  await login(page, 'rita', password);
  await page.locator('#tab-queue').waitFor();
  const item = page.locator(`#queue li[data-id="${draftId}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /drafted by ed/);
  // Newest first: the handover was drafted after EXIST1.
  const order = await page.locator('#queue li').evaluateAll((ls) => ls.map((l) => l.dataset.id));
  assert.ok(order.indexOf(draftId) < order.indexOf('EXIST1'), `${order}`);
  // Filters: by type.
  await page.selectOption('#queue-filter [name=type]', 'raid');
  await page.click('#queue-filter button[type=submit]');
  await page.locator('#queue li[data-id="EXIST1"]').waitFor();
  await item.waitFor({ state: 'detached' });
  // ... and by date: only the handover's day.
  await page.selectOption('#queue-filter [name=type]', '');
  await page.fill('#queue-filter [name=from]', HANDOVER_DAY);
  await page.fill('#queue-filter [name=to]', HANDOVER_DAY);
  await page.click('#queue-filter button[type=submit]');
  await page.locator('#queue li[data-id="EXIST1"]').waitFor({ state: 'detached' });
  await item.waitFor();
  await page.fill('#queue-filter [name=from]', '');
  await page.fill('#queue-filter [name=to]', '');
  // ... and by place: Mae Sot's radius holds the handover (corrected to Mae Sot), not Myawaddy's raid.
  await page.fill('#queue-filter [name=place]', 'Mae Sot');
  await page.click('#queue-filter button[type=submit]');
  await page.locator('#queue li[data-id="EXIST1"]').waitFor({ state: 'detached' });
  await item.waitFor();
  await page.fill('#queue-filter [name=place]', '');
  await page.selectOption('#queue-filter [name=type]', 'handover');
  await page.click('#queue-filter button[type=submit]');
  await page.locator('#queue li[data-id="EXIST1"]').waitFor({ state: 'detached' });
  await item.waitFor();
  await item.locator('button').click();
  const form = item.locator('form.event');
  await form.waitFor();

  // Someone else changes the draft first; our save meets a 412 and shows both.
  const changed = await fetch(new URL(`/api/events/${draftId}`, url), {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${rootToken}`, 'If-Match': '"v1"', 'Content-Type': 'application/json' },
    body: JSON.stringify({ properties: { actors: ['Thai police'] } }),
  });
  assert.equal(changed.status, 200);
  await form.locator('[name=best]').first().fill('46');
  await form.locator('[name=high]').first().fill('50');
  await form.locator('button.save').click();
  const conflict = form.locator('.conflict');
  await conflict.locator('table').waitFor().catch(async (error) => {
    throw new Error(`no conflict shown; the desk says: ${await page.locator('#message').textContent()}\n${problems.join('\n')}`, { cause: error });
  });
  const fields = await conflict.locator('tr[data-field]').evaluateAll((rs) => rs.map((r) => r.dataset.field));
  assert.deepEqual(fields.sort(), ['actors', 'counts']);
  await conflict.locator('tr[data-field="actors"] input[value="theirs"]').check();
  await conflict.locator('button.merge').click();
  await conflict.waitFor({ state: 'hidden' });
  const merged = await page.evaluate(async (id) => (await (await fetch(`/api/events/${id}`)).json()).properties, draftId);
  assert.deepEqual(merged.actors, ['Thai police']);
  assert.equal(merged.counts[0].best, 46);
  assert.equal(merged.version, 3);

  // Publish; the anonymous map draws it within 2 s.
  await form.locator('button.publish').click();
  await item.locator('form.event[data-status="published"]').waitFor();
  const published = Date.now();
  await map.page.waitForFunction(
    (id) => window.map.queryRenderedFeatures({ layers: ['events'] }).some((f) => f.properties.id === id),
    draftId,
    { polling: 50, timeout: 2000 },
  );
  process.stdout.write(`(on the public map ${Date.now() - published} ms after Publish) `);

  // Rejecting needs a reason; EXIST1, now with two claims, is rejected with one.
  await page.selectOption('#queue-filter [name=type]', 'raid');
  await page.click('#queue-filter button[type=submit]');
  const exist = page.locator('#queue li[data-id="EXIST1"]');
  await exist.locator('button').click();
  // Before deciding, the reviewer sees both claims and the quote behind the article's one.
  await exist.locator('.claims li').nth(1).waitFor();
  assert.match(await exist.locator('.claims').textContent(), /Desk Fixture: 120 arrested.*“MAE SOT, March 6.*Translation: \(test\)/s);
  await exist.locator('[name=reason]').fill('the raid is reported more fully elsewhere (test)');
  await exist.locator('button.reject').click();
  await exist.locator('form.event[data-status="retracted"]').waitFor();
  const history = await page.evaluate(async () => (await (await fetch('/api/events/EXIST1/history')).json()));
  assert.match(JSON.stringify(history), /reported more fully elsewhere/);
  await page.screenshot({ path: join(ARTIFACTS, 'desk-reviewer.png'), fullPage: true });
  const unexpected = problems.filter((p) => !/HTTP 412: .*\/api\/events\//.test(p) && !/status of 412/.test(p));
  assert.deepEqual(unexpected, [], unexpected.join('\n'));
  assert.deepEqual(map.problems, [], map.problems.join('\n'));
  await map.context.close();
  await context.close();
}

async function phone(browser, url) {
  const { context, page, problems } = await openPage(browser, new URL('/review', url).href,
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await login(page, 'ed', NEW_PASSWORD.ed);
  // An HTML file: the server keeps its article text, not its script or menu.
  await page.fill('#bring [name=url]', 'https://example.org/desk-e2e/page.html');
  await page.setInputFiles('#bring [name=file]', {
    name: 'page.html',
    mimeType: 'text/html',
    buffer: Buffer.from('<html><body><nav>Home | World</nav><article><p>Soldiers in Tachileik '
      + 'detained 30 people on Friday.</p></article><script>var secret = 1;</script></body></html>'),
  });
  await page.click('#bring button[type=submit]');
  await page.locator('#text mark', { hasText: 'Tachileik' }).waitFor();
  const text = await page.locator('#text').textContent();
  assert.ok(!text.includes('secret') && !text.includes('Home | World'), text);
  await page.fill('#reopen-id', '1');
  await page.click('#reopen');
  await page.locator('#text mark').first().waitFor();
  await page.locator('form.event').first().waitFor();
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    text: document.getElementById('text').getBoundingClientRect().width,
  }));
  assert.ok(widths.page <= 390, `the page is ${widths.page} px wide at 390`);
  assert.ok(widths.text > 300, `the text is only ${widths.text} px wide`);
  await page.screenshot({ path: join(ARTIFACTS, 'desk-phone.png'), fullPage: true });
  assert.deepEqual(problems, [], problems.join('\n'));
  await context.close();
}

/** A desk page (1280x800 unless told), ready when the desk says so. */
function openPage(browser, url, contextOptions = { viewport: { width: 1280, height: 800 } }, ready = null) {
  return openRecordedPage(browser, url, {
    contextOptions, ready: ready ?? (() => window.desk?.ready === true), waitMs: WAIT_MS,
  });
}

async function settle(page) {
  await page.evaluate(() => new Promise((idle) => {
    window.map.once('idle', idle);
    window.map.triggerRepaint();
  }));
}

function draws(page, id) {
  return page.evaluate((wanted) =>
    window.map.queryRenderedFeatures({ layers: ['events'] }).some((f) => f.properties.id === wanted), id);
}

const dayNumber = (iso) => Date.UTC(...iso.split('-').map((v, i) => Number(v) - (i === 1 ? 1 : 0))) / 86_400_000;

function step(name, check) {
  return namedStep('e2e desk', name, check);
}

function startServer(workspace) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(BINARY, ['serve', '--bind', '127.0.0.1:0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SCAMATLAS_WORKSPACE: workspace },
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

function run(workspace, ...args) {
  return new Promise((resolveRun, reject) => {
    execFile(BINARY, args, { env: { ...process.env, SCAMATLAS_WORKSPACE: workspace } }, (error, stdout, stderr) =>
      error ? reject(new Error(`scamatlas ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolveRun(stdout),
    );
  });
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
  console.error(`\ne2e desk: timed out after ${TOTAL_TIMEOUT_MS / 1000} s`);
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
