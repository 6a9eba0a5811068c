//! Revisions: every version of every event, with who, when, what and why.

use std::fmt;

use serde::Serialize;
use sqlx::{Row, SqliteConnection, SqlitePool};

use super::{decode, encode, now, parse_status, Author, Changed, Status, Stored, WorkspaceError};
use crate::events::Event;

/// What a revision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    /// Brought in by `workspace import` (a new event, or new claims of one).
    Import,
    Edit,
    Publish,
    Retract,
    Revert,
}

impl Action {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Import => "import",
            Action::Edit => "edit",
            Action::Publish => "publish",
            Action::Retract => "retract",
            Action::Revert => "revert",
        }
    }

    fn parse(s: &str) -> Result<Self, WorkspaceError> {
        [
            Action::Create,
            Action::Import,
            Action::Edit,
            Action::Publish,
            Action::Retract,
            Action::Revert,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| WorkspaceError::Invalid(format!("unknown revision action {s:?}")))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One version of one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    /// The workspace revision counter when it was written.
    pub rev: i64,
    pub event_id: String,
    pub version: i64,
    pub author: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub action: Action,
    pub reason: Option<String>,
    #[serde(serialize_with = "status_str")]
    pub status: Status,
    /// The fields this version changed from the one before (`status` when the
    /// status did); every field for the first version.
    pub changed: Vec<String>,
    /// The whole event as this version left it.
    pub event: Event,
}

fn status_str<S: serde::Serializer>(status: &Status, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.as_str())
}

/// A change about to be written.
pub(super) struct Change<'a> {
    pub event: &'a Event,
    pub status: Status,
    pub version: i64,
    pub action: Action,
    pub author: &'a Author,
    pub reason: Option<&'a str>,
}

/// Writes the revision and the event's new current row, in the caller's
/// transaction. `from` is the version being replaced (`None` for a new event):
/// the update only applies to that row, so a lost race cannot overwrite.
pub(super) async fn write(
    tx: &mut SqliteConnection,
    change: &Change<'_>,
    from: Option<i64>,
) -> Result<i64, WorkspaceError> {
    let body = encode(change.event)?;
    let rev: i64 = sqlx::query_scalar(
        "INSERT INTO revisions (event_id, version, author, at, action, reason, status, body) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING rev",
    )
    .bind(change.event.id.as_str())
    .bind(change.version)
    .bind(&change.author.0)
    .bind(now())
    .bind(change.action.as_str())
    .bind(change.reason)
    .bind(change.status.as_str())
    .bind(&body)
    .fetch_one(&mut *tx)
    .await?;
    let written = match from {
        None => {
            sqlx::query(
                "INSERT INTO events (id, version, status, body, rev) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(change.event.id.as_str())
            .bind(change.version)
            .bind(change.status.as_str())
            .bind(&body)
            .bind(rev)
            .execute(&mut *tx)
            .await?
        }
        Some(old) => {
            sqlx::query(
                "UPDATE events SET version = ?, status = ?, body = ?, rev = ? \
                 WHERE id = ? AND version = ?",
            )
            .bind(change.version)
            .bind(change.status.as_str())
            .bind(&body)
            .bind(rev)
            .bind(change.event.id.as_str())
            .bind(old)
            .execute(&mut *tx)
            .await?
        }
    };
    if written.rows_affected() != 1 {
        return Err(WorkspaceError::Conflict {
            id: change.event.id.to_string(),
            expected: from.unwrap_or(0),
            current: change.version - 1,
        });
    }
    Ok(rev)
}

const COLUMNS: &str = "rev, event_id, version, author, at, action, reason, status, body";

fn revision_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Revision, WorkspaceError> {
    let event_id: String = row.try_get(1)?;
    let rev: i64 = row.try_get(0)?;
    Ok(Revision {
        rev,
        version: row.try_get(2)?,
        author: row.try_get(3)?,
        at: row.try_get(4)?,
        action: Action::parse(row.try_get(5)?)?,
        reason: row.try_get(6)?,
        status: parse_status(row.try_get(7)?)?,
        changed: Vec::new(),
        event: decode(&event_id, rev, row.try_get(8)?)?,
        event_id,
    })
}

/// One version of an event.
pub(super) async fn at_version(
    pool: &SqlitePool,
    id: &str,
    version: i64,
) -> Result<Option<Revision>, WorkspaceError> {
    let sql = format!("SELECT {COLUMNS} FROM revisions WHERE event_id = ? AND version = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(version)
        .fetch_optional(pool)
        .await?;
    row.map(|r| revision_from_row(&r)).transpose()
}

/// Every version of an event, oldest first, with what each changed.
pub(super) async fn of_event(pool: &SqlitePool, id: &str) -> Result<Vec<Revision>, WorkspaceError> {
    let sql = format!("SELECT {COLUMNS} FROM revisions WHERE event_id = ? ORDER BY version");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(pool)
        .await?;
    let mut list = rows
        .iter()
        .map(revision_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let mut before: Option<(serde_json::Value, Status)> = None;
    for revision in &mut list {
        let value = serde_json::to_value(&revision.event).unwrap_or_default();
        revision.changed = changed_fields(before.as_ref(), &value, revision.status);
        before = Some((value, revision.status));
    }
    Ok(list)
}

/// The top-level fields that differ, and `status` when it changed.
fn changed_fields(
    before: Option<&(serde_json::Value, Status)>,
    after: &serde_json::Value,
    status: Status,
) -> Vec<String> {
    let empty = serde_json::Map::new();
    let after = after.as_object().unwrap_or(&empty);
    let Some((old, old_status)) = before else {
        return after.keys().cloned().collect();
    };
    let old = old.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = old.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut changed: Vec<String> = keys
        .into_iter()
        .filter(|k| old.get(*k) != after.get(*k))
        .cloned()
        .collect();
    if *old_status != status {
        changed.push("status".into());
    }
    changed
}

/// Each event changed after revision `since`, as it stood at `since` and now.
pub(super) async fn changes_since(
    pool: &SqlitePool,
    since: i64,
) -> Result<Vec<Changed>, WorkspaceError> {
    let rows = sqlx::query(
        "SELECT e.id, e.version, e.status, e.body, e.rev, \
                b.version, b.status, b.body, b.rev \
         FROM (SELECT DISTINCT event_id FROM revisions WHERE rev > ?1) AS c \
         JOIN events AS e ON e.id = c.event_id \
         LEFT JOIN revisions AS b ON b.rev = \
             (SELECT max(rev) FROM revisions WHERE event_id = c.event_id AND rev <= ?1)",
    )
    .bind(since)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get(0)?;
            let after = super::stored_from_row(row)?;
            let before = match row.try_get::<Option<i64>, _>(8)? {
                None => None,
                Some(rev) => Some(Stored {
                    event: decode(&id, rev, row.try_get(7)?)?,
                    status: parse_status(row.try_get(6)?)?,
                    version: row.try_get(5)?,
                    rev,
                }),
            };
            Ok(Changed { id, before, after })
        })
        .collect()
}
