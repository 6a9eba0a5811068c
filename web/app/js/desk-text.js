// An article's text with its places, dates and counts marked, the list of
// those mentions beside it, and a place mention's candidates: pick another
// (the gazetteer searched in any script) or say it is not a place.

import { call, get } from './desk-api.js';

/** Every mention of `view` (GET /api/articles/{id}) as `{kind, start, end,
 * text, unsure, index}`, in the order of the text. Offsets are in characters
 * (code points), end exclusive. */
export function spans(view) {
  const all = [
    ...(view.mentions ?? []).map((m, index) => ({ kind: 'place', index, ...pick(m) })),
    ...(view.dates ?? []).map((d, index) => ({ kind: 'date', index, ...pick(d) })),
    ...(view.counts ?? []).map((c, index) => ({ kind: 'count', index, ...pick(c) })),
  ];
  return all.sort((a, b) => a.start - b.start || b.end - a.end);
}

const pick = ({ start, end, text, unsure }) => ({ start, end, text, unsure: Boolean(unsure) });

/** What a mention says about itself in the list. */
function describe(view, span) {
  if (span.kind === 'place') {
    const m = view.mentions[span.index];
    if (!m.place) return m.corrected ? 'not a place' : 'no place found';
    return `${m.place.name} (${m.place.class})${m.corrected ? ', corrected' : ''}`;
  }
  if (span.kind === 'date') {
    const d = view.dates[span.index].value;
    return d ? `${d.date} (${d.precision})` : 'no date';
  }
  const c = view.counts[span.index];
  return `${c.value ?? '?'} ${c.kind ?? ''}${c.event_type ? `, ${c.event_type}` : ''}`;
}

/**
 * Draws the text of `view` into `textBox` and its mentions into `list`; a
 * click on a place (in either) calls `onPlace(index)`.
 */
export function drawText(view, textBox, list, onPlace) {
  const chars = Array.from(view.article.text ?? '');
  textBox.replaceChildren();
  list.replaceChildren();
  let at = 0;
  for (const span of spans(view)) {
    if (span.start < at) continue; // overlapping: the first one wins
    if (span.start > at) textBox.append(chars.slice(at, span.start).join(''));
    const mark = document.createElement('mark');
    mark.className = `m-${span.kind}${span.unsure ? ' unsure' : ''}`;
    mark.dataset.kind = span.kind;
    mark.dataset.start = span.start;
    mark.textContent = chars.slice(span.start, span.end).join('');
    mark.title = describe(view, span);
    textBox.append(mark);
    at = span.end;

    const item = document.createElement('li');
    item.className = `m-${span.kind}${span.unsure ? ' unsure' : ''}`;
    item.dataset.start = span.start;
    item.dataset.kind = span.kind;
    const label = document.createElement(span.kind === 'place' ? 'button' : 'span');
    label.textContent = `“${span.text}”`;
    const what = document.createElement('small');
    what.textContent = ` ${span.kind}: ${describe(view, span)}`;
    item.append(label, what);
    list.append(item);
    if (span.kind === 'place') {
      mark.tabIndex = 0;
      mark.addEventListener('click', () => onPlace(span.index));
      label.type = 'button';
      label.addEventListener('click', () => onPlace(span.index));
    }
  }
  if (at < chars.length) textBox.append(chars.slice(at).join(''));
}

/**
 * The detail of place mention `index`: its candidates with their reasons, a
 * search of the gazetteer, and "not a place". `correct(body)` stores the
 * correction (PUT .../mentions/{start}) and redraws.
 */
export function drawMention(view, index, box, correct) {
  const m = view.mentions[index];
  box.hidden = false;
  box.replaceChildren();
  const head = document.createElement('h4');
  head.textContent = `“${m.text}” at character ${m.start}`;
  const why = document.createElement('p');
  why.className = 'hint';
  why.textContent = m.place
    ? `Now: ${m.place.name}. ${m.reason ?? ''} (confidence ${m.confidence})`
    : `Now: ${m.corrected ? 'not a place' : 'no place'}.`;
  const candidates = document.createElement('ol');
  candidates.className = 'candidates';
  // The ranked candidates of the name as written (one list per different name).
  for (const c of view.candidates?.[m.text] ?? m.candidates ?? []) candidates.append(candidate(c, m, correct));

  const search = document.createElement('form');
  search.className = 'row place-search';
  const input = document.createElement('input');
  input.type = 'search';
  input.placeholder = 'Another place: any script';
  input.setAttribute('aria-label', 'Search the gazetteer');
  const go = document.createElement('button');
  go.type = 'submit';
  go.textContent = 'Search';
  const found = document.createElement('ol');
  found.className = 'candidates found';
  search.append(input, go);
  search.addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    const answer = await get(`/api/resolve?q=${encodeURIComponent(q)}&limit=8`);
    found.replaceChildren(...answer.candidates.map((c) => candidate(c, m, correct)));
    if (!answer.candidates.length) found.textContent = 'No place of that name.';
  });

  const notPlace = document.createElement('button');
  notPlace.type = 'button';
  notPlace.className = 'not-place';
  notPlace.textContent = 'Not a place';
  notPlace.addEventListener('click', () => correct(m.start, { not_a_place: true }));
  box.append(head, why, candidates, search, found, notPlace);
}

function candidate(c, mention, correct) {
  const item = document.createElement('li');
  const where = [c.class, c.admin1, (c.countries ?? []).join('/')].filter(Boolean).join(', ');
  const text = document.createElement('span');
  text.textContent = `${c.name} (${where}): ${c.reason ?? ''}${c.score != null ? `, score ${c.score}` : ''} `;
  const use = document.createElement('button');
  use.type = 'button';
  use.dataset.place = c.id;
  const current = mention.place?.id === c.id;
  use.textContent = current ? 'chosen' : 'Use this';
  use.disabled = current;
  use.addEventListener('click', () => correct(mention.start, { place_id: c.id }));
  item.append(text, use);
  return item;
}

/** PUT the correction; resolves with the article's new view. */
export async function storeCorrection(articleId, start, body) {
  return (await call('PUT', `/api/articles/${articleId}/mentions/${start}`, body)).json;
}
