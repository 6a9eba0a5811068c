// The drafts layer, for editors and reviewers only: a toggle in the layers
// panel that exists only while the server says the caller may see drafts
// (`drafts` in /api/revision, see live.js), and the drafts themselves from
// /api/drafts.geojson (never cached), drawn apart from published events (see
// `draftLayers` in style.js) under the same clock and type filter.

import { loadDrafts } from './data.js';
import { ofTypes, overlaps } from './events.js';

const LAYERS = ['drafts', 'drafts-centre'];
const EMPTY = { type: 'FeatureCollection', features: [] };

export class DraftsView {
  /**
   * `container`: where the toggle goes (the layer toggles); `onChange()`:
   * called when drafts were shown, hidden or fetched again, so that the page
   * can follow (the clock's days, say).
   */
  constructor(map, container, onChange) {
    this.map = map;
    this.container = container;
    this.onChange = onChange;
    this.toggle = null;
    this.shown = false;
    this.collection = EMPTY;
    this.byId = new Map();
    this.filters = null;
  }

  /** Offers the toggle (`allowed`), or takes it and the drafts away. */
  allow(allowed) {
    if (allowed && !this.toggle) {
      const label = document.createElement('label');
      label.dataset.layer = 'drafts';
      label.className = 'drafts-toggle';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.addEventListener('change', () => this.setShown(input.checked));
      // The mark drafts are drawn with (a ring in the type's colour, grey here).
      const mark = document.createElement('span');
      mark.className = 'mark draft';
      mark.setAttribute('aria-hidden', 'true');
      label.append(input, mark, document.createTextNode('Drafts (not public)'));
      this.container.append(label);
      this.toggle = label;
    } else if (!allowed && this.toggle) {
      this.toggle.remove();
      this.toggle = null;
      this.setShown(false);
    }
  }

  /** Shows the drafts (fetched anew) or hides them. */
  async setShown(shown) {
    this.shown = shown;
    for (const layer of LAYERS) this.map.setLayoutProperty(layer, 'visibility', shown ? 'visible' : 'none');
    if (shown) await this.refresh();
    else this.setCollection(EMPTY);
  }

  /** Fetches the drafts again, if shown (the server's events changed). */
  async refresh() {
    if (!this.shown) return;
    this.setCollection(await loadDrafts());
  }

  setCollection(collection) {
    this.collection = collection;
    this.byId = new Map(collection.features.map((f) => [f.properties.id, f]));
    this.map.getSource('drafts').setData(collection);
    if (this.filters) this.show(this.filters.range, this.filters.types);
    this.onChange();
  }

  /** Shows the drafts overlapping the days `range` of `types` (all when null). */
  show(range, types) {
    this.filters = { range, types };
    const filter = ['all', overlaps(range), ofTypes(types)];
    for (const layer of LAYERS) this.map.setFilter(layer, filter);
  }

  /** The first and last day of the drafts shown, or null. */
  days() {
    const features = this.collection.features.filter((f) => Number.isFinite(f.properties.t0));
    if (!features.length) return null;
    return [Math.min(...features.map((f) => f.properties.t0)), Math.max(...features.map((f) => f.properties.t1))];
  }

  /** The full feature of a rendered draft, or null. */
  details(rendered) {
    return this.byId.get(rendered.properties?.id) ?? null;
  }
}
