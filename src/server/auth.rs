//! Who is asking: the account behind a request's `Authorization: Bearer`
//! token or session cookie, checked against the role a handler needs; and
//! login, logout, password change. The rules (hashes, digests, CSRF tokens)
//! are [`crate::auth`]'s; this file only maps them to HTTP.
//!
//! Browser sessions ride in an HttpOnly, SameSite=Strict cookie (Secure when
//! `--public-url` is https). Every state-changing request made with that
//! cookie must carry the session's CSRF token in `X-CSRF-Token`; a Bearer
//! token needs none (a browser never sends one by itself). Every JSON body
//! must say `Content-Type: application/json`, which a cross-site form cannot.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::links::PublicUrl;
use super::AppState;
use crate::auth::{csrf_matches, csrf_token, Account, Role, SESSION_SECONDS};

/// The cookie that holds a browser session's key.
pub const SESSION_COOKIE: &str = "scamatlas_session";
/// The header that carries the session's CSRF token on state changes.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The largest JSON body an endpoint takes: the server's one body limit (an
/// event with many sources fits many times over).
pub const MAX_BODY: usize = super::BODY_LIMIT;

/// Who sent a request.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    /// An account, by API token or by session (with the session's key).
    Account {
        account: Account,
        session: Option<String>,
    },
}

impl Caller {
    /// The account, if it may act as `role`: else 401 for anonymous callers
    /// and 403 for accounts without the role, and for browser sessions whose
    /// account still has its one-time password.
    pub fn require(&self, role: Role) -> Result<&Account, ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized(format!(
                "this needs an account with the {role} role: log in (POST /api/login) \
                 or send Authorization: Bearer TOKEN"
            ))),
            Caller::Account {
                account,
                session: Some(_),
            } if account.must_change_password => Err(ApiError::Forbidden(format!(
                "account {:?} still has its one-time password: change it first \
                 (POST /api/password)",
                account.name
            ))),
            Caller::Account { account, .. } if account.can(role) => Ok(account),
            Caller::Account { account, .. } => Err(ApiError::Forbidden(format!(
                "account {:?} is {}; this needs the {role} role",
                account.name, account.role
            ))),
        }
    }

    /// Whether the caller may act as `role` (anonymous callers may not).
    #[must_use]
    pub fn can(&self, role: Role) -> bool {
        matches!(self, Caller::Account { account, .. } if account.can(role))
    }
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let bearer = match parts.headers.get(header::AUTHORIZATION) {
            None => None,
            Some(value) => Some(
                value
                    .to_str()
                    .ok()
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        ApiError::Unauthorized(
                            "Authorization: only `Bearer TOKEN` is accepted".into(),
                        )
                    })?
                    .to_string(),
            ),
        };
        let session = cookie(&parts.headers, SESSION_COOKIE);
        if bearer.is_none() && session.is_none() {
            return Ok(Caller::Anonymous);
        }
        if let Some(token) = bearer {
            let account = state
                .workspace(|ws| async move { ws.token_account(&token).await })
                .await?
                .ok_or_else(|| {
                    ApiError::Unauthorized("the API token is unknown or revoked".into())
                })?;
            return Ok(Caller::Account {
                account,
                session: None,
            });
        }
        let Some(key) = session else {
            return Ok(Caller::Anonymous);
        };
        let lookup = key.clone();
        let found = state
            .workspace(|ws| async move { ws.session(&lookup).await })
            .await?;
        let Some(session) = found else {
            // An expired session reads as anonymous; a write then gets a 401.
            return Ok(Caller::Anonymous);
        };
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !csrf_matches(&key, given) {
                return Err(ApiError::Forbidden(format!(
                    "{CSRF_HEADER}: missing or wrong; send the csrf token that \
                     POST /api/login and GET /api/me return"
                )));
            }
        }
        Ok(Caller::Account {
            account: session.account,
            session: Some(key),
        })
    }
}

/// The value of cookie `name`, if sent.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A JSON request body of type `T`: `Content-Type: application/json` (415
/// otherwise), at most [`MAX_BODY`] bytes (413), well-formed (400 naming the
/// line and column), with no member `T` does not know (400).
pub async fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = body_bytes(headers, body).await?;
    parse_json(&bytes)
}

/// The body's bytes, checked for its type and size.
pub async fn body_bytes(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    body_bytes_within(headers, body, MAX_BODY).await
}

/// [`body_bytes`] for an endpoint that takes up to `limit` bytes.
pub async fn body_bytes_within(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !matches!(
        essence,
        "application/json" | "application/geo+json" | "application/merge-patch+json"
    ) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type: {content_type:?}; send application/json"
        )));
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::TooLarge(format!(
            "the body is larger than {} KB, the most this endpoint takes",
            limit / 1024
        ))
    })
}

/// `bytes` as JSON of type `T`; 400 naming the line and column of the first
/// problem.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::BadBody(format!(
            "body, line {} column {}: {e}",
            e.line(),
            e.column()
        ))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    name: String,
    password: String,
}

/// `POST /api/login` `{"name", "password"}`: a session cookie, and the
/// session's CSRF token in the body. Failed logins are throttled per account
/// and per client address (429 with `Retry-After`).
pub async fn login(
    State(state): State<Arc<AppState>>,
    Extension(public): Extension<PublicUrl>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Login { name, password } = json_body(&headers, body).await?;
    let address = peer.map_or_else(
        || "unknown".to_string(),
        |Extension(ConnectInfo(a))| a.ip().to_string(),
    );
    let session = state
        .workspace(|ws| async move { ws.login(&name, &password, &address).await })
        .await?;
    let cookie = session_cookie(&session.key, SESSION_SECONDS, is_https(&public));
    let body = json!({
        "account": session.account,
        "csrf": session.csrf(),
        "expires_at": session.expires_at,
    });
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `POST /api/logout`: ends the caller's session and clears its cookie.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    Extension(public): Extension<PublicUrl>,
    caller: Caller,
) -> Result<Response, ApiError> {
    if let Caller::Account {
        session: Some(key), ..
    } = caller
    {
        state
            .workspace(|ws| async move { ws.logout(&key).await })
            .await?;
    }
    let cookie = session_cookie("", 0, is_https(&public));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// `GET /api/me`: the caller's account, and its session's CSRF token.
pub async fn me(caller: Caller) -> Result<Json<serde_json::Value>, ApiError> {
    match caller {
        Caller::Anonymous => Err(ApiError::Unauthorized("not logged in".into())),
        Caller::Account { account, session } => Ok(Json(json!({
            "account": account,
            "csrf": session.as_deref().map(csrf_token),
        }))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    old: String,
    new: String,
}

/// `POST /api/password` `{"old", "new"}`: changes the caller's password and
/// ends the account's other sessions.
pub async fn password(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    // Any account may change its password, one-time or not.
    let (account, keep) = match caller {
        Caller::Account { account, session } => (account, session),
        Caller::Anonymous => return Err(ApiError::Unauthorized("not logged in".into())),
    };
    let PasswordChange { old, new } = json_body(&headers, body).await?;
    state
        .workspace(|ws| async move {
            ws.change_password(&account.name, &old, &new, keep.as_deref())
                .await
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether clients reach this server over https (`--public-url`; never a
/// request header): the session cookie is then Secure.
fn is_https(public: &PublicUrl) -> bool {
    public.base().starts_with("https:")
}

/// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no
/// other site's page sends it), Secure over https; `max_age` 0 clears it.
fn session_cookie(key: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{SESSION_COOKIE}={key}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_http_only_strict_and_secure_over_https() {
        let plain = session_cookie("abc", 60, false);
        let text = plain.to_str().unwrap();
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Strict"));
        assert!(!text.contains("Secure"));
        let secure = session_cookie("abc", 60, true);
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
    }

    #[test]
    fn cookies_are_found_by_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; scamatlas_session=k3y; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("k3y"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
