//! The map viewer and the review desk: the files of `web/app/` and
//! maplibre-gl's browser files from `web/node_modules/`, read into memory once
//! at start; the viewer is served at `/`, the desk at [`REVIEW_PATH`].
//!
//! Only the files read at start are served, each at a route of its own: the
//! routes are the allow-list, so no request path ever reaches the file system
//! and `..` or any file not loaded is a 404 like every other unknown path.
//! When maplibre-gl is not installed the server still starts; `/` then
//! answers a short page naming the command that installs it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// Where maplibre-gl's files are served from; the viewer imports them there.
pub const VENDOR_PATH: &str = "/vendor/maplibre-gl";

/// Where the review desk (`app/review.html`) is served, besides its own name.
/// The page holds no data: it asks the desk's API, which answers editors only.
pub const REVIEW_PATH: &str = "/review";

/// The files of maplibre-gl that the viewer loads, under
/// `node_modules/maplibre-gl/`. The worker is found by the main module next
/// to itself, so both sit in one folder.
const MAPLIBRE_FILES: [&str; 4] = [
    "dist/maplibre-gl.mjs",
    "dist/maplibre-gl-worker.mjs",
    "dist/maplibre-gl.css",
    "LICENSE.txt",
];

/// The page's Content-Security-Policy: the browser itself refuses any
/// request to another origin, so the viewer cannot leave this server.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; \
                   style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/// The viewer's files, loaded once, or why there is no viewer. The default
/// serves no viewer ([`WebProblem::NotLoaded`]).
#[derive(Clone)]
pub struct WebFiles {
    /// Served files by URL path (`/index.html`, `/js/main.js`, ...).
    files: BTreeMap<String, StaticFile>,
    /// Why the viewer cannot run, when it cannot; `/` then explains it.
    problem: Option<WebProblem>,
}

#[derive(Clone)]
struct StaticFile {
    body: Bytes,
    content_type: &'static str,
    /// A strong ETag of the body, so that a reload can answer 304.
    etag: HeaderValue,
}

/// Why the viewer cannot be served.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WebProblem {
    /// The server was built without a web directory (tests, library use).
    #[error("this server was started without the map viewer")]
    NotLoaded,
    #[error("{}: no map viewer there ({} is missing)", dir.display(), dir.join("app/index.html").display())]
    NoApp { dir: PathBuf },
    #[error(
        "maplibre-gl is not installed in {}: run `npm ci --prefix {}` (or start with scripts/serve.sh), then restart",
        dir.display(),
        dir.display()
    )]
    NoMaplibre { dir: PathBuf },
    #[error("{}: {message}", path.display())]
    Read { path: PathBuf, message: String },
}

impl Default for WebFiles {
    fn default() -> Self {
        Self {
            files: BTreeMap::new(),
            problem: Some(WebProblem::NotLoaded),
        }
    }
}

impl WebFiles {
    /// Reads the viewer from `dir`, a folder laid out like this repository's
    /// `web/`: every file of `app/` (served at `/`, `app/index.html` also at
    /// `/`) and maplibre-gl's files (served under `/vendor/maplibre-gl/`). Only
    /// regular files with a known type and a plain name (`A-Z a-z 0-9 . _ -`,
    /// not starting with a dot) are taken.
    ///
    /// Never fails: on any problem the result serves only the page that
    /// explains it (see [`WebFiles::problem`]).
    #[must_use]
    pub fn load(dir: &Path) -> Self {
        match read_viewer(dir) {
            Ok(files) => Self {
                files,
                problem: None,
            },
            Err(problem) => Self {
                files: BTreeMap::new(),
                problem: Some(problem),
            },
        }
    }

    /// Why the viewer cannot be served, if it cannot.
    #[must_use]
    pub fn problem(&self) -> Option<&WebProblem> {
        self.problem.as_ref()
    }

    /// How many files are served.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is served.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The URL paths served, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

impl std::fmt::Debug for WebFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebFiles")
            .field("files", &self.files.len())
            .field("problem", &self.problem)
            .finish()
    }
}

/// The routes of the viewer: one per loaded file, plus `/`; or, when there is
/// no viewer, `/` and `/index.html` answering 503 with a page that says why.
pub fn routes<S: Clone + Send + Sync + 'static>(web: &WebFiles) -> Router<S> {
    let mut router = Router::new();
    if let Some(problem) = &web.problem {
        let page = Bytes::from(unavailable_page(problem));
        for path in ["/", "/index.html"] {
            let page = page.clone();
            router = router.route(
                path,
                get(move || async move {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                        page,
                    )
                }),
            );
        }
        return router;
    }
    for (path, file) in &web.files {
        let paths: &[&str] = match path.as_str() {
            "/index.html" => &["/", "/index.html"],
            "/review.html" => &[REVIEW_PATH, "/review.html"],
            _ => &[path.as_str()],
        };
        for path in paths {
            let file = file.clone();
            router = router.route(
                path,
                get(move |headers: HeaderMap| async move { file.respond(&headers) }),
            );
        }
    }
    router
}

impl StaticFile {
    fn new(body: Vec<u8>, content_type: &'static str) -> Self {
        Self {
            etag: super::etag::strong(&body),
            body: Bytes::from(body),
            content_type,
        }
    }

    /// The file, or 304 when the client holds this version. Files are
    /// revalidated on every load (`no-cache`) so that a restarted server with
    /// new files is seen at once; on 127.0.0.1 that costs nothing.
    fn respond(&self, headers: &HeaderMap) -> Response {
        let fresh = super::etag::is_fresh(headers, &self.etag);
        let common = [
            (header::ETAG, self.etag.clone()),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ];
        if fresh {
            return (StatusCode::NOT_MODIFIED, common).into_response();
        }
        let mut response = (
            common,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            )],
            self.body.clone(),
        )
            .into_response();
        if self.content_type.starts_with("text/html") {
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
        }
        response
    }
}

/// Reads `dir/app/**` and maplibre-gl's files into served paths.
fn read_viewer(dir: &Path) -> Result<BTreeMap<String, StaticFile>, WebProblem> {
    let app = dir.join("app");
    if !app.join("index.html").is_file() {
        return Err(WebProblem::NoApp {
            dir: dir.to_path_buf(),
        });
    }
    let maplibre = dir.join("node_modules").join("maplibre-gl");
    if !MAPLIBRE_FILES.iter().all(|f| maplibre.join(f).is_file()) {
        return Err(WebProblem::NoMaplibre {
            dir: dir.to_path_buf(),
        });
    }
    let mut files = BTreeMap::new();
    read_tree(&app, "", &mut files)?;
    for name in MAPLIBRE_FILES {
        let path = maplibre.join(name);
        let file_name = name.rsplit('/').next().unwrap_or(name);
        let content_type = content_type(file_name).unwrap_or("application/octet-stream");
        files.insert(
            format!("{VENDOR_PATH}/{file_name}"),
            StaticFile::new(read(&path)?, content_type),
        );
    }
    Ok(files)
}

/// Adds every servable file under `folder` at `prefix/name`, recursively.
fn read_tree(
    folder: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, StaticFile>,
) -> Result<(), WebProblem> {
    let failed = |e: std::io::Error| WebProblem::Read {
        path: folder.to_path_buf(),
        message: e.to_string(),
    };
    for entry in std::fs::read_dir(folder).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            tracing::debug!(path = %path.display(), "web: not served (name is not UTF-8)");
            continue;
        };
        if !is_plain_name(&name) {
            tracing::debug!(path = %path.display(), "web: not served (not a plain name)");
            continue;
        }
        // Symbolic links are not followed: only what lies in the folder is served.
        let kind = entry.file_type().map_err(failed)?;
        let url = format!("{prefix}/{name}");
        if kind.is_dir() {
            read_tree(&path, &url, files)?;
        } else if kind.is_file() {
            match content_type(&name) {
                Some(content_type) => {
                    files.insert(url, StaticFile::new(read(&path)?, content_type));
                }
                None => tracing::debug!(path = %path.display(), "web: not served (unknown type)"),
            }
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, WebProblem> {
    std::fs::read(path).map_err(|e| WebProblem::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// A name that is safe as one URL path segment and one route segment:
/// ASCII letters, digits, `.`, `_` and `-`, not starting with a dot.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The Content-Type of a file served by its name, or `None` for a type the
/// viewer has no use for.
fn content_type(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.')?.1;
    Some(match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// The page `/` answers when there is no viewer.
fn unavailable_page(problem: &WebProblem) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<meta charset=\"utf-8\">\n\
         <title>scamatlas: the map viewer is not available</title>\n\
         <h1>The map viewer is not available</h1>\n<p>{}</p>\n\
         <p>The server itself works: <a href=\"/api/layers\">/api/layers</a>, \
         <a href=\"/style.json\">/style.json</a>, <a href=\"/ogc\">/ogc</a>.</p>\n</html>\n",
        escape_html(&problem.to_string())
    )
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_only() {
        for ok in ["index.html", "main.js", "maplibre-gl.mjs", "a_b.css"] {
            assert!(is_plain_name(ok), "{ok}");
        }
        for bad in [
            "", ".env", "..", "a b.js", "{x}.js", "*rest", "a%2f.js", "é.js",
        ] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type("maplibre-gl.mjs"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(content_type("main.js"), content_type("x.mjs"));
        assert_eq!(content_type("index.html"), Some("text/html; charset=utf-8"));
        assert_eq!(content_type("package-lock"), None);
        assert_eq!(content_type("notes.md"), None);
    }

    #[test]
    fn the_unavailable_page_escapes_the_problem() {
        let page = unavailable_page(&WebProblem::NoMaplibre {
            dir: PathBuf::from("/tmp/<web>"),
        });
        assert!(page.contains("npm ci --prefix /tmp/&lt;web&gt;"), "{page}");
        assert!(!page.contains("<web>"));
    }
}
