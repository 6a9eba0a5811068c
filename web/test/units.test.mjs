// The viewer's pure modules under Node (no browser): days, the clock's
// range, the URL hash, the drift path, the style built on the server's and the
// download's geometry types, the review desk's mentions in text order. Run: node --test web/test/units.test.mjs

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { driftPath, oneGeometryType } from '../app/js/data.js';
import { spans } from '../app/js/desk-text.js';
import { eventTileUrl } from '../app/js/events.js';
import { readHash, writeHash } from '../app/js/hash.js';
import { arrowColours, buildStyle, legendOf } from '../app/js/style.js';
import { Clock, dayOf, humanDate, isoOf, quarterOf } from '../app/js/time.js';

test('days round-trip and shorter dates mean their first day', () => {
  assert.equal(dayOf('1970-01-02'), 1);
  assert.equal(isoOf(dayOf('2024-02-29')), '2024-02-29');
  assert.equal(isoOf(dayOf('2023-09')), '2023-09-01');
  assert.equal(isoOf(dayOf('2025')), '2025-01-01');
  assert.ok(Number.isNaN(dayOf('soon')));
  assert.ok(Number.isNaN(dayOf(null)));
});

test('dates read at their precision', () => {
  assert.equal(humanDate('2025-03-10', 'day'), '10 Mar 2025');
  assert.equal(humanDate('2023-09', 'month'), 'Sep 2023');
  assert.equal(humanDate('2023', 'year'), '2023');
  assert.equal(quarterOf(dayOf('2024-08-15')), '2024 Q3');
});

test('the clock shows a window or everything so far, within its days', () => {
  const clock = new Clock(dayOf('2023-01-01'), dayOf('2025-12-06'));
  let changes = 0;
  clock.addEventListener('change', () => changes++);
  clock.set({ day: dayOf('2024-06-30'), windowDays: 91 });
  assert.deepEqual(clock.range.map(isoOf), ['2024-04-01', '2024-06-30']);
  clock.set({ mode: 'cumulative' });
  assert.deepEqual(clock.range.map(isoOf), ['2023-01-01', '2024-06-30']);
  clock.set({ mode: 'window', day: dayOf('2023-01-15') });
  assert.deepEqual(clock.range.map(isoOf), ['2023-01-01', '2023-01-15'], 'the window stops at the first day');
  clock.set({ day: dayOf('2030-01-01') });
  assert.equal(isoOf(clock.day), '2025-12-06', 'a day past the end is the last day');
  clock.set({ mode: 'sideways', windowDays: -3 });
  assert.equal(clock.mode, 'window');
  assert.equal(clock.windowDays, 91);
  assert.equal(changes, 5);
});

test('new bounds keep the day shown unless it falls outside them', () => {
  const clock = new Clock(dayOf('2023-01-01'), dayOf('2025-12-06'));
  clock.set({ day: dayOf('2024-06-30') });
  let changes = 0;
  clock.addEventListener('change', () => changes++);
  clock.setBounds(dayOf('2023-01-01'), dayOf('2025-12-20'));
  assert.equal(isoOf(clock.day), '2024-06-30');
  assert.equal(isoOf(clock.last), '2025-12-20');
  clock.setBounds(dayOf('2023-01-01'), dayOf('2025-12-20'));
  assert.equal(changes, 1, 'the same bounds change nothing');
  clock.setBounds(dayOf('2024-07-01'), dayOf('2025-12-20'));
  assert.equal(isoOf(clock.day), '2024-07-01');
  clock.setBounds(NaN, dayOf('2025-12-20'));
  assert.equal(isoOf(clock.first), '2024-07-01', 'no bounds from no dates');
});

test('event tiles change URL with the clock, the types and the server revision', () => {
  const template = 'http://127.0.0.1:8080/tiles/events/{z}/{x}/{y}.mvt';
  const range = [dayOf('2024-04-01'), dayOf('2024-06-30')];
  assert.equal(
    eventTileUrl(template, range, ['raid'], 7),
    `${template}?datetime=2024-04-01%2F2024-06-30&type=raid&v=7`,
  );
  assert.notEqual(eventTileUrl(template, range, null, 7), eventTileUrl(template, range, null, 8));
});

test('the hash holds the view and survives a round trip', () => {
  const view = {
    center: [98.76214, 23.69611],
    zoom: 9.5,
    day: dayOf('2024-01-15'),
    mode: 'cumulative',
    windowDays: 182,
    layers: ['events', 'drift'],
    types: ['raid', 'release'],
  };
  const hash = writeHash(view);
  assert.equal(hash, '#map=9.50/23.6961/98.7621&t=2024-01-15&mode=cumulative&window=182&layers=events,drift&types=raid,release');
  const back = readHash(hash);
  assert.deepEqual(back, { ...view, center: [98.7621, 23.6961] });
  assert.equal(writeHash({ ...view, types: null }).includes('types='), false, 'all types: no types member');
  assert.deepEqual(readHash('#types=').types, [], 'no type at all is kept');
});

test('a broken hash gives only what it gets right', () => {
  assert.deepEqual(readHash('#map=abc/1/2&t=never&mode=upside&window=-4'), {});
  assert.deepEqual(readHash('#map=5/95/10'), {}, 'latitude out of range');
  assert.deepEqual(readHash(''), {});
});

test('the drift path is one segment per step, in time order, carrying its days', () => {
  const step = (period, first, last, lon, lat) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: { kind: 'step', period, first_day: first, last_day: last, step_km: 1 },
  });
  const trajectory = {
    type: 'Feature',
    geometry: { type: 'LineString', coordinates: [] },
    properties: { kind: 'trajectory' },
  };
  const { collection, steps } = driftPath({
    type: 'FeatureCollection',
    features: [
      trajectory,
      step('2024-Q1', '2024-01-01', '2024-03-31', 98.5, 16.7),
      step('2023-Q4', '2023-10-01', '2023-12-31', 98.7, 23.7),
    ],
  });
  assert.deepEqual(
    steps.map((s) => s.properties.period),
    ['2023-Q4', '2024-Q1'],
  );
  const segments = collection.features.filter((f) => f.geometry.type === 'LineString');
  assert.equal(segments.length, 1, 'the server trajectory is replaced by segments');
  assert.deepEqual(segments[0].geometry.coordinates, [
    [98.7, 23.7],
    [98.5, 16.7],
  ]);
  assert.equal(segments[0].properties.t0, dayOf('2024-01-01'));
  assert.equal(segments[0].properties.t1, dayOf('2024-03-31'));
});

/** The shape of the server's /style.json (src/server/style.rs), cut down. */
function serverStyle() {
  const vector = (id) => ({ type: 'vector', url: `/tiles/${id}.json` });
  const layer = (id, source, paint = {}) => ({ id, type: 'line', source, 'source-layer': source, paint });
  return {
    version: 8,
    metadata: {
      'scamatlas:legend': {
        types: [
          { type: 'raid', colour: '#d62728' },
          { type: 'release', colour: '#2ca02c' },
        ],
        other: '#999999',
        symbols: [
          { id: 'drift', shape: 'line', colour: '#111111', label: 'Drift' },
          { id: 'flow', shape: 'line', colour: '#5e3c99', label: 'Flow' },
        ],
      },
    },
    center: [98.5, 20],
    zoom: 4.5,
    sources: Object.fromEntries(['countries', 'borders', 'events', 'hubs', 'drift', 'flows'].map((id) => [id, vector(id)])),
    layers: [
      layer('borders', 'borders', { 'line-color': '#8a8a80' }),
      layer('flows-line', 'flows'),
      layer('hubs', 'hubs'),
      layer('drift-line', 'drift'),
      layer('events', 'events', { 'circle-color': ['match', ['get', 'type'], 'raid', '#d62728', '#999999'] }),
    ],
  };
}

test("the viewer's style extends the server's without restating it", () => {
  globalThis.window = { location: { href: 'http://127.0.0.1:8080/' } };
  const server = serverStyle();
  const style = buildStyle({ serverStyle: server, eventTiles: null });
  assert.deepEqual(
    style.layers.map((l) => l.id),
    ['borders', 'flows-line', 'flows-arrows', 'hubs', 'drift-line', 'drift-arrows', 'events', 'drafts', 'drafts-centre'],
  );
  assert.deepEqual(style.layers[0], server.layers[0], "the basemap is the server's");
  const layer = (id) => style.layers.find((l) => l.id === id);
  assert.deepEqual(layer('events').paint, server.layers.at(-1).paint, 'paint is not restated');
  // Drafts: hidden until asked for, ringed in the events' own colours, apart from events.
  assert.equal(layer('drafts').layout.visibility, 'none');
  assert.equal(layer('drafts').source, 'drafts');
  assert.deepEqual(layer('drafts').paint['circle-stroke-color'], server.layers.at(-1).paint['circle-color']);
  assert.notDeepEqual(layer('drafts').paint['circle-color'], layer('events').paint['circle-color']);
  assert.equal(style.sources.borders.url, 'http://127.0.0.1:8080/tiles/borders.json');
  for (const id of ['events', 'hubs', 'drift', 'flows', 'drafts']) assert.equal(style.sources[id].type, 'geojson', id);
  assert.ok(style.layers.every((l) => l.source === 'borders' || !('source-layer' in l)));
  assert.ok(!('center' in style) && !('zoom' in style), 'the viewer places the map');
  assert.equal(server.layers[1]['source-layer'], 'flows', "the server's style is left as it was");

  const tiled = buildStyle({ serverStyle: server, eventTiles: 'http://127.0.0.1:8080/tiles/events/{z}/{x}/{y}.mvt' });
  assert.equal(tiled.layers.find((l) => l.id === 'events')['source-layer'], 'events');
  assert.equal(tiled.sources.drafts.type, 'geojson', 'drafts are GeoJSON whatever the events are');
  assert.deepEqual(tiled.sources.events.tiles, ['http://127.0.0.1:8080/tiles/events/{z}/{x}/{y}.mvt']);
});

test('the legend comes from the style metadata', () => {
  const legend = legendOf(serverStyle());
  assert.deepEqual([...legend.colours], [
    ['raid', '#d62728'],
    ['release', '#2ca02c'],
  ]);
  assert.equal(legend.fallback, '#999999');
  assert.deepEqual(arrowColours(legend), { 'arrow-flow': '#5e3c99', 'arrow-drift': '#111111' });
  assert.deepEqual(legendOf({ layers: [] }).colours, new Map(), 'no metadata: no types');
});

test('the download types geometries as the export does: one type, multi when mixed', () => {
  const feature = (id, type, coordinates) => ({ type: 'Feature', id, geometry: coordinates && { type, coordinates }, properties: {} });
  const events = oneGeometryType({
    type: 'FeatureCollection',
    features: [feature('E1', 'Point', [98.5, 16.7]), feature('E2', 'MultiPoint', [[98.5, 16.7], [98.6, 16.8]])],
  });
  assert.deepEqual(
    events.features.map((f) => [f.id, f.geometry.type, f.geometry.coordinates]),
    [
      ['E1', 'MultiPoint', [[98.5, 16.7]]],
      ['E2', 'MultiPoint', [[98.5, 16.7], [98.6, 16.8]]],
    ],
  );
  // The drift layer: its trajectory line is left out of its step points.
  const drift = oneGeometryType({
    type: 'FeatureCollection',
    features: [feature('a', 'Point', [1, 2]), feature('line', 'LineString', [[1, 2], [3, 4]]), feature('b', 'Point', [3, 4]), feature('none', 'Point', null)],
  });
  assert.deepEqual(drift.features.map((f) => [f.id, f.geometry.type]), [['a', 'Point'], ['b', 'Point']]);
  // A tie goes to points, then lines.
  const tie = oneGeometryType({ type: 'FeatureCollection', features: [feature('l', 'LineString', [[0, 0], [1, 1]]), feature('p', 'Point', [0, 0])] });
  assert.deepEqual(tie.features.map((f) => f.id), ['p']);
});

test('the desk lists places, dates and counts in the order of the text, unsure ones marked', () => {
  const view = {
    mentions: [{ start: 10, end: 18, text: 'Myawaddy', unsure: false }],
    dates: [{ start: 39, end: 48, text: 'on Monday', unsure: true }],
    counts: [
      { start: 28, end: 38, text: '120 people' },
      { start: 0, end: 6, text: 'Police' },
    ],
  };
  const found = spans(view).map((s) => [s.kind, s.start, s.index, s.unsure]);
  assert.deepEqual(found, [
    ['count', 0, 1, false],
    ['place', 10, 0, false],
    ['count', 28, 0, false],
    ['date', 39, 0, true],
  ]);
  assert.deepEqual(spans({}), []);
});
