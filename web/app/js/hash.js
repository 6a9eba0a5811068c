// The view in the URL hash, so that a link opens the same map:
// #map=ZOOM/LAT/LON&t=2024-06-30&mode=window&window=91&layers=events,drift&types=raid,release
// (`types` only when some types are hidden).

import { dayOf, isoOf } from './time.js';

/** The view a hash asks for; members it lacks or gets wrong are left out. */
export function readHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const view = {};
  const [zoom, lat, lon] = (params.get('map') ?? '').split('/').map(Number);
  if ([zoom, lat, lon].every(Number.isFinite) && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) {
    view.zoom = zoom;
    view.center = [lon, lat];
  }
  const day = dayOf(params.get('t'));
  if (Number.isFinite(day)) view.day = day;
  const mode = params.get('mode');
  if (mode === 'window' || mode === 'cumulative') view.mode = mode;
  const windowDays = Number(params.get('window'));
  if (Number.isInteger(windowDays) && windowDays > 0) view.windowDays = windowDays;
  if (params.has('layers')) view.layers = params.get('layers').split(',').filter(Boolean);
  if (params.has('types')) view.types = params.get('types').split(',').filter(Boolean);
  return view;
}

/** The hash of a view. */
export function writeHash({ center, zoom, day, mode, windowDays, layers, types }) {
  const parts = [
    `map=${zoom.toFixed(2)}/${center[1].toFixed(4)}/${center[0].toFixed(4)}`,
    `t=${isoOf(day)}`,
    `mode=${mode}`,
    `window=${windowDays}`,
    `layers=${layers.join(',')}`,
  ];
  if (types) parts.push(`types=${types.join(',')}`);
  return `#${parts.join('&')}`;
}
