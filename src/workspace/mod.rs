//! The workspace: "where do a team's events live while they keep them current?"
//!
//! A workspace is one SQLite database (WAL mode) holding events with a
//! [`Status`] (`draft`, `published`, `retracted`), every [`Revision`] ever
//! written (who, when, what, why), and the articles events come from with the
//! quotes behind their claims (a translation beside a quote) and editors'
//! corrections of the places found in them. Nothing is overwritten: each
//! change is a new revision, and reverting writes one more. The review
//! desk's questions (the queue of drafts, similar events, a further claim)
//! are in `desk.rs`.
//!
//! Writes are one transaction each, started `IMMEDIATE` so that writers of
//! other processes queue on SQLite's lock instead of failing half-way, and
//! guarded by the event's version ([`Workspace::edit`] with `if_version`): a
//! write based on a stale version is refused with the current one
//! ([`WorkspaceError::Conflict`]), never applied over someone else's change.
//!
//! Events reach the store already validated (an [`Event`] is only made by
//! [`crate::events::validate`]); the store adds no validation of its own, so
//! CSV rows, GeoJSON features and command-line flags cannot drift apart.
//!
//! The API is async (sqlx); the command line drives it on a small runtime of
//! its own, and the server on a thread of its own so that a slow write never
//! holds up a tile.

mod accounts;
mod articles;
mod desk;
mod io;
mod revisions;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

use crate::error::UnknownName;
use crate::events::Event;

pub use articles::{Article, ArticleRef, Correction, Evidence, Quote};
pub use desk::{QueueFilter, QueuePage, Queued, Similar};
pub use io::{ImportReport, Problem as CheckProblem};
pub use revisions::{Action, Revision};

/// The file name of a workspace in its folder.
pub const FILE_NAME: &str = "workspace.db";

/// `PRAGMA application_id` of a workspace: "SCMA".
const APPLICATION_ID: i64 = 0x5343_4D41;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Being written; never public.
    Draft,
    /// On the public map, in layers, tiles, OGC API and exports.
    Published,
    /// Withdrawn; kept with its history, never public.
    Retracted,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Draft, Status::Published, Status::Retracted];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Retracted => "retracted",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| UnknownName {
                what: "status",
                value: s.to_string(),
                expected: "draft, published or retracted".into(),
            })
    }
}

/// One event as stored: the event, where it stands, and its version.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub event: Event,
    pub status: Status,
    /// 1 when created, one more per revision: what `if_version` compares.
    pub version: i64,
    /// The workspace revision that wrote this version.
    pub rev: i64,
}

/// Who makes a change, as recorded in its revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author(pub String);

impl Author {
    /// The user running this process: on an embedded workspace the command
    /// line acts as the local user, whom file access already lets write.
    #[must_use]
    pub fn local() -> Self {
        let name = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|n| !n.trim().is_empty()))
            .unwrap_or_else(|| "local".to_string());
        Self(format!("local:{}", name.trim()))
    }
}

impl fmt::Display for Author {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a workspace operation failed. Each names the event, version or file.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{path}: {source}")]
    Open {
        path: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("{path}: not a scamatlas workspace (application id {found:#x})")]
    NotAWorkspace { path: String, found: i64 },
    #[error("{path}: cannot migrate the workspace: {source}")]
    Migrate {
        path: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("no event {0:?} in the workspace")]
    NotFound(String),
    #[error("event {0:?} is already in the workspace")]
    Exists(String),
    #[error(
        "event {id:?} is at version {current}, not {expected}: someone changed it since; \
         look at `scamatlas events history {id}` and redo the change on version {current}"
    )]
    Conflict {
        id: String,
        expected: i64,
        current: i64,
    },
    #[error(
        "event {id:?}: retracting it, or changing it while published, needs a reason (--reason)"
    )]
    ReasonRequired { id: String },
    #[error("event {id:?} is already {status}")]
    AlreadyThere { id: String, status: Status },
    #[error("event {id:?} has no version {version}")]
    NoSuchVersion { id: String, version: i64 },
    #[error("{0}")]
    Invalid(String),
    /// A value that does not fit, named by its field (`quote.start_char`).
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    #[error("no article {0} in the workspace")]
    NoArticle(i64),
    #[error("stored event {id:?} (revision {rev}) does not read back: {message}")]
    Corrupt {
        id: String,
        rev: i64,
        message: String,
    },
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl WorkspaceError {
    /// A value of `field` that does not fit.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        WorkspaceError::Field {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// An open workspace: a pool of connections to one SQLite database.
#[derive(Debug, Clone)]
pub struct Workspace {
    pool: SqlitePool,
    path: PathBuf,
}

impl Workspace {
    /// The default workspace: `$XDG_DATA_HOME/scamatlas/workspace.db`, else
    /// `~/.local/share/scamatlas/workspace.db`; `None` with neither variable.
    #[must_use]
    pub fn default_path() -> Option<PathBuf> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        let data = var("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
        Some(data.join("scamatlas").join(FILE_NAME))
    }

    /// Opens the workspace at `path`, creating it (and its folder) if missing,
    /// and brings its schema up to date. `connections` is the most connections
    /// the pool opens (readers run in parallel; SQLite has one writer at a time).
    ///
    /// # Errors
    /// If the file cannot be created or opened, is not a workspace, or its
    /// schema cannot be migrated.
    pub async fn open(path: &Path, connections: u32) -> Result<Self, WorkspaceError> {
        Self::connect(path, connections, true).await
    }

    /// Opens an existing workspace; a missing file is an error, not a new
    /// workspace.
    ///
    /// # Errors
    /// As [`Workspace::open`], and if the file does not exist.
    pub async fn open_existing(path: &Path, connections: u32) -> Result<Self, WorkspaceError> {
        Self::connect(path, connections, false).await
    }

    async fn connect(path: &Path, connections: u32, create: bool) -> Result<Self, WorkspaceError> {
        let shown = path.display().to_string();
        let open_error = |source| WorkspaceError::Open {
            path: shown.clone(),
            source,
        };
        if create {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| open_error(sqlx::Error::Io(e)))?;
            }
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL loses no committed transaction when the
            // process is killed; only a power cut may lose the last ones.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(connections.max(1))
            .min_connections(0)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        let found: i64 = sqlx::query_scalar("PRAGMA application_id")
            .fetch_one(&pool)
            .await
            .map_err(open_error)?;
        let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_schema")
            .fetch_one(&pool)
            .await
            .map_err(open_error)?;
        if found != APPLICATION_ID && !(found == 0 && tables == 0) {
            return Err(WorkspaceError::NotAWorkspace { path: shown, found });
        }
        sqlx::migrate!("src/workspace/migrations")
            .run(&pool)
            .await
            .map_err(|source| WorkspaceError::Migrate {
                path: shown.clone(),
                source,
            })?;
        Ok(Self {
            pool,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection, checkpointing the WAL.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// The number drawn for this workspace when it was made: no other
    /// workspace has it (a copy of the file aside).
    ///
    /// # Errors
    /// Database errors.
    pub async fn identity(&self) -> Result<i64, WorkspaceError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'identity'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The workspace's revision counter and generation: they change with every
    /// committed write (generation only on restore). Cheap: one index lookup.
    ///
    /// # Errors
    /// Database errors.
    pub async fn revision(&self) -> Result<(i64, i64), WorkspaceError> {
        let row = sqlx::query(
            "SELECT (SELECT coalesce(max(rev), 0) FROM revisions), \
                    (SELECT value FROM meta WHERE key = 'generation')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// How many events of each status, in [`Status::ALL`] order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn counts(&self) -> Result<[i64; 3], WorkspaceError> {
        let mut counts = [0; 3];
        let rows = sqlx::query("SELECT status, count(*) FROM events GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let status: Status = parse_status(&row.try_get::<String, _>(0)?)?;
            let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
            counts[i] = row.try_get(1)?;
        }
        Ok(counts)
    }

    /// One event as it stands now.
    ///
    /// # Errors
    /// Database errors, or a stored body that does not read back.
    pub async fn get(&self, id: &str) -> Result<Option<Stored>, WorkspaceError> {
        let row = sqlx::query("SELECT id, version, status, body, rev FROM events WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| stored_from_row(&r)).transpose()
    }

    /// Every event with one of `statuses`, in id order, one at a time (a
    /// workspace of a million events is never held twice).
    pub fn events<'a>(
        &'a self,
        statuses: &'a [Status],
    ) -> impl futures_util::Stream<Item = Result<Stored, WorkspaceError>> + 'a {
        let wanted: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        // `+status`: not through the status index, which would have SQLite
        // sort every matching body (a gigabyte for 10^6 events) in a
        // temporary B-tree; the id index gives the order as it scans.
        sqlx::query(
            "SELECT id, version, status, body, rev FROM events \
             WHERE +status IN (SELECT value FROM json_each(?)) ORDER BY id",
        )
        .bind(serde_json::to_string(&wanted).unwrap_or_default())
        .fetch(&self.pool)
        .map_err(WorkspaceError::from)
        .and_then(|row| async move { stored_from_row(&row) })
    }

    /// Every event with one of `statuses`, collected.
    ///
    /// # Errors
    /// As [`Workspace::events`].
    pub async fn all(&self, statuses: &[Status]) -> Result<Vec<Stored>, WorkspaceError> {
        self.events(statuses).try_collect().await
    }

    /// Adds a new event (version 1) with `status`.
    ///
    /// # Errors
    /// [`WorkspaceError::Exists`] if its id is taken; database errors.
    pub async fn create(
        &self,
        event: &Event,
        status: Status,
        author: &Author,
        reason: Option<&str>,
    ) -> Result<Stored, WorkspaceError> {
        self.create_quoted(event, status, author, reason, None)
            .await
    }

    /// [`Workspace::create`], recording `quote` as the evidence of one of
    /// its claims in the same transaction: both are written or neither.
    ///
    /// # Errors
    /// As [`Workspace::create`] and [`Workspace::add_evidence`].
    pub async fn create_quoted(
        &self,
        event: &Event,
        status: Status,
        author: &Author,
        reason: Option<&str>,
        quote: Option<Quote<'_>>,
    ) -> Result<Stored, WorkspaceError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if current(&mut tx, &event.id).await?.is_some() {
            return Err(WorkspaceError::Exists(event.id.to_string()));
        }
        let change = revisions::Change {
            event,
            status,
            version: 1,
            action: Action::Create,
            author,
            reason,
        };
        let rev = revisions::write(&mut tx, &change, None).await?;
        if let Some(quote) = &quote {
            articles::record(&mut tx, event, quote).await?;
        }
        tx.commit().await?;
        Ok(Stored {
            event: event.clone(),
            status,
            version: 1,
            rev,
        })
    }

    /// Replaces an event's content (same id), keeping its status. With
    /// `if_version`, refuses unless the event is still at that version. A
    /// published event needs a `reason`.
    ///
    /// # Errors
    /// [`WorkspaceError::NotFound`], [`WorkspaceError::Conflict`],
    /// [`WorkspaceError::ReasonRequired`]; database errors.
    pub async fn edit(
        &self,
        event: &Event,
        if_version: Option<i64>,
        author: &Author,
        reason: Option<&str>,
    ) -> Result<Stored, WorkspaceError> {
        self.edit_quoted(event, if_version, author, reason, None)
            .await
    }

    /// [`Workspace::edit`], recording `quote` as the evidence of one of its
    /// claims in the same transaction: both are written or neither.
    ///
    /// # Errors
    /// As [`Workspace::edit`] and [`Workspace::add_evidence`].
    pub async fn edit_quoted(
        &self,
        event: &Event,
        if_version: Option<i64>,
        author: &Author,
        reason: Option<&str>,
        quote: Option<Quote<'_>>,
    ) -> Result<Stored, WorkspaceError> {
        self.change(
            &event.id,
            if_version,
            |now| {
                if now.status == Status::Published && blank(reason) {
                    return Err(WorkspaceError::ReasonRequired {
                        id: event.id.to_string(),
                    });
                }
                Ok((event.clone(), now.status, Action::Edit))
            },
            author,
            reason,
            quote,
        )
        .await
    }

    /// Publishes or retracts an event (or sends it back to draft). Retracting
    /// (a draft too: a reviewer's rejection) or unpublishing needs a `reason`.
    ///
    /// # Errors
    /// As [`Workspace::edit`], and [`WorkspaceError::AlreadyThere`].
    pub async fn set_status(
        &self,
        id: &str,
        status: Status,
        if_version: Option<i64>,
        author: &Author,
        reason: Option<&str>,
    ) -> Result<Stored, WorkspaceError> {
        self.change(
            id,
            if_version,
            |now| {
                if now.status == status {
                    return Err(WorkspaceError::AlreadyThere {
                        id: id.to_string(),
                        status,
                    });
                }
                if (now.status == Status::Published || status == Status::Retracted) && blank(reason)
                {
                    return Err(WorkspaceError::ReasonRequired { id: id.to_string() });
                }
                let action = match status {
                    Status::Published => Action::Publish,
                    Status::Retracted => Action::Retract,
                    Status::Draft => Action::Edit,
                };
                Ok((now.event.clone(), status, action))
            },
            author,
            reason,
            None,
        )
        .await
    }

    /// Makes the event what it was at `version` again (content and status),
    /// as a new revision.
    ///
    /// # Errors
    /// [`WorkspaceError::NoSuchVersion`], and as [`Workspace::edit`].
    pub async fn revert(
        &self,
        id: &str,
        to_version: i64,
        if_version: Option<i64>,
        author: &Author,
        reason: Option<&str>,
    ) -> Result<Stored, WorkspaceError> {
        let old = revisions::at_version(&self.pool, id, to_version)
            .await?
            .ok_or_else(|| WorkspaceError::NoSuchVersion {
                id: id.to_string(),
                version: to_version,
            })?;
        self.change(
            id,
            if_version,
            |now| {
                if (now.status == Status::Published || old.status == Status::Published)
                    && blank(reason)
                {
                    return Err(WorkspaceError::ReasonRequired { id: id.to_string() });
                }
                Ok((old.event.clone(), old.status, Action::Revert))
            },
            author,
            reason,
            None,
        )
        .await
    }

    /// One read-check-write transaction on an existing event: `decide` sees
    /// the event as it stands and returns what it becomes.
    async fn change(
        &self,
        id: &str,
        if_version: Option<i64>,
        decide: impl FnOnce(&Stored) -> Result<(Event, Status, Action), WorkspaceError>,
        author: &Author,
        reason: Option<&str>,
        quote: Option<Quote<'_>>,
    ) -> Result<Stored, WorkspaceError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let now = current(&mut tx, id)
            .await?
            .ok_or_else(|| WorkspaceError::NotFound(id.to_string()))?;
        if let Some(expected) = if_version.filter(|v| *v != now.version) {
            return Err(WorkspaceError::Conflict {
                id: id.to_string(),
                expected,
                current: now.version,
            });
        }
        let (event, status, action) = decide(&now)?;
        if event.id != id {
            return Err(WorkspaceError::Invalid(format!(
                "id: an edit of {id:?} cannot change its id to {:?}",
                event.id
            )));
        }
        let version = now.version + 1;
        let change = revisions::Change {
            event: &event,
            status,
            version,
            action,
            author,
            reason: reason.filter(|r| !r.trim().is_empty()),
        };
        let rev = revisions::write(&mut tx, &change, Some(now.version)).await?;
        if let Some(quote) = &quote {
            articles::record(&mut tx, &event, quote).await?;
        }
        tx.commit().await?;
        Ok(Stored {
            event,
            status,
            version,
            rev,
        })
    }

    /// Every revision of one event, oldest first, each with what it changed.
    ///
    /// # Errors
    /// [`WorkspaceError::NotFound`]; database errors.
    pub async fn history(&self, id: &str) -> Result<Vec<Revision>, WorkspaceError> {
        let list = revisions::of_event(&self.pool, id).await?;
        if list.is_empty() {
            return Err(WorkspaceError::NotFound(id.to_string()));
        }
        Ok(list)
    }

    /// The events changed by revisions after `since`: for each, how it stood
    /// at `since` (`None` if it did not exist) and how it stands now. What a
    /// follower needs to drop exactly the tiles a change touched.
    ///
    /// # Errors
    /// Database errors.
    pub async fn changes_since(&self, since: i64) -> Result<Vec<Changed>, WorkspaceError> {
        revisions::changes_since(&self.pool, since).await
    }
}

/// One event changed since a revision: before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    pub id: String,
    pub before: Option<Stored>,
    pub after: Stored,
}

fn blank(reason: Option<&str>) -> bool {
    reason.is_none_or(|r| r.trim().is_empty())
}

fn parse_status(s: &str) -> Result<Status, WorkspaceError> {
    s.parse()
        .map_err(|e: UnknownName| WorkspaceError::Invalid(e.to_string()))
}

/// The event as it stands, inside a transaction.
async fn current(
    tx: &mut sqlx::SqliteConnection,
    id: &str,
) -> Result<Option<Stored>, WorkspaceError> {
    let row = sqlx::query("SELECT id, version, status, body, rev FROM events WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    row.map(|r| stored_from_row(&r)).transpose()
}

/// A row of `id, version, status, body, rev`.
fn stored_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Stored, WorkspaceError> {
    let id: String = row.try_get(0)?;
    let rev: i64 = row.try_get(4)?;
    let body: &str = row.try_get(3)?;
    let event = decode(&id, rev, body)?;
    Ok(Stored {
        event,
        status: parse_status(row.try_get(2)?)?,
        version: row.try_get(1)?,
        rev,
    })
}

fn decode(id: &str, rev: i64, body: &str) -> Result<Event, WorkspaceError> {
    serde_json::from_str(body).map_err(|e| WorkspaceError::Corrupt {
        id: id.to_string(),
        rev,
        message: e.to_string(),
    })
}

fn encode(event: &Event) -> Result<String, WorkspaceError> {
    serde_json::to_string(event).map_err(|e| WorkspaceError::Invalid(e.to_string()))
}

/// Now, as revisions record it.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests;
