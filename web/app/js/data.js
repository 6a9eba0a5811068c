// The overlays' data, fetched from /api/layers and given day numbers (`t0`,
// `t1`: first and last day) so that the clock filters them in the browser.
//
// Why GeoJSON filtered in the browser rather than tiles refetched per time
// step: the bundled data is 78 events, a few hubs, drift steps and flows (a
// few hundred KB at most), so one fetch and `setFilter` on every clock tick
// make playback smooth, with no request at all while playing. Events are the
// only layer that grows with the data: above GEOJSON_EVENT_LIMIT they come as
// vector tiles instead (clustered by the server below zoom 9), refetched
// with `datetime=` when the clock moves (see events.js). Hubs, drift and
// flows are summaries and stay GeoJSON (3 MB of hubs for 10^5 events).

import { filterQuery, getJSON } from './api.js';
import { dayOf } from './time.js';

/** Above this many events, events are drawn from vector tiles. */
export const GEOJSON_EVENT_LIMIT = 20_000;

const EMPTY = () => ({ type: 'FeatureCollection', features: [] });

function withDays(collection, first, last) {
  for (const feature of collection.features) {
    const p = feature.properties;
    p.t0 = dayOf(p[first]);
    p.t1 = dayOf(p[last]);
  }
  return collection;
}

/** Every event, with `t0`/`t1` from its `start`/`end`. `fresh`: past the
 * browser's copy, after the server's events changed (see live.js). */
export async function loadEvents({ fresh = false } = {}) {
  return withDays(await getJSON('/api/layers/events.geojson', { fresh }), 'start', 'end');
}

/** Every draft, for editors and reviewers (`/api/drafts.geojson`, never
 * cached), with `t0`/`t1` as events have them. */
export async function loadDrafts() {
  return withDays(await getJSON('/api/drafts.geojson', { fresh: true }), 'start', 'end');
}

/** Every flow (origin-destination line of one event). */
export async function loadFlows({ fresh = false } = {}) {
  return withDays(await getJSON('/api/layers/flows.geojson', { fresh }), 'first_day', 'last_day');
}

/** Hubs of the events of `types` (all when `types` is null; none when empty):
 * the server clusters them anew for a type filter. */
export async function loadHubs(types, { fresh = false } = {}) {
  if (types && types.length === 0) return EMPTY();
  const path = `/api/layers/hubs.geojson${filterQuery({ types })}`;
  return withDays(await getJSON(path, { fresh }), 'first_day', 'last_day');
}

/**
 * The drift of the events of `types`: its steps (one centre per quarter, in
 * time order) and, in place of the server's one trajectory line, one segment
 * per step from the centre before, so that the path grows with the clock.
 */
export async function loadDrift(types, { fresh = false } = {}) {
  if (types && types.length === 0) return { collection: EMPTY(), steps: [] };
  const drift = await getJSON(`/api/layers/drift.geojson${filterQuery({ types })}`, { fresh });
  return driftPath(drift);
}

export function driftPath(drift) {
  const steps = withDays(
    { features: drift.features.filter((f) => f.geometry?.type === 'Point' && f.properties.kind === 'step') },
    'first_day',
    'last_day',
  ).features.sort((a, b) => a.properties.t0 - b.properties.t0);
  const segments = steps.slice(1).map((step, i) => ({
    type: 'Feature',
    geometry: {
      type: 'LineString',
      coordinates: [steps[i].geometry.coordinates, step.geometry.coordinates],
    },
    properties: {
      period: step.properties.period,
      step_km: step.properties.step_km,
      t0: step.properties.t0,
      t1: step.properties.t1,
    },
  }));
  return { collection: { type: 'FeatureCollection', features: [...segments, ...steps] }, steps };
}

/** The family of each GeoJSON geometry type: points, lines, polygons. */
const FAMILIES = { Point: 0, MultiPoint: 0, LineString: 1, MultiLineString: 1, Polygon: 2, MultiPolygon: 2 };

/**
 * A layer as `scamatlas export --format geojson` types its geometries (the
 * rule of `Table::from_features`, src/export/table.rs): one geometry type, of
 * the family most features have (points, then lines, then polygons on a tie),
 * promoted to its multi type when single and multi geometries are mixed;
 * features of another family or without a geometry are left out. Coordinates
 * stay as the server wrote them, already rounded by the rule the export uses
 * (src/geom/precision.rs).
 */
export function oneGeometryType(collection) {
  const counts = [0, 0, 0];
  for (const feature of collection.features) {
    const family = FAMILIES[feature.geometry?.type];
    if (family !== undefined) counts[family] += 1;
  }
  const family = counts.indexOf(Math.max(...counts));
  const kept = collection.features.filter((f) => FAMILIES[f.geometry?.type] === family);
  if (new Set(kept.map((f) => f.geometry.type)).size < 2) return { ...collection, features: kept };
  const multi = (f) =>
    f.geometry.type.startsWith('Multi')
      ? f
      : { ...f, geometry: { type: `Multi${f.geometry.type}`, coordinates: [f.geometry.coordinates] } };
  return { ...collection, features: kept.map(multi) };
}
