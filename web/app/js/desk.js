// The review desk at /review: log in, bring in an article (pasted or a
// .txt/.html file), correct its places, turn its proposals into drafts or
// further claims, and the queue of drafts. Nothing is asked of the desk's API
// before the server says this browser may see drafts (/api/revision), so an
// anonymous visitor gets the login form and no data.

import { ApiRefusal, call, get, setCsrf } from './desk-api.js';
import { drawMention, drawText, storeCorrection } from './desk-text.js';
import { EVENT_TYPES, eventForm } from './desk-event.js';

const $ = (id) => document.getElementById(id);
const desk = { me: null, view: null, ready: false };
window.desk = desk;

function say(text, problem = false) {
  const message = $('message');
  message.textContent = text;
  message.classList.toggle('problem', problem);
}

async function start() {
  const revision = await get('/api/revision');
  if (revision.drafts) {
    const me = await get('/api/me');
    signedIn(me);
  } else {
    $('login').hidden = false;
  }
  desk.ready = true;
}

function signedIn({ account, csrf }) {
  setCsrf(csrf);
  desk.me = account;
  $('login').hidden = true;
  if (account.must_change_password) {
    $('password').hidden = false;
    return;
  }
  if (account.role !== 'editor' && account.role !== 'reviewer' && account.role !== 'admin') {
    say(`${account.name} is a ${account.role}: the desk is for editors and reviewers.`, true);
    return;
  }
  $('password').hidden = true;
  $('who').textContent = `${account.name} (${account.role})`;
  $('logout').hidden = false;
  $('tabs').hidden = false;
  showTab(location.hash === '#queue' ? 'queue' : 'article');
  const id = /^#article=(\d+)$/.exec(location.hash)?.[1];
  if (id) openArticle(Number(id));
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const answer = await call('POST', '/api/login', { name: form.name.value, password: form.password.value });
    desk.oldPassword = form.password.value;
    form.password.value = '';
    say('');
    signedIn(answer.json);
  } catch (error) {
    say(error instanceof ApiRefusal && error.status === 401 ? 'Wrong name or password.' : error.message, true);
  }
});

$('password').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await call('POST', '/api/password', { old: desk.oldPassword, new: event.target.new.value });
    desk.oldPassword = null;
    signedIn(await get('/api/me'));
    say('Password changed.');
  } catch (error) {
    say(error.message, true);
  }
});

$('logout').addEventListener('click', async () => {
  await call('POST', '/api/logout').catch(() => {});
  location.reload();
});

function showTab(name) {
  for (const button of $('tabs').querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.tab === name));
  $('tab-article').hidden = name !== 'article';
  $('tab-queue').hidden = name !== 'queue';
  if (name === 'queue') loadQueue();
}
$('tabs').addEventListener('click', (event) => {
  const tab = event.target.closest('button')?.dataset.tab;
  if (tab) showTab(tab);
});

// Bringing in an article

$('bring').file.addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  if (file.size > 1024 * 1024) {
    say('That file is over 1 MiB.', true);
    return;
  }
  desk.file = { html: /\.html?$/i.test(file.name) || file.type === 'text/html', text: await file.text() };
  $('bring').text.value = desk.file.html ? '' : desk.file.text;
  $('bring').text.placeholder = desk.file.html ? `${file.name}: HTML, reduced to its article text by the server` : '';
});

$('bring').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { url: form.url.value.trim() };
  if (form.outlet.value.trim()) body.outlet = form.outlet.value.trim();
  if (form.published.value) body.published = form.published.value;
  if (desk.file?.html && !form.text.value.trim()) body.html = desk.file.text;
  else body.text = form.text.value;
  try {
    const answer = await call('POST', '/api/articles', body);
    say(answer.json.existing ? `Article ${answer.json.id} was already here: reopened.` : `Article ${answer.json.id} brought in.`);
    desk.file = null;
    form.file.value = '';
    await openArticle(answer.json.id);
  } catch (error) {
    say(error.message, true);
  }
});

$('reopen').addEventListener('click', () => {
  const id = Number($('reopen-id').value);
  if (id > 0) openArticle(id).catch((e) => say(e.message, true));
});

async function openArticle(id) {
  const view = await get(`/api/articles/${id}`);
  history.replaceState(null, '', `#article=${id}`);
  drawArticle(view);
}

/** The spans editors marked as no place, which the geoparser's mentions no
 * longer list, added back as mentions so they stay in view (and can be
 * given a place again). */
function withDismissed(view) {
  const chars = Array.from(view.article.text ?? '');
  const listed = new Set(view.mentions.map((m) => m.start));
  const dismissed = (view.corrections ?? [])
    .filter((c) => c.place_id == null && !listed.has(c.start_char))
    .map((c) => ({
      start: c.start_char,
      end: c.end_char,
      text: chars.slice(c.start_char, c.end_char).join(''),
      place: null,
      corrected: true,
      confidence: 1,
      reason: 'marked not a place by an editor',
    }));
  return { ...view, mentions: [...view.mentions, ...dismissed] };
}

function drawArticle(fetched) {
  const view = withDismissed(fetched);
  desk.view = view;
  const a = view.article;
  $('article').hidden = false;
  $('article-title').textContent = `Article ${a.id}: ${a.outlet ?? ''} ${a.published ?? ''} ${a.url}`;
  $('mention-detail').hidden = true;
  const correct = async (start, body) => {
    try {
      const fixed = await storeCorrection(a.id, start, body);
      say(`Corrected the place at character ${start}.`);
      drawArticle(fixed);
      const again = desk.view.mentions.findIndex((m) => m.start === start);
      if (again >= 0) drawMention(desk.view, again, $('mention-detail'), correct);
    } catch (error) {
      say(error.message, true);
    }
  };
  drawText(view, $('text'), $('mentions'), (index) => drawMention(view, index, $('mention-detail'), correct));
  const box = $('proposals');
  box.replaceChildren();
  for (const p of view.proposals) {
    if (!p.draft) {
      const why = document.createElement('p');
      why.className = 'hint';
      why.textContent = `Proposal ${p.n}: no draft (${p.why_no_draft ?? 'no reason given'}).`;
      box.append(why);
      continue;
    }
    const form = eventForm(box, { feature: p.draft, article: a, evidence: p.evidence, n: p.n, lang: '' }, desk.me, say);
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = [p.standing, p.date_note, p.place_note].filter(Boolean).join('; ');
    form.querySelector('h4').after(note);
  }
  if (!view.proposals.length) box.textContent = 'No events proposed in this article.';
}

// The queue

const typeFilter = $('queue-filter').type;
for (const t of EVENT_TYPES) typeFilter.append(new Option(t, t));

$('queue-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  loadQueue();
});

/** The queue's first page, or with `before` (the `next` of the page shown)
 * the page after it, added below. */
async function loadQueue(before = null) {
  const form = $('queue-filter');
  const q = new URLSearchParams();
  if (before != null) q.set('before', before);
  if (form.type.value) q.set('type', form.type.value);
  if (form.place.value.trim()) q.set('place', form.place.value.trim());
  if (form.from.value || form.to.value) q.set('datetime', `${form.from.value || '..'}/${form.to.value || '..'}`);
  const list = $('queue');
  try {
    const answer = await get(`/api/review/queue?${q}`);
    if (before == null) list.replaceChildren();
    list.querySelector('.older')?.remove();
    for (const d of answer.drafts) {
      const p = d.event.properties;
      const item = document.createElement('li');
      item.dataset.id = d.id;
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = 'Open';
      const line = document.createElement('span');
      line.textContent = `${d.id}: ${p.type}, ${p.date}, ${p.place_names ?? ''}, ${p.persons_best ?? '?'} — drafted by ${who(d.drafted_by)} at ${d.drafted_at} `;
      item.append(line, open);
      open.addEventListener('click', async () => {
        open.remove();
        const stored = await call('GET', `/api/events/${encodeURIComponent(d.id)}`);
        eventForm(item, { feature: stored.json, saved: { id: d.id, etag: stored.etag, status: 'draft' } }, desk.me, say);
      });
      list.append(item);
    }
    if (answer.next != null) {
      const older = document.createElement('button');
      older.type = 'button';
      older.className = 'older';
      older.textContent = 'Older drafts';
      older.addEventListener('click', () => loadQueue(answer.next));
      list.append(older);
    }
    if (!list.children.length) list.textContent = 'No drafts waiting.';
    say('');
  } catch (error) {
    say(error.message, true);
  }
}

start().catch((error) => say(error.message, true));

/** An author as people know them: `account:ed` is ed. */
function who(author) {
  return String(author ?? '?').replace(/^account:/, '');
}
