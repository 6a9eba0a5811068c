// The scamatlas map viewer: wires the map, the clock, the panel, the search
// and the URL hash together, and follows the server's changes without a
// reload (live.js). Everything it loads comes from this server.

import { Map as MapLibre, NavigationControl, Popup, ScaleControl } from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { getJSON } from './api.js';
import { GEOJSON_EVENT_LIMIT, loadDrift, loadEvents, loadFlows, loadHubs } from './data.js';
import { DraftsView } from './drafts.js';
import { DriftView } from './drift.js';
import { eventTileUrl, EventsView, ofTypes, overlaps } from './events.js';
import { readHash, writeHash } from './hash.js';
import { follow, revisionNow } from './live.js';
import { Download, LayerToggles, symbolLegend, TypeLegend } from './panel.js';
import { clusterDetails, eventDetails } from './popup.js';
import { PlaceSearch } from './search.js';
import { arrowColours, arrowImage, buildStyle, GROUPS, legendOf } from './style.js';
import { Clock, dayOf, humanDate } from './time.js';
import { TimeBar } from './timebar.js';

/** What the map shows before anyone moves it: Myanmar's borderlands, from
 * Kokang down to the Thai border and the Golden Triangle. */
const HOME = [
  [94.5, 14.5],
  [103.5, 25.5],
];
const HASH_DELAY_MS = 400;
/** Events listed in one popup at most; a click on a crowd says how many more. */
const MAX_POPUP_EVENTS = 6;

const $ = (id) => document.getElementById(id);

async function start() {
  const status = $('status');
  status.textContent = 'Loading…';
  // Asked first: whatever changes after it is fetched again at the next poll.
  const live = await revisionNow();
  const [catalog, serverStyle, places] = await Promise.all([
    getJSON('/api/layers'),
    getJSON('/style.json'),
    getJSON('/api/layers/places.geojson'),
  ]);

  const palette = legendOf(serverStyle);
  const colourOf = (type) => palette.colours.get(type) ?? palette.fallback;
  /** The types of a hash that the server knows; null for all of them. */
  const knownTypes = (types) => types?.filter((t) => palette.colours.has(t)) ?? null;
  const view = readHash(window.location.hash);
  const state = {
    types: knownTypes(view.types),
    shown: new Set(view.layers ?? GROUPS.map((g) => g.id)),
  };
  /** The first and last day of the published events, or null. */
  const daysOf = (layers) => layers.find((l) => l.id === 'events')?.time?.map(dayOf) ?? null;
  let published = daysOf(catalog.layers);
  const today = Math.floor(Date.now() / 86_400_000);
  const clock = new Clock(published?.[0] ?? today, published?.[1] ?? today);
  clock.set(view);

  const tiled = live.events > GEOJSON_EVENT_LIMIT;
  const tileTemplate = tiled ? (await getJSON('/tiles/events.json')).tiles[0] : null;
  const [events, flows, hubs, drift] = await Promise.all([
    tiled ? null : loadEvents(),
    loadFlows(),
    loadHubs(state.types),
    loadDrift(state.types),
  ]);
  const map = new MapLibre({
    container: 'map',
    style: buildStyle({
      serverStyle,
      eventTiles: tiled ? eventTileUrl(tileTemplate, clock.range, state.types, live.revision) : null,
    }),
    ...(view.center ? { center: view.center, zoom: view.zoom } : { bounds: HOME, fitBoundsOptions: { padding: 8 } }),
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: { compact: true },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  const eventsView = new EventsView(map, { collection: events, tileTemplate, revision: live.revision });
  const driftView = new DriftView(map);
  await new Promise((resolve) => map.once('load', resolve));
  // The arrows are drawn on a canvas, before any line needs them: no sprite.
  for (const [id, colour] of Object.entries(arrowColours(palette))) {
    const { image, options } = arrowImage(colour);
    map.addImage(id, image, options);
  }

  // Filters first, then data: nothing is drawn outside the clock's range.
  const timebar = new TimeBar(clock, {
    slider: $('time'),
    play: $('play'),
    label: $('time-label'),
    speed: $('speed'),
    mode: $('mode'),
    windowDays: $('window'),
  });
  const download = new Download($('download-layer'), $('download'));
  let total = live.events;

  function showTime() {
    const range = clock.range;
    eventsView.show(range, state.types);
    draftsView.show(range, state.types);
    map.setFilter('hubs', overlaps(range));
    const flowFilter = ['all', overlaps(range), ofTypes(state.types, 'event_type')];
    map.setFilter('flows-line', flowFilter);
    map.setFilter('flows-arrows', flowFilter);
    driftView.show(range, clock.day);
    const count = eventsView.count(range, state.types);
    status.textContent =
      count === null
        ? `${total.toLocaleString('en')} events, drawn from tiles filtered by the server`
        : `${count} of ${total} events in ${clock.mode === 'cumulative' ? 'the time so far' : 'the window'}`;
    updateDownload();
    scheduleHash();
  }

  function updateDownload() {
    const b = map.getBounds();
    const clamp = (v, limit) => Math.max(-limit, Math.min(limit, v));
    download.update({
      range: clock.range,
      types: state.types,
      bounds: [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)],
    });
  }

  function showLayers() {
    for (const group of GROUPS) {
      const visibility = state.shown.has(group.id) ? 'visible' : 'none';
      for (const layer of group.layers) map.setLayoutProperty(layer, 'visibility', visibility);
    }
    driftView.setVisible(state.shown.has('drift'));
    driftView.show(clock.range, clock.day);
    scheduleHash();
  }

  /** Hubs and drift are worked out by the server over the events shown. */
  async function setTypes(types) {
    state.types = types;
    legend.set(types);
    showTime();
    let newHubs;
    let newDrift;
    try {
      [newHubs, newDrift] = await Promise.all([loadHubs(types), loadDrift(types)]);
    } catch (error) {
      status.textContent = `Hubs and drift could not follow the types: ${error.message}`;
      return;
    }
    if (state.types !== types) return; // a later choice has won
    map.getSource('hubs').setData(newHubs);
    map.getSource('drift').setData(newDrift.collection);
    driftView.setSteps(newDrift.steps);
    showTime();
  }

  let hashTimer = null;
  let lastHash = '';
  function scheduleHash() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      const c = map.getCenter();
      lastHash = writeHash({
        center: [c.lng, c.lat],
        zoom: map.getZoom(),
        day: clock.day,
        mode: clock.mode,
        windowDays: clock.windowDays,
        layers: GROUPS.map((g) => g.id).filter((id) => state.shown.has(id)),
        types: state.types,
      });
      if (lastHash !== window.location.hash) window.history.replaceState(null, '', lastHash);
    }, HASH_DELAY_MS);
  }

  const countsOf = (collection) =>
    collection
      ? collection.features.reduce((m, f) => m.set(f.properties.type, (m.get(f.properties.type) ?? 0) + 1), new Map())
      : null;
  const legend = new TypeLegend($('legend-types'), palette, countsOf(events), state.types, setTypes);
  symbolLegend($('legend-symbols'), palette.symbols);
  const toggles = new LayerToggles($('layer-toggles'), GROUPS, state.shown, (shown) => {
    state.shown = new Set(shown);
    showLayers();
  });

  /** The clock spans the published events, and the drafts when shown; the
   * day shown stays. */
  function followDays() {
    const spans = [published, draftsView.shown ? draftsView.days() : null].filter(Boolean);
    if (spans.length) clock.setBounds(Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1])));
  }
  const draftsView = new DraftsView(map, $('layer-toggles'), followDays);
  draftsView.allow(live.drafts);

  /** The server's events changed: every layer fetched again, past the
   * browser's copies; the view, the clock, the filters and the panel stay. */
  async function refresh(now) {
    const types = state.types;
    const [layers, newEvents, newFlows, newHubs, newDrift] = await Promise.all([
      getJSON('/api/layers', { fresh: true }),
      eventsView.tiled ? null : loadEvents({ fresh: true }),
      loadFlows({ fresh: true }),
      loadHubs(types, { fresh: true }),
      loadDrift(types, { fresh: true }),
    ]);
    total = now.events;
    published = daysOf(layers.layers);
    eventsView.update(now.revision, newEvents);
    if (newEvents) legend.setCounts(countsOf(newEvents));
    map.getSource('flows').setData(newFlows);
    if (state.types === types) {
      map.getSource('hubs').setData(newHubs);
      map.getSource('drift').setData(newDrift.collection);
      driftView.setSteps(newDrift.steps);
    }
    await draftsView.refresh();
    followDays();
    showTime();
  }

  window.addEventListener('hashchange', () => {
    if (window.location.hash === lastHash) return;
    const asked = readHash(window.location.hash);
    if (asked.center) map.jumpTo({ center: asked.center, zoom: asked.zoom });
    clock.set(asked);
    if (asked.layers) {
      state.shown = new Set(asked.layers);
      toggles.set(state.shown);
      showLayers();
    }
    const types = knownTypes(asked.types);
    if (String(types) !== String(state.types)) setTypes(types);
  });

  showLayers();
  showTime();
  if (events) map.getSource('events').setData(events);
  map.getSource('flows').setData(flows);
  map.getSource('hubs').setData(hubs);
  map.getSource('drift').setData(drift.collection);
  driftView.setSteps(drift.steps);
  driftView.show(clock.range, clock.day);

  clock.addEventListener('change', showTime);
  map.on('moveend', () => {
    updateDownload();
    scheduleHash();
  });

  wirePopups(map, { eventsView, draftsView, workspace: live.workspace }, colourOf);
  follow(
    live,
    async (now, before) => {
      if (now.revision !== before.revision) await refresh(now);
      if (now.drafts !== before.drafts) draftsView.allow(now.drafts);
    },
    (error) => {
      status.textContent = `Could not follow the server's changes: ${error.message}`;
    },
  );
  new PlaceSearch(map, { form: $('search'), input: $('search-input'), list: $('search-list') }, places);
  wirePanelToggle();

  // For people and for the browser test: the map and the viewer's parts.
  window.map = map;
  window.viewer = { clock, state, eventsView, draftsView, timebar, live, ready: false };
  map.once('idle', () => {
    window.viewer.ready = true;
    document.body.dataset.state = 'ready';
  });
}

/**
 * Click an event or a draft for its details (with the quotes behind its
 * claims and its history, on a workspace); hubs, drift steps and flows say
 * what they are.
 */
function wirePopups(map, { eventsView, draftsView, workspace }, colourOf) {
  const popup = new Popup({ maxWidth: 'min(380px, 90vw)', className: 'details' });
  const clickable = ['drafts', 'events', 'hubs', 'drift-steps', 'flows-line'];
  const points = new Set(['drafts', 'events']);
  /** The quotes behind an event's claims; none when the server keeps none. */
  const quotesOf = async (id) => {
    if (!workspace) return [];
    try {
      return (await getJSON(`/api/events/${encodeURIComponent(id)}/evidence`, { fresh: true })).quotes;
    } catch {
      return [];
    }
  };
  for (const layer of clickable) {
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
  }
  map.on('click', async (event) => {
    const hits = map.queryRenderedFeatures(event.point, { layers: clickable });
    if (hits.length === 0) return;
    const top = hits[0].layer.id;
    const content = document.createElement('div');
    content.className = 'details-content';
    if (points.has(top)) {
      // One entry per event: a MultiPoint or a tile edge can hit twice.
      const events = [
        ...new Map(
          hits.filter((h) => points.has(h.layer.id)).map((h) => [h.properties.id ? `${h.layer.id}:${h.properties.id}` : h, h]),
        ).values(),
      ];
      for (const hit of events.slice(0, MAX_POPUP_EVENTS)) {
        if (hit.properties.cluster) {
          content.append(clusterDetails(hit.properties));
          continue;
        }
        const draft = hit.layer.id === 'drafts';
        const feature = draft ? draftsView.details(hit) : await eventsView.details(hit);
        if (!feature) continue;
        const quotes = await quotesOf(feature.properties.id);
        content.append(eventDetails(feature, colourOf, { quotes, history: workspace, draft }));
      }
      if (events.length > MAX_POPUP_EVENTS) {
        const more = document.createElement('p');
        more.className = 'more';
        more.textContent = `${events.length - MAX_POPUP_EVENTS} more here: zoom in to tell them apart.`;
        content.append(more);
      }
    } else {
      content.append(summary(hits[0]));
    }
    popup.setLngLat(event.lngLat).setDOMContent(content).addTo(map);
  });
}

/** A short description of a hub, drift step or flow. */
function summary(feature) {
  const p = feature.properties;
  const paragraph = document.createElement('p');
  const persons = (n) => `${Number(n ?? 0).toLocaleString('en')} persons`;
  switch (feature.layer.id) {
    case 'hubs':
      paragraph.textContent = `Hub around ${p.main_place} in ${p.period}: ${p.events} events, ${persons(
        p.persons_total,
      )}, ${humanDate(p.first_day)} – ${humanDate(p.last_day)}.`;
      break;
    case 'drift-steps':
      paragraph.textContent = `Centre of activity in ${p.period}: ${p.events} event(s), weighted by ${persons(
        p.weight,
      )}; ${Math.round(p.step_km ?? 0)} km from the quarter before.`;
      break;
    default:
      paragraph.textContent = `${p.origin_name} → ${p.destination_name}: ${persons(p.persons)} (${p.event_type}, ${humanDate(
        p.date,
      )}, event ${p.id}).`;
  }
  return paragraph;
}

/** On a phone the panel is a drawer opened by the "Layers" button. */
function wirePanelToggle() {
  const button = $('panel-toggle');
  const panel = $('panel');
  button.addEventListener('click', () => {
    const open = panel.classList.toggle('open');
    button.setAttribute('aria-expanded', String(open));
  });
}

start().catch((error) => {
  const status = $('status');
  status.textContent = `The map could not start: ${error.message}`;
  status.classList.add('error');
  console.error(error);
});
