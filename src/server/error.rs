//! One error type for every handler, mapped to HTTP in one place. Client
//! errors are 4xx with a JSON body naming the parameter (OGC API exception
//! style: `code`, `description`) and are not logged; server errors are logged
//! once and answer a generic 500.

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
    pub fn bad(parameter: &str, message: impl Into<String>) -> Self {
        ApiError::BadParameter {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::BadParameter { parameter, message } => (
                StatusCode::BAD_REQUEST,
                json!({
                    "code": "InvalidParameterValue",
                    "parameter": parameter,
                    "description": format!("{parameter}: {message}"),
                }),
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                json!({ "code": "NotFound", "description": what }),
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

/// Where the handlers have long found it; bounded now (`blocking.rs`).
pub(crate) use super::blocking::offload;
