//! The edit API over a real workspace: roles (401, 403), sessions with CSRF,
//! drafts that stay private, `If-Match` (428, 412), bad bodies (400, 413,
//! 415, 422) that leave nothing written, and 100 writers racing on one event.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use scamatlas::auth::Role;
use scamatlas::gazetteer::Gazetteer;
use scamatlas::server::{router, App, ServerOptions, Store};
use scamatlas::workspace::Workspace;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::server::runtime;

/// A served workspace with one account per role.
pub(crate) struct Desk {
    pub(crate) app: App,
    pub(crate) admin: String,
    pub(crate) editor: String,
    pub(crate) editor_password: String,
    pub(crate) reviewer: String,
    _dir: tempfile::TempDir,
}

impl Desk {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("workspace.db");
        let (admin, editor, reviewer) = accounts(&path);
        let store = Store::open(&path).expect("store");
        let state = store
            .serve(Arc::new(Gazetteer::bundled().expect("gazetteer")))
            .expect("the workspace served");
        let app = router(state, &ServerOptions::default());
        Self {
            app,
            admin: admin.token,
            editor: editor.token,
            editor_password: editor.password,
            reviewer: reviewer.token,
            _dir: dir,
        }
    }

    pub(crate) fn send(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut request = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let body = match body {
            Some(v) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let app = self.app.clone();
        runtime().block_on(async move {
            let response = app
                .oneshot(request.body(body).expect("request"))
                .await
                .expect("response");
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
            let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            (parts.status, parts.headers, value)
        })
    }

    /// A PATCH of event `id` with a Bearer token and, when given, `If-Match`.
    fn patch(
        &self,
        token: &str,
        id: &str,
        if_match: Option<&str>,
        body: Value,
    ) -> (StatusCode, HeaderMap, Value) {
        let uri = format!("/api/events/{id}");
        let tag: Vec<(&str, &str)> = if_match.map(|t| ("if-match", t)).into_iter().collect();
        self.as_token(token, Method::PATCH, &uri, &tag, Some(body))
    }

    pub(crate) fn as_token(
        &self,
        token: &str,
        method: Method,
        uri: &str,
        extra: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        let bearer = format!("Bearer {token}");
        let mut headers = vec![("authorization", bearer.as_str())];
        headers.extend_from_slice(extra);
        self.send(method, uri, &headers, body)
    }
}

/// An admin, an editor and a reviewer, made before the server starts.
fn accounts(
    path: &Path,
) -> (
    scamatlas::auth::NewAccount,
    scamatlas::auth::NewAccount,
    scamatlas::auth::NewAccount,
) {
    runtime().block_on(async {
        let ws = Workspace::open(path, 1).await.expect("workspace");
        let admin = ws.add_account("root", Role::Admin).await.expect("admin");
        let editor = ws.add_account("ed", Role::Editor).await.expect("editor");
        let reviewer = ws
            .add_account("rev", Role::Reviewer)
            .await
            .expect("reviewer");
        ws.close().await;
        (admin, editor, reviewer)
    })
}

pub(crate) fn raid(id: &str) -> Value {
    json!({
        "type": "Feature",
        "geometry": null,
        "properties": {
            "id": id,
            "date": "2025-10-20",
            "type": "raid",
            "place": "KK Park",
            "counts": [{"kind": "arrested", "best": 120, "low": 120, "high": 120}],
            "sources": [{"url": "https://example.org/report"}],
            "notes": "written for this test"
        }
    })
}

fn etag(headers: &HeaderMap) -> String {
    headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_string()
}

#[test]
fn writes_need_an_account_with_the_role() {
    let desk = Desk::new();
    let (status, headers, _) = desk.send(Method::POST, "/api/events", &[], Some(raid("T1")));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    let (status, _, _) = desk.as_token(
        "sat_unknown",
        Method::POST,
        "/api/events",
        &[],
        Some(raid("T1")),
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, headers, body) = desk.as_token(
        &desk.editor,
        Method::POST,
        "/api/events",
        &[],
        Some(raid("T1")),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(etag(&headers), "\"v1\"");
    assert_eq!(headers[header::LOCATION], "/api/events/T1");
    assert_eq!(body["properties"]["status"], "draft");
    assert_eq!(
        body["properties"]["place_ids"], "kk_park",
        "the name resolved"
    );

    // An editor may not publish; a reviewer may.
    let (status, _, _) = desk.as_token(
        &desk.editor,
        Method::POST,
        "/api/events/T1/publish",
        &[],
        None,
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, body) = desk.as_token(
        &desk.reviewer,
        Method::POST,
        "/api/events/T1/publish",
        &[],
        None,
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (etag(&headers).as_str(), &body["properties"]["status"]),
        ("\"v2\"", &json!("published"))
    );

    // Changing a published event needs a reviewer and a reason.
    let patch = json!({"properties": {"notes": "corrected"}});
    let (status, _, _) = desk.patch(&desk.editor, "T1", Some("\"v2\""), patch.clone());
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) = desk.patch(&desk.reviewer, "T1", Some("\"v2\""), patch);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["problems"][0]["field"], "reason");
    let (status, _, body) = desk.patch(
        &desk.reviewer,
        "T1",
        Some("\"v2\""),
        json!({"properties": {"notes": "corrected"}, "reason": "the article's figure"}),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["properties"]["notes"], "corrected");
    assert_eq!(body["properties"]["version"], 3);
    // The admin is a reviewer too.
    let (status, _, _) = desk.as_token(
        &desk.admin,
        Method::POST,
        "/api/events/T1/retract",
        &[],
        Some(json!({"reason": "duplicate of another report"})),
    );
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn drafts_stay_private_until_published() {
    let desk = Desk::new();
    let (status, _, _) = desk.as_token(
        &desk.editor,
        Method::POST,
        "/api/events",
        &[],
        Some(raid("D1")),
    );
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        desk.send(Method::GET, "/api/events/D1", &[], None).0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        desk.send(Method::GET, "/api/events/D1/history", &[], None)
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, headers, body) = desk.as_token(
        &desk.editor,
        Method::GET,
        "/api/events/D1/history",
        &[],
        None,
    );
    assert_eq!(
        (status, &body["revisions"][0]["action"]),
        (StatusCode::OK, &json!("create"))
    );
    assert_eq!(
        headers.get("cache-control").map(|v| v.as_bytes()),
        Some(&b"private, no-store"[..]),
        "an editor's history is kept by no cache"
    );
    let (status, _, body) = desk.as_token(&desk.editor, Method::GET, "/api/events/D1", &[], None);
    assert_eq!(
        (status, &body["properties"]["status"]),
        (StatusCode::OK, &json!("draft"))
    );
    // Another event published: once the map shows it, the draft is still not there.
    desk.as_token(
        &desk.editor,
        Method::POST,
        "/api/events",
        &[],
        Some(raid("P1")),
    );
    desk.as_token(
        &desk.reviewer,
        Method::POST,
        "/api/events/P1/publish",
        &[],
        None,
    );
    let start = std::time::Instant::now();
    loop {
        let (_, _, layer) = desk.send(Method::GET, "/api/layers/events.geojson", &[], None);
        let ids: Vec<String> = layer["features"]
            .as_array()
            .expect("features")
            .iter()
            .filter_map(|f| f["id"].as_str().map(String::from))
            .collect();
        if ids.iter().any(|id| id == "P1") {
            assert!(
                !ids.iter().any(|id| id == "D1"),
                "a draft in the public layer"
            );
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "P1 never showed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_session_needs_its_csrf_token_to_write() {
    let desk = Desk::new();
    let login = json!({"name": "ed", "password": desk.editor_password});
    let (status, headers, body) = desk.send(Method::POST, "/api/login", &[], Some(login));
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().expect("name=value").to_string();
    let csrf = body["csrf"].as_str().expect("csrf").to_string();

    let (status, _, _) = desk.send(
        Method::POST,
        "/api/events",
        &[("cookie", &pair)],
        Some(raid("S1")),
    );
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
    // The one-time password must be changed before the session may write.
    let (status, _, body) = desk.send(
        Method::POST,
        "/api/events",
        &[("cookie", &pair), ("x-csrf-token", &csrf)],
        Some(raid("S1")),
    );
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["description"]
        .as_str()
        .expect("text")
        .contains("one-time"));
    let change = json!({"old": desk.editor_password, "new": "a passphrase of my own"});
    let (status, _, _) = desk.send(
        Method::POST,
        "/api/password",
        &[("cookie", &pair), ("x-csrf-token", &csrf)],
        Some(change),
    );
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = desk.send(
        Method::POST,
        "/api/events",
        &[("cookie", &pair), ("x-csrf-token", &csrf)],
        Some(raid("S1")),
    );
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, body) = desk.send(Method::GET, "/api/me", &[("cookie", &pair)], None);
    assert_eq!(
        (status, &body["account"]["name"]),
        (StatusCode::OK, &json!("ed"))
    );

    let (status, _, _) = desk.send(
        Method::POST,
        "/api/logout",
        &[("cookie", &pair), ("x-csrf-token", &csrf)],
        None,
    );
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = desk.send(
        Method::POST,
        "/api/events",
        &[("cookie", &pair), ("x-csrf-token", &csrf)],
        Some(raid("S2")),
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the session ended");

    let wrong = json!({"name": "ed", "password": "not it"});
    assert_eq!(
        desk.send(Method::POST, "/api/login", &[], Some(wrong)).0,
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn bad_bodies_are_refused_by_kind_and_nothing_is_written() {
    let desk = Desk::new();
    let post = |headers: &[(&str, &str)], body: Body| {
        let mut request = Request::post("/api/events")
            .header(header::AUTHORIZATION, format!("Bearer {}", desk.editor));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let app = desk.app.clone();
        runtime().block_on(async move {
            let response = app
                .oneshot(request.body(body).expect("request"))
                .await
                .expect("response");
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            (
                status,
                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
            )
        })
    };
    let json_type = [("content-type", "application/json")];
    let (status, body) = post(
        &json_type,
        Body::from("{\"type\": \"Feature\",\n \"properties\": {"),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["description"]
            .as_str()
            .expect("text")
            .contains("line 2"),
        "{body}"
    );
    let (status, _) = post(
        &[("content-type", "text/plain")],
        Body::from(raid("B1").to_string()),
    );
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = format!("{{\"notes\": \"{}\"}}", "x".repeat(200_000));
    let (status, _) = post(&json_type, Body::from(big));
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let mut unknown = raid("B1");
    unknown["properties"]["colour"] = json!("red");
    let (status, body) = post(&json_type, Body::from(unknown.to_string()));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["description"]
        .as_str()
        .expect("text")
        .contains("colour"));
    let mut nowhere = raid("B1");
    nowhere["properties"]["place"] = json!("Atlantisburg");
    nowhere["properties"]["date"] = json!("2025-13-40");
    let (status, body) = post(&json_type, Body::from(nowhere.to_string()));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"date") && fields.contains(&"place"),
        "{body}"
    );
    assert!(
        body["description"]
            .as_str()
            .expect("text")
            .contains("Atlantisburg"),
        "{body}"
    );
    let (status, _, _) = desk.as_token(&desk.editor, Method::GET, "/api/events/B1", &[], None);
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was written");
}

#[test]
fn a_stale_if_match_gets_412_and_a_missing_one_428() {
    let desk = Desk::new();
    desk.as_token(
        &desk.editor,
        Method::POST,
        "/api/events",
        &[],
        Some(raid("V1")),
    );
    let patch = json!({"properties": {"notes": "first"}});
    let (status, _, _) = desk.patch(&desk.editor, "V1", None, patch.clone());
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
    let (status, _, _) = desk.patch(&desk.editor, "V1", Some("\"v1\""), patch);
    assert_eq!(status, StatusCode::OK);
    let late = json!({"properties": {"notes": "second, from v1"}});
    let (status, headers, body) = desk.patch(&desk.editor, "V1", Some("\"v1\""), late);
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        (etag(&headers).as_str(), &body["current_version"]),
        ("\"v2\"", &json!(2))
    );
}

/// 100 writers PATCH one event with the same `If-Match`, round after round:
/// exactly one wins each round, the others get 412, and the history holds
/// one revision per round.
#[test]
fn one_hundred_writers_on_one_event_one_wins_each_round() {
    let desk = Desk::new();
    desk.as_token(
        &desk.editor,
        Method::POST,
        "/api/events",
        &[],
        Some(raid("R1")),
    );
    let rounds = 3;
    for round in 1..=rounds {
        let tag = format!("\"v{round}\"");
        let outcomes = runtime().block_on(async {
            let mut tasks = Vec::new();
            for writer in 0..100 {
                let app = desk.app.clone();
                let request = Request::patch("/api/events/R1")
                    .header(header::AUTHORIZATION, format!("Bearer {}", desk.editor))
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::IF_MATCH, &tag)
                    .body(Body::from(
                        json!({"properties": {"notes": format!("round {round}, writer {writer}")}})
                            .to_string(),
                    ))
                    .expect("request");
                tasks.push(tokio::spawn(async move {
                    app.oneshot(request).await.expect("response").status()
                }));
            }
            let mut statuses = Vec::new();
            for t in tasks {
                statuses.push(t.await.expect("task"));
            }
            statuses
        });
        let won = outcomes.iter().filter(|s| **s == StatusCode::OK).count();
        let refused = outcomes
            .iter()
            .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
            .count();
        assert_eq!((won, refused), (1, 99), "round {round}: {outcomes:?}");
    }
    let (_, _, body) = desk.as_token(&desk.editor, Method::GET, "/api/events/R1", &[], None);
    assert_eq!(body["properties"]["version"], rounds + 1);
    let store_path = desk._dir.path().join("workspace.db");
    let history = runtime().block_on(async {
        let ws = Workspace::open(&store_path, 1).await.expect("workspace");
        ws.history("R1").await.expect("history")
    });
    assert_eq!(history.len(), rounds + 1);
    assert!(history.iter().skip(1).all(|r| r.author == "account:ed"));
}

/// One HTTP/1.1 request over TCP; the status and the raw head and body.
fn http(address: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut tcp = std::net::TcpStream::connect(address).expect("connect");
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).expect("answer");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    (status, answer)
}

/// Over real TCP the server knows the client's address: past 20 failed
/// logins from one address, every login from it gets 429 for a while,
/// whatever the account. `serve` says how to make the first admin.
#[test]
fn failed_logins_from_one_address_are_throttled_over_tcp() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workspace.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scamatlas"))
        .args([
            "--workspace",
            path.to_str().expect("utf-8"),
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut said_admin = false;
    let address = loop {
        let line = lines
            .next()
            .expect("serve logs its address")
            .expect("a line");
        said_admin |= line.contains("users add NAME --role admin");
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().expect("host:port").to_string();
        }
    };
    assert!(said_admin, "serve says how to make the first admin");
    for i in 0..20 {
        let body = format!("{{\"name\": \"someone{i}\", \"password\": \"guess\"}}");
        assert_eq!(http(&address, "POST", "/api/login", &body).0, 401);
    }
    let (status, answer) = http(
        &address,
        "POST",
        "/api/login",
        r#"{"name": "other", "password": "x"}"#,
    );
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 429, "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after:"),
        "{answer}"
    );
}
