// The place search: suggestions as you type, from the names of the curated
// places that start with what is typed and from `/api/resolve` (any
// spelling or script, typing errors included); choosing one flies there.

import { Marker } from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { getJSON } from './api.js';

const DEBOUNCE_MS = 150;
const MAX_SUGGESTIONS = 8;

/** Lower case without Latin diacritics, for prefix matching. */
function fold(text) {
  return text.normalize('NFD').replace(/\p{Mn}/gu, '').toLocaleLowerCase('en').trim();
}

/** Zoom at which a place of `radius_m` fills about a third of the map. */
function zoomFor(radius_m, latitude, widthPx) {
  const metresPerPixelAtZoom0 = 78_271.517 * Math.cos((latitude * Math.PI) / 180);
  const zoom = Math.log2((metresPerPixelAtZoom0 * widthPx) / (6 * Math.max(radius_m, 500)));
  return Math.min(10, Math.max(4, zoom));
}

export class PlaceSearch {
  /** `places`: the curated places as GeoJSON (`/api/layers/places.geojson`). */
  constructor(map, { form, input, list }, places) {
    this.map = map;
    this.form = form;
    this.input = input;
    this.list = list;
    this.suggestions = [];
    this.active = -1;
    this.asked = 0; // sequence number: answers to older questions are dropped
    this.timer = null;
    this.marker = null;
    this.names = (places?.features ?? []).map((f) => {
      const p = f.properties;
      const names = [p.name, ...String(p.aliases ?? '').split('|')].filter(Boolean);
      return { candidate: placeCandidate(p), folded: names.map(fold), names };
    });

    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(input.value), DEBOUNCE_MS);
    });
    input.addEventListener('keydown', (event) => this.onKey(event));
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (this.active < 0) await this.suggest(input.value);
      const chosen = this.suggestions[Math.max(this.active, 0)];
      if (chosen) this.choose(chosen);
    });
  }

  /** Curated places whose names start with `query`. */
  prefixMatches(query) {
    const folded = fold(query);
    if (!folded) return [];
    return this.names
      .filter(({ folded: names }) => names.some((n) => n.startsWith(folded)))
      .map(({ candidate, names, folded: f }) => ({
        ...candidate,
        matched: names[f.findIndex((n) => n.startsWith(folded))],
      }));
  }

  async suggest(text) {
    const query = text.trim();
    const asked = ++this.asked;
    if (!query) {
      this.show([]);
      return;
    }
    let resolved = [];
    try {
      const answer = await getJSON(`/api/resolve?q=${encodeURIComponent(query)}&limit=6`);
      resolved = answer.candidates ?? [];
    } catch (error) {
      console.warn('place search:', error.message);
    }
    if (asked !== this.asked) return;
    const seen = new Set();
    const merged = [];
    // Exact and alias answers of the resolver first, then names that start
    // with the text, then the resolver's fuzzy guesses.
    const exact = resolved.filter((c) => c.reason !== 'fuzzy');
    const fuzzy = resolved.filter((c) => c.reason === 'fuzzy');
    for (const candidate of [...exact, ...this.prefixMatches(query), ...fuzzy]) {
      if (seen.has(candidate.id)) continue;
      seen.add(candidate.id);
      merged.push(candidate);
    }
    this.show(merged.slice(0, MAX_SUGGESTIONS));
  }

  show(suggestions) {
    this.suggestions = suggestions;
    this.active = -1;
    this.list.replaceChildren(
      ...suggestions.map((candidate, i) => {
        const item = document.createElement('li');
        item.id = `search-option-${i}`;
        item.setAttribute('role', 'option');
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = candidate.name;
        const detail = document.createElement('span');
        detail.className = 'detail';
        const matched = candidate.matched && candidate.matched !== candidate.name ? `“${candidate.matched}” · ` : '';
        detail.textContent = `${matched}${candidate.kind} · ${(candidate.countries ?? []).join(', ')}`;
        item.append(name, detail);
        item.addEventListener('mousedown', (event) => {
          event.preventDefault(); // keep the focus in the box until chosen
          this.choose(candidate);
        });
        return item;
      }),
    );
    this.list.hidden = suggestions.length === 0;
    this.input.setAttribute('aria-expanded', String(suggestions.length > 0));
  }

  onKey(event) {
    if (event.key === 'Escape') {
      this.close();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    if (this.suggestions.length === 0) return;
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    this.active = (this.active + step + this.suggestions.length) % this.suggestions.length;
    [...this.list.children].forEach((item, i) => item.setAttribute('aria-selected', String(i === this.active)));
    this.input.setAttribute('aria-activedescendant', `search-option-${this.active}`);
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  /** Flies to a candidate and marks it. */
  choose(candidate) {
    this.input.value = candidate.name;
    this.close();
    const center = [candidate.lon, candidate.lat];
    const zoom = zoomFor(candidate.radius_m, candidate.lat, this.map.getContainer().clientWidth);
    this.map.flyTo({ center, zoom, duration: 1500 });
    this.marker?.remove();
    const element = document.createElement('div');
    element.className = 'search-pin';
    element.title = candidate.name;
    this.marker = new Marker({ element, anchor: 'bottom' }).setLngLat(center).addTo(this.map);
  }
}

/** A curated place's properties in the shape of a resolver candidate. */
function placeCandidate(p) {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    countries: String(p.countries ?? '').split(/[;,]/).filter(Boolean),
    lon: p.lon,
    lat: p.lat,
    radius_m: p.radius_m,
  };
}
