//! Work off the runtime threads (analyses under a new filter, OGC pages,
//! whole layers, streamed GeoJSON downloads), at most [`jobs`] at once in
//! the whole process, shared by every runtime; the rest wait their turn.
//!
//! Unbounded, `wrk -c64` on `/api/layers/events.geojson` had one blocking
//! thread per request under way on each runtime: about 290 threads and RSS
//! ten times that of an idle server. Queued here, a request costs a waiting
//! task until its turn, and the threads stay few.

use std::sync::OnceLock;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ApiError;

/// Jobs run at once: twice the cores, at least 4, so a few slow downloads
/// do not stall the analyses.
pub(super) fn jobs() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    (2 * cores).max(4)
}

fn turns() -> std::sync::Arc<Semaphore> {
    static TURNS: OnceLock<std::sync::Arc<Semaphore>> = OnceLock::new();
    TURNS
        .get_or_init(|| std::sync::Arc::new(Semaphore::new(jobs())))
        .clone()
}

/// Waits for a turn: held for as long as the work runs.
async fn turn() -> Option<OwnedSemaphorePermit> {
    // The semaphore is never closed; without a permit the work still runs.
    turns().acquire_owned().await.ok()
}

/// Runs `work` on the blocking pool once it has a turn, without waiting for
/// it to finish (a streamed body reads what it writes).
pub(crate) fn spawn(work: impl FnOnce() + Send + 'static) {
    tokio::spawn(async move {
        let turn = turn().await;
        tokio::task::spawn_blocking(move || {
            work();
            drop(turn);
        });
    });
}

/// Runs CPU work that may take long (an analysis under a new filter, a whole
/// layer in memory) on the blocking pool once it has a turn, so that the
/// async workers keep answering other requests meanwhile.
pub(crate) async fn offload<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let turn = turn().await;
    let done = tokio::task::spawn_blocking(work).await;
    drop(turn);
    done.map_err(|e| ApiError::Internal(format!("a worker thread failed: {e}")))
}
