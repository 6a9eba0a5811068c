// Following the server without a reload. The page asks /api/revision (a few
// bytes, never cached) every POLL_MS: `revision` grows whenever the server
// swaps in new events (a publication, an edit, a new draft: the CLI's or the
// edit API's), and `drafts` says whether the caller may see drafts (it turns
// true at the first poll after a reviewer logs in). main.js then fetches the
// layers again and leaves the view, the clock and the panel as they are.

import { getJSON } from './api.js';

/** How often the page asks whether the server's events changed: a change
 * shows within this, plus the server's own delay (about 0.2 s, README). */
export const POLL_MS = 1000;

/** `{ revision, events, workspace, drafts }` from the server, as of now. */
export function revisionNow() {
  return getJSON('/api/revision', { fresh: true });
}

/**
 * Polls the server from its answer `first` on, one poll at a time, and
 * awaits `onChange(now, before)` whenever `revision` or `drafts` differs
 * from the answer dealt with before. A failed poll or `onChange` is retried
 * at the next poll (`onError(error)` is told). Pauses while the page is
 * hidden.
 */
export function follow(first, onChange, onError = () => {}) {
  let before = first;
  const poll = async () => {
    try {
      if (!document.hidden) {
        const now = await revisionNow();
        if (now.revision !== before.revision || now.drafts !== before.drafts) {
          await onChange(now, before);
          before = now;
        }
      }
    } catch (error) {
      onError(error);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  };
  setTimeout(poll, POLL_MS);
}
