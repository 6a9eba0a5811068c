// The map's style: the server's `/style.json` (the one style of scamatlas,
// built in src/server/style.rs), extended with what only this viewer has:
// hubs, drift and flows (and events, unless there are too many) as GeoJSON
// sources that the clock filters in the browser, and arrows on flow and
// drift lines drawn on a canvas (see `arrowImage`), so no sprite is needed;
// and, for editors and reviewers, drafts (`draftLayers`), hidden until asked for.
// Colours are never restated here: the layers keep the server's paint, and
// the legend comes from the style's metadata.

import { absolute } from './api.js';

/** Layers the toggles switch on and off together. */
export const GROUPS = [
  { id: 'events', label: 'Events', layers: ['events'] },
  { id: 'hubs', label: 'Hubs (per quarter)', layers: ['hubs'] },
  { id: 'drift', label: 'Drift of activity', layers: ['drift-line', 'drift-arrows', 'drift-steps'] },
  { id: 'flows', label: 'Flows', layers: ['flows-line', 'flows-arrows'] },
  { id: 'borders', label: 'Borders', layers: ['borders', 'borders-emphasis'] },
];

/**
 * The legend of the server's style (its `metadata`): `colours`, each event
 * type's colour by type, in the server's order; `fallback`, the colour of any
 * other type; `symbols`, the other marks (`{ id, shape, colour, label }`).
 */
export function legendOf(serverStyle) {
  const legend = serverStyle.metadata?.['scamatlas:legend'] ?? {};
  return {
    colours: new Map((legend.types ?? []).map(({ type, colour }) => [type, colour])),
    fallback: legend.other ?? '#999999',
    symbols: legend.symbols ?? [],
  };
}

/** The arrow images the viewer adds, by image id, with the colour of the
 * line they sit on. */
export function arrowColours(legend) {
  const colour = (id) => legend.symbols.find((s) => s.id === id)?.colour ?? legend.fallback;
  return { 'arrow-flow': colour('flow'), 'arrow-drift': colour('drift') };
}

const EMPTY = { type: 'FeatureCollection', features: [] };
const LINES = ['==', ['geometry-type'], 'LineString'];
const ALONG = { 'icon-allow-overlap': true, 'icon-ignore-placement': true, 'icon-rotation-alignment': 'map' };

/** Arrows along each flow, and one at the middle of each drift segment. */
const ARROW_LAYERS = {
  'flows-line': {
    id: 'flows-arrows',
    type: 'symbol',
    source: 'flows',
    layout: { 'symbol-placement': 'line', 'symbol-spacing': 140, 'icon-image': 'arrow-flow', ...ALONG },
  },
  'drift-line': {
    id: 'drift-arrows',
    type: 'symbol',
    source: 'drift',
    filter: LINES,
    layout: { 'symbol-placement': 'line-center', 'icon-image': 'arrow-drift', ...ALONG },
  },
};

/**
 * Drafts, drawn apart from published events: a white disc ringed in the
 * type's colour (the events layer's colour, never restated) with a dark dot
 * at its centre, sized as events are. Hidden until switched on.
 */
export function draftLayers(eventsLayer) {
  const { 'circle-color': colour, 'circle-radius': radius = 6 } = eventsLayer.paint ?? {};
  const hidden = { visibility: 'none' };
  return [
    {
      id: 'drafts',
      type: 'circle',
      source: 'drafts',
      layout: hidden,
      paint: {
        'circle-color': '#ffffff',
        'circle-opacity': 0.55,
        'circle-radius': radius,
        'circle-stroke-color': colour,
        'circle-stroke-width': 2.5,
      },
    },
    {
      id: 'drafts-centre',
      type: 'circle',
      source: 'drafts',
      layout: hidden,
      paint: { 'circle-color': '#222222', 'circle-radius': 1.5 },
    },
  ];
}

/**
 * The server's style as this viewer draws it. Events are a GeoJSON source,
 * or vector tiles (`eventTiles`, a tile URL) when the data is too large to
 * send to the browser at once; hubs, drift and flows are GeoJSON. The map's
 * position is the viewer's own, so the style's is dropped.
 */
export function buildStyle({ serverStyle, eventTiles }) {
  const style = structuredClone(serverStyle);
  delete style.center;
  delete style.zoom;
  const geojson = (promoteId) => ({ type: 'geojson', data: EMPTY, ...(promoteId ? { promoteId } : {}) });
  for (const source of Object.values(style.sources)) {
    if (source.url) source.url = absolute(source.url);
  }
  Object.assign(style.sources, {
    events: eventTiles ? { type: 'vector', tiles: [eventTiles], minzoom: 0, maxzoom: 14 } : geojson('id'),
    hubs: geojson('id'),
    drift: geojson(),
    flows: geojson('id'),
    drafts: geojson('id'),
  });
  const inBrowser = new Set(['hubs', 'drift', 'flows', ...(eventTiles ? [] : ['events'])]);
  style.layers = style.layers.flatMap((layer) => {
    if (inBrowser.has(layer.source)) delete layer['source-layer'];
    if (layer.id === 'events') return [layer, ...draftLayers(layer)];
    return ARROW_LAYERS[layer.id] ? [layer, ARROW_LAYERS[layer.id]] : [layer];
  });
  return style;
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
