// The drift of the centre of activity under the clock: the path so far (one
// segment per quarter, with an arrow), its steps, and each step's period as
// an HTML label, because text on the map itself would need glyphs.

import { Marker } from '/vendor/maplibre-gl/maplibre-gl.mjs';

const LINES = ['==', ['geometry-type'], 'LineString'];
const POINTS = ['==', ['geometry-type'], 'Point'];

export class DriftView {
  constructor(map) {
    this.map = map;
    this.labels = [];
    this.visible = true;
  }

  /** Replaces the steps (from data.js `loadDrift`) and their labels. */
  setSteps(steps) {
    for (const { marker } of this.labels) marker.remove();
    this.labels = steps.map((step) => {
      const p = step.properties;
      const element = document.createElement('div');
      element.className = 'drift-label';
      element.textContent = String(p.period ?? '').replace('-', ' ');
      element.title =
        `Centre of activity in ${p.period}: ${p.events} event(s), weight ${Math.round(p.weight)}` +
        (p.step_km ? `, ${Math.round(p.step_km)} km from the quarter before` : '');
      const marker = new Marker({ element, anchor: 'left', offset: [7, 0] })
        .setLngLat(step.geometry.coordinates)
        .addTo(this.map);
      return { marker, element, t0: p.t0, t1: p.t1 };
    });
  }

  /**
   * Shows the path up to the end of `range` (days): what happened before the
   * window stays, faded, so the direction of travel shows; the step of the
   * current `day` is drawn larger.
   */
  show([start, end], day) {
    const sofar = ['<=', ['get', 't0'], end];
    const before = ['<', ['get', 't1'], start];
    const current = ['all', ['<=', ['get', 't0'], day], ['>=', ['get', 't1'], day]];
    this.map.setFilter('drift-line', ['all', LINES, sofar]);
    this.map.setFilter('drift-arrows', ['all', LINES, sofar]);
    this.map.setFilter('drift-steps', ['all', POINTS, sofar]);
    this.map.setPaintProperty('drift-line', 'line-opacity', ['case', before, 0.25, 0.85]);
    this.map.setPaintProperty('drift-arrows', 'icon-opacity', ['case', before, 0.3, 1]);
    this.map.setPaintProperty('drift-steps', 'circle-opacity', ['case', before, 0.35, 1]);
    this.map.setPaintProperty('drift-steps', 'circle-radius', ['case', current, 7, 4]);
    for (const { element, t0, t1 } of this.labels) {
      element.classList.toggle('hidden', !this.visible || t0 > end || t1 < start);
      element.classList.toggle('current', t0 <= day && day <= t1);
    }
  }

  setVisible(visible) {
    this.visible = visible;
  }
}
