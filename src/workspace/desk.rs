//! What the review desk asks of the store: the queue of drafts waiting for
//! review, the events that may be the one an article reports again, and a
//! further claim attached to an event.

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::Row;

use super::articles::{self, Evidence, Quote};
use super::revisions::{self, Action, Change};
use super::{blank, current, stored_from_row, Author, Status, Stored, Workspace, WorkspaceError};
use crate::events::{EventDate, EventType, Source, TimeRange};
use crate::geom::LonLat;

/// Which drafts the queue lists, and how many.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Any of these types; all when empty.
    pub types: Vec<EventType>,
    /// A place of the event within `[west, south, east, north]` (degrees).
    pub bbox: Option<[f64; 4]>,
    /// A place of the event within this many metres of this point (a named
    /// place and its radius).
    pub near: Option<(LonLat, f64)>,
    /// Dated within this range.
    pub time: Option<TimeRange>,
    /// Drafts made before this one (the `next` of the page before).
    pub before: Option<i64>,
    /// Most drafts on a page.
    pub limit: usize,
}

/// One draft in the queue: the event, and who drafted it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub stored: Stored,
    pub drafted_by: String,
    /// RFC 3339, UTC.
    pub drafted_at: String,
    /// The latest change.
    pub changed_by: String,
    pub changed_at: String,
    /// The workspace revision that made the draft: its place in the queue.
    pub drafted_rev: i64,
}

/// A page of the queue, and where the next begins (`None`: the last page).
#[derive(Debug, Clone, PartialEq)]
pub struct QueuePage {
    pub drafts: Vec<Queued>,
    pub next: Option<i64>,
}

/// An event that may be the one reported again: how far it lies, and how
/// many days apart the dates are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    #[serde(skip)]
    pub stored: Stored,
    /// From the point asked about to the nearest of its places, metres.
    pub distance_m: f64,
    /// Days between the dates (0 when they overlap).
    pub days_apart: i64,
}

impl Workspace {
    /// The drafts waiting for review, newest first (by when they were
    /// drafted), that pass `filter`, a page of at most `filter.limit`.
    ///
    /// # Runtime
    /// Reads drafts newest first until the page is full: every draft when
    /// few pass the filter.
    ///
    /// # Errors
    /// Database errors, or a stored event that does not read back.
    pub async fn queue(&self, filter: &QueueFilter) -> Result<QueuePage, WorkspaceError> {
        let mut rows = sqlx::query(
            "SELECT e.id, e.version, e.status, e.body, e.rev, \
                    c.author, c.at, l.author, l.at, c.rev \
             FROM events AS e \
             JOIN revisions AS c ON c.event_id = e.id AND c.version = 1 \
             JOIN revisions AS l ON l.rev = e.rev \
             WHERE e.status = 'draft' AND c.rev < ? ORDER BY c.rev DESC",
        )
        .bind(filter.before.unwrap_or(i64::MAX))
        .fetch(&self.pool);
        let mut page = QueuePage {
            drafts: Vec::new(),
            next: None,
        };
        while let Some(row) = rows.try_next().await? {
            let stored = stored_from_row(&row)?;
            if !passes(filter, &stored) {
                continue;
            }
            if page.drafts.len() == filter.limit {
                page.next = page.drafts.last().map(|q| q.drafted_rev);
                break;
            }
            page.drafts.push(Queued {
                stored,
                drafted_by: row.try_get(5)?,
                drafted_at: row.try_get(6)?,
                changed_by: row.try_get(7)?,
                changed_at: row.try_get(8)?,
                drafted_rev: row.try_get(9)?,
            });
        }
        Ok(page)
    }

    /// The events with one of `statuses` of type `event_type` within
    /// `within_m` metres of `point` and `within_days` days of `date`,
    /// nearest first (then closest in time), at most `limit`.
    ///
    /// # Runtime
    /// Reads every event of the type (the type is picked out by SQLite, the
    /// rest checked here).
    ///
    /// # Errors
    /// Database errors, or a stored event that does not read back.
    pub async fn similar(
        &self,
        event_type: EventType,
        (point, within_m): (LonLat, f64),
        (date, within_days): (&EventDate, i64),
        statuses: &[Status],
        limit: usize,
    ) -> Result<Vec<Similar>, WorkspaceError> {
        let wanted: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        let mut rows = sqlx::query(
            "SELECT id, version, status, body, rev FROM events \
             WHERE status IN (SELECT value FROM json_each(?)) \
               AND json_extract(body, '$.event_type') = ?",
        )
        .bind(serde_json::to_string(&wanted).unwrap_or_default())
        .bind(event_type.as_str())
        .fetch(&self.pool);
        let mut found = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let stored = stored_from_row(&row)?;
            let distance_m = stored
                .event
                .places
                .iter()
                .map(|p| p.point.distance_m(point))
                .fold(f64::INFINITY, f64::min);
            let days_apart = days_apart(date, &stored.event.date);
            if distance_m <= within_m && days_apart <= within_days {
                found.push(Similar {
                    stored,
                    distance_m,
                    days_apart,
                });
            }
        }
        found.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.days_apart.cmp(&b.days_apart))
                .then_with(|| a.stored.event.id.cmp(&b.stored.event.id))
        });
        found.truncate(limit);
        Ok(found)
    }

    /// Attaches `source` as a further claim of event `id` (beside the claims
    /// it has: its figure widens the range of its kind), with `quote` as its
    /// evidence, as one new revision in one transaction. Refused unless the
    /// event is at `if_version`; a published event needs a `reason`.
    ///
    /// # Errors
    /// [`WorkspaceError::NotFound`], [`WorkspaceError::Conflict`],
    /// [`WorkspaceError::ReasonRequired`]; [`WorkspaceError::Field`] when the
    /// event has a claim from that URL already or the quote does not fit;
    /// database errors.
    pub async fn add_claim(
        &self,
        id: &str,
        source: &Source,
        quote: Option<Quote<'_>>,
        if_version: i64,
        author: &Author,
        reason: Option<&str>,
    ) -> Result<(Stored, Option<Evidence>), WorkspaceError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let now = current(&mut tx, id)
            .await?
            .ok_or_else(|| WorkspaceError::NotFound(id.to_string()))?;
        if now.version != if_version {
            return Err(WorkspaceError::Conflict {
                id: id.to_string(),
                expected: if_version,
                current: now.version,
            });
        }
        if now.event.sources.iter().any(|s| s.url == source.url) {
            return Err(WorkspaceError::field(
                "source.url",
                format!(
                    "event {id:?} has a claim from {:?} already; change it with PATCH",
                    source.url
                ),
            ));
        }
        if now.status == Status::Published && blank(reason) {
            return Err(WorkspaceError::ReasonRequired { id: id.to_string() });
        }
        let event = super::io::with_claims(&now.event, vec![source.clone()]);
        let why = match reason.filter(|r| !r.trim().is_empty()) {
            Some(r) => r.to_string(),
            None => format!("a further claim: {}", source.url),
        };
        let change = Change {
            event: &event,
            status: now.status,
            version: now.version + 1,
            action: Action::Edit,
            author,
            reason: Some(&why),
        };
        let rev = revisions::write(&mut tx, &change, Some(now.version)).await?;
        let evidence = match quote {
            Some(quote) => Some(articles::record(&mut tx, &event, &quote).await?),
            None => None,
        };
        tx.commit().await?;
        let stored = Stored {
            event,
            status: now.status,
            version: now.version + 1,
            rev,
        };
        Ok((stored, evidence))
    }
}

/// Whether a draft passes the queue's filter.
fn passes(filter: &QueueFilter, stored: &Stored) -> bool {
    let event = &stored.event;
    (filter.types.is_empty() || filter.types.contains(&event.event_type))
        && filter.time.is_none_or(|t| t.overlaps(&event.date))
        && filter.bbox.is_none_or(|[west, south, east, north]| {
            event.places.iter().any(|p| {
                (west..=east).contains(&p.point.lon) && (south..=north).contains(&p.point.lat)
            })
        })
        && filter.near.is_none_or(|(point, radius_m)| {
            event
                .places
                .iter()
                .any(|p| p.point.distance_m(point) <= radius_m)
        })
}

/// Days between two dates (their first and last days), 0 when they overlap.
fn days_apart(a: &EventDate, b: &EventDate) -> i64 {
    let (a0, a1, b0, b1) = (a.first_day(), a.last_day(), b.first_day(), b.last_day());
    if a1 < b0 {
        (b0 - a1).num_days()
    } else if b1 < a0 {
        (a0 - b1).num_days()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_apart_counts_the_gap_between_date_ranges() {
        let d = |s: &str| EventDate::parse(s, None, None).unwrap();
        assert_eq!(days_apart(&d("2025-03-01"), &d("2025-03-15")), 14);
        assert_eq!(days_apart(&d("2025-03-15"), &d("2025-03-01")), 14);
        assert_eq!(days_apart(&d("2025-03-10"), &d("2025-03")), 0);
        assert_eq!(days_apart(&d("2025-04-14"), &d("2025-03")), 14);
    }
}
