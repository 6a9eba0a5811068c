// The review desk's calls to the server: JSON in and out, the session's CSRF
// token on every write, and errors that keep the server's status and body.

let csrf = null;

/** The CSRF token writes carry (from /api/login or /api/me). */
export function setCsrf(token) {
  csrf = token;
}

/** An answer the server refused: `status`, and its JSON body when it has one. */
export class ApiRefusal extends Error {
  constructor(path, status, body) {
    super(`${status}: ${body?.description ?? path}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * `method path` with `body` as JSON and `headers` added; resolves with
 * `{ status, etag, json }`, or throws an [`ApiRefusal`] on 4xx/5xx.
 */
export async function call(method, path, body, headers = {}) {
  const init = { method, cache: 'no-store', headers: { Accept: 'application/json', ...headers } };
  if (method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let json = null;
  if (response.status !== 204) {
    try {
      json = await response.json();
    } catch {
      json = null;
    }
  }
  if (!response.ok) throw new ApiRefusal(path, response.status, json);
  return { status: response.status, etag: response.headers.get('ETag'), json };
}

export const get = (path) => call('GET', path).then((r) => r.json);
