//! The edit API over the workspace: create drafts, change events with
//! `If-Match`, publish and retract. Every body is read as a GeoJSON feature by
//! the reader that reads files ([`read_feature`]), so an event sent over HTTP
//! is checked by the same code as a CSV row or a GeoJSON file, and every
//! problem is named by field (422).
//!
//! | who | may |
//! |---|---|
//! | anonymous | read published events |
//! | editor | create drafts, read and change drafts |
//! | reviewer | also publish, retract, and change published events (with a reason) |
//!
//! An event's version is its entity tag (`"v3"`): `GET` gives it in `ETag`,
//! `PATCH` needs it in `If-Match` (428 without it, 412 with a stale one), and
//! publish and retract honour it when given.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::{body_bytes, json_body, parse_json, Caller};
use super::desk::{checked_quote, NewQuote};
use super::error::{version_tag, ApiError};
use super::AppState;
use crate::auth::Role;
use crate::events::{
    event_to_feature, read_feature, Event, Rules, DERIVED_PROPERTIES, READ_PROPERTIES,
};
use crate::workspace::{Author, Status, Stored};

type Shared = State<Arc<AppState>>;

/// Top-level members an event body may have besides those of a feature.
const FEATURE_MEMBERS: [&str; 5] = ["type", "id", "geometry", "properties", "bbox"];

/// `GET /api/events/{id}`: the event as a GeoJSON feature with its `status`
/// and `version`, and the version in `ETag`. Drafts and retracted events only
/// for editors.
pub async fn get_event(
    State(state): Shared,
    caller: Caller,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let stored = current(&state, &id).await?;
    if stored.status != Status::Published && !caller.can(Role::Editor) {
        return Err(ApiError::NotFound(format!("no published event {id:?}")));
    }
    Ok(answer(StatusCode::OK, &stored))
}

/// `POST /api/events`: a new draft from a GeoJSON feature (an `id` is made
/// when none is given), and, in a foreign member `quote` (as
/// `POST /api/events/{id}/claims` takes it), the quote behind its first
/// source's claim, written in the same transaction. 201 with `Location` and
/// `ETag`.
pub async fn create(
    State(state): Shared,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let account = caller.require(Role::Editor)?.clone();
    let mut feature: Map<String, Value> = json_body(&headers, body).await?;
    check_members(&feature, &["quote"])?;
    let quote = feature
        .remove("quote")
        .filter(|q| !q.is_null())
        .map(|q| {
            serde_json::from_value::<NewQuote>(q)
                .map_err(|e| ApiError::BadBody(format!("quote: {e}")))
                .and_then(checked_quote)
        })
        .transpose()?;
    let top_id = feature.get("id").is_some_and(|v| !v.is_null());
    let properties = feature
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(properties) = properties else {
        return Err(ApiError::BadBody("properties: must be an object".into()));
    };
    check_properties(properties, true)?;
    let has_id = top_id || properties.get("id").is_some_and(|v| !v.is_null());
    if !has_id {
        properties.insert("id".into(), Value::String(new_id()?));
    }
    feature.insert("type".into(), Value::String("Feature".into()));
    let event = checked(&state, Value::Object(feature))?;
    // The quote is behind the claim of the event's first source.
    let source_url = match (&quote, event.sources.first()) {
        (Some(_), None) => {
            return Err(ApiError::Invalid {
                problems: vec![("quote".into(), "the event has no source to quote".into())],
            })
        }
        (_, first) => first.map(|s| s.url.clone()).unwrap_or_default(),
    };
    let author = Author(account.author_name());
    let stored = state
        .workspace(|ws| async move {
            let quote = quote.as_ref().map(|q| q.of(&source_url));
            ws.create_quoted(&event, Status::Draft, &author, None, quote)
                .await
        })
        .await?;
    let mut response = answer(StatusCode::CREATED, &stored);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/events/{}", stored.event.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// What `PATCH` takes: a JSON merge patch (RFC 7396) of the event's
/// properties, a new geometry, and why.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Patch {
    #[serde(default)]
    properties: Map<String, Value>,
    #[serde(default)]
    geometry: Option<Value>,
    #[serde(default)]
    reason: Option<String>,
}

/// `PATCH /api/events/{id}` with `If-Match: "vN"`: the event changed by a
/// merge patch of its properties. Naming a `place` or sending a `geometry`
/// replaces the event's places. Drafts need an editor; published events a
/// reviewer and a `reason`.
pub async fn patch(
    State(state): Shared,
    caller: Caller,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let account = caller.require(Role::Editor)?.clone();
    let version = required_if_match(&headers, "the version you changed (GET the event)")?;
    let bytes = body_bytes(&headers, body).await?;
    let patch: Patch = parse_json(&bytes)?;
    check_properties(&patch.properties, false)?;
    let now = current(&state, &id).await?;
    if now.status != Status::Draft {
        caller.require(Role::Reviewer)?;
    }
    let mut feature = feature_value(&now.event);
    let properties = feature
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| ApiError::Internal("an event's feature has no properties".into()))?;
    if patch.properties.contains_key("place") || patch.geometry.is_some() {
        // The names or points given replace the places resolved before.
        properties.remove("places");
    }
    for derived in DERIVED_PROPERTIES {
        properties.remove(derived);
    }
    merge(properties, patch.properties);
    if let Some(geometry) = patch.geometry {
        feature["geometry"] = geometry;
    }
    let event = checked(&state, feature)?;
    if event.id != id {
        return Err(ApiError::Invalid {
            problems: vec![(
                "id".into(),
                format!("an event's id cannot change (from {id:?})"),
            )],
        });
    }
    let (author, reason) = (Author(account.author_name()), patch.reason);
    let stored = state
        .workspace(|ws| async move {
            ws.edit(&event, Some(version), &author, reason.as_deref())
                .await
        })
        .await?;
    Ok(answer(StatusCode::OK, &stored))
}

/// What publish and retract take.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Decision {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/events/{id}/publish`: reviewers only; `If-Match` honoured.
pub async fn publish(
    state: Shared,
    caller: Caller,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    decide(state, caller, id, headers, body, Status::Published).await
}

/// `POST /api/events/{id}/retract` `{"reason"}`: reviewers only.
pub async fn retract(
    state: Shared,
    caller: Caller,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    decide(state, caller, id, headers, body, Status::Retracted).await
}

async fn decide(
    State(state): Shared,
    caller: Caller,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
    status: Status,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let account = caller.require(Role::Reviewer)?.clone();
    let version = if_match(&headers)?;
    let decision: Decision = if headers.contains_key(header::CONTENT_TYPE) {
        json_body(&headers, body).await?
    } else {
        Decision::default()
    };
    let author = Author(account.author_name());
    let stored = state
        .workspace(|ws| async move {
            ws.set_status(&id, status, version, &author, decision.reason.as_deref())
                .await
        })
        .await?;
    Ok(answer(StatusCode::OK, &stored))
}

/// The event as it stands, or 404.
pub(super) async fn current(state: &AppState, id: &str) -> Result<Stored, ApiError> {
    let wanted = id.to_string();
    state
        .workspace(|ws| async move { ws.get(&wanted).await })
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no event {id:?}")))
}

/// The stored event as a feature with `status` and `version`, its version in
/// `ETag`.
pub(super) fn answer(code: StatusCode, stored: &Stored) -> Response {
    answer_with(code, stored, stored_value(stored))
}

/// `body` as the answer about `stored`: its version in `ETag`.
pub(super) fn answer_with(code: StatusCode, stored: &Stored, body: Value) -> Response {
    let mut response = (code, Json(body)).into_response();
    if let Ok(tag) = HeaderValue::from_str(&version_tag(stored.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// The stored event as a feature with `status` and `version`.
pub(super) fn stored_value(stored: &Stored) -> Value {
    let mut feature = feature_value(&stored.event);
    if let Some(properties) = feature.get_mut("properties").and_then(Value::as_object_mut) {
        properties.insert("status".into(), json!(stored.status.as_str()));
        properties.insert("version".into(), json!(stored.version));
    }
    feature
}

pub(super) fn feature_value(event: &Event) -> Value {
    serde_json::to_value(event_to_feature(event)).unwrap_or(Value::Null)
}

/// The feature read and validated as a GeoJSON file's would be; 422 with
/// every problem by field.
fn checked(state: &AppState, feature: Value) -> Result<Event, ApiError> {
    let feature: geojson::Feature = serde_json::from_value(feature)
        .map_err(|e| ApiError::BadBody(format!("body: not a GeoJSON feature: {e}")))?;
    let catalog = state.catalog();
    let read = read_feature(&feature, catalog.gazetteer(), Rules::default());
    read.event.map_err(|issues| ApiError::Invalid {
        problems: issues
            .into_iter()
            .map(|i| (i.field.geojson().to_string(), i.error.to_string()))
            .collect(),
    })
}

/// 400 for a top-level member a feature does not have.
fn check_members(feature: &Map<String, Value>, extra: &[&str]) -> Result<(), ApiError> {
    match feature
        .keys()
        .find(|k| !FEATURE_MEMBERS.contains(&k.as_str()) && !extra.contains(&k.as_str()))
    {
        Some(k) => Err(ApiError::BadBody(format!(
            "{k}: unknown member; an event is a GeoJSON feature ({})",
            FEATURE_MEMBERS.join(", ")
        ))),
        None => Ok(()),
    }
}

/// 400 for a property the reader does not take; the derived ones (`start`,
/// `persons_best`, ...) pass in a whole feature, where they are worked out
/// again, but not in a patch, where changing them would change nothing.
fn check_properties(properties: &Map<String, Value>, whole: bool) -> Result<(), ApiError> {
    for key in properties.keys() {
        let key = key.as_str();
        if READ_PROPERTIES.contains(&key) {
            continue;
        }
        if DERIVED_PROPERTIES.contains(&key) {
            if whole {
                continue;
            }
            return Err(ApiError::BadBody(format!(
                "properties.{key}: worked out from the other properties; change those instead"
            )));
        }
        if matches!(key, "status" | "version") {
            return Err(ApiError::BadBody(format!(
                "properties.{key}: not changed by an edit (publish, retract, If-Match)"
            )));
        }
        return Err(ApiError::BadBody(format!(
            "properties.{key}: unknown; an event has {}",
            READ_PROPERTIES.join(", ")
        )));
    }
    Ok(())
}

/// RFC 7396: `null` removes a member, objects merge, anything else replaces.
fn merge(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(&key);
            }
            Value::Object(inner) => match target.get_mut(&key) {
                Some(Value::Object(existing)) => merge(existing, inner),
                _ => {
                    let mut fresh = Map::new();
                    merge(&mut fresh, inner);
                    target.insert(key, Value::Object(fresh));
                }
            },
            other => {
                target.insert(key, other);
            }
        }
    }
}

/// `If-Match: "vN"` as N; `None` without the header; 400 for another form.
/// The version `If-Match` names, which this write requires: 428 without
/// one, saying to send the ETag of `what`.
pub(super) fn required_if_match(headers: &HeaderMap, what: &str) -> Result<i64, ApiError> {
    if_match(headers)?.ok_or_else(|| {
        ApiError::PreconditionRequired(format!("If-Match: required; send the ETag of {what}"))
    })
}

pub(super) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .and_then(|v| v.strip_prefix("\"v"))
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad(
                "If-Match",
                "expected an event's ETag such as \"v3\" (GET the event for it)",
            )
        })
}

pub(super) fn path_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    id.map(|Path(id)| id)
        .map_err(|e| ApiError::bad("id", e.body_text()))
}

/// An id for an event created without one: `W` and 12 random hex digits.
fn new_id() -> Result<String, ApiError> {
    let secret = crate::auth::random_secret("").map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(format!("W{}", &secret[..12]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        let patch = json!({"a": "z", "c": {"f": null}});
        let (Value::Object(t), Value::Object(p)) = (&mut target, patch) else {
            unreachable!()
        };
        merge(t, p);
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn if_match_takes_version_tags_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(if_match(&headers).unwrap(), None);
        headers.insert(header::IF_MATCH, HeaderValue::from_static("\"v12\""));
        assert_eq!(if_match(&headers).unwrap(), Some(12));
        headers.insert(header::IF_MATCH, HeaderValue::from_static("*"));
        assert!(if_match(&headers).is_err());
    }

    #[test]
    fn patches_may_not_name_unknown_or_derived_properties() {
        let props = |v: Value| v.as_object().unwrap().clone();
        assert!(check_properties(&props(json!({"notes": "x"})), false).is_ok());
        assert!(check_properties(&props(json!({"persons_best": 3})), true).is_ok());
        let derived = check_properties(&props(json!({"persons_best": 3})), false).unwrap_err();
        assert!(derived.to_string().contains("persons_best"));
        let unknown = check_properties(&props(json!({"colour": "red"})), true).unwrap_err();
        assert!(unknown.to_string().contains("colour"));
    }
}
