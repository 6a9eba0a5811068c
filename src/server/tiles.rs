//! Vector tiles, TileJSON and the MapLibre style. Tiles are made by the
//! library ([`Catalog::tile`](crate::layers::Catalog::tile)); these handlers
//! parse the path, answer 204 for an empty tile, and set ETag / 304.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::api::{params, QueryParams};
use super::error::ApiError;
use super::AppState;
use crate::events::EventType;
use crate::layers::{LayerKind, LayerQuery, MAX_ZOOM, MIN_ZOOM, TYPE_COLOURS};
use crate::tiles::TileCoord;

type Shared = State<Arc<AppState>>;

pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// `/tiles/{layer}/{z}/{x}/{y}.mvt?datetime=&type=`: a tile from the cache,
/// or made and cached. Most hits never get here: [`cached`] answers them
/// before routing.
pub async fn tile(State(state): Shared, request: Request) -> Result<Response, ApiError> {
    let (key, query) = tile_key(&request)?;
    let cached = match state.tiles.get(&key) {
        Some(hit) => hit,
        None => {
            let (kind, coord) = (key.kind, key.coord);
            let make = move || {
                let made = state
                    .catalog
                    .tile(kind, coord, &query)
                    .map(|bytes| Arc::new(CachedTile::new(bytes)));
                state.tiles.insert(key, made.clone());
                made
            };
            if kind == LayerKind::Events {
                // Work proportional to the events in the tile, a fraction of a
                // millisecond for most: done here, where handing it to another
                // thread would cost more than it saves.
                make()
            } else {
                // Hubs, drift and flows under a new filter are analysed anew:
                // seconds over 10^6 events, on the blocking pool so that the
                // async workers keep answering.
                super::error::offload(make).await?
            }
        }
    };
    Ok(respond(cached.as_deref(), request.headers()))
}

/// The answer to `request` if it is a GET of a tile already in the cache;
/// `None` for anything else, which then goes through the router.
///
/// Cached tiles are most of a map's requests. Answered here, they skip the
/// routing table, the extractors and the tracing span, which together cost
/// more than the lookup itself.
pub fn cached(state: &AppState, request: &Request) -> Option<Response> {
    if request.method() != Method::GET || !request.uri().path().starts_with("/tiles/") {
        return None;
    }
    let (key, _) = tile_key(request).ok()?;
    let tile = state.tiles.get(&key)?;
    Some(respond(tile.as_deref(), request.headers()))
}

/// The cache key of a tile request, and the query to make the tile with.
fn tile_key(request: &Request) -> Result<(TileKey, LayerQuery), ApiError> {
    let (kind, coord) = tile_path(request.uri().path())?;
    let p = params(Query::try_from_uri(request.uri()))?;
    let query = LayerQuery {
        filter: p.filter()?,
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
fn respond(tile: Option<&CachedTile>, headers: &HeaderMap) -> Response {
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
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().as_bytes() == etag.as_bytes() || t.trim() == "*")
        });
    if matches {
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
/// the router matched.
fn tile_path(path: &str) -> Result<(LayerKind, TileCoord), ApiError> {
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
    let z = u8::try_from(number("z", z)?).map_err(|_| ApiError::bad("z", "zoom is too large"))?;
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
        let mut hasher = std::hash::DefaultHasher::new();
        bytes.hash(&mut hasher);
        let tag = format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len());
        Self {
            bytes: bytes.into(),
            etag: HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\"")),
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
                let plain = self.etag.to_str().unwrap_or("\"\"");
                let tag = format!("{}-gz\"", &plain[..plain.len().saturating_sub(1)]);
                let etag = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""));
                (gz.into(), etag)
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

/// The `http://host` of a request, for absolute URLs in TileJSON and styles.
pub fn base_url(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or(String::new(), |h| format!("http://{h}"))
}

/// `/tiles/{layer}.json`: TileJSON 3.0; `datetime` and `type` pass on to the tile URLs.
pub async fn tilejson(
    State(state): Shared,
    path: Result<Path<String>, PathRejection>,
    q: QueryParams,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Path(file) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let name = file
        .strip_suffix(".json")
        .ok_or_else(|| ApiError::NotFound(format!("no such resource: /tiles/{file}")))?;
    let kind: LayerKind = name.parse().map_err(ApiError::NotFound)?;
    let p = params(q)?;
    // Checked here so that a bad filter fails now, not on every tile.
    let time = p.datetime()?;
    let types = p.types()?;
    let mut filter: Vec<String> = Vec::new();
    if let Some(v) = p.get("datetime").filter(|_| time.is_some()) {
        filter.push(format!("datetime={}", encode(v)));
    }
    if !types.is_empty() {
        filter.push(format!(
            "type={}",
            types
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
    let catalog = &state.catalog;
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
        "tiles": [format!("{}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{suffix}", base_url(&headers), kind.name())],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 4],
        "attribution": "GeoNames (CC BY 4.0); © OpenStreetMap contributors (ODbL); Natural Earth",
        "vector_layers": [{ "id": kind.name(), "description": kind.title(), "minzoom": MIN_ZOOM, "maxzoom": MAX_ZOOM, "fields": fields }],
    })))
}

/// Percent-encodes what a query value may not hold as it is.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `/style.json`: a MapLibre style over our own sources only: the countries
/// and borders as basemap, then flows, drift, hubs and events. No glyphs or
/// sprites are needed (no text layers), so nothing is fetched from elsewhere.
pub async fn style(headers: HeaderMap) -> Json<serde_json::Value> {
    let base = base_url(&headers);
    let source = |k: LayerKind| json!({ "type": "vector", "url": format!("{base}/tiles/{}.json", k.name()) });
    let mut colour = vec![json!("match"), json!(["get", "type"])];
    for (t, c) in TYPE_COLOURS {
        colour.push(json!(t.as_str()));
        colour.push(json!(c));
    }
    colour.push(json!("#999999"));
    let myanmar_border = json!(["in", "MM", ["get", "id"]]);
    Json(json!({
        "version": 8,
        "name": "scamatlas",
        "center": [98.5, 20.0],
        "zoom": 4.5,
        "sources": {
            "countries": source(LayerKind::Countries),
            "borders": source(LayerKind::Borders),
            "events": source(LayerKind::Events),
            "hubs": source(LayerKind::Hubs),
            "drift": source(LayerKind::Drift),
            "flows": source(LayerKind::Flows),
        },
        "layers": [
            { "id": "background", "type": "background", "paint": { "background-color": "#cfe3ef" } },
            { "id": "countries", "type": "fill", "source": "countries", "source-layer": "countries",
              "paint": { "fill-color": ["match", ["get", "iso2"], "MM", "#f4efe4", "#e6e6e0"], "fill-outline-color": "#b0b0a8" } },
            { "id": "borders", "type": "line", "source": "borders", "source-layer": "borders",
              "filter": ["!", myanmar_border.clone()],
              "paint": { "line-color": "#8a8a80", "line-width": 1 } },
            { "id": "borders-myanmar", "type": "line", "source": "borders", "source-layer": "borders",
              "filter": myanmar_border,
              "paint": { "line-color": "#b2182b", "line-width": ["interpolate", ["linear"], ["zoom"], 3, 1.5, 10, 4] } },
            { "id": "flows", "type": "line", "source": "flows", "source-layer": "flows",
              "paint": { "line-color": "#5e3c99", "line-width": 1.5, "line-dasharray": [2, 1], "line-opacity": 0.8 } },
            { "id": "drift-line", "type": "line", "source": "drift", "source-layer": "drift",
              "filter": ["==", ["geometry-type"], "LineString"],
              "paint": { "line-color": "#111111", "line-width": 3, "line-opacity": 0.7 } },
            { "id": "drift-steps", "type": "circle", "source": "drift", "source-layer": "drift",
              "filter": ["==", ["geometry-type"], "Point"],
              "paint": { "circle-radius": 4, "circle-color": "#111111", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 } },
            { "id": "hubs", "type": "circle", "source": "hubs", "source-layer": "hubs",
              "paint": { "circle-radius": ["interpolate", ["linear"], ["sqrt", ["max", ["get", "persons_total"], 1]], 1, 10, 100, 40],
                         "circle-color": "rgba(255, 165, 0, 0.15)", "circle-stroke-color": "#e08000", "circle-stroke-width": 2 } },
            { "id": "events", "type": "circle", "source": "events", "source-layer": "events",
              "paint": {
                  "circle-color": colour,
                  "circle-radius": ["interpolate", ["linear"], ["sqrt", ["max", ["get", "persons_best"], 1]], 1, 4, 100, 20],
                  "circle-stroke-color": "#ffffff",
                  "circle-stroke-width": ["case", ["==", ["get", "cluster"], true], 3, 1],
                  "circle-opacity": 0.85 } },
        ],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use crate::layers::Catalog;

    fn state() -> Arc<AppState> {
        let gazetteer = Gazetteer::bundled().expect("gazetteer");
        let events = crate::events::synthetic::iter(2_000, 7);
        Arc::new(AppState::new(
            Catalog::new(gazetteer, events).expect("catalog"),
        ))
    }

    fn get(uri: &str) -> Request {
        Request::get(uri)
            .body(axum::body::Body::empty())
            .expect("request")
    }

    #[test]
    fn only_tiles_already_made_are_answered_before_routing() {
        let state = state();
        let uri = "/tiles/events/6/50/28.mvt?type=raid,deportation";
        assert!(cached(&state, &get(uri)).is_none(), "nothing made yet");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let made = runtime
            .block_on(tile(State(state.clone()), get(uri)))
            .expect("tile");
        let hit = cached(&state, &get(uri)).expect("a hit once made");
        assert_eq!(hit.status(), made.status());
        assert_eq!(hit.headers()["etag"], made.headers()["etag"]);
        // The same filter written another way is the same cache entry.
        let same = "/tiles/events/6/50/28.mvt?type=deportation,raid";
        assert!(cached(&state, &get(same)).is_some());
        // Not a GET, not this filter, not a tile, a bad tile: routed.
        let post = Request::post(uri)
            .body(axum::body::Body::empty())
            .expect("request");
        assert!(cached(&state, &post).is_none());
        for other in [
            "/tiles/events/6/50/28.mvt",
            "/tiles/events/6/50/28.mvt?type=raid",
            "/tiles/events.json",
            "/tiles/events/6/50/28.png",
            "/tiles/events/6/50/28/1.mvt",
            "/tiles//tiles/events/6/50/28.mvt?type=raid,deportation",
            "/tiles/events/6/50/28.mvt?type=nonsense",
        ] {
            assert!(cached(&state, &get(other)).is_none(), "{other}");
        }
    }
}
