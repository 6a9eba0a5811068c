// What a click on an event shows: date and precision, type, the counts
// every source claims side by side with the quote behind each claim, places,
// the sources as links, and a link to the event's history. Built with DOM
// nodes and textContent only, so nothing in the data becomes markup.

import { getJSON } from './api.js';
import { humanDate } from './time.js';

const PRECISION = {
  day: 'known to the day',
  month: 'known to the month',
  year: 'known to the year',
};

function element(tag, { className, text } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  node.append(...children.filter(Boolean));
  return node;
}

const words = (kind) => String(kind ?? '').replaceAll('_', ' ');
const number = (n) => (typeof n === 'number' ? n.toLocaleString('en') : '');

/** A link to a source, only for http(s) URLs. */
function sourceLink(source) {
  let url;
  try {
    url = new URL(source.url);
  } catch {
    return element('span', { text: source.url ?? 'unknown source' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return element('span', { text: source.url });
  const link = element('a', { text: source.publisher || url.hostname });
  link.href = url.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.title = url.href;
  return link;
}

function when(p) {
  const first = humanDate(p.date, p.date_precision);
  const span = p.end_date ? `${first} – ${humanDate(p.end_date, 'day')}` : first;
  return element(
    'p',
    { className: 'when' },
    element('time', { text: span }),
    element('span', { className: 'precision', text: ` (${PRECISION[p.date_precision] ?? p.date_precision})` }),
  );
}

function where(p) {
  const names = (p.places ?? []).map((place) => place.name).filter(Boolean);
  const text = names.length ? names.join(', ') : p.place_names || 'unknown place';
  const parts = [element('span', { text })];
  if (p.origin || p.destination) {
    const from = p.origin?.name ?? '?';
    const to = p.destination?.name ?? '?';
    parts.push(element('span', { className: 'movement', text: ` · moved from ${from} to ${to}` }));
  }
  return element('p', { className: 'where' }, ...parts);
}

/** A quote from an article (`/api/events/{id}/evidence`), in its own
 * language, with where it sits in the article, and under it the
 * translation an editor gave, marked as one. */
function quoteOf(q) {
  const block = element('blockquote', { className: 'quote', text: `“${q.quote}”` });
  if (q.article?.url) block.cite = q.article.url;
  block.title = `characters ${number(q.start_char)}–${number(q.end_char)} of the article`;
  if (!q.translation) return block;
  const translation = element('p', { className: 'translation', text: `Translation: ${q.translation}` });
  translation.title = 'a translation, not the source’s own words';
  return element('div', {}, block, translation);
}

/** The counts: the event's own (best, with its range), then each source's
 * claim side by side with its link, and under it the quotes behind it. */
function counts(p, quotes) {
  const table = element('table', { className: 'claims' });
  table.append(
    element('thead', {}, element('tr', {}, element('th', { text: 'Source' }), element('th', { text: 'Claims' }))),
  );
  const body = element('tbody');
  const quoteRow = (q) => {
    const cell = element('td', {}, quoteOf(q));
    cell.colSpan = 2;
    return element('tr', { className: 'quote-row' }, cell);
  };
  const sources = p.sources ?? [];
  for (const source of sources) {
    const claim =
      typeof source.count === 'number' ? `${number(source.count)} ${words(source.count_kind)}` : 'no figure';
    body.append(element('tr', {}, element('td', {}, sourceLink(source)), element('td', { text: claim })));
    body.append(...quotes.filter((q) => q.source_url === source.url).map(quoteRow));
  }
  const known = new Set(sources.map((s) => s.url));
  body.append(...quotes.filter((q) => !known.has(q.source_url)).map(quoteRow));
  table.append(body);
  const summary = (p.counts ?? []).map((c) => {
    const range = c.low !== c.high ? ` (${number(c.low)}–${number(c.high)})` : '';
    return `${number(c.best)} ${words(c.kind)}${range}`;
  });
  return [
    element('p', {
      className: 'persons',
      text: summary.length ? `Persons: ${summary.join('; ')}` : 'Persons: no figure given',
    }),
    p.aggregate
      ? element('p', { className: 'aggregate', text: 'A running total: left out of persons-weighted figures.' })
      : null,
    table,
  ];
}

/** One revision of an event: version, day, action, who, why, what changed. */
function revisionItem(r) {
  const reason = r.reason ? ` (“${r.reason}”)` : '';
  const changed = r.changed?.length && r.action !== 'create' && r.action !== 'import' ? `; changed ${r.changed.join(', ')}` : '';
  return element('li', {
    text: `v${r.version}, ${humanDate((r.at ?? '').slice(0, 10))}: ${words(r.action)} by ${r.author}${reason}${changed}`,
  });
}

/** A link to the event's history (`/api/events/{id}/history`, JSON): a click
 * lists its revisions here instead, oldest first; another hides them. */
function historyOf(id) {
  const path = `/api/events/${encodeURIComponent(id)}/history`;
  const link = element('a', { className: 'history-link', text: 'History' });
  link.href = path;
  const list = element('ol', { className: 'revisions' });
  list.hidden = true;
  link.addEventListener('click', async (event) => {
    event.preventDefault();
    if (!list.hidden) {
      list.hidden = true;
      return;
    }
    try {
      const { revisions } = await getJSON(path, { fresh: true });
      list.replaceChildren(...revisions.map(revisionItem));
    } catch (error) {
      list.replaceChildren(element('li', { className: 'error', text: error.message }));
    }
    list.hidden = false;
  });
  return element('div', { className: 'history' }, link, list);
}

/**
 * The details of one event (a GeoJSON feature with its full properties).
 * `quotes`: the evidence of its claims, when the server keeps any; `history`:
 * whether it keeps the event's revisions (a workspace); `draft`: a draft,
 * shown to editors only, marked as not public.
 */
export function eventDetails(feature, colourOf, { quotes = [], history = false, draft = false } = {}) {
  const p = feature.properties;
  const swatch = element('span', { className: 'swatch' });
  swatch.style.backgroundColor = colourOf(p.type);
  return element(
    'article',
    { className: draft ? 'event draft' : 'event' },
    element(
      'h3',
      {},
      swatch,
      element('span', { text: words(p.type) }),
      draft ? element('span', { className: 'draft-mark', text: 'draft, not public' }) : null,
      element('span', { className: 'event-id', text: p.id }),
    ),
    when(p),
    where(p),
    ...counts(p, quotes),
    p.notes ? element('p', { className: 'notes', text: p.notes }) : null,
    history && p.id ? historyOf(p.id) : null,
  );
}

/** A cluster of tile events (large data, low zoom). */
export function clusterDetails(properties) {
  return element(
    'article',
    { className: 'event' },
    element('h3', { text: `${number(properties.point_count)} events` }),
    element('p', {
      text: `In ${properties.period ?? 'one period'}, ${number(properties.persons_best)} persons in all. Zoom in to see each event.`,
    }),
  );
}
