//! Serving from one single-threaded runtime per core: the calling thread
//! accepts connections and deals them out in turn, so a connection's
//! requests never move between threads.
//!
//! # What justified it
//! A cached tile costs less to answer than to hand between the threads of a
//! work-stealing runtime. With the fast path of cached tiles
//! (`fast_tiles.rs`), this took the server's CPU per request on the mixed
//! tile list of `scripts/bench-server.sh` from 21-27 µs to 12-17 µs and the
//! rate from 50,500 to 68,600-72,900 tiles/s (commit d4bf9ce; README,
//! "Benchmarks").
//!
//! # The plain path
//! [`serve`](super::serve), one tokio runtime of any kind; tests use it.
//! Both accept with the same `connections::accept` and answer with the same
//! `connections::answer`, here on each thread for the connections dealt to
//! it.

use std::future::Future;

use super::connections::{accept, answer, ConnectionLimits, Registry};
use super::Served;

/// Serves `app` on `listener` from `threads` threads, each with a
/// single-threaded runtime of its own, within `limits` for all threads
/// together, until `shutdown` resolves; then each thread finishes the
/// requests under way.
///
/// A cached tile costs less to answer than to hand between the threads of a
/// work-stealing runtime, so here each connection stays on one thread: the
/// calling thread accepts connections and deals them out in turn. Long work
/// (analyses, downloads) goes to the shared bounded blocking work
/// (`blocking.rs`).
///
/// # Errors
/// A thread or runtime cannot start.
pub fn serve_threads(
    listener: std::net::TcpListener,
    threads: usize,
    limits: ConnectionLimits,
    app: impl Served,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut queues = Vec::with_capacity(threads.max(1));
    let mut workers = Vec::with_capacity(threads.max(1));
    for i in 0..threads.max(1) {
        let (queue, connections) = tokio::sync::mpsc::unbounded_channel();
        let app = app.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        workers.push(
            std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || runtime.block_on(answer(connections, app, limits)))?,
        );
        queues.push(queue);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        accept(listener, Registry::new(limits), queues, shutdown).await;
        Ok::<_, std::io::Error>(())
    })?;
    for worker in workers {
        worker
            .join()
            .map_err(|_| std::io::Error::other("a server thread panicked"))?;
    }
    Ok(())
}
