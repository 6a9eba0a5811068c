//! One error type for every handler, mapped to HTTP in one place. Client
//! errors are 4xx with a JSON body naming the parameter (OGC API exception
//! style: `code`, `description`) and are not logged; server errors are logged
//! once and answer a generic 500. What a client sent is quoted in a message
//! only up to [`MAX_MESSAGE`] bytes: a 60 KB parameter is not echoed back whole.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::live::StoreError;
use crate::auth::AuthError;
use crate::workspace::WorkspaceError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or path segment the server cannot use.
    #[error("{parameter}: {message}")]
    BadParameter { parameter: String, message: String },
    #[error("{0}")]
    NotFound(String),
    /// A request body that is not the JSON asked for (400, with where).
    #[error("{0}")]
    BadBody(String),
    /// No credentials, or credentials that are no longer valid (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Credentials without the role, or a state change without its CSRF
    /// token (403).
    #[error("{0}")]
    Forbidden(String),
    /// The thing exists already, or the server cannot take writes (409).
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` names another version than the current one (412).
    #[error("{message}")]
    PreconditionFailed { message: String, current: i64 },
    /// A write without `If-Match` (428).
    #[error("{0}")]
    PreconditionRequired(String),
    /// A body that is not JSON (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A body larger than the endpoint takes (413).
    #[error("{0}")]
    TooLarge(String),
    /// Well-formed, but not a valid event: every problem by field (422).
    #[error("{} problem(s)", problems.len())]
    Invalid { problems: Vec<(String, String)> },
    /// Too many failed logins (429).
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: i64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad(parameter: &str, message: impl std::fmt::Display) -> Self {
        ApiError::BadParameter {
            parameter: parameter.to_string(),
            message: message.to_string(),
        }
    }
}

/// The store's refusals as HTTP answers; anything else is a 500.
impl From<WorkspaceError> for ApiError {
    fn from(e: WorkspaceError) -> Self {
        match e {
            WorkspaceError::NotFound(id) => ApiError::NotFound(format!("no event {id:?}")),
            WorkspaceError::Exists(id) => {
                ApiError::Conflict(format!("event {id:?} exists already; PATCH it instead"))
            }
            WorkspaceError::Conflict {
                id,
                expected,
                current,
            } => ApiError::PreconditionFailed {
                message: format!(
                    "event {id:?} is at version {current}, not {expected}: someone changed it \
                 since; GET it again and redo the change"
                ),
                current,
            },
            WorkspaceError::ReasonRequired { id } => ApiError::Invalid {
                problems: vec![(
                    "reason".into(),
                    format!(
                        "event {id:?}: retracting it, or changing it while published, needs a reason"
                    ),
                )],
            },
            WorkspaceError::AlreadyThere { id, status } => {
                ApiError::Conflict(format!("event {id:?} is already {status}"))
            }
            WorkspaceError::Invalid(message) => ApiError::Invalid {
                problems: vec![("event".into(), message)],
            },
            WorkspaceError::Field { field, message } => ApiError::Invalid {
                problems: vec![(field, message)],
            },
            WorkspaceError::NoArticle(id) => ApiError::NotFound(format!("no article {id}")),
            WorkspaceError::Auth(e) => e.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Refused logins and passwords as HTTP answers.
impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::BadCredentials => ApiError::Unauthorized(e.to_string()),
            AuthError::Throttled { retry_after } => ApiError::TooManyRequests {
                message: e.to_string(),
                retry_after,
            },
            AuthError::WeakPassword | AuthError::BadName(_) => ApiError::Invalid {
                problems: vec![(
                    "password".into(),
                    e.to_string().trim_start_matches("password: ").to_string(),
                )],
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// The entity tag of an event's version: `"v3"`.
#[must_use]
pub fn version_tag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// Longest message of a 4xx answer, in bytes; longer ones are cut there.
pub const MAX_MESSAGE: usize = 500;

/// `text`, cut to at most [`MAX_MESSAGE`] bytes (at a character boundary)
/// with how long it was, if it is longer.
fn clipped(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MAX_MESSAGE {
        return text.into();
    }
    let mut end = MAX_MESSAGE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes in all)", &text[..end], text.len()).into()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::BadParameter { parameter, message } => (
                StatusCode::BAD_REQUEST,
                json!({
                    "code": "InvalidParameterValue",
                    "parameter": clipped(parameter),
                    "description": clipped(&format!("{parameter}: {message}")),
                }),
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                json!({ "code": "NotFound", "description": clipped(what) }),
            ),
            ApiError::BadBody(what) => (
                StatusCode::BAD_REQUEST,
                json!({ "code": "InvalidBody", "description": clipped(what) }),
            ),
            ApiError::Unauthorized(what) => {
                let body = json!({ "code": "Unauthorized", "description": clipped(what) });
                let mut response = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
                response.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer realm=\"scamatlas\""),
                );
                return response;
            }
            ApiError::Forbidden(what) => (
                StatusCode::FORBIDDEN,
                json!({ "code": "Forbidden", "description": clipped(what) }),
            ),
            ApiError::Conflict(what) => (
                StatusCode::CONFLICT,
                json!({ "code": "Conflict", "description": clipped(what) }),
            ),
            ApiError::PreconditionFailed { message, current } => {
                let body = json!({
                    "code": "PreconditionFailed",
                    "description": clipped(message),
                    "current_version": current,
                });
                let mut response = (StatusCode::PRECONDITION_FAILED, Json(body)).into_response();
                if let Ok(tag) = axum::http::HeaderValue::from_str(&version_tag(*current)) {
                    response.headers_mut().insert(axum::http::header::ETAG, tag);
                }
                return response;
            }
            ApiError::PreconditionRequired(what) => (
                StatusCode::PRECONDITION_REQUIRED,
                json!({ "code": "PreconditionRequired", "description": clipped(what) }),
            ),
            ApiError::UnsupportedMediaType(what) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({ "code": "UnsupportedMediaType", "description": clipped(what) }),
            ),
            ApiError::TooLarge(what) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({ "code": "PayloadTooLarge", "description": clipped(what) }),
            ),
            ApiError::Invalid { problems } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({
                    "code": "InvalidEvent",
                    "description": clipped(&problems
                        .iter()
                        .map(|(field, message)| format!("{field}: {message}"))
                        .collect::<Vec<_>>()
                        .join("; ")),
                    "problems": problems
                        .iter()
                        .map(|(field, message)| json!({ "field": field, "message": clipped(message) }))
                        .collect::<Vec<_>>(),
                }),
            ),
            ApiError::TooManyRequests {
                message,
                retry_after,
            } => {
                let body = json!({ "code": "TooManyRequests", "description": clipped(message) });
                let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
                if let Ok(after) = axum::http::HeaderValue::from_str(&retry_after.to_string()) {
                    response
                        .headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, after);
                }
                return response;
            }
            ApiError::Internal(detail) => {
                tracing::error!("{detail}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "code": "ServerError", "description": "internal server error" }),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        assert_eq!(clipped("short"), "short");
        let long = format!("type: unknown event type {:?}", "ä".repeat(100_000));
        let cut = clipped(&long);
        assert!(cut.len() < MAX_MESSAGE + 40, "{}", cut.len());
        assert!(cut.starts_with("type: unknown event type \"ää"));
        assert!(cut.ends_with(&format!("... ({} bytes in all)", long.len())));
    }
}
