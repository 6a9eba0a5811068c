//! The articles events come from, the quotes behind each claim (with a
//! translation beside a quote when one is given), and editors' corrections
//! of the places found in an article.

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
    /// A translation of the quote, beside it; the quote stays as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
}

/// An editor's correction of a place found in an article: the mention at
/// these offsets names `place_id`, or (`None`) no place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// Offsets in characters (Unicode scalar values), end exclusive.
    pub start_char: i64,
    pub end_char: i64,
    pub place_id: Option<String>,
    pub author: String,
    /// RFC 3339, UTC.
    pub at: String,
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

    /// The article stored with `id`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn article_by_id(&self, id: i64) -> Result<Option<Article>, WorkspaceError> {
        let row = sqlx::query("SELECT id, url, outlet, published, text FROM articles WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| article_from_row(&r)).transpose()
    }

    /// Stores an editor's correction of the place mention at
    /// `[start_char, end_char)` of article `article_id`, replacing one made
    /// before at the same start: it names `place_id`, or (`None`) no place.
    ///
    /// # Errors
    /// [`WorkspaceError::NoArticle`]; [`WorkspaceError::Field`] for offsets
    /// outside the article's text; database errors.
    pub async fn correct(
        &self,
        article_id: i64,
        (start_char, end_char): (i64, i64),
        place_id: Option<&str>,
        author: &Author,
    ) -> Result<Correction, WorkspaceError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let length: Option<Option<i64>> =
            sqlx::query_scalar("SELECT length(text) FROM articles WHERE id = ?")
                .bind(article_id)
                .fetch_optional(&mut *tx)
                .await?;
        let length = length.ok_or(WorkspaceError::NoArticle(article_id))?;
        if start_char < 0 || end_char <= start_char || end_char > length.unwrap_or(0) {
            return Err(WorkspaceError::field(
                "start",
                format!(
                    "characters {start_char} to {end_char} are not a span of article \
                     {article_id}'s text ({} characters)",
                    length.unwrap_or(0)
                ),
            ));
        }
        let correction = Correction {
            start_char,
            end_char,
            place_id: place_id.map(String::from),
            author: author.0.clone(),
            at: now(),
        };
        sqlx::query(
            "INSERT OR REPLACE INTO corrections \
             (article_id, start_char, end_char, place_id, author, at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(article_id)
        .bind(correction.start_char)
        .bind(correction.end_char)
        .bind(correction.place_id.as_deref())
        .bind(&correction.author)
        .bind(&correction.at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(correction)
    }

    /// The corrections stored with article `article_id`, in text order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn corrections(&self, article_id: i64) -> Result<Vec<Correction>, WorkspaceError> {
        let rows = sqlx::query(
            "SELECT start_char, end_char, place_id, author, at FROM corrections \
             WHERE article_id = ? ORDER BY start_char",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Correction {
                    start_char: r.try_get(0)?,
                    end_char: r.try_get(1)?,
                    place_id: r.try_get(2)?,
                    author: r.try_get(3)?,
                    at: r.try_get(4)?,
                })
            })
            .collect()
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
        let quote = Quote::new(source_url, quote);
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
            "SELECT event_id, source_url, article_id, quote, start_char, end_char, translation \
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
                    translation: r.try_get(6)?,
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
/// backs.
#[derive(Debug, Clone, Copy)]
pub struct Quote<'a> {
    pub source_url: &'a str,
    pub text: &'a str,
    /// The article quoted; by default the one stored under `source_url`
    /// (which must be stored with its text).
    pub article: Option<ArticleRef<'a>>,
    /// Where the quote stands in the article's text (characters, end
    /// exclusive); by default its first occurrence.
    pub span: Option<(i64, i64)>,
    /// A translation of the quote, kept beside it.
    pub translation: Option<&'a str>,
}

impl<'a> Quote<'a> {
    /// `text`, quoted from the article stored under `source_url`.
    #[must_use]
    pub fn new(source_url: &'a str, text: &'a str) -> Self {
        Self {
            source_url,
            text,
            article: None,
            span: None,
            translation: None,
        }
    }
}

/// An article named by its id or its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleRef<'a> {
    Id(i64),
    Url(&'a str),
}

/// Records the evidence of `quote` for `event` in the caller's transaction.
/// Without an article named, a quote that does not fit is refused with the
/// command line's wording (`--quote`); with one, by the field at fault.
pub(super) async fn record(
    tx: &mut sqlx::SqliteConnection,
    event: &crate::events::Event,
    quote: &Quote<'_>,
) -> Result<Evidence, WorkspaceError> {
    let (event_id, source_url) = (event.id.as_str(), quote.source_url);
    let named = quote.article.is_some();
    let problem = |field: &'static str, message: String| {
        if named {
            WorkspaceError::field(field, message)
        } else {
            WorkspaceError::Invalid(format!("--quote: {message}"))
        }
    };
    if !event.sources.iter().any(|s| s.url == source_url) {
        return Err(problem(
            "source.url",
            format!("event {event_id:?} has no source {source_url:?}"),
        ));
    }
    let article = quoted_article(tx, quote, &problem).await?;
    let text = article.text.as_deref().ok_or_else(|| {
        problem(
            "quote",
            format!("the article {:?} is stored without its text", article.url),
        )
    })?;
    let wanted = quote.text.trim();
    if wanted.is_empty() {
        return Err(problem("quote.text", "empty".into()));
    }
    let (start, end) = quote_span(text, quote, &article, &problem)?;
    let quoted = if quote.span.is_some() {
        quote.text
    } else {
        wanted
    };
    let translation = quote.translation.map(str::trim).filter(|t| !t.is_empty());
    let evidence = Evidence {
        event_id: event_id.to_string(),
        source_url: source_url.to_string(),
        article_id: article.id,
        quote: quoted.to_string(),
        start_char: start,
        end_char: end,
        translation: translation.map(String::from),
    };
    sqlx::query(
        "INSERT OR REPLACE INTO evidence \
         (event_id, source_url, article_id, quote, start_char, end_char, translation) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&evidence.event_id)
    .bind(&evidence.source_url)
    .bind(evidence.article_id)
    .bind(&evidence.quote)
    .bind(evidence.start_char)
    .bind(evidence.end_char)
    .bind(evidence.translation.as_deref())
    .execute(&mut *tx)
    .await?;
    Ok(evidence)
}

/// How a quote's problem is told: by field, or in the command line's words.
type Problem<'p> = &'p (dyn Fn(&'static str, String) -> WorkspaceError + Sync);

/// The article a quote is from: the one it names, else the one stored under
/// its source's URL.
async fn quoted_article(
    tx: &mut sqlx::SqliteConnection,
    quote: &Quote<'_>,
    problem: Problem<'_>,
) -> Result<Article, WorkspaceError> {
    let select = "SELECT id, url, outlet, published, text FROM articles";
    let row = match quote.article.unwrap_or(ArticleRef::Url(quote.source_url)) {
        ArticleRef::Id(id) => {
            sqlx::query(sqlx::AssertSqlSafe(format!("{select} WHERE id = ?")))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        }
        ArticleRef::Url(url) => {
            sqlx::query(sqlx::AssertSqlSafe(format!("{select} WHERE url = ?")))
                .bind(url)
                .fetch_optional(&mut *tx)
                .await?
        }
    };
    let source_url = quote.source_url;
    row.map(|r| article_from_row(&r))
        .transpose()?
        .ok_or_else(|| match quote.article {
            Some(ArticleRef::Id(id)) => problem("quote.article_id", format!("no article {id}")),
            Some(ArticleRef::Url(url)) => problem(
                "quote.article_url",
                format!("no article stored under {url:?}"),
            ),
            None => problem(
                "quote",
                format!(
                    "no article stored under {source_url:?}; add it first with \
                     `scamatlas workspace article --url {source_url} FILE`"
                ),
            ),
        })
}

/// Where the quote stands in `text` (the article's), in characters: the
/// span it gives if the text there is the quote, else the first place the
/// quote (trimmed) occurs.
fn quote_span(
    text: &str,
    quote: &Quote<'_>,
    article: &Article,
    problem: Problem<'_>,
) -> Result<(i64, i64), WorkspaceError> {
    if let Some((start, end)) = quote.span {
        let span = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(s, e)| crate::geoparse::byte_span(text, s, e));
        if span.is_some_and(|(a, b)| text[a..b] == *quote.text) {
            return Ok((start, end));
        }
        return Err(problem(
            "quote.start_char",
            format!(
                "characters {start} to {end} of article {} are not the quote's text",
                article.id
            ),
        ));
    }
    let wanted = quote.text.trim();
    let byte = text.find(wanted).ok_or_else(|| {
        problem(
            "quote.text",
            format!("{wanted:?} is not in the article {:?}", article.url),
        )
    })?;
    let start = text[..byte].chars().count();
    let end = start + wanted.chars().count();
    Ok((
        i64::try_from(start).unwrap_or(i64::MAX),
        i64::try_from(end).unwrap_or(i64::MAX),
    ))
}
