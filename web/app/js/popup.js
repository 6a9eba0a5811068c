// What a click on an event shows: date and precision, type, the counts
// every source claims side by side, places, and the sources as links. Built
// with DOM nodes and textContent only, so nothing in the data becomes markup.

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

/** The counts: the event's own (best, with its range), then each source's
 * claim side by side with its link. */
function counts(p) {
  const table = element('table', { className: 'claims' });
  table.append(
    element('thead', {}, element('tr', {}, element('th', { text: 'Source' }), element('th', { text: 'Claims' }))),
  );
  const body = element('tbody');
  for (const source of p.sources ?? []) {
    const claim =
      typeof source.count === 'number' ? `${number(source.count)} ${words(source.count_kind)}` : 'no figure';
    body.append(element('tr', {}, element('td', {}, sourceLink(source)), element('td', { text: claim })));
  }
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

/** The details of one event (a GeoJSON feature with its full properties). */
export function eventDetails(feature, colourOf) {
  const p = feature.properties;
  const swatch = element('span', { className: 'swatch' });
  swatch.style.backgroundColor = colourOf(p.type);
  return element(
    'article',
    { className: 'event' },
    element(
      'h3',
      {},
      swatch,
      element('span', { text: words(p.type) }),
      element('span', { className: 'event-id', text: p.id }),
    ),
    when(p),
    where(p),
    ...counts(p),
    p.notes ? element('p', { className: 'notes', text: p.notes }) : null,
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
