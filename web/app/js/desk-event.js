// One event as a form: a proposal from an article, or a draft from the
// queue. Type, dates with precision, places, counts (low, best, high, kind),
// actors, the quote and an optional translation. Before a new draft is saved
// the events that may be the same (same type, 25 km, 14 days) are listed,
// each with "attach as a further claim". A reviewer publishes or rejects
// (with a reason). A change someone else made first (412) is shown beside
// ours, field by field, and nothing is written until the editor chooses.

import { ApiRefusal, call, get } from './desk-api.js';

export const EVENT_TYPES = [
  'raid', 'handover', 'deportation', 'extradition', 'release', 'rescue', 'relocation',
  'offensive', 'capture', 'demolition', 'sanction', 'power_cut', 'other',
];
const COUNT_KINDS = ['arrested', 'handed_over', 'deported', 'released', 'rescued', 'trafficked', 'other'];
const PRECISIONS = ['day', 'month', 'year'];

/** The fields of an event the form edits, and how each is shown. */
const FIELDS = ['type', 'date', 'date_precision', 'end_date', 'places', 'counts', 'actors', 'notes'];

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

function select(name, values, value) {
  const s = el('select', { name });
  for (const v of values) s.append(el('option', { value: v, textContent: v, selected: v === value }));
  return s;
}

/** A place as the events API reads it. */
function placeOf(c) {
  return { id: c.id, name: c.name, point: { lon: c.lon ?? c.point?.lon, lat: c.lat ?? c.point?.lat }, radius_m: c.radius_m };
}

/** A short text of a field's value, for the conflict view. */
function show(field, value) {
  if (value == null || (Array.isArray(value) && !value.length)) return '—';
  if (field === 'places') return value.map((p) => p.name ?? p.id).join('; ');
  if (field === 'counts') return value.map((c) => `${c.low ?? ''}/${c.best ?? ''}/${c.high ?? ''} ${c.kind}`).join('; ');
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/**
 * An event form in `box`. `start`: `{ feature, article, evidence, saved }`:
 * the event's GeoJSON feature (a proposal's draft or a stored event),
 * the article it comes from (`{id, url, outlet, published}`) if any, the
 * proposal's evidence (`[{start, end, text}]`), and, for a stored event,
 * `{ id, etag, status }`. `me`: the account (`role`).
 */
export function eventForm(box, start, me, say) {
  let feature = structuredClone(start.feature);
  let saved = start.saved ?? null; // { id, etag, status }
  const props = feature.properties;
  let places = (props.places ?? []).map(placeOf);
  const evidence = start.evidence?.[0] ?? null;

  const form = el('form', { className: 'event card' });
  form.dataset.n = start.n ?? '';
  const title = el('h4');
  const type = select('type', EVENT_TYPES, props.type);
  const date = el('input', { name: 'date', type: 'date', value: props.date ?? '' });
  const precision = select('date_precision', PRECISIONS, props.date_precision ?? 'day');
  const endDate = el('input', { name: 'end_date', type: 'date', value: props.end_date ?? '' });

  const placeList = el('ul', { className: 'places' });
  const drawPlaces = () => {
    placeList.replaceChildren(
      ...places.map((p, i) =>
        el('li', {}, `${p.name} `, el('button', {
          type: 'button', textContent: 'remove', onclick: () => { places.splice(i, 1); drawPlaces(); },
        })),
      ),
    );
  };
  drawPlaces();
  const placeQuery = el('input', { type: 'search', placeholder: 'Add a place: any script', 'aria-label': 'Add a place' });
  const placeFound = el('ul', { className: 'found' });
  const placeSearch = el('button', {
    type: 'button', textContent: 'Search',
    onclick: async () => {
      const q = placeQuery.value.trim();
      if (!q) return;
      const answer = await get(`/api/resolve?q=${encodeURIComponent(q)}&limit=6`);
      placeFound.replaceChildren(...answer.candidates.map((c) => el('li', {},
        el('button', {
          type: 'button', textContent: `${c.name} (${c.class}, ${(c.countries ?? []).join('/')})`,
          onclick: () => { places.push(placeOf(c)); placeFound.replaceChildren(); drawPlaces(); },
        }))));
    },
  });

  const counts = el('div', { className: 'counts' });
  const countRow = (c = {}) => el('div', { className: 'row count' },
    el('label', {}, 'low ', el('input', { name: 'low', type: 'number', min: 0, value: c.low ?? '' })),
    el('label', {}, 'best ', el('input', { name: 'best', type: 'number', min: 0, value: c.best ?? '' })),
    el('label', {}, 'high ', el('input', { name: 'high', type: 'number', min: 0, value: c.high ?? '' })),
    el('label', {}, 'kind ', select('kind', COUNT_KINDS, c.kind ?? 'other')));
  for (const c of props.counts ?? []) counts.append(countRow(c));
  const addCount = el('button', { type: 'button', textContent: 'Add a count', onclick: () => counts.append(countRow()) });
  const actors = el('input', { name: 'actors', value: (props.actors ?? []).join(', '), placeholder: 'comma separated' });

  const quote = el('textarea', { name: 'quote', rows: 2, value: evidence?.text ?? '' });
  if (start.lang) quote.lang = start.lang;
  const translation = el('textarea', { name: 'translation', rows: 2, placeholder: 'optional: a translation of the quote' });
  translation.lang = 'en';

  // A stored event opened from the queue: its claims and the quotes behind them, not an article's.
  const claims = el('div', { className: 'claims' });
  const quotePair = el('div', { className: 'quote-pair' },
    el('label', {}, 'Quote (the article\'s language) ', quote),
    el('label', { className: 'translation' }, 'Translation ', el('small', { textContent: '(a translation, not the source)' }), translation));
  if (!start.article) {
    quotePair.hidden = true;
    drawClaims().catch((e) => say(e.message, true));
  }
  const similar = el('div', { className: 'similar' });
  const actions = el('div', { className: 'row actions' });
  const conflict = el('div', { className: 'conflict', hidden: true });

  form.append(
    title,
    el('div', { className: 'row' }, el('label', {}, 'Type ', type), el('label', {}, 'Date ', date),
      el('label', {}, 'Precision ', precision), el('label', {}, 'Until ', endDate)),
    el('fieldset', {}, el('legend', { textContent: 'Places' }), placeList,
      el('div', { className: 'row' }, placeQuery, placeSearch), placeFound),
    el('fieldset', {}, el('legend', { textContent: 'Counts' }), counts, addCount),
    el('label', {}, 'Actors ', actors),
    quotePair, claims, similar, actions, conflict,
  );
  box.append(form);

  /** The event's claims, each source's figure with the quote behind it and its translation. */
  async function drawClaims() {
    const id = saved?.id ?? feature.id;
    const evidence = await get(`/api/events/${encodeURIComponent(id)}/evidence`);
    const list = el('ul');
    for (const source of feature.properties.sources ?? []) {
      const item = el('li', {}, `${source.publisher ?? source.url}: ${source.count ?? '—'} ${source.count_kind ?? ''} `,
        el('small', { textContent: source.url }));
      for (const q of evidence.quotes.filter((e) => e.source_url === source.url)) {
        item.append(el('blockquote', { className: 'quote', textContent: `“${q.quote}”` }));
        if (q.translation) item.append(el('p', { className: 'translation', textContent: `Translation: ${q.translation}` }));
      }
      list.append(item);
    }
    claims.replaceChildren(el('h5', { textContent: 'Claims' }), list);
  }

  /** Shows a stored version of this event in the form (a proposal already
   * saved from this article before). */
  function adopt(stored, etag) {
    const p = stored.properties;
    feature = stored;
    saved = { id: stored.id ?? p.id, etag, status: p.status ?? 'draft' };
    type.value = p.type;
    date.value = p.date ?? '';
    precision.value = p.date_precision ?? 'day';
    endDate.value = p.end_date ?? '';
    places = (p.places ?? []).map(placeOf);
    drawPlaces();
    counts.replaceChildren(...(p.counts ?? []).map(countRow));
    actors.value = (p.actors ?? []).join(', ');
    drawState();
  }

  /** The form's values as event properties. */
  function values() {
    const countValues = [...counts.querySelectorAll('.count')].map((row) => {
      const n = (name) => {
        const v = row.querySelector(`[name=${name}]`).value;
        return v === '' ? null : Number(v);
      };
      return { kind: row.querySelector('[name=kind]').value, low: n('low'), best: n('best'), high: n('high') };
    }).filter((c) => c.low != null || c.best != null || c.high != null);
    return {
      type: type.value,
      date: date.value,
      date_precision: precision.value,
      end_date: endDate.value || null,
      places: places.map((p) => ({ ...p })),
      counts: countValues,
      actors: actors.value.split(',').map((a) => a.trim()).filter(Boolean),
    };
  }

  /** The claim of the article: its source with the form's best figure. */
  function claim(v) {
    const best = v.counts[0];
    const source = { url: start.article.url };
    if (start.article.outlet) source.publisher = start.article.outlet;
    if (start.article.published) source.date = start.article.published;
    const figure = best?.best ?? best?.high ?? best?.low;
    if (figure) Object.assign(source, { count: figure, count_kind: best.kind });
    const body = { source };
    const q = quoted();
    if (q) body.quote = q;
    return body;
  }

  /** The quote of the form as the API takes it (with its offsets in the
   * article when it is the proposal's own sentence), or null. */
  function quoted() {
    if (!quote.value.trim()) return null;
    const q = { article_id: start.article.id, text: quote.value.trim() };
    if (evidence && quote.value.trim() === evidence.text) {
      Object.assign(q, { start_char: evidence.start, end_char: evidence.end });
    }
    if (translation.value.trim()) q.translation = translation.value.trim();
    return q;
  }

  async function findSimilar() {
    similar.replaceChildren();
    const v = values();
    const at = v.places[0]?.point;
    if (saved || !at || !v.date || !start.article) return;
    const q = new URLSearchParams({ type: v.type, lon: at.lon, lat: at.lat, date: v.date });
    const answer = await get(`/api/review/similar?${q}`);
    const own = answer.events.find((s) => s.id === feature.id);
    if (own) {
      say(`${own.id} was saved from this article before: the form shows it as stored.`);
      adopt(own.event, `"v${own.version}"`);
      return;
    }
    if (!answer.events.length) {
      similar.append(el('p', { className: 'hint', textContent: 'No event of this type within 25 km and 14 days.' }));
      return;
    }
    const list = el('ul');
    for (const s of answer.events) {
      const p = s.event.properties;
      const attach = el('button', {
        type: 'button', className: 'attach', textContent: 'Attach as a further claim',
        onclick: () => attachTo(s),
      });
      attach.dataset.event = s.id;
      list.append(el('li', { className: 'similar-event' },
        `${s.id} (${s.status}): ${p.type}, ${p.date}, ${show('places', p.places)}, ${show('counts', p.counts)}; `
        + `${(s.distance_m / 1000).toFixed(1)} km and ${s.days_apart} days apart `, attach));
    }
    similar.append(el('p', { textContent: 'The same event? Existing events of this type within 25 km and 14 days:' }), list);
  }

  async function attachTo(s) {
    try {
      const answer = await call('POST', `/api/events/${encodeURIComponent(s.id)}/claims`, claim(values()),
        { 'If-Match': `"v${s.version}"` });
      saved = { id: s.id, etag: answer.etag, status: answer.json.properties?.status ?? s.status, attached: true };
      say(`Attached to ${s.id} as a further claim.`);
      drawState();
    } catch (error) {
      if (error instanceof ApiRefusal && error.status === 412) {
        say(`${s.id} changed meanwhile: checking again.`);
        await findSimilar();
      } else say(error.message, true);
    }
  }

  async function save() {
    const v = values();
    try {
      if (!saved) {
        const properties = { ...props, ...v };
        for (const k of ['persons_best', 'place_ids', 'place_names', 'source_urls', 'start', 'end', 'radius_m', 'destination', 'origin']) delete properties[k];
        properties.sources = (props.sources ?? []).map((s, i) => (i === 0 && v.counts[0]?.best
          ? { ...s, count: v.counts[0].best, count_kind: v.counts[0].kind } : s));
        const body = { type: 'Feature', id: feature.id, properties };
        // The quote (and its translation) is stored as the evidence of the
        // article's claim, in the same transaction as the draft.
        const q = start.article ? quoted() : null;
        if (q) body.quote = q;
        if (v.places[0]) body.geometry = { type: 'Point', coordinates: [v.places[0].point.lon, v.places[0].point.lat] };
        const answer = await call('POST', '/api/events', body);
        saved = { id: answer.json.id ?? answer.json.properties.id, etag: answer.etag, status: 'draft' };
        feature = answer.json;
        say(`Saved ${saved.id} as a draft.`);
      } else {
        await patch(v);
      }
      drawState();
    } catch (error) {
      if (error instanceof ApiRefusal && error.status === 412) await showConflict(v);
      else if (error instanceof ApiRefusal && error.status === 409 && !saved) {
        const stored = await call('GET', `/api/events/${encodeURIComponent(feature.id)}`);
        adopt(stored.json, stored.etag);
        say(`${feature.id} exists already: the form now shows it as stored; change it and save again.`, true);
      } else say(error.message, true);
    }
  }

  async function patch(v, etag = saved.etag) {
    const properties = {};
    for (const field of FIELDS) if (field in v) properties[field] = v[field];
    const answer = await call('PATCH', `/api/events/${encodeURIComponent(saved.id)}`, { properties }, { 'If-Match': etag });
    saved = { ...saved, etag: answer.etag };
    feature = answer.json;
    conflict.hidden = true;
    say(`Saved ${saved.id}.`);
  }

  /** Theirs beside ours, field by field; the editor picks, then saves over their version. */
  async function showConflict(mine) {
    const answer = await call('GET', `/api/events/${encodeURIComponent(saved.id)}`);
    const theirs = answer.json.properties;
    conflict.hidden = false;
    conflict.replaceChildren(el('h5', { textContent: `Someone changed ${saved.id} first: choose, field by field` }));
    const table = el('table', {}, el('tr', {}, el('th', { textContent: 'field' }), el('th', { textContent: 'yours' }),
      el('th', { textContent: `theirs (${answer.etag})` })));
    const differing = FIELDS.filter((f) => f in mine && show(f, mine[f]) !== show(f, theirs[f]));
    for (const f of differing) {
      const cell = (side, value) => el('td', {}, el('label', {},
        el('input', { type: 'radio', name: `pick-${saved.id}-${f}`, value: side, checked: side === 'mine' }),
        ` ${show(f, value)}`));
      const row = el('tr', {}, el('th', { textContent: f }), cell('mine', mine[f]), cell('theirs', theirs[f]));
      row.dataset.field = f;
      table.append(row);
    }
    const merge = el('button', {
      type: 'button', className: 'merge', textContent: 'Save the merged version',
      onclick: async () => {
        const merged = {};
        for (const f of differing) {
          const side = table.querySelector(`input[name="pick-${saved.id}-${f}"]:checked`)?.value;
          merged[f] = side === 'theirs' ? theirs[f] : mine[f];
        }
        try {
          await patch(merged, answer.etag);
          drawState();
        } catch (error) {
          if (error instanceof ApiRefusal && error.status === 412) await showConflict(mine);
          else say(error.message, true);
        }
      },
    });
    const keepTheirs = el('button', {
      type: 'button', textContent: 'Keep theirs',
      onclick: () => { saved = { ...saved, etag: answer.etag }; conflict.hidden = true; say(`Kept the other version of ${saved.id}.`); },
    });
    conflict.append(table, el('div', { className: 'row' }, merge, keepTheirs));
  }

  async function decide(what) {
    try {
      const body = {};
      if (what === 'retract') {
        const reason = actions.querySelector('[name=reason]').value.trim();
        if (!reason) return say('Give a reason to reject.', true);
        body.reason = reason;
      }
      const answer = await call('POST', `/api/events/${encodeURIComponent(saved.id)}/${what}`, body, { 'If-Match': saved.etag });
      saved = { ...saved, etag: answer.etag, status: what === 'publish' ? 'published' : 'retracted' };
      say(`${saved.id} ${what === 'publish' ? 'published' : 'rejected'}.`);
      drawState();
    } catch (error) {
      if (error instanceof ApiRefusal && error.status === 412) await showConflict(values());
      else say(error.message, true);
    }
  }

  function drawState() {
    title.textContent = saved ? `${saved.id}: ${saved.status}` : `Proposal ${start.n ?? ''}: not saved`;
    if (saved?.attached) {
      // The form holds this article's figure, not the event's: nothing more to save from it.
      title.textContent = `Attached to ${saved.id} (${saved.status}) as a further claim`;
      form.dataset.status = 'attached';
      form.dataset.id = saved.id;
      for (const field of form.querySelectorAll('input, select, textarea, button')) field.disabled = true;
      similar.replaceChildren();
      actions.replaceChildren();
      return;
    }
    form.dataset.status = saved?.status ?? 'new';
    if (saved) {
      form.dataset.id = saved.id;
      similar.replaceChildren();
    }
    const closed = saved && saved.status !== 'draft';
    for (const field of form.querySelectorAll('fieldset, .row > label, form > label, .quote-pair')) {
      for (const input of field.querySelectorAll('input, select, textarea, button')) input.disabled = Boolean(closed);
    }
    const buttons = [];
    if (!saved || saved.status === 'draft') {
      buttons.push(el('button', { type: 'submit', className: 'save', textContent: saved ? 'Save' : 'Save as draft' }));
    }
    if (saved?.status === 'draft' && me.role !== 'editor') {
      buttons.push(el('button', { type: 'button', className: 'publish', textContent: 'Publish', onclick: () => decide('publish') }));
      buttons.push(el('input', { name: 'reason', placeholder: 'why reject', 'aria-label': 'Reason to reject' }));
      buttons.push(el('button', { type: 'button', className: 'reject', textContent: 'Reject', onclick: () => decide('retract') }));
    }
    actions.replaceChildren(...buttons);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save();
  });
  for (const input of [type, date]) input.addEventListener('change', () => findSimilar().catch((e) => say(e.message, true)));
  drawState();
  findSimilar().catch((e) => say(e.message, true));
  return form;
}
