// The events layer under the clock, in either of its two forms (see data.js):
// a GeoJSON source filtered in the browser, or vector tiles refetched with
// `datetime=` and `type=` when the clock or the type filter changes, and
// with `v=` when the server's events change (live.js).

import { filterQuery, getJSON } from './api.js';
import { isoOf } from './time.js';

/** Features overlapping the days `[start, end]`. */
export function overlaps([start, end]) {
  return ['all', ['<=', ['get', 't0'], end], ['>=', ['get', 't1'], start]];
}

/** Features of the event types `types` (all when null), by `property`. */
export function ofTypes(types, property = 'type') {
  return types ? ['in', ['get', property], ['literal', types]] : true;
}

/**
 * The tile URL template of events overlapping the days `range` of `types`,
 * as of the server's `revision`: a new revision is a new URL, so the browser
 * never draws a tile it kept from before a change (tiles may be kept an
 * hour). The server ignores `v` (its cache drops the tiles a change makes
 * stale).
 */
export function eventTileUrl(template, range, types, revision = 0) {
  return `${template}${filterQuery({ datetime: range.map(isoOf), types })}&v=${revision}`;
}

/** How long the clock must rest before tiles are refetched: playback then
 * asks for a few tile sets per second, not one per frame. */
const TILE_REFRESH_MS = 250;

export class EventsView {
  /**
   * `collection`: every event as GeoJSON (browser filtering), or null for
   * vector tiles from `tileTemplate` (`.../{z}/{x}/{y}.mvt`) as of the
   * server's `revision`.
   */
  constructor(map, { collection = null, tileTemplate = null, revision = 0 }) {
    this.map = map;
    this.collection = collection;
    this.tileTemplate = tileTemplate;
    this.byId = new Map((collection?.features ?? []).map((f) => [f.properties.id, f]));
    this.timer = null;
    this.revision = revision;
    this.last = null;
  }

  get tiled() {
    return this.collection === null;
  }

  /** Shows the events overlapping the days `range` of `types` (all when null). */
  show(range, types) {
    this.last = { range, types };
    if (!this.tiled) {
      this.map.setFilter('events', ['all', overlaps(range), ofTypes(types)]);
      return;
    }
    // No type at all: nothing to ask the server for.
    this.map.setFilter('events', types && types.length === 0 ? ['boolean', false] : null);
    if (types && types.length === 0) return;
    const wanted = eventTileUrl(this.tileTemplate, range, types, this.revision);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const source = this.map.getSource('events');
      if (source.tiles?.[0] !== wanted) source.setTiles([wanted]);
    }, TILE_REFRESH_MS);
  }

  /**
   * The server's events changed (its `revision`): every event again as
   * GeoJSON (`collection`), or, for tiles, the tiles under a new URL. The
   * filters, and so what the clock shows, stay.
   */
  update(revision, collection) {
    this.revision = revision;
    if (!this.tiled && collection) {
      this.collection = collection;
      this.byId = new Map(collection.features.map((f) => [f.properties.id, f]));
      this.map.getSource('events').setData(collection);
    }
    if (this.last) this.show(this.last.range, this.last.types);
  }

  /** How many events overlap `range` among `types`; null when only the
   * server knows (tiles). */
  count(range, types) {
    if (this.tiled) return null;
    const [start, end] = range;
    return this.collection.features.filter(
      ({ properties: p }) => p.t0 <= end && p.t1 >= start && (!types || types.includes(p.type)),
    ).length;
  }

  /** The full GeoJSON feature of a rendered event (tile features carry only a
   * few fields; the whole event is then fetched by id), or null. */
  async details(rendered) {
    const id = rendered.properties?.id;
    if (!id) return null;
    if (!this.tiled) return this.byId.get(id) ?? null;
    return getJSON(`/ogc/collections/events/items/${encodeURIComponent(id)}`);
  }
}
