//! The articles events come from, and the quotes behind each claim.

use serde::Serialize;
use sqlx::Row;

use super::{now, Author, Workspace, WorkspaceError};

/// One article: where it was published, and its text or an excerpt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub id: i64,
    pub url: String,
    pub outlet: Option<String>,
    /// Publication date, as given (YYYY-MM-DD).
    pub published: Option<String>,
    pub text: Option<String>,
}

/// The quote behind one source's claim for one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub event_id: String,
    pub source_url: String,
    pub article_id: i64,
    pub quote: String,
    /// Offsets in characters (Unicode scalar values) into the article text,
    /// end exclusive.
    pub start_char: i64,
    pub end_char: i64,
}

impl Workspace {
    /// Stores an article, or finds it again: the same URL, or the same text
    /// under another URL, is the article already stored (returned with
    /// `false`), never a duplicate.
    ///
    /// # Errors
    /// Database errors.
    pub async fn add_article(
        &self,
        url: &str,
        outlet: Option<&str>,
        published: Option<&str>,
        text: Option<&str>,
        author: &Author,
    ) -> Result<(Article, bool), WorkspaceError> {
        let digest = text.map(|t| crate::auth::sha256_hex(t.trim().as_bytes()));
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let known = sqlx::query(
            "SELECT id, url, outlet, published, text FROM articles \
             WHERE url = ? OR (text_sha256 IS NOT NULL AND text_sha256 = ?)",
        )
        .bind(url)
        .bind(digest.as_deref())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = known {
            return Ok((article_from_row(&row)?, false));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO articles (url, outlet, published, text, text_sha256, added_by, added_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(url)
        .bind(outlet)
        .bind(published)
        .bind(text)
        .bind(digest.as_deref())
        .bind(&author.0)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let article = Article {
            id,
            url: url.to_string(),
            outlet: outlet.map(String::from),
            published: published.map(String::from),
            text: text.map(String::from),
        };
        Ok((article, true))
    }

    /// The article stored under `url`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn article(&self, url: &str) -> Result<Option<Article>, WorkspaceError> {
        let row =
            sqlx::query("SELECT id, url, outlet, published, text FROM articles WHERE url = ?")
                .bind(url)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| article_from_row(&r)).transpose()
    }

    /// Records `quote` as the evidence for the claim of `source_url` in event
    /// `event_id`: the quote must occur in the article stored under that URL,
    /// and its first occurrence gives the offsets.
    ///
    /// # Errors
    /// [`WorkspaceError::Invalid`] naming what is missing (the event, the
    /// article, its text, or the quote in it); database errors.
    pub async fn add_evidence(
        &self,
        event_id: &str,
        source_url: &str,
        quote: &str,
    ) -> Result<Evidence, WorkspaceError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let event = super::current(&mut tx, event_id)
            .await?
            .ok_or_else(|| WorkspaceError::NotFound(event_id.to_string()))?;
        let quote = Quote {
            source_url,
            text: quote,
        };
        let evidence = record(&mut tx, &event.event, &quote).await?;
        tx.commit().await?;
        Ok(evidence)
    }

    /// The evidence recorded for an event's claims.
    ///
    /// # Errors
    /// Database errors.
    pub async fn evidence(&self, event_id: &str) -> Result<Vec<Evidence>, WorkspaceError> {
        let rows = sqlx::query(
            "SELECT event_id, source_url, article_id, quote, start_char, end_char \
             FROM evidence WHERE event_id = ? ORDER BY source_url, start_char",
        )
        .bind(event_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Evidence {
                    event_id: r.try_get(0)?,
                    source_url: r.try_get(1)?,
                    article_id: r.try_get(2)?,
                    quote: r.try_get(3)?,
                    start_char: r.try_get(4)?,
                    end_char: r.try_get(5)?,
                })
            })
            .collect()
    }
}

fn article_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Article, WorkspaceError> {
    Ok(Article {
        id: row.try_get(0)?,
        url: row.try_get(1)?,
        outlet: row.try_get(2)?,
        published: row.try_get(3)?,
        text: row.try_get(4)?,
    })
}

/// A quote to record with a write: the text, and the source whose claim it
/// backs (its article must be stored with its text).
#[derive(Debug, Clone, Copy)]
pub struct Quote<'a> {
    pub source_url: &'a str,
    pub text: &'a str,
}

/// Records the evidence of `quote` for `event` in the caller's transaction.
pub(super) async fn record(
    tx: &mut sqlx::SqliteConnection,
    event: &crate::events::Event,
    quote: &Quote<'_>,
) -> Result<Evidence, WorkspaceError> {
    let invalid = |m: String| WorkspaceError::Invalid(m);
    let (event_id, source_url) = (event.id.as_str(), quote.source_url);
    if !event.sources.iter().any(|s| s.url == source_url) {
        return Err(invalid(format!(
            "--quote: event {event_id:?} has no source {source_url:?}"
        )));
    }
    let row = sqlx::query("SELECT id, url, outlet, published, text FROM articles WHERE url = ?")
        .bind(source_url)
        .fetch_optional(&mut *tx)
        .await?;
    let article = row
        .map(|r| article_from_row(&r))
        .transpose()?
        .ok_or_else(|| {
            invalid(format!(
                "--quote: no article stored under {source_url:?}; add it first with \
             `scamatlas workspace article --url {source_url} FILE`"
            ))
        })?;
    let text = article.text.as_deref().ok_or_else(|| {
        invalid(format!(
            "--quote: the article {source_url:?} is stored without its text"
        ))
    })?;
    let wanted = quote.text.trim();
    let byte = text
        .find(wanted)
        .filter(|_| !wanted.is_empty())
        .ok_or_else(|| {
            invalid(format!(
                "--quote: {wanted:?} is not in the article {source_url:?}"
            ))
        })?;
    let start = text[..byte].chars().count();
    let end = start + wanted.chars().count();
    let evidence = Evidence {
        event_id: event_id.to_string(),
        source_url: source_url.to_string(),
        article_id: article.id,
        quote: wanted.to_string(),
        start_char: i64::try_from(start).unwrap_or(i64::MAX),
        end_char: i64::try_from(end).unwrap_or(i64::MAX),
    };
    sqlx::query(
        "INSERT OR REPLACE INTO evidence \
         (event_id, source_url, article_id, quote, start_char, end_char) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&evidence.event_id)
    .bind(&evidence.source_url)
    .bind(evidence.article_id)
    .bind(&evidence.quote)
    .bind(evidence.start_char)
    .bind(evidence.end_char)
    .execute(&mut *tx)
    .await?;
    Ok(evidence)
}
