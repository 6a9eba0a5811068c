//! The HTTP server: GeoJSON layers, the gazetteer and event queries over axum.
//!
//! Everything is loaded and indexed once into an [`AppState`]; handlers only
//! translate between HTTP and the library (a few lines each) and do no file I/O.
//! [`router`] builds the whole application so that tests call it in process;
//! [`serve`] runs it on any listener until any shutdown future resolves, so
//! tests bind `127.0.0.1:0`.

mod api;
mod error;
mod ogc;
mod params;
mod tiles;
mod web;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::layers::Catalog;

pub use error::ApiError;
pub use params::Params;
pub use web::{WebFiles, WebProblem};

/// What every handler reads: built once at start; only the tile cache fills.
pub struct AppState {
    pub catalog: Catalog,
    /// Encoded tiles by layer, tile and filter; `None` for an empty tile.
    pub(crate) tiles: tiles::TileCache,
}

impl AppState {
    /// The state over `catalog`, with an empty tile cache of at most
    /// `TILE_CACHE_BYTES` of encoded tiles.
    #[must_use]
    pub fn new(catalog: Catalog) -> Self {
        Self {
            catalog,
            tiles: tiles::new_cache(),
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("catalog", &self.catalog)
            .field("cached_tiles", &self.tiles.len())
            .finish()
    }
}

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Origins allowed by CORS: none (no CORS headers), `*`, or a list.
    pub cors: Vec<String>,
    /// Longest a request may take before it is answered 408.
    pub timeout: Duration,
    /// The map viewer served at `/`.
    pub web: Arc<WebFiles>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            cors: Vec::new(),
            timeout: Duration::from_secs(30),
            web: Arc::default(),
        }
    }
}

/// Requests carry no bodies here; anything larger than this is refused (413).
const BODY_LIMIT: usize = 64 * 1024;

/// The whole application.
pub fn router(state: Arc<AppState>, options: &ServerOptions) -> Router {
    // Tiles, the most frequent request, skip the timeout and the compression
    // layer: making one is CPU work with no await a timeout could stop, and
    // their gzip form is cached with them (see `tiles::tile`).
    let tiles = Router::new()
        .route("/tiles/{layer}/{z}/{x}/{y}", get(tiles::tile))
        .with_state(state.clone());
    let mut app = Router::new()
        .route("/health", get(api::health))
        .route("/api/resolve", get(api::resolve))
        .route("/api/query", get(api::query))
        .route("/api/layers", get(api::layers))
        .route("/api/layers/{file}", get(api::layer))
        .route("/tiles/{file}", get(tiles::tilejson))
        .route("/style.json", get(tiles::style))
        .merge(ogc::routes())
        .merge(web::routes(&options.web))
        .fallback(api::not_found)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            options.timeout,
        ))
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                // A byte range is of the uncompressed body: never compress it.
                |status: axum::http::StatusCode,
                 _: axum::http::Version,
                 _: &axum::http::HeaderMap,
                 _: &axum::http::Extensions| {
                    status != axum::http::StatusCode::PARTIAL_CONTENT
                },
            )),
        )
        .merge(tiles)
        .layer(CatchPanicLayer::custom(api::panic_response))
        .layer(TraceLayer::new_for_http());
    if !options.cors.is_empty() {
        let origins = if options.cors.iter().any(|o| o == "*") {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(options.cors.iter().filter_map(|o| o.parse().ok()))
        };
        app = app.layer(
            CorsLayer::new()
                .allow_origin(origins)
                .allow_methods([axum::http::Method::GET]),
        );
    }
    app
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the
/// requests under way.
///
/// # Errors
/// An I/O error of the listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Small answers (tiles, JSON) go out at once instead of waiting for the
    // client's ACK of the previous one (Nagle's algorithm).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
