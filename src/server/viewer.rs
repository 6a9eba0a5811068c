//! What the map viewer reads besides the layers: the revision it polls to
//! follow changes without a reload, the drafts layer an editor may switch on,
//! and the quotes behind an event's claims.
//!
//! | endpoint | who | cached |
//! |---|---|---|
//! | `GET /api/revision` | anyone | never (`no-store`): it is polled |
//! | `GET /api/drafts.geojson` | editors and reviewers | never (`private, no-store`) |
//! | `GET /api/events/{id}/evidence` | anyone (drafts: editors) | drafts never |
//!
//! A revision is a string naming this server ([`AppState`]'s instance, drawn
//! at its start) and the served catalog's
//! [`Snapshot::generation`](super::Snapshot), which grows with every snapshot
//! swapped in (so a restarted server, counting from 0 again, never repeats a
//! revision a page saw), which the follower does for each
//! burst of workspace writes (drafts included), so a client that sees it
//! change fetches its layers again, and tiles under a new URL.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::auth::Caller;
use super::error::ApiError;
use super::AppState;
use crate::auth::Role;
use crate::workspace::Status;

type Shared = State<Arc<AppState>>;

/// What an answer that depends on who asks, or changes at any moment, says
/// to every cache: keep nothing.
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-store");

/// `GET /api/revision`: `{"revision", "events", "workspace", "drafts"}`:
/// this server and the served catalog's generation (see the module), its number of events, whether events
/// have a history and quotes here (a workspace, not files served read-only),
/// and whether the caller may see drafts.
pub async fn revision(State(state): Shared, caller: Caller) -> Response {
    let catalog = state.catalog();
    let body = json!({
        "revision": format!("{:x}-{}", state.instance, catalog.generation),
        "events": catalog.dataset().len(),
        "workspace": state.store.is_some(),
        "drafts": state.store.is_some() && caller.require(Role::Editor).is_ok(),
    });
    ([(header::CACHE_CONTROL, PRIVATE)], Json(body)).into_response()
}

/// `GET /api/drafts.geojson`: every draft as the events layer writes events,
/// for editors and reviewers only (401 anonymous, 403 without the role).
pub async fn drafts(State(state): Shared, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Role::Editor)?;
    let drafts = state
        .workspace(|ws| async move { ws.all(&[Status::Draft]).await })
        .await?;
    // Read on the workspace's thread, written off the runtime's: a workspace
    // may hold many drafts (imports are drafts by default).
    let body = super::blocking::offload(move || {
        let mut body = Vec::with_capacity(1024 * drafts.len() + 64);
        crate::events::write_geojson(drafts.iter().map(|d| &d.event), &mut body).map(|()| body)
    })
    .await?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/geo+json"),
            ),
            (header::CACHE_CONTROL, PRIVATE),
        ],
        body,
    )
        .into_response())
}

/// `GET /api/events/{id}/evidence`: the quote behind each claim of an event
/// (with its `translation`, when one was given, beside it),
/// `{"id", "status", "quotes": [{"source_url", "quote", "start_char",
/// "end_char", "translation"?, "article": {"id", "url", "outlet",
/// "published"}}]}`, offsets
/// in characters into the article's text, end exclusive. Of published events
/// for anyone, of drafts and retracted events for editors (never cached);
/// 404 for an unknown id, an event the caller may not see, or a server of
/// read-only files.
pub async fn evidence(
    State(state): Shared,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let editor = caller.can(Role::Editor);
    let (status, quotes, articles) = state
        .visible_event(&id, editor, "quotes", |ws, now| async move {
            let quotes = ws.evidence(&now.event.id).await?;
            let mut articles = BTreeMap::new();
            for quote in &quotes {
                if !articles.contains_key(&quote.source_url) {
                    let article = ws.article(&quote.source_url).await?;
                    articles.insert(quote.source_url.clone(), article);
                }
            }
            Ok((now.status, quotes, articles))
        })
        .await?;
    let quotes: Vec<_> = quotes
        .iter()
        .map(|q| {
            let article = articles.get(&q.source_url).and_then(Option::as_ref);
            let mut quote = json!({
                "source_url": q.source_url,
                "quote": q.quote,
                "start_char": q.start_char,
                "end_char": q.end_char,
                "article": article.map(|a| json!({
                    "id": a.id,
                    "url": a.url,
                    "outlet": a.outlet,
                    "published": a.published,
                })),
            });
            if let Some(translation) = &q.translation {
                quote["translation"] = json!(translation);
            }
            quote
        })
        .collect();
    let body = Json(json!({ "id": id, "status": status.as_str(), "quotes": quotes }));
    Ok(answer_about(status, body))
}

/// An answer about an event with this status: kept by no cache unless the
/// event is published (then anyone may see it).
pub(super) fn answer_about(status: Status, body: Json<serde_json::Value>) -> Response {
    if status == Status::Published {
        return body.into_response();
    }
    ([(header::CACHE_CONTROL, PRIVATE)], body).into_response()
}
