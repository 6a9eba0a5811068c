//! Moving data in and out of a workspace: import merged by id, integrity
//! check, consistent backup of a live database, and restore.

use std::path::Path;

use futures_util::TryStreamExt;
use sqlx::Row;

use super::revisions::{self, Action, Change};
use super::{current, Author, Status, Workspace, WorkspaceError};
use crate::events::Event;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Events the workspace did not have.
    pub added: usize,
    /// Events it had, to which new claims (sources) were added.
    pub extended: usize,
    /// The claims added to those.
    pub claims_added: usize,
    /// Events it had with every claim already.
    pub unchanged: usize,
}

/// One thing `workspace check` found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Workspace {
    /// Brings in `events`, merged by id, in one transaction: a new id becomes
    /// a new event with `status`; a known id gains the claims (sources, by
    /// URL) it lacks, as a new revision; nothing is removed or overwritten.
    ///
    /// # Errors
    /// Database errors; nothing is then imported.
    pub async fn import(
        &self,
        events: &[Event],
        status: Status,
        author: &Author,
        reason: Option<&str>,
    ) -> Result<ImportReport, WorkspaceError> {
        let mut report = ImportReport::default();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for event in events {
            let Some(now) = current(&mut tx, &event.id).await? else {
                let change = Change {
                    event,
                    status,
                    version: 1,
                    action: Action::Import,
                    author,
                    reason,
                };
                revisions::write(&mut tx, &change, None).await?;
                report.added += 1;
                continue;
            };
            let Some((merged, added)) = with_new_claims(&now.event, event) else {
                report.unchanged += 1;
                continue;
            };
            let change = Change {
                event: &merged,
                status: now.status,
                version: now.version + 1,
                action: Action::Import,
                author,
                reason: Some(reason.unwrap_or("new claims from an import")),
            };
            revisions::write(&mut tx, &change, Some(now.version)).await?;
            report.extended += 1;
            report.claims_added += added;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Everything wrong with the workspace: SQLite's integrity and foreign-key
    /// checks, then every event against its history (its current row is its
    /// latest revision, versions run 1, 2, 3 ... and every body reads back).
    ///
    /// # Errors
    /// Database errors that stop the check itself.
    pub async fn check(&self) -> Result<Vec<Problem>, WorkspaceError> {
        let mut problems = Vec::new();
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        problems.extend(
            integrity
                .into_iter()
                .filter(|m| m != "ok")
                .map(|m| Problem(format!("integrity: {m}"))),
        );
        let keys = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&self.pool)
            .await?;
        for row in keys {
            let table: String = row.try_get(0)?;
            let parent: String = row.try_get(2)?;
            problems.push(Problem(format!(
                "{table}: a row refers to a missing {parent} row"
            )));
        }
        let mismatched = sqlx::query(
            "SELECT e.id, e.version, e.rev, r.version, r.rev, e.status = r.status AND e.body = r.body \
             FROM events AS e LEFT JOIN revisions AS r ON r.rev = \
                 (SELECT max(rev) FROM revisions WHERE event_id = e.id)",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in mismatched {
            let id: String = row.try_get(0)?;
            let (version, rev): (i64, i64) = (row.try_get(1)?, row.try_get(2)?);
            let latest: (Option<i64>, Option<i64>) = (row.try_get(3)?, row.try_get(4)?);
            let same: Option<bool> = row.try_get(5)?;
            if latest != (Some(version), Some(rev)) || same != Some(true) {
                problems.push(Problem(format!(
                    "event {id:?}: its current row (version {version}, revision {rev}) is not its latest revision"
                )));
            }
        }
        let gaps = sqlx::query(
            "SELECT event_id, count(*), min(version), max(version) FROM revisions \
             GROUP BY event_id HAVING min(version) != 1 OR max(version) != count(*)",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in gaps {
            let id: String = row.try_get(0)?;
            problems.push(Problem(format!(
                "event {id:?}: its versions do not run 1, 2, 3 ..."
            )));
        }
        let mut bodies = sqlx::query("SELECT event_id, rev, body FROM revisions").fetch(&self.pool);
        while let Some(row) = bodies.try_next().await? {
            let (id, rev): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
            if let Err(e) = super::decode(&id, rev, row.try_get(2)?) {
                problems.push(Problem(e.to_string()));
            }
        }
        Ok(problems)
    }

    /// A consistent copy of the workspace, even while others write to it
    /// (`VACUUM INTO`). `to` must not exist.
    ///
    /// # Errors
    /// If `to` exists or cannot be written.
    pub async fn backup(&self, to: &Path) -> Result<(), WorkspaceError> {
        if to.exists() {
            return Err(WorkspaceError::Invalid(format!(
                "{}: already exists; a backup never overwrites a file",
                to.display()
            )));
        }
        let target = to
            .to_str()
            .ok_or_else(|| WorkspaceError::Invalid(format!("{}: not UTF-8", to.display())))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Replaces everything in this workspace with the content of the backup
    /// at `from`, in one transaction: readers see the old content or the new,
    /// never a mix. The backup is checked first; a bad one changes nothing.
    ///
    /// # Errors
    /// If `from` is not a readable workspace or fails its check.
    pub async fn restore(&self, from: &Path) -> Result<usize, WorkspaceError> {
        let backup = Workspace::open_existing(from, 1).await?;
        let problems = backup.check().await?;
        let [drafts, published, retracted] = backup.counts().await?;
        backup.close().await;
        if let Some(first) = problems.first() {
            return Err(WorkspaceError::Invalid(format!(
                "{}: {} problem(s), nothing restored; the first: {first}",
                from.display(),
                problems.len()
            )));
        }
        let source = from
            .to_str()
            .ok_or_else(|| WorkspaceError::Invalid(format!("{}: not UTF-8", from.display())))?;
        let mut conn = self.pool.acquire().await?;
        sqlx::query("ATTACH DATABASE ? AS backup")
            .bind(source)
            .execute(&mut *conn)
            .await?;
        let copied = async {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            for statement in [
                "DELETE FROM evidence",
                "DELETE FROM corrections",
                "DELETE FROM articles",
                "DELETE FROM events",
                "DELETE FROM revisions",
                "INSERT INTO revisions SELECT * FROM backup.revisions",
                "INSERT INTO events SELECT * FROM backup.events",
                "INSERT INTO articles SELECT * FROM backup.articles",
                "INSERT INTO evidence SELECT * FROM backup.evidence",
                "INSERT INTO corrections SELECT * FROM backup.corrections",
                "UPDATE meta SET value = value + 1 WHERE key = 'generation'",
            ] {
                sqlx::query(statement).execute(&mut *tx).await?;
            }
            tx.commit().await
        }
        .await;
        let detached = sqlx::query("DETACH DATABASE backup")
            .execute(&mut *conn)
            .await;
        copied?;
        detached?;
        Ok(usize::try_from(drafts + published + retracted).unwrap_or(0))
    }
}

/// `existing` with the claims of `incoming` it lacks (sources by URL), and how
/// many; `None` when it has them all. A new claim's figure widens the range of
/// its kind, as a second CSV row of the same id does.
fn with_new_claims(existing: &Event, incoming: &Event) -> Option<(Event, usize)> {
    let new: Vec<_> = incoming
        .sources
        .iter()
        .filter(|s| !existing.sources.iter().any(|e| e.url == s.url))
        .cloned()
        .collect();
    if new.is_empty() {
        return None;
    }
    let added = new.len();
    Some((with_claims(existing, new), added))
}

/// `existing` with the claims `new` added beside its own: each new figure
/// widens the range of its kind (or adds the kind), as a second CSV row of
/// the same id does.
pub(super) fn with_claims(existing: &Event, new: Vec<crate::events::Source>) -> Event {
    let mut merged = existing.clone();
    for source in &new {
        let (Some(count), Some(kind)) = (source.count, source.count_kind) else {
            continue;
        };
        match merged.counts.iter_mut().find(|c| c.kind == kind) {
            Some(c) => {
                c.low = c.low.min(count);
                c.high = c.high.max(count);
            }
            None => merged.counts.push(crate::events::Count {
                kind,
                low: count,
                best: count,
                high: count,
            }),
        }
    }
    merged.sources.extend(new);
    merged
}
