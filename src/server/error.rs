//! One error type for every handler, mapped to HTTP in one place. Client
//! errors are 4xx with a JSON body naming the parameter (OGC API exception
//! style: `code`, `description`) and are not logged; server errors are logged
//! once and answer a generic 500. What a client sent is quoted in a message
//! only up to [`MAX_MESSAGE`] bytes: a 60 KB parameter is not echoed back whole.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or path segment the server cannot use.
    #[error("{parameter}: {message}")]
    BadParameter { parameter: String, message: String },
    #[error("{0}")]
    NotFound(String),
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
