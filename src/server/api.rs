//! Handlers of the JSON API: health, the gazetteer, event queries and layers.

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::auth::Caller;
use super::error::ApiError;
use super::params::{Params, MAX_LIMIT};
use super::AppState;
use crate::auth::Role;
use crate::dataset::{border, Where};
use crate::events::{write_geojson_with, Filter};
use crate::gazetteer::{is_ambiguous, Hints, Kind};
use crate::layers::{LayerKind, LayerQuery};

type Shared = State<Arc<AppState>>;

/// Query parameters, or a 400 in our JSON shape when the query string is malformed.
pub type QueryParams = Result<Query<Params>, QueryRejection>;

pub fn params(q: QueryParams) -> Result<Params, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| ApiError::bad("query string", e.body_text()))
}

const GEOJSON: &str = "application/geo+json";

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

pub async fn health(State(state): Shared) -> Json<serde_json::Value> {
    let catalog = state.catalog();
    Json(json!({
        "status": "ok",
        "events": catalog.dataset().len(),
        "places": catalog.gazetteer().places().len(),
    }))
}

/// `/api/resolve?q=NAME[&country=][&near=][&kind=][&limit=]`: ranked candidates.
pub async fn resolve(
    State(state): Shared,
    q: QueryParams,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = params(q)?;
    let catalog = state.catalog();
    let g = catalog.gazetteer();
    let q = p
        .get("q")
        .ok_or_else(|| ApiError::bad("q", "missing: give the name to resolve"))?;
    let country = match p.get("country") {
        Some(c) => Some(
            g.country_code(c)
                .ok_or_else(|| ApiError::bad("country", format!("{c:?} is not a country")))?,
        ),
        None => None,
    };
    let near = p
        .get("near")
        .map(|n| {
            g.near_point(n)
                .map_err(|e| ApiError::bad("near", e.to_string()))
        })
        .transpose()?;
    let kind = p
        .get("kind")
        .map(|k| {
            k.parse::<Kind>()
                .map_err(|e| ApiError::bad("kind", e.to_string()))
        })
        .transpose()?;
    let limit = p.count("limit", Some(5), 1, 100)?.unwrap_or(5);
    let hints = Hints {
        country,
        near,
        kind,
        limit,
    };
    let ranked = g
        .resolve(q, &hints)
        .map_err(|e| ApiError::bad("q", e.to_string()))?;
    let candidates: Vec<_> = ranked
        .iter()
        .enumerate()
        .map(|(i, c)| g.candidate_view(i + 1, c))
        .collect();
    Ok(Json(
        json!({ "query": q, "ambiguous": is_ambiguous(&ranked), "candidates": candidates }),
    ))
}

/// `/api/query`: the CLI's spatial queries over events, as GeoJSON. One of
/// `near` (with `radius_km`), `nearest` (with `k`), `bbox`, `within`, `border`
/// (with `within_km`), or none; plus `datetime` and `type`.
pub async fn query(State(state): Shared, q: QueryParams) -> Result<Response, ApiError> {
    let p = params(q)?;
    let catalog = state.catalog();
    let g = catalog.gazetteer();
    let point = |name: &str, v: &str| {
        g.near_point(v)
            .map_err(|e| ApiError::bad(name, e.to_string()))
    };
    let at = if let Some(v) = p.get("near") {
        let radius_km = p
            .distance("radius_km")?
            .ok_or_else(|| ApiError::bad("radius_km", "missing: near needs radius_km"))?;
        Some(Where::Near {
            center: point("near", v)?,
            radius_m: radius_km * 1000.0,
        })
    } else if let Some(v) = p.get("nearest") {
        let k = p.count("k", Some(10), 0, MAX_LIMIT)?.unwrap_or(10);
        Some(Where::Nearest {
            center: point("nearest", v)?,
            k,
        })
    } else if let Some(b) = p.bbox()? {
        Some(Where::Bbox(b))
    } else if let Some(v) = p.get("within") {
        let place = g
            .best_place(v)
            .map_err(|e| ApiError::bad("within", e.to_string()))?;
        Some(Where::WithinPlace(place))
    } else if let Some(v) = p.get("border") {
        let line = border(g, v).ok_or_else(|| {
            ApiError::bad(
                "border",
                format!("{v:?} is not thai, lao, china or a border"),
            )
        })?;
        let km = p
            .distance("within_km")?
            .ok_or_else(|| ApiError::bad("within_km", "missing: border needs within_km"))?;
        Some(Where::AlongLine {
            line,
            distance_m: km * 1000.0,
        })
    } else {
        None
    };
    let filter = p.filter()?;
    if at.is_none() && filter == Filter::default() {
        // Every event is /api/layers/events.geojson; a query names what it wants.
        return Err(ApiError::bad(
            "query string",
            "a query needs one of near (with radius_km), nearest (with k), bbox, within, \
             border (with within_km), datetime or type; every event is at \
             /api/layers/events.geojson",
        ));
    }
    let found = catalog
        .dataset()
        .query_positions(at.as_ref(), &filter)
        .map_err(|e| ApiError::bad("within", e.to_string()))?;
    // Decoded and written on a blocking thread, a chunk at a time.
    // The events of the snapshot the positions were found in.
    let body = stream_body(move |out| {
        let dataset = catalog.dataset();
        write_geojson_with(found.len(), |i| dataset.event(found[i]), out)
    });
    Ok(([(header::CONTENT_TYPE, GEOJSON)], body).into_response())
}

/// `/api/events/{id}/history`: every revision of an event, oldest first,
/// each with who, when, what changed and why: of published events for
/// anyone, of drafts and retracted events for editors. 404 for an unknown id,
/// an event the caller may not see, or a server of read-only files.
pub async fn history(
    State(state): Shared,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let editor = caller.can(Role::Editor);
    let (status, revisions) = state
        .visible_event(&id, editor, "history", |ws, now| async move {
            Ok((now.status, ws.history(&now.event.id).await?))
        })
        .await?;
    let body = Json(json!({ "id": id, "revisions": revisions }));
    Ok(super::viewer::answer_about(status, body))
}

/// `/api/layers`: the catalog of layers with their links and extents.
pub async fn layers(State(state): Shared) -> Json<serde_json::Value> {
    let catalog = state.catalog();
    let time = catalog
        .time_extent()
        .map(|(a, b)| json!([a.to_string(), b.to_string()]));
    let list: Vec<_> = LayerKind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.name(),
                "title": k.title(),
                "geojson": format!("/api/layers/{}.geojson", k.name()),
                "temporal": k.is_temporal(),
                "bbox": catalog.extent(*k).map(|b| [b.west, b.south, b.east, b.north]),
                "time": if k.is_temporal() { time.clone() } else { None },
            })
        })
        .collect();
    Json(json!({ "layers": list }))
}

/// `/api/layers/{layer}.geojson?bbox=&datetime=&type=&limit=`: one layer.
pub async fn layer(
    State(state): Shared,
    path: Result<Path<String>, PathRejection>,
    q: QueryParams,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let Path(file) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let p = params(q)?;
    let name = file.strip_suffix(".geojson").ok_or_else(|| {
        ApiError::NotFound(format!(
            "no such resource: /api/layers/{file} (layers end in .geojson)"
        ))
    })?;
    let kind: LayerKind = name.parse().map_err(ApiError::NotFound)?;
    let query = LayerQuery {
        bbox: p.bbox()?,
        filter: p.filter()?,
        limit: p.count("limit", None, 0, MAX_LIMIT)?,
        offset: 0,
        shape: None,
    };
    if headers.contains_key(header::RANGE) {
        // A byte range needs the whole length first.
        let body = super::blocking::offload(move || {
            let mut body = Vec::with_capacity(64 * 1024);
            state
                .catalog()
                .write_geojson(kind, &query, &mut body)
                .map(|()| body)
        })
        .await?
        .map_err(internal)?;
        return Ok(download(&headers, body, GEOJSON));
    }
    let body = stream_body(move |out| state.catalog().write_geojson(kind, &query, out));
    Ok((
        [
            (header::CONTENT_TYPE, GEOJSON),
            (header::ACCEPT_RANGES, "bytes"),
        ],
        body,
    )
        .into_response())
}

/// Bytes handed to the connection at a time by [`stream_body`].
const CHUNK_BYTES: usize = 256 * 1024;

/// A response body that `write` fills on a blocking thread, sent in chunks as
/// they fill: the client gets the first bytes at once, the server never holds
/// the whole body, and serialising overlaps with sending. If the client goes
/// away, the next chunk fails to send and `write` stops; if `write` fails, the
/// body ends with an error, so the client sees a broken transfer rather than a
/// short file that looks whole.
fn stream_body<F>(write: F) -> axum::body::Body
where
    F: FnOnce(&mut ChunkWriter) -> std::io::Result<()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<axum::body::Bytes>>(4);
    let runtime = tokio::runtime::Handle::current();
    // Queued with the other heavy work: at most a few writers at once.
    super::blocking::spawn(move || {
        let mut out = ChunkWriter {
            buf: Vec::with_capacity(CHUNK_BYTES),
            tx,
            runtime,
        };
        let result = write(&mut out).and_then(|()| out.send());
        if let Err(e) = result {
            tracing::warn!(error = %e, "a streamed response stopped");
            let _ = out.deliver(Err(e));
        }
    });
    axum::body::Body::from_stream(Chunks(rx))
}

/// The chunks of [`stream_body`] as a stream; it may be polled again after
/// its end (the compression layer does), and then stays ended.
struct Chunks(tokio::sync::mpsc::Receiver<std::io::Result<axum::body::Bytes>>);

impl futures_util::Stream for Chunks {
    type Item = std::io::Result<axum::body::Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// The writer of [`stream_body`]: fills a chunk, then sends it.
struct ChunkWriter {
    buf: Vec<u8>,
    tx: tokio::sync::mpsc::Sender<std::io::Result<axum::body::Bytes>>,
    runtime: tokio::runtime::Handle,
}

/// A client that takes no chunk for this long is given up, so that it
/// cannot hold one of the few writers' turns for ever.
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK_BYTES));
        self.deliver(Ok(chunk.into()))
    }

    /// Hands a chunk or the error that ends the body to the connection.
    fn deliver(&self, item: std::io::Result<axum::body::Bytes>) -> std::io::Result<()> {
        let sent = self
            .runtime
            .block_on(tokio::time::timeout(SEND_TIMEOUT, self.tx.send(item)));
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "client went away",
            )),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "client took no data for 30 s",
            )),
        }
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A file-like response that honours one `Range: bytes=...` request (206 with
/// `Content-Range`, 416 when unsatisfiable), as GDAL's HTTP reader needs.
fn download(
    headers: &axum::http::HeaderMap,
    body: Vec<u8>,
    content_type: &'static str,
) -> Response {
    let len = body.len();
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return (
            [
                (header::CONTENT_TYPE, content_type),
                (header::ACCEPT_RANGES, "bytes"),
            ],
            body,
        )
            .into_response();
    };
    // One range only: `a-b`, `a-` or `-n` (the last n bytes).
    let parsed = match spec.split_once('-') {
        Some(_) if spec.contains(',') => None,
        Some(("", n)) => n
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .map(|n| (len.saturating_sub(n), len.saturating_sub(1))),
        Some((a, "")) => a.parse::<usize>().ok().map(|a| (a, len.saturating_sub(1))),
        Some((a, b)) => match (a.parse::<usize>(), b.parse::<usize>()) {
            (Ok(a), Ok(b)) if a <= b => Some((a, b.min(len.saturating_sub(1)))),
            _ => None,
        },
        None => None,
    };
    match parsed {
        Some((start, end)) if start < len && start <= end => (
            StatusCode::PARTIAL_CONTENT,
            [
                (header::CONTENT_TYPE, content_type.to_string()),
                (header::ACCEPT_RANGES, "bytes".to_string()),
                (header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
            ],
            body[start..=end].to_vec(),
        )
            .into_response(),
        _ => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{len}"))],
        )
            .into_response(),
    }
}

pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such resource: {}", uri.path()))
}

/// A handler that panicked answers 500 instead of dropping the connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal("a handler panicked".into()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Regression: `wrk -c64` on a GeoJSON layer had a writer thread per
    /// request (about 290 threads, 10x the idle RSS). Writers now wait their
    /// turn, and every answer still arrives whole.
    #[test]
    fn many_streamed_bodies_at_once_are_queued_not_all_written_at_once() {
        static NOW: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let bodies = runtime.block_on(async {
            let bodies: Vec<_> = (0..48)
                .map(|i| {
                    stream_body(move |out| {
                        let now = NOW.fetch_add(1, Ordering::SeqCst) + 1;
                        MOST.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        NOW.fetch_sub(1, Ordering::SeqCst);
                        std::io::Write::write_all(out, format!("body {i}").as_bytes())
                    })
                })
                .collect();
            let mut read = Vec::new();
            for body in bodies {
                read.push(axum::body::to_bytes(body, usize::MAX).await.expect("body"));
            }
            read
        });
        for (i, body) in bodies.iter().enumerate() {
            assert_eq!(body, format!("body {i}").as_bytes());
        }
        let most = MOST.load(Ordering::SeqCst);
        assert!(
            most <= super::super::blocking::jobs(),
            "{most} writers at once"
        );
    }
}
