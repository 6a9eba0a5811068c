//! The review desk's API: articles brought in (text or HTML) and what the
//! geoparser found in them, editors' corrections of places, the queue of
//! drafts, events that may be the same as one an article reports, and a
//! further claim attached to an event. Editors and up; writes carry the
//! session's CSRF token like every write ([`Caller`]).
//!
//! Bodies: an article may be up to [`ARTICLE_LIMIT`] (its route has a
//! limit of its own); the rest take the server's limit. Parsing HTML and
//! geoparsing run on the blocking pool ([`super::blocking::offload`]), each
//! bounded by the body's size.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::api::{params, QueryParams};
use super::auth::{body_bytes_within, json_body, parse_json, Caller};
use super::blocking::offload;
use super::edit::{answer_with, current, feature_value, path_id, required_if_match, stored_value};
use super::error::ApiError;
use super::AppState;
use crate::auth::Role;
use crate::events::{is_source_url, CountKind, EventDate, EventType, Source};
use crate::gazetteer::Hints;
use crate::geom::LonLat;
use crate::geoparse::html::article_text;
use crate::geoparse::review::{review, Article as ReviewedArticle};
use crate::geoparse::{Correction, DraftOptions, SharedGeoparser};
use crate::workspace::{
    Article, ArticleRef, Author, QueueFilter, Quote, Status, Stored, WorkspaceError,
};

type Shared = State<Arc<AppState>>;

/// The largest article body: 1 MiB of JSON (text or HTML).
pub const ARTICLE_LIMIT: usize = 1024 * 1024;

/// Events within this distance of the point asked about may be the same.
pub const SIMILAR_WITHIN_M: f64 = 25_000.0;
/// ... and within this many days of its date.
pub const SIMILAR_WITHIN_DAYS: i64 = 14;

/// Longest URL and outlet name taken, in bytes.
const MAX_URL: usize = 2048;
const MAX_OUTLET: usize = 200;

/// `POST /api/articles` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewArticle {
    url: String,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
}

/// `POST /api/articles`: stores an article (its HTML reduced to its text),
/// or finds it again by URL or text: 201 with `Location`, or 200 with
/// `"existing": true`.
pub async fn add_article(
    State(state): Shared,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let account = caller.require(Role::Editor)?.clone();
    let bytes = body_bytes_within(&headers, body, ARTICLE_LIMIT).await?;
    let new: NewArticle = parse_json(&bytes)?;
    drop(bytes);
    let (url, outlet, published) = checked_article(&new)?;
    let text = match (new.text, new.html) {
        (Some(_), Some(_)) => return Err(invalid("html", "give text or html, not both")),
        (None, None) => return Err(invalid("text", "give the article's text (or html)")),
        (Some(text), None) => text,
        (None, Some(html)) => offload(move || article_text(&html))
            .await?
            .map_err(|e| invalid("html", e))?,
    };
    if text.trim().is_empty() {
        return Err(invalid("text", "the article has no text"));
    }
    let author = Author(account.author_name());
    let (article, added) = state
        .workspace(|ws| async move {
            ws.add_article(
                &url,
                outlet.as_deref(),
                published.as_deref(),
                Some(&text),
                &author,
            )
            .await
        })
        .await?;
    let code = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = json!({
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "chars": article.text.as_deref().map_or(0, |t| t.chars().count()),
        "existing": !added,
    });
    let mut response = (code, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/articles/{}", article.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The URL, outlet and date of a new article, checked.
fn checked_article(new: &NewArticle) -> Result<(String, Option<String>, Option<String>), ApiError> {
    let url = new.url.trim();
    if url.len() > MAX_URL || !is_source_url(url) {
        return Err(invalid(
            "url",
            format!("expected an http(s) or file:// address of at most {MAX_URL} bytes"),
        ));
    }
    let outlet = new
        .outlet
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    if outlet.is_some_and(|o| o.len() > MAX_OUTLET) {
        return Err(invalid("outlet", format!("longer than {MAX_OUTLET} bytes")));
    }
    let published = new
        .published
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(p) = published {
        chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d")
            .map_err(|_| invalid("published", format!("{p:?} is not a date (YYYY-MM-DD)")))?;
    }
    Ok((
        url.to_string(),
        outlet.map(String::from),
        published.map(String::from),
    ))
}

/// `GET /api/articles/{id}`: the article, its corrections, and what the
/// geoparser found in it with them applied ([`review`]).
pub async fn get_article(
    State(state): Shared,
    caller: Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Role::Editor)?;
    let id = id
        .map(|Path(id)| id)
        .map_err(|e| ApiError::bad("id", e.body_text()))?;
    Ok(Json(article_view(&state, id, None).await?.0))
}

/// What `PUT /api/articles/{id}/mentions/{start}` takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MentionFix {
    #[serde(default)]
    place_id: Option<String>,
    #[serde(default)]
    not_a_place: Option<bool>,
    /// Where the span ends: needed only where the geoparser found nothing.
    #[serde(default)]
    end: Option<i64>,
}

/// `PUT /api/articles/{id}/mentions/{start}` `{"place_id"}` or
/// `{"not_a_place": true}`: corrects the place mention starting at character
/// `start` (with `end`, marks a span the geoparser missed); answers the
/// article as `GET` does, with the correction applied.
pub async fn correct_mention(
    State(state): Shared,
    caller: Caller,
    at: Result<Path<(i64, i64)>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let account = caller.require(Role::Editor)?.clone();
    let (id, start) = at
        .map(|Path(at)| at)
        .map_err(|e| ApiError::bad("path", e.body_text()))?;
    let fix: MentionFix = json_body(&headers, body).await?;
    let place_id = match (fix.place_id, fix.not_a_place) {
        (Some(_), Some(true)) => {
            return Err(invalid(
                "not_a_place",
                "give place_id or not_a_place, not both",
            ))
        }
        (Some(p), _) => {
            if state.catalog().gazetteer().get(&p).is_none() {
                return Err(invalid(
                    "place_id",
                    format!("no place {p:?} in the gazetteer (search it with GET /api/resolve?q=)"),
                ));
            }
            Some(p)
        }
        (None, Some(true)) => None,
        (None, _) => {
            return Err(invalid(
                "place_id",
                "give the place meant (place_id) or {\"not_a_place\": true}",
            ))
        }
    };
    let end = match fix.end {
        Some(end) => end,
        None => {
            let (_, found) = article_view(&state, id, Some(start)).await?;
            found.ok_or_else(|| {
                invalid(
                    "start",
                    format!(
                        "no place mention starts at character {start} of article {id}; give \
                         `end` to mark a span the geoparser missed"
                    ),
                )
            })?
        }
    };
    let author = Author(account.author_name());
    state
        .workspace(|ws| async move {
            ws.correct(id, (start, end), place_id.as_deref(), &author)
                .await
        })
        .await?;
    Ok(Json(article_view(&state, id, None).await?.0))
}

/// The article `id` as the desk shows it; with `end_of`, also where the
/// mention starting at that character ends (found, or corrected before).
async fn article_view(
    state: &AppState,
    id: i64,
    end_of: Option<i64>,
) -> Result<(Value, Option<i64>), ApiError> {
    let (article, corrections) = state
        .workspace(|ws| async move {
            let article = ws.article_by_id(id).await?;
            let corrections = ws.corrections(id).await?;
            Ok::<_, WorkspaceError>((article, corrections))
        })
        .await?;
    let article: Article = article.ok_or_else(|| ApiError::NotFound(format!("no article {id}")))?;
    let parser = desk_parser(state).await?;
    offload(move || {
        let gazetteer = parser.gazetteer();
        let fixes: Vec<Correction<'_>> = corrections
            .iter()
            .filter_map(|c| {
                let place = match &c.place_id {
                    Some(p) => Some(gazetteer.get(p)?),
                    None => None,
                };
                Some(Correction {
                    start: usize::try_from(c.start_char).ok()?,
                    end: usize::try_from(c.end_char).ok()?,
                    place,
                })
            })
            .collect();
        let text = article.text.as_deref().unwrap_or("");
        let reviewed = ReviewedArticle {
            text,
            published: article
                .published
                .as_deref()
                .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok()),
            drafts: DraftOptions {
                source_url: article.url.clone(),
                publisher: article.outlet.clone(),
                id_prefix: format!("A{id}"),
            },
        };
        let mut view = review(parser.get(), &reviewed, &fixes);
        let end = end_of.and_then(|start| {
            let found = view["mentions"]
                .as_array()
                .and_then(|ms| ms.iter().find(|m| m["start"].as_i64() == Some(start)))
                .and_then(|m| m["end"].as_i64());
            found.or_else(|| {
                corrections
                    .iter()
                    .find(|c| c.start_char == start)
                    .map(|c| c.end_char)
            })
        });
        view["article"] = json!(article);
        view["corrections"] = json!(corrections);
        (view, end)
    })
    .await
}

/// The geoparser of the desk, built on first use and kept.
async fn desk_parser(state: &AppState) -> Result<Arc<SharedGeoparser>, ApiError> {
    if let Some(parser) = state.desk_parser.get() {
        return Ok(parser.clone());
    }
    let gazetteer = state.catalog().shared_gazetteer();
    let built = offload(move || SharedGeoparser::new(gazetteer))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(state.desk_parser.get_or_init(|| Arc::new(built)).clone())
}

/// Most drafts on a page of the queue.
pub const MAX_QUEUE_PAGE: usize = 200;

/// `GET /api/review/queue?type=&bbox=&place=&datetime=&limit=&before=`:
/// drafts newest first, with who drafted them and when; `next` is the
/// `before` of the next page (`null` on the last).
pub async fn queue(
    State(state): Shared,
    caller: Caller,
    q: QueryParams,
) -> Result<Json<Value>, ApiError> {
    caller.require(Role::Editor)?;
    let p = params(q)?;
    let near = match p.get("place") {
        Some(name) => {
            let catalog = state.catalog();
            let hints = Hints {
                limit: 1,
                ..Hints::default()
            };
            let found = catalog
                .gazetteer()
                .resolve(name, &hints)
                .map_err(|e| ApiError::bad("place", e))?;
            let best = found.first().ok_or_else(|| {
                ApiError::bad("place", format!("no place {name:?} in the gazetteer"))
            })?;
            Some((best.point, best.place.radius_m))
        }
        None => None,
    };
    let before = p
        .get("before")
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                ApiError::bad(
                    "before",
                    format!("{v:?}: expected the `next` of the page before"),
                )
            })
        })
        .transpose()?;
    let filter = QueueFilter {
        types: p.types()?,
        bbox: p.bbox()?.map(|b| [b.west, b.south, b.east, b.north]),
        near,
        time: p.datetime()?,
        before,
        limit: p.count("limit", Some(50), 1, MAX_QUEUE_PAGE)?.unwrap_or(50),
    };
    let page = state
        .workspace(|ws| async move { ws.queue(&filter).await })
        .await?;
    let drafts: Vec<Value> = page
        .drafts
        .iter()
        .map(|q| {
            json!({
                "id": q.stored.event.id,
                "version": q.stored.version,
                "drafted_by": q.drafted_by,
                "drafted_at": q.drafted_at,
                "changed_by": q.changed_by,
                "changed_at": q.changed_at,
                "event": feature_value(&q.stored.event),
            })
        })
        .collect();
    Ok(Json(json!({ "drafts": drafts, "next": page.next })))
}

/// `GET /api/review/similar?type=&lon=&lat=&date=`: events of the type
/// within [`SIMILAR_WITHIN_M`] and [`SIMILAR_WITHIN_DAYS`], nearest first, of
/// any status (editors see drafts and retracted events too).
pub async fn similar(
    State(state): Shared,
    caller: Caller,
    q: QueryParams,
) -> Result<Json<Value>, ApiError> {
    caller.require(Role::Editor)?;
    let p = params(q)?;
    let required = |name: &'static str| p.get(name).ok_or_else(|| ApiError::bad(name, "missing"));
    let event_type: EventType = required("type")?
        .parse()
        .map_err(|e| ApiError::bad("type", e))?;
    let coordinate = |name: &'static str, max: f64| -> Result<f64, ApiError> {
        let v = required(name)?;
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && x.abs() <= max)
            .ok_or_else(|| {
                ApiError::bad(
                    name,
                    format!("{v:?}: expected degrees from -{max} to {max}"),
                )
            })
    };
    let point = LonLat {
        lon: coordinate("lon", 180.0)?,
        lat: coordinate("lat", 90.0)?,
    };
    let date =
        EventDate::parse(required("date")?, None, None).map_err(|e| ApiError::bad("date", e))?;
    let limit = p.count("limit", Some(20), 1, 100)?.unwrap_or(20);
    let found = state
        .workspace(|ws| async move {
            ws.similar(
                event_type,
                (point, SIMILAR_WITHIN_M),
                (&date, SIMILAR_WITHIN_DAYS),
                &Status::ALL,
                limit,
            )
            .await
        })
        .await?;
    let events: Vec<Value> = found
        .iter()
        .map(|s| {
            json!({
                "id": s.stored.event.id,
                "status": s.stored.status.as_str(),
                "version": s.stored.version,
                "distance_m": s.distance_m.round(),
                "days_apart": s.days_apart,
                "event": feature_value(&s.stored.event),
            })
        })
        .collect();
    Ok(Json(json!({ "events": events })))
}

/// What `POST /api/events/{id}/claims` takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewClaim {
    source: NewSource,
    #[serde(default)]
    quote: Option<NewQuote>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSource {
    url: String,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    count_kind: Option<String>,
}

/// A quote as the desk sends it, for a claim or a new draft's source.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewQuote {
    #[serde(default)]
    article_id: Option<i64>,
    #[serde(default)]
    article_url: Option<String>,
    #[serde(default)]
    start_char: Option<i64>,
    #[serde(default)]
    end_char: Option<i64>,
    text: String,
    #[serde(default)]
    translation: Option<String>,
}

/// `POST /api/events/{id}/claims` with `If-Match`: the source's figure as
/// a further claim of the event, beside its others, with the quote behind
/// it; one revision. A published event needs a reviewer and a `reason`.
pub async fn add_claim(
    State(state): Shared,
    caller: Caller,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let account = caller.require(Role::Editor)?.clone();
    let version = required_if_match(&headers, "the event you add a claim to")?;
    let claim: NewClaim = json_body(&headers, body).await?;
    let source = checked_source(claim.source)?;
    let quote = claim.quote.map(checked_quote).transpose()?;
    let now = current(&state, &id).await?;
    if now.status != Status::Draft && now.version == version {
        caller.require(Role::Reviewer)?;
    }
    let author = Author(account.author_name());
    let (stored, evidence) = state
        .workspace(|ws| async move {
            let quote = quote.as_ref().map(|q| q.of(&source.url));
            ws.add_claim(
                &id,
                &source,
                quote,
                version,
                &author,
                claim.reason.as_deref(),
            )
            .await
        })
        .await?;
    Ok(claimed(&stored, evidence))
}

/// The event after a claim, with the evidence recorded (a foreign member).
fn claimed(stored: &Stored, evidence: Option<crate::workspace::Evidence>) -> Response {
    let mut feature = stored_value(stored);
    if let Some(evidence) = evidence {
        feature["evidence"] = json!(evidence);
    }
    answer_with(StatusCode::OK, stored, feature)
}

/// A claim's source, each field checked.
fn checked_source(s: NewSource) -> Result<Source, ApiError> {
    let url = s.url.trim().to_string();
    if url.len() > MAX_URL || !is_source_url(&url) {
        return Err(invalid(
            "source.url",
            format!("expected an http(s) or file:// address of at most {MAX_URL} bytes"),
        ));
    }
    let publisher = s
        .publisher
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if publisher.as_ref().is_some_and(|p| p.len() > MAX_OUTLET) {
        return Err(invalid(
            "source.publisher",
            format!("longer than {MAX_OUTLET} bytes"),
        ));
    }
    let date = s
        .date
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| invalid("source.date", format!("{d:?} is not a date (YYYY-MM-DD)")))
        })
        .transpose()?;
    let count_kind = s
        .count_kind
        .as_deref()
        .map(|k| {
            k.parse::<CountKind>()
                .map_err(|e| invalid("source.count_kind", e))
        })
        .transpose()?;
    match (s.count, count_kind) {
        (Some(0), _) => return Err(invalid("source.count", "a claim's figure is 1 or more")),
        (Some(_), None) => return Err(invalid("source.count_kind", "required with a count")),
        (None, Some(_)) => return Err(invalid("source.count", "required with a count_kind")),
        _ => {}
    }
    Ok(Source {
        url,
        publisher,
        date,
        count: s.count,
        count_kind,
    })
}

impl NewQuote {
    /// The quote behind the claim of `source_url`: from the article named,
    /// else the one stored under `source_url`.
    pub(super) fn of<'a>(&'a self, source_url: &'a str) -> Quote<'a> {
        Quote {
            article: Some(match (&self.article_url, self.article_id) {
                (_, Some(article)) => ArticleRef::Id(article),
                (Some(url), None) => ArticleRef::Url(url),
                (None, None) => ArticleRef::Url(source_url),
            }),
            span: self.start_char.zip(self.end_char),
            translation: self.translation.as_deref(),
            ..Quote::new(source_url, &self.text)
        }
    }
}

/// 422 unless the quote has text, both offsets or neither, and one way to
/// name its article.
pub(super) fn checked_quote(q: NewQuote) -> Result<NewQuote, ApiError> {
    if q.text.trim().is_empty() {
        return Err(invalid("quote.text", "empty"));
    }
    if q.start_char.is_some() != q.end_char.is_some() {
        return Err(invalid(
            "quote.end_char",
            "give start_char and end_char together",
        ));
    }
    if q.article_id.is_some() && q.article_url.is_some() {
        return Err(invalid(
            "quote.article_url",
            "give article_id or article_url, not both",
        ));
    }
    Ok(q)
}

/// 422 naming the field.
fn invalid(field: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::Invalid {
        problems: vec![(field.to_string(), message.to_string())],
    }
}
