//! The fast path of cached tiles: a GET of a tile already in the cache is
//! answered before the router sees it, skipping the routing table, the
//! extractors and the tracing span, which together cost more than the cache
//! lookup itself. Everything else, misses included, goes to the router.
//!
//! # What justified it
//! Cached tiles are most of a map's requests. With the per-core runtimes
//! (`runtimes.rs`), this took the server's CPU per request on the mixed
//! tile list of `scripts/bench-server.sh` from 21-27 µs to 12-17 µs (`perf
//! stat -p` during `wrk`), and the rate from 50,500 to 68,600-72,900 tiles/s
//! (commit d4bf9ce; README, "Benchmarks").
//!
//! # The plain path
//! [`tiles::tile`], the routed handler, makes a tile on a miss and answers
//! with the same [`tiles::respond`]; the test below holds the two to the same
//! answer, and `tests/integration/tiles.rs` does so over HTTP (CORS, 204,
//! 304, gzip).

use std::convert::Infallible;
use std::future::Ready;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use axum::Router;
use futures_util::future::Either;
use tower::Service;

use super::tiles;
use super::AppState;

/// Answers a request for a tile already in the cache without routing it
/// (see [`cached`]); passes everything else to the router.
#[derive(Clone)]
pub struct TileHits {
    pub(super) state: Arc<AppState>,
    pub(super) router: Router,
}

pub type TileHitsFuture = Either<Ready<Result<Response, Infallible>>, RouteFuture<Infallible>>;

impl Service<Request> for TileHits {
    type Response = Response;
    type Error = Infallible;
    type Future = TileHitsFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Service::<Request>::poll_ready(&mut self.router, cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // Should the lookup ever panic, the router's handler answers instead,
        // behind the layer that turns a panic into a 500.
        let hit = std::panic::catch_unwind(AssertUnwindSafe(|| cached(&self.state, &request)));
        match hit {
            Ok(Some(response)) => Either::Left(std::future::ready(Ok(response))),
            _ => Either::Right(self.router.call(request)),
        }
    }
}

/// The answer to `request` if it is a GET of a tile already in the cache;
/// `None` for anything else, which then goes through the router.
///
/// Cached tiles are most of a map's requests. Answered here, they skip the
/// routing table, the extractors and the tracing span, which together cost
/// more than the lookup itself.
fn cached(state: &AppState, request: &Request) -> Option<Response> {
    if request.method() != Method::GET || !request.uri().path().starts_with("/tiles/") {
        return None;
    }
    let (key, _) = tiles::tile_key(request).ok()?;
    let tile = state.tiles.get(&key)?;
    Some(tiles::respond(tile.as_deref(), request.headers()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::tiles::tests::{get, state};
    use axum::extract::State;

    #[test]
    fn only_tiles_already_made_are_answered_before_routing() {
        let state = state();
        let uri = "/tiles/events/6/50/28.mvt?type=raid,deportation";
        assert!(cached(&state, &get(uri)).is_none(), "nothing made yet");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let made = runtime
            .block_on(tiles::tile(State(state.clone()), get(uri)))
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
