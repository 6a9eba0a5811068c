-- The first schema of a scamatlas workspace.
--
-- `events` holds the current version of each event; `revisions` holds every
-- version ever written, so nothing is overwritten: the current row of an event
-- is always its latest revision. `revisions.rev` is the workspace's revision
-- counter, which a running server polls to notice changes made by others.

PRAGMA application_id = 1396919617; -- 'SCMA'

CREATE TABLE events (
    id      TEXT PRIMARY KEY NOT NULL,
    -- 1 when created, one more per revision.
    version INTEGER NOT NULL CHECK (version >= 1),
    status  TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retracted')),
    -- The event as scamatlas' JSON (events::Event), validated before it is stored.
    body    TEXT NOT NULL,
    -- The revision that wrote this version.
    rev     INTEGER NOT NULL
) STRICT;

CREATE INDEX events_by_status ON events (status);

CREATE TABLE revisions (
    rev      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    version  INTEGER NOT NULL,
    -- Who: the OS user for the command line, an account for the server.
    author   TEXT NOT NULL,
    -- When: RFC 3339, UTC, milliseconds.
    at       TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('create', 'import', 'edit', 'publish', 'retract', 'revert')),
    -- Why: required for any change to a published event.
    reason   TEXT,
    status   TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retracted')),
    -- The whole event after this change.
    body     TEXT NOT NULL,
    UNIQUE (event_id, version)
) STRICT;

-- The articles events come from: one row per article, recognised again by
-- its URL or by the SHA-256 of its text.
CREATE TABLE articles (
    id        INTEGER PRIMARY KEY,
    url       TEXT NOT NULL UNIQUE,
    outlet    TEXT,
    published TEXT,
    -- The text or an excerpt (NULL when only the link is kept).
    text      TEXT,
    text_sha256 TEXT UNIQUE,
    added_by  TEXT NOT NULL,
    added_at  TEXT NOT NULL
) STRICT;

-- The evidence behind one source's claim for one event: the quote, and its
-- character offsets (Unicode scalar values, end exclusive) in the article text.
CREATE TABLE evidence (
    event_id   TEXT NOT NULL REFERENCES events (id),
    source_url TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    quote      TEXT NOT NULL,
    start_char INTEGER NOT NULL CHECK (start_char >= 0),
    end_char   INTEGER NOT NULL CHECK (end_char >= start_char),
    PRIMARY KEY (event_id, source_url, start_char)
) STRICT;

-- Bumped by `workspace restore`, which may move the revision counter back:
-- a follower that sees another generation reloads everything.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES ('generation', 1);
