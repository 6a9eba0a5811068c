// The map's style: our own countries and borders as the basemap (vector tiles
// from this server), then flows, hubs, drift and events. No glyphs and no
// sprites: nothing draws text, and the arrow icons are drawn on a canvas
// (see `arrowImage`), so the style fetches nothing but our own tiles.

import { absolute } from './api.js';

/** Myanmar's borders the story runs along: China, Laos, Thailand (and the
 * Moei river stretch of the Thai border). */
export const EMPHASISED_BORDERS = ['CN-MM', 'LA-MM', 'MM-TH', 'moei'];

export const COLOURS = {
  water: '#cfe3ef',
  myanmar: '#f4efe4',
  land: '#e6e6e0',
  coast: '#b0b0a8',
  border: '#8a8a80',
  emphasis: '#b2182b',
  flow: '#5e3c99',
  drift: '#111111',
  hub: '#e08000',
  cluster: '#444444',
};

/** Layers the toggles switch on and off together. */
export const GROUPS = [
  { id: 'events', label: 'Events', layers: ['events'] },
  { id: 'hubs', label: 'Hubs (per quarter)', layers: ['hubs'] },
  { id: 'drift', label: 'Drift of activity', layers: ['drift-line', 'drift-arrows', 'drift-steps'] },
  { id: 'flows', label: 'Flows', layers: ['flows-line', 'flows-arrows'] },
  { id: 'borders', label: 'Borders', layers: ['borders', 'borders-emphasis'] },
];

/**
 * The colour of each event type, read from the server's `/style.json`
 * (its `events` layer colours by a `match` on `type`), so that this map, its
 * legend and anyone else using `/style.json` agree.
 */
export function typePalette(serverStyle) {
  const layer = serverStyle.layers?.find((l) => l.id === 'events');
  const expression = layer?.paint?.['circle-color'];
  const colours = new Map();
  let fallback = '#999999';
  if (Array.isArray(expression) && expression[0] === 'match') {
    for (let i = 2; i + 1 < expression.length; i += 2) colours.set(expression[i], expression[i + 1]);
    fallback = expression[expression.length - 1];
  }
  return { colours, fallback };
}

function typeColour(palette) {
  if (palette.colours.size === 0) return palette.fallback;
  return ['match', ['get', 'type'], ...[...palette.colours].flat(), palette.fallback];
}

const isCluster = ['to-boolean', ['get', 'cluster']];
const isAggregate = ['to-boolean', ['get', 'aggregate']];

/** Circle radius in pixels by persons: area grows with the count. */
const personsRadius = (property, small, large) => [
  'interpolate', ['linear'], ['sqrt', ['max', ['coalesce', ['get', property], 0], 1]],
  1, small, 100, large,
];

const EMPTY = { type: 'FeatureCollection', features: [] };

/**
 * The whole style. `serverStyle` gives the basemap's tile sources; events
 * are a GeoJSON source, or vector tiles (`eventTiles`, a tile URL) when the
 * data is too large to send to the browser at once.
 */
export function buildStyle({ serverStyle, palette, eventTiles }) {
  const source = (id) => ({ type: 'vector', url: absolute(serverStyle.sources?.[id]?.url ?? `/tiles/${id}.json`) });
  const geojson = (promoteId) => ({ type: 'geojson', data: EMPTY, ...(promoteId ? { promoteId } : {}) });
  const colour = typeColour(palette);
  return {
    version: 8,
    name: 'scamatlas viewer',
    sources: {
      countries: source('countries'),
      borders: source('borders'),
      events: eventTiles
        ? { type: 'vector', tiles: [eventTiles], minzoom: 0, maxzoom: 14 }
        : geojson('id'),
      hubs: geojson('id'),
      drift: geojson(),
      flows: geojson('id'),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLOURS.water } },
      {
        id: 'countries',
        type: 'fill',
        source: 'countries',
        'source-layer': 'countries',
        paint: {
          'fill-color': ['match', ['get', 'iso2'], 'MM', COLOURS.myanmar, COLOURS.land],
          'fill-outline-color': COLOURS.coast,
        },
      },
      {
        id: 'borders',
        type: 'line',
        source: 'borders',
        'source-layer': 'borders',
        filter: ['!', ['in', ['get', 'id'], ['literal', EMPHASISED_BORDERS]]],
        paint: { 'line-color': COLOURS.border, 'line-width': 1 },
      },
      {
        id: 'borders-emphasis',
        type: 'line',
        source: 'borders',
        'source-layer': 'borders',
        filter: ['in', ['get', 'id'], ['literal', EMPHASISED_BORDERS]],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: {
          'line-color': COLOURS.emphasis,
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 2, 10, 5],
          'line-opacity': 0.85,
        },
      },
      {
        id: 'flows-line',
        type: 'line',
        source: 'flows',
        layout: { 'line-cap': 'round' },
        paint: {
          'line-color': COLOURS.flow,
          'line-dasharray': [2, 1.5],
          'line-opacity': 0.75,
          'line-width': ['interpolate', ['linear'], ['sqrt', ['max', ['coalesce', ['get', 'persons'], 0], 1]], 1, 1.2, 100, 5],
        },
      },
      {
        id: 'flows-arrows',
        type: 'symbol',
        source: 'flows',
        layout: {
          'symbol-placement': 'line',
          'symbol-spacing': 140,
          'icon-image': 'arrow-flow',
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
          'icon-rotation-alignment': 'map',
        },
      },
      {
        id: 'hubs',
        type: 'circle',
        source: 'hubs',
        paint: {
          'circle-color': 'rgba(224, 128, 0, 0.12)',
          'circle-radius': personsRadius('persons_total', 12, 44),
          'circle-stroke-color': COLOURS.hub,
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'drift-line',
        type: 'line',
        source: 'drift',
        filter: ['==', ['geometry-type'], 'LineString'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': COLOURS.drift, 'line-width': 2.5, 'line-opacity': 0.8 },
      },
      {
        id: 'drift-arrows',
        type: 'symbol',
        source: 'drift',
        filter: ['==', ['geometry-type'], 'LineString'],
        layout: {
          'symbol-placement': 'line-center',
          'icon-image': 'arrow-drift',
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
          'icon-rotation-alignment': 'map',
        },
      },
      {
        id: 'drift-steps',
        type: 'circle',
        source: 'drift',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: {
          'circle-color': COLOURS.drift,
          'circle-radius': 4,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      },
      {
        id: 'events',
        type: 'circle',
        source: 'events',
        ...(eventTiles ? { 'source-layer': 'events' } : {}),
        layout: { 'circle-sort-key': ['-', 0, ['coalesce', ['get', 'persons_best'], 0]] },
        paint: {
          'circle-color': ['case', isCluster, COLOURS.cluster, colour],
          'circle-radius': [
            'case',
            isCluster, ['interpolate', ['linear'], ['sqrt', ['get', 'point_count']], 1, 5, 30, 22],
            isAggregate, 5,
            personsRadius('persons_best', 4, 20),
          ],
          'circle-opacity': ['case', isAggregate, 0, 0.85],
          'circle-stroke-color': ['case', isCluster, '#ffffff', isAggregate, colour, '#ffffff'],
          'circle-stroke-width': ['case', isAggregate, 2.5, 1],
        },
      },
    ],
  };
}

/**
 * An arrow pointing along +x (the direction of the line it is placed on),
 * drawn on a canvas for `map.addImage`: this is what keeps the style free of
 * sprites.
 */
export function arrowImage(colour, size = 18) {
  const ratio = 2;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size * ratio;
  const context = canvas.getContext('2d');
  context.scale(ratio, ratio);
  context.beginPath();
  context.moveTo(size * 0.9, size / 2);
  context.lineTo(size * 0.2, size * 0.15);
  context.lineTo(size * 0.38, size / 2);
  context.lineTo(size * 0.2, size * 0.85);
  context.closePath();
  context.fillStyle = colour;
  context.strokeStyle = '#ffffff';
  context.lineWidth = 1.5;
  context.lineJoin = 'round';
  context.stroke();
  context.fill();
  return { image: context.getImageData(0, 0, canvas.width, canvas.height), options: { pixelRatio: ratio } };
}

export const ARROWS = { 'arrow-flow': COLOURS.flow, 'arrow-drift': COLOURS.drift };
