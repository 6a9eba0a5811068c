//! The HTTP server: GeoJSON layers, the gazetteer and event queries over axum.
//!
//! Everything is loaded and indexed once into an [`AppState`]; handlers only
//! translate between HTTP and the library (a few lines each) and do no file I/O.
//! Served from a workspace, the catalog is a [`Snapshot`] swapped whole when
//! the workspace changes (`live.rs`: the [`Store`] thread and its follower);
//! a handler reads the snapshot it started with to the end.
//! [`router`] builds the whole application so that tests call it in process;
//! [`serve`] runs it on any listener until any shutdown future resolves, so
//! tests bind `127.0.0.1:0`.
//!
//! Two speed-ups sit beside the plain path, each in a file of its own with
//! the benchmark that justified it: `fast_tiles.rs` answers cached tiles
//! before routing ([`TileHits`]), and `runtimes.rs` runs the server on one
//! single-threaded runtime per core ([`serve_threads`]).

mod api;
mod auth;
mod blocking;
mod connections;
mod desk;
mod edit;
mod error;
mod etag;
mod fast_tiles;
mod links;
mod live;
mod ogc;
mod params;
mod runtimes;
mod style;
mod tiles;
mod viewer;
mod web;

use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Extension, Router};
use futures_util::future::Either;
use tower::{Layer, Service};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Cors, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::layers::Catalog;

pub use connections::ConnectionLimits;
pub use error::ApiError;
pub use fast_tiles::TileHits;
use fast_tiles::TileHitsFuture;
pub use links::{PublicUrl, PublicUrlError};
pub use live::{saved_catalog_path, Store, StoreError};
pub use params::Params;
pub use runtimes::serve_threads;
pub use tiles::tile_path;
pub use web::{WebFiles, WebProblem};

/// What every handler reads: the current [`Snapshot`] of the catalog,
/// swapped whole when the workspace changes, and the tile cache.
pub struct AppState {
    /// The catalog handlers read; a handler holds the `Arc` it started with.
    live: ArcSwap<Snapshot>,
    /// Held to read while a tile made from a snapshot is cached, and to write
    /// while a new snapshot is swapped in and the tiles it changes dropped:
    /// a tile of the old snapshot is never cached after the swap.
    swapping: RwLock<()>,
    /// Encoded tiles by layer, tile and filter; `None` for an empty tile.
    pub(crate) tiles: tiles::TileCache,
    /// Tiles made since the start: one per cache miss, however many asked
    /// for the tile at once.
    pub(crate) tiles_made: AtomicUsize,
    /// The workspace served, if any (none when serving files read-only).
    pub(crate) store: Option<live::Store>,
    /// Saves of its catalog under way ([`AppState::finish_saving`]).
    saves: live::Saves,
    /// Drawn when the state is made: tells this server's snapshots from those
    /// of the server before it (each counts generations from 0).
    pub(crate) instance: u64,
    /// The review desk's geoparser, built on first use.
    pub(crate) desk_parser: std::sync::OnceLock<Arc<crate::geoparse::SharedGeoparser>>,
}

/// One catalog and what is worked out from it: swapped in whole.
#[derive(Debug)]
pub struct Snapshot {
    pub catalog: Catalog,
    /// Counts the snapshots swapped in: 0 for the first.
    pub generation: u64,
    /// The properties of each OGC collection, worked out on first use.
    pub(crate) ogc_schemas: ogc::Schemas,
}

impl std::ops::Deref for Snapshot {
    type Target = Catalog;

    fn deref(&self) -> &Catalog {
        &self.catalog
    }
}

impl AppState {
    /// The state over `catalog`, with an empty tile cache of at most
    /// `TILE_CACHE_BYTES` of encoded tiles.
    #[must_use]
    pub fn new(catalog: Catalog) -> Self {
        Self {
            live: ArcSwap::from_pointee(Snapshot {
                catalog,
                generation: 0,
                ogc_schemas: ogc::Schemas::default(),
            }),
            swapping: RwLock::new(()),
            tiles: tiles::new_cache(),
            tiles_made: AtomicUsize::new(0),
            store: None,
            saves: live::Saves::default(),
            instance: instance(),
            desk_parser: std::sync::OnceLock::new(),
        }
    }

    /// The state over `catalog`, loaded from the workspace `store` and
    /// following it ([`Store::follow`]).
    #[must_use]
    pub fn following(catalog: Catalog, store: Store) -> Self {
        Self {
            store: Some(store),
            ..Self::new(catalog)
        }
    }

    /// The catalog as it stands: what a handler reads from start to end.
    #[must_use]
    pub fn catalog(&self) -> Arc<Snapshot> {
        self.live.load_full()
    }

    /// Tiles made since the start (one per cache miss).
    #[must_use]
    pub fn tiles_made(&self) -> usize {
        self.tiles_made.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A number unlikely to be drawn again: random, else the time.
fn instance() -> u64 {
    let mut bytes = [0; 8];
    if getrandom::fill(&mut bytes).is_ok() {
        return u64::from_le_bytes(bytes);
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("catalog", &self.catalog())
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
    /// Where absolute links in TileJSON, the style and OGC API point
    /// (`--public-url`, or the address listened on); relative by default.
    pub public_url: PublicUrl,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            cors: Vec::new(),
            timeout: Duration::from_secs(30),
            web: Arc::default(),
            public_url: PublicUrl::relative(),
        }
    }
}

/// The largest request body: only the edit API takes bodies (JSON events,
/// logins); anything larger is refused (413). `POST /api/articles` has a
/// limit of its own ([`desk::ARTICLE_LIMIT`]).
const BODY_LIMIT: usize = 64 * 1024;

/// The whole application: cached tiles answered at once, everything else
/// through the router.
pub fn router(state: Arc<AppState>, options: &ServerOptions) -> App {
    // Tiles, the most frequent request, skip the timeout and the compression
    // layer: making one is CPU work with no await a timeout could stop, and
    // their gzip form is cached with them (see `tiles::tile`).
    let tiles = Router::new()
        .route("/tiles/{layer}/{z}/{x}/{y}", get(tiles::tile))
        .with_state(state.clone());
    let router = Router::new()
        .route("/health", get(api::health))
        .route("/api/resolve", get(api::resolve))
        .route("/api/query", get(api::query))
        .route("/api/events/{id}/history", get(api::history))
        .route("/api/events/{id}/evidence", get(viewer::evidence))
        .route("/api/revision", get(viewer::revision))
        .route("/api/drafts.geojson", get(viewer::drafts))
        .route("/api/login", post(auth::login))
        .route("/api/logout", post(auth::logout))
        .route("/api/me", get(auth::me))
        .route("/api/password", post(auth::password))
        .route("/api/events", post(edit::create))
        .route("/api/events/{id}", get(edit::get_event).patch(edit::patch))
        .route("/api/events/{id}/publish", post(edit::publish))
        .route("/api/events/{id}/retract", post(edit::retract))
        .route("/api/events/{id}/claims", post(desk::add_claim))
        .route("/api/review/similar", get(desk::similar))
        .route("/api/articles/{id}", get(desk::get_article))
        .route(
            "/api/articles/{id}/mentions/{start}",
            put(desk::correct_mention),
        )
        .route("/api/review/queue", get(desk::queue))
        .route("/api/layers", get(api::layers))
        .route("/api/layers/{file}", get(api::layer))
        .route("/tiles/{file}", get(tiles::tilejson))
        .route("/style.json", get(style::style))
        .merge(ogc::routes())
        .merge(web::routes(&options.web))
        .fallback(api::not_found)
        .with_state(state.clone())
        .layer(Extension(options.public_url.clone()))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Articles are larger than events: their route has a limit of its own.
        .merge(
            Router::new()
                .route("/api/articles", post(desk::add_article))
                .with_state(state.clone())
                .layer(RequestBodyLimitLayer::new(desk::ARTICLE_LIMIT)),
        )
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
    let app = TileHits { state, router };
    if options.cors.is_empty() {
        return App::Plain(app);
    }
    let origins = if options.cors.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(options.cors.iter().filter_map(|o| o.parse().ok()))
    };
    App::Cors(Box::new(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([axum::http::Method::GET])
            .layer(app),
    ))
}

/// The application as one `tower` service, with CORS outermost when set.
#[derive(Clone)]
pub enum App {
    Plain(TileHits),
    Cors(Box<Cors<TileHits>>),
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            App::Plain(_) => "App",
            App::Cors(_) => "App (with CORS)",
        })
    }
}

impl Service<Request> for App {
    type Response = Response;
    type Error = Infallible;
    type Future = Either<TileHitsFuture, tower_http::cors::ResponseFuture<TileHitsFuture>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        match self {
            App::Plain(s) => s.poll_ready(cx),
            App::Cors(s) => s.poll_ready(cx),
        }
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self {
            App::Plain(s) => Either::Left(s.call(request)),
            App::Cors(s) => Either::Right(s.call(request)),
        }
    }
}

/// What the server runs: the [`router`]'s [`App`], or any service around it.
pub trait Served:
    Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static
{
}

impl<S> Served for S where
    S: Service<Request, Response = Response, Error = Infallible, Future: Send>
        + Clone
        + Send
        + 'static
{
}

/// Serves `app` (the [`router`], or any service around it) on `listener`
/// within the default [`ConnectionLimits`] until `shutdown` resolves, then
/// finishes the requests under way.
///
/// # Errors
/// None yet: the listener's errors are logged and retried; kept for
/// listeners that can fail.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: impl Served,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = ConnectionLimits::default();
    let (queue, dealt) = tokio::sync::mpsc::unbounded_channel();
    tokio::join!(
        connections::accept(
            listener,
            connections::Registry::new(limits),
            vec![queue],
            shutdown
        ),
        connections::answer(dealt, app, limits),
    );
    Ok(())
}
