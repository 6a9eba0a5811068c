// The server's API, always on the page's own origin.

/** GET `path` as JSON; throws with the server's description on an error.
 * `fresh`: past any copy the browser keeps (what changes while the page is
 * open: the layers after a revision, drafts, quotes). */
export async function getJSON(path, { fresh = false } = {}) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: fresh ? 'no-store' : 'default' });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).description ?? detail;
    } catch {
      // not a JSON error body: keep the status text
    }
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
}

/** An absolute URL on this server, as MapLibre needs for sources. */
export function absolute(path) {
  return new URL(path, window.location.href).href;
}

/**
 * The query string of the filters the layer endpoints and tiles take:
 * `datetime` (a closed range of ISO dates), `type` (only when some event
 * types are hidden) and `bbox` (west,south,east,north).
 */
export function filterQuery({ datetime, types, bbox } = {}) {
  const params = new URLSearchParams();
  if (bbox) params.set('bbox', bbox.map((v) => v.toFixed(5)).join(','));
  if (datetime) params.set('datetime', `${datetime[0]}/${datetime[1]}`);
  if (types) params.set('type', types.join(','));
  const query = params.toString();
  return query ? `?${query}` : '';
}
