//! The map viewer's static files, served in process: content types, ETags,
//! 404 for anything not loaded at start (traversal included), and the page
//! `/` answers when maplibre-gl is not installed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::http::{header, HeaderMap, StatusCode};
use scamatlas::server::{router, ServerOptions, WebFiles, WebProblem};

use crate::server::{json, state};

/// Writes `files` (path relative to `root`, contents) below `root`.
fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
}

/// A fake maplibre-gl install below `web`.
fn write_maplibre(web: &Path) {
    write_files(
        web,
        &[
            (
                "node_modules/maplibre-gl/dist/maplibre-gl.mjs",
                "export const version = 'fake';",
            ),
            (
                "node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs",
                "self.fake = 1;",
            ),
            (
                "node_modules/maplibre-gl/dist/maplibre-gl.css",
                ".maplibregl-map{}",
            ),
            ("node_modules/maplibre-gl/dist/maplibre-gl.mjs.map", "{}"),
            ("node_modules/maplibre-gl/LICENSE.txt", "BSD-3-Clause"),
            ("node_modules/maplibre-gl/package.json", "{}"),
        ],
    );
}

/// A web folder with a small app, files that must not be served, and a fake
/// maplibre-gl when `with_maplibre`.
fn fixture(with_maplibre: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let web = dir.path();
    write_files(
        web,
        &[
            ("app/index.html", "<!doctype html><title>viewer</title>"),
            ("app/viewer.css", "body{}"),
            ("app/js/main.js", "import './clock.js';"),
            ("app/js/clock.js", "export {};"),
            ("app/favicon.svg", "<svg/>"),
            ("app/notes.md", "not a web file"),
            ("app/.hidden.js", "secret"),
            ("app/with space.js", "odd name"),
            ("package.json", "{}"),
            ("secret.txt", "outside the app folder"),
        ],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(web.join("secret.txt"), web.join("app/linked.txt"))
        .expect("symlink");
    if with_maplibre {
        write_maplibre(web);
    }
    dir
}

/// Status, headers and body of a GET to a server with the viewer `web`.
fn get(web: &WebFiles, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
    let options = ServerOptions {
        web: Arc::new(web.clone()),
        ..ServerOptions::default()
    };
    crate::server::get_from(router(state(), &options), uri, headers)
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[test]
fn serves_the_app_and_maplibre_with_their_content_types() {
    let dir = fixture(true);
    let web = WebFiles::load(dir.path());
    assert!(web.problem().is_none(), "{:?}", web.problem());

    for (uri, expected_type, expected_body) in [
        (
            "/",
            "text/html; charset=utf-8",
            "<!doctype html><title>viewer</title>",
        ),
        (
            "/index.html",
            "text/html; charset=utf-8",
            "<!doctype html><title>viewer</title>",
        ),
        ("/viewer.css", "text/css; charset=utf-8", "body{}"),
        (
            "/js/main.js",
            "text/javascript; charset=utf-8",
            "import './clock.js';",
        ),
        (
            "/js/clock.js",
            "text/javascript; charset=utf-8",
            "export {};",
        ),
        ("/favicon.svg", "image/svg+xml", "<svg/>"),
        (
            "/vendor/maplibre-gl/maplibre-gl.mjs",
            "text/javascript; charset=utf-8",
            "export const version = 'fake';",
        ),
        (
            "/vendor/maplibre-gl/maplibre-gl-worker.mjs",
            "text/javascript; charset=utf-8",
            "self.fake = 1;",
        ),
        (
            "/vendor/maplibre-gl/maplibre-gl.css",
            "text/css; charset=utf-8",
            ".maplibregl-map{}",
        ),
        (
            "/vendor/maplibre-gl/LICENSE.txt",
            "text/plain; charset=utf-8",
            "BSD-3-Clause",
        ),
    ] {
        let (status, headers, body) = get(&web, uri, &[]);
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(content_type(&headers), expected_type, "{uri}");
        assert_eq!(String::from_utf8_lossy(&body), expected_body, "{uri}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
    }

    // The worker is fetched with a version query; the query does not matter.
    let (status, _, _) = get(
        &web,
        "/vendor/maplibre-gl/maplibre-gl-worker.mjs?v=6.17.0",
        &[],
    );
    assert_eq!(status, StatusCode::OK);

    // The page may only load from its own origin.
    let (_, headers, _) = get(&web, "/", &[]);
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
}

#[test]
fn a_reload_with_the_etag_is_answered_304() {
    let dir = fixture(true);
    let web = WebFiles::load(dir.path());
    let (_, headers, _) = get(&web, "/js/main.js", &[]);
    let etag = headers[header::ETAG].to_str().expect("ascii").to_string();
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");

    let (status, headers, body) = get(&web, "/js/main.js", &[("if-none-match", &etag)]);
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(headers[header::ETAG], etag.as_str());
    assert!(body.is_empty());

    let (status, _, _) = get(&web, "/js/main.js", &[("if-none-match", "\"other\"")]);
    assert_eq!(status, StatusCode::OK);
}

/// The review desk is one more page of the app, at `/review` as well as
/// its file name, with the same Content-Security-Policy as the map.
#[test]
fn the_review_desk_is_served_at_slash_review() {
    let dir = fixture(true);
    write_files(
        dir.path(),
        &[("app/review.html", "<!doctype html><title>desk</title>")],
    );
    let web = WebFiles::load(dir.path());
    let (status, headers, body) = get(&web, "/review", &[]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type(&headers), "text/html; charset=utf-8");
    assert_eq!(body, b"<!doctype html><title>desk</title>");
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    let (_, same, _) = get(&web, "/review.html", &[]);
    assert_eq!(same[header::ETAG], headers[header::ETAG]);
    let (status, _, _) = get(&web, "/review/", &[]);
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn only_files_loaded_at_start_are_served() {
    let dir = fixture(true);
    let web = WebFiles::load(dir.path());
    let served: Vec<&str> = web.paths().collect();
    assert_eq!(
        served,
        [
            "/favicon.svg",
            "/index.html",
            "/js/clock.js",
            "/js/main.js",
            "/vendor/maplibre-gl/LICENSE.txt",
            "/vendor/maplibre-gl/maplibre-gl-worker.mjs",
            "/vendor/maplibre-gl/maplibre-gl.css",
            "/vendor/maplibre-gl/maplibre-gl.mjs",
            "/viewer.css",
        ]
    );

    // A file written after start is not served: handlers never read files.
    write_files(dir.path(), &[("app/late.js", "too late")]);
    for uri in [
        "/late.js",
        "/nope.js",
        "/notes.md",
        "/.hidden.js",
        "/with%20space.js",
        "/linked.txt",
        "/secret.txt",
        "/package.json",
        "/app/index.html",
        "/js/",
        "/js/../index.html",
        "/js/..%2Fmain.js",
        "/%2e%2e/secret.txt",
        "/../secret.txt",
        "/vendor/maplibre-gl/../../secret.txt",
        "/vendor/maplibre-gl/maplibre-gl.mjs.map",
        "/vendor/maplibre-gl/package.json",
        "/index.html/",
    ] {
        let (status, headers, body) = get(&web, uri, &[]);
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            content_type(&headers).starts_with("application/json"),
            "{uri}"
        );
        assert_eq!(json(&body)["code"], "NotFound", "{uri}");
    }
}

#[test]
fn without_maplibre_the_server_runs_and_slash_says_what_to_run() {
    let dir = fixture(false);
    let web = WebFiles::load(dir.path());
    assert!(
        matches!(web.problem(), Some(WebProblem::NoMaplibre { .. })),
        "{:?}",
        web.problem()
    );
    assert!(web.is_empty());

    let (status, headers, body) = get(&web, "/", &[]);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(content_type(&headers), "text/html; charset=utf-8");
    let page = String::from_utf8(body).expect("utf-8");
    let command = format!("npm ci --prefix {}", dir.path().display());
    assert!(page.contains(&command), "{page}");

    // No app file is served without maplibre, and the API is unaffected.
    let (status, _, _) = get(&web, "/js/main.js", &[]);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, body) = get(&web, "/health", &[]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["status"], "ok");
}

#[test]
fn a_folder_without_the_app_or_no_folder_at_all_is_explained() {
    let empty = tempfile::tempdir().expect("tempdir");
    let web = WebFiles::load(empty.path());
    assert!(matches!(web.problem(), Some(WebProblem::NoApp { .. })));
    let (status, _, body) = get(&web, "/index.html", &[]);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&body).contains("app/index.html is missing"));

    // The default options (library use, tests) serve no viewer.
    let (status, _, body) = get(&WebFiles::default(), "/", &[]);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&body).contains("without the map viewer"));
}

#[test]
fn serve_refuses_a_web_folder_given_without_a_viewer() {
    let empty = tempfile::tempdir().expect("tempdir");
    let folder = empty.path().to_str().expect("utf-8 path");
    let output = crate::run_cli(&["serve", "--bind", "127.0.0.1:0", "--web", folder]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--web") && stderr.contains("no map viewer there"),
        "{stderr}"
    );
}

/// The repository's viewer with a fake maplibre-gl: every file its page and
/// modules refer to by a local path is served (a renamed module would
/// otherwise only show up in the browser test).
#[test]
fn every_file_the_viewer_refers_to_is_served() {
    let repo_web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&repo_web.join("app"), &dir.path().join("app"));
    write_maplibre(dir.path());
    let web = WebFiles::load(dir.path());
    assert!(web.problem().is_none(), "{:?}", web.problem());
    let served: Vec<String> = web.paths().map(str::to_owned).collect();

    let mut checked = 0;
    for path in &served {
        if !(path.ends_with(".html") || path.ends_with(".js")) {
            continue;
        }
        let (_, _, body) = get(&web, path, &[]);
        let text = String::from_utf8(body).expect("utf-8");
        for reference in local_references(&text) {
            let absolute = resolve(path, &reference);
            assert!(
                served.contains(&absolute),
                "{path} refers to {reference} ({absolute}), which is not served"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} references found");
}

/// Quoted local paths of static files in HTML attributes (`src`, `href`)
/// and JS imports; links to the API are left out.
fn local_references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["src=\"", "href=\"", "from '", "import '"] {
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            let end = rest.find(['"', '\'']).unwrap_or(rest.len());
            let reference = &rest[..end];
            let local = reference.starts_with('/') || reference.starts_with("./");
            let file = reference.split(['?', '#']).next().unwrap_or("");
            let is_static = [".html", ".js", ".mjs", ".css", ".svg", ".png", ".txt"]
                .iter()
                .any(|extension| file.ends_with(extension));
            if local && is_static {
                found.push(reference.to_string());
            }
        }
    }
    found
}

/// `reference` as an absolute path, relative to the file served at `from`.
fn resolve(from: &str, reference: &str) -> String {
    if reference.starts_with('/') {
        return reference.split(['?', '#']).next().unwrap_or("").to_string();
    }
    let folder = &from[..from.rfind('/').unwrap_or(0)];
    format!("{folder}/{}", reference.trim_start_matches("./"))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
