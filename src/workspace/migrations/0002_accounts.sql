-- Accounts, API tokens, browser sessions and login throttling.
--
-- No secret is stored as given: passwords as argon2id PHC strings, tokens
-- and session keys as their SHA-256 digests (hex). Times are Unix seconds.

CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role       TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'admin')),
    password   TEXT NOT NULL,
    -- Set by `users add` and `users reset`: the password was shown once and
    -- must be changed at the next login.
    must_change_password INTEGER NOT NULL DEFAULT 1,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE tokens (
    digest     TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    created_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE sessions (
    digest     TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Failed logins per account name and per client address, in a sliding window.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY NOT NULL,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL
) STRICT;
