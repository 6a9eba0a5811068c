//! Vector tiles and TileJSON. Tiles are made by the
//! library ([`Catalog::tile`](crate::layers::Catalog::tile)); these handlers
//! parse the path, answer 204 for an empty tile, and set ETag / 304.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;

use super::api::{params, QueryParams};
use super::error::ApiError;
use super::etag;
use super::links::{self, PublicUrl};
use super::{AppState, Snapshot};
use crate::events::EventType;
use crate::layers::{LayerKind, LayerQuery, CLUSTER_BELOW_ZOOM, MAX_ZOOM, MIN_ZOOM};
use crate::tiles::TileCoord;

type Shared = State<Arc<AppState>>;

pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// `/tiles/{layer}/{z}/{x}/{y}.mvt?datetime=&type=`: a tile from the cache,
/// or made and cached: the plain path. Most hits never get here:
/// [`fast_tiles`](super::fast_tiles) answers them before routing.
///
/// A missing tile is made once however many ask for it at the same time: the
/// first request holds the cache's placeholder for it while making it, and
/// the others wait for that tile instead of each making their own. Should
/// the first go away before it is done, one of the waiters makes it.
pub async fn tile(State(state): Shared, request: Request) -> Result<Response, ApiError> {
    let (key, query) = tile_key(&request)?;
    let cached = match state.tiles.get_value_or_guard_async(&key).await {
        Ok(hit) => hit,
        Err(placeholder) => {
            let (kind, coord) = (key.kind, key.coord);
            let catalog = state.catalog();
            let made = if kind == LayerKind::Events {
                // Work proportional to the events in the tile, a fraction of a
                // millisecond for most: done here, where handing it to another
                // thread would cost more than it saves.
                make_tile(&state, &catalog, kind, coord, &query)
            } else {
                // Hubs, drift and flows under a new filter are analysed anew:
                // seconds over 10^6 events, on the blocking pool so that the
                // async workers keep answering.
                let (state, catalog) = (state.clone(), catalog.clone());
                super::blocking::offload(move || make_tile(&state, &catalog, kind, coord, &query))
                    .await?
            };
            // A tile of a catalog swapped out meanwhile is not cached (the
            // swap dropped the tiles it changed, maybe this one); a waiter
            // then makes it anew. Checked and inserted under the lock the
            // swap takes, so no swap falls between the two.
            let swapping = state
                .swapping
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if state.live.load().generation == catalog.generation {
                // Only fails if the entry was removed meanwhile; the tile is
                // still the answer.
                let _ = placeholder.insert(made.clone());
            }
            drop(swapping);
            made
        }
    };
    Ok(respond(cached.as_deref(), request.headers()))
}

/// Makes a tile from `catalog` (counted in [`AppState::tiles_made`]).
fn make_tile(
    state: &AppState,
    catalog: &Snapshot,
    kind: LayerKind,
    coord: TileCoord,
    query: &LayerQuery,
) -> Option<Arc<CachedTile>> {
    state.tiles_made.fetch_add(1, Ordering::Relaxed);
    catalog
        .tile(kind, coord, query)
        .map(|bytes| Arc::new(CachedTile::new(bytes)))
}

/// Drops the cached tiles that a change of events makes stale: those of the
/// layers computed over all events (hubs, drift, flows, clustered events
/// tiles), and the events tiles in `touched` at zooms where events are not
/// clustered; every events tile when `touched` is `None`. Tiles of places,
/// borders and countries stay.
pub(super) fn forget(cache: &TileCache, touched: Option<&HashSet<TileCoord>>) {
    cache.retain(|key, _| match key.kind {
        LayerKind::Places | LayerKind::Borders | LayerKind::Countries => true,
        LayerKind::Hubs | LayerKind::Drift | LayerKind::Flows => false,
        LayerKind::Events => match touched {
            Some(touched) if key.coord.z >= CLUSTER_BELOW_ZOOM => !touched.contains(&key.coord),
            _ => false,
        },
    });
}

/// The cache key of a tile request, and the query to make the tile with: the
/// filter as far as it changes the layer ([`LayerKind::relevant`]), so that
/// a `datetime` on countries shares the entry of no `datetime`.
pub(super) fn tile_key(request: &Request) -> Result<(TileKey, LayerQuery), ApiError> {
    let (kind, coord) = tile_path(request.uri().path())?;
    let p = params(Query::try_from_uri(request.uri()))?;
    let query = LayerQuery {
        filter: kind.relevant(p.filter()?),
        ..LayerQuery::default()
    };
    let mut types = query.filter.types.clone();
    types.sort_unstable();
    let key = TileKey {
        kind,
        coord,
        time: query.filter.time.map(|t| (t.start, t.end)),
        types,
    };
    Ok((key, query))
}

/// A tile as the client asked for it: 204 when empty, gzip if accepted, 304
/// if the client's copy is current.
pub(super) fn respond(tile: Option<&CachedTile>, headers: &HeaderMap) -> Response {
    let Some(tile) = tile else {
        return StatusCode::NO_CONTENT.into_response();
    };
    // Tiles skip the compression layer: the gzip form is made once and cached
    // with the tile. Each form has its own strong ETag.
    let gzip = accepts_gzip(headers);
    let (bytes, etag) = if gzip {
        tile.gzipped()
    } else {
        (tile.bytes.clone(), tile.etag.clone())
    };
    if etag::is_fresh(headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    h.insert(header::ETAG, etag);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// The layer and tile of a path `/tiles/{layer}/{z}/{x}/{y}.mvt`, the shape
/// the router matched (and the fast path's cache lookup reads).
pub fn tile_path(path: &str) -> Result<(LayerKind, TileCoord), ApiError> {
    let mut parts = path
        .strip_prefix("/tiles/")
        .unwrap_or_default()
        .splitn(4, '/');
    let mut next = || parts.next().unwrap_or_default();
    let (layer, z, x, y) = (next(), next(), next(), next());
    let kind: LayerKind = layer.parse().map_err(ApiError::NotFound)?;
    let y = y
        .strip_suffix(".mvt")
        .ok_or_else(|| ApiError::NotFound(format!("tiles end in .mvt, not {y:?}")))?;
    let number = |name: &str, v: &str| {
        v.parse::<u32>()
            .map_err(|_| ApiError::bad(name, format!("{v:?} is not a tile number")))
    };
    let z = number("z", z)?;
    let z = u8::try_from(z).map_err(|_| {
        ApiError::bad(
            "z/x/y",
            format!("zoom {z} is deeper than the deepest zoom served, {MAX_ZOOM}"),
        )
    })?;
    let coord = TileCoord::new(z, number("x", x)?, number("y", y)?)
        .map_err(|e| ApiError::bad("z/x/y", e.to_string()))?;
    Ok((kind, coord))
}

/// The cache key of a tile: which layer, which tile, which filter (parsed, so
/// that equivalent query strings share an entry).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TileKey {
    kind: LayerKind,
    coord: TileCoord,
    time: Option<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)>,
    types: Vec<EventType>,
}

/// An encoded tile and its strong ETag, and its gzip form, made when first
/// asked for.
#[derive(Debug)]
pub struct CachedTile {
    bytes: Bytes,
    etag: HeaderValue,
    gzipped: OnceLock<(Bytes, HeaderValue)>,
}

impl CachedTile {
    fn new(bytes: Vec<u8>) -> Self {
        Self {
            etag: etag::strong(&bytes),
            bytes: bytes.into(),
            gzipped: OnceLock::new(),
        }
    }

    /// The gzip form and its ETag (the plain one with `-gz`).
    fn gzipped(&self) -> (Bytes, HeaderValue) {
        self.gzipped
            .get_or_init(|| {
                let mut out = flate2::write::GzEncoder::new(
                    Vec::with_capacity(self.bytes.len() / 2),
                    flate2::Compression::fast(),
                );
                // Writing to a Vec cannot fail.
                let gz = std::io::Write::write_all(&mut out, &self.bytes)
                    .and_then(|()| out.finish())
                    .unwrap_or_default();
                (gz.into(), etag::variant(&self.etag, "gz"))
            })
            .clone()
    }
}

/// Whether the client takes `Content-Encoding: gzip` (`gzip` listed, and not
/// with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// Most bytes of encoded tiles kept in memory.
pub const TILE_CACHE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Clone)]
pub struct TileWeight;

impl quick_cache::Weighter<TileKey, Option<Arc<CachedTile>>> for TileWeight {
    fn weight(&self, key: &TileKey, tile: &Option<Arc<CachedTile>>) -> u64 {
        // Keys and empty tiles cost a little too; a tile counts twice, to
        // leave room for its gzip form, made later.
        (64 + key.types.len() + tile.as_ref().map_or(0, |t| 2 * t.bytes.len())) as u64
    }
}

pub type TileCache = quick_cache::sync::Cache<TileKey, Option<Arc<CachedTile>>, TileWeight>;

pub fn new_cache() -> TileCache {
    quick_cache::sync::Cache::with_weighter(100_000, TILE_CACHE_BYTES, TileWeight)
}

/// `/tiles/{layer}.json`: TileJSON 3.0, its tile URLs on the server's
/// [`PublicUrl`]; `datetime` and `type` pass on to them.
pub async fn tilejson(
    State(state): Shared,
    path: Result<Path<String>, PathRejection>,
    q: QueryParams,
    Extension(public): Extension<PublicUrl>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Path(file) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let name = file
        .strip_suffix(".json")
        .ok_or_else(|| ApiError::NotFound(format!("no such resource: /tiles/{file}")))?;
    let kind: LayerKind = name.parse().map_err(ApiError::NotFound)?;
    let p = params(q)?;
    // Checked here so that a bad filter fails now, not on every tile; only
    // what changes this layer goes on to its tiles.
    let relevant = kind.relevant(p.filter()?);
    let mut filter: Vec<String> = Vec::new();
    if let Some(v) = p.get("datetime").filter(|_| relevant.time.is_some()) {
        filter.push(links::pair("datetime", v));
    }
    if !relevant.types.is_empty() {
        filter.push(format!(
            "type={}",
            relevant
                .types
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    let suffix = if filter.is_empty() {
        String::new()
    } else {
        format!("?{}", filter.join("&"))
    };
    let catalog = state.catalog();
    let bounds = catalog
        .extent(kind)
        .map_or([-180.0, -85.0511, 180.0, 85.0511], |b| {
            [b.west, b.south, b.east, b.north]
        });
    let fields: serde_json::Map<String, serde_json::Value> = catalog
        .tile_fields(kind)
        .iter()
        .map(|(n, t)| (n.clone(), json!(t.as_str())))
        .collect();
    Ok(Json(json!({
        "tilejson": "3.0.0",
        "name": kind.name(),
        "description": kind.title(),
        "scheme": "xyz",
        "tiles": [public.at(&format!("/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{suffix}", kind.name()))],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 4],
        "attribution": "GeoNames (CC BY 4.0); © OpenStreetMap contributors (ODbL); Natural Earth",
        "vector_layers": [{ "id": kind.name(), "description": kind.title(), "minzoom": MIN_ZOOM, "maxzoom": MAX_ZOOM, "fields": fields }],
    })))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use crate::layers::Catalog;

    /// A server state over 2,000 synthetic events (also for `fast_tiles`).
    pub(in crate::server) fn state() -> Arc<AppState> {
        let gazetteer = Gazetteer::bundled().expect("gazetteer");
        let events = crate::events::synthetic::iter(2_000, 7);
        Arc::new(AppState::new(
            Catalog::new(gazetteer, events).expect("catalog"),
        ))
    }

    /// A GET of `uri` with no body.
    pub(in crate::server) fn get(uri: &str) -> Request {
        Request::get(uri)
            .body(axum::body::Body::empty())
            .expect("request")
    }

    fn made(state: &AppState) -> usize {
        state.tiles_made.load(Ordering::Relaxed)
    }

    async fn body(state: &Arc<AppState>, uri: &str) -> (StatusCode, Bytes) {
        let response = tile(State(state.clone()), get(uri)).await.expect("tile");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, bytes)
    }

    #[test]
    fn concurrent_requests_for_one_new_tile_make_it_once() {
        let state = state();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("runtime");
        // An events tile (made on the async worker) and a hubs tile under a
        // filter (analysed on the blocking pool).
        for uri in [
            "/tiles/events/4/12/7.mvt?type=raid,release",
            "/tiles/hubs/4/12/7.mvt?datetime=2024-01-01/..",
        ] {
            let before = made(&state);
            let answers = runtime.block_on(async {
                let asking: Vec<_> = (0..64)
                    .map(|_| {
                        let state = state.clone();
                        tokio::spawn(async move { body(&state, uri).await })
                    })
                    .collect();
                let mut answers = Vec::new();
                for task in asking {
                    answers.push(task.await.expect("task"));
                }
                answers
            });
            assert_eq!(made(&state) - before, 1, "{uri} was made more than once");
            assert_eq!(answers[0].0, StatusCode::OK, "{uri}");
            assert!(answers.iter().all(|a| *a == answers[0]), "{uri}");
        }
    }

    #[test]
    fn a_filter_keys_the_tiles_of_temporal_layers_only() {
        let state = state();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let filtered = "?datetime=2024-01-01/2024-06-30&type=raid";
        for layer in ["countries", "borders", "places"] {
            let plain = format!("/tiles/{layer}/4/12/7.mvt");
            let before = made(&state);
            let first = runtime.block_on(body(&state, &plain));
            let again = runtime.block_on(body(&state, &format!("{plain}{filtered}")));
            assert_eq!(first, again, "{layer}");
            assert_eq!(made(&state) - before, 1, "{layer} was made again");
            let (key, _) = tile_key(&get(&format!("{plain}{filtered}"))).expect("key");
            assert_eq!(key, tile_key(&get(&plain)).expect("key").0, "{layer}");
        }
        for layer in ["events", "hubs"] {
            let plain = format!("/tiles/{layer}/4/12/7.mvt");
            let (key, _) = tile_key(&get(&format!("{plain}{filtered}"))).expect("key");
            assert_ne!(key, tile_key(&get(&plain)).expect("key").0, "{layer}");
        }
        // A bad filter is refused whatever the layer.
        assert!(tile_key(&get("/tiles/countries/4/12/7.mvt?datetime=soon")).is_err());
    }
}
