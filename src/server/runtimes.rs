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
//! Each thread here runs the same [`serve_on`] on the connections dealt to it.

use std::future::Future;

use super::{serve_on, Served};

/// Serves `app` on `listener` from `threads` threads, each with a
/// single-threaded runtime of its own, until `shutdown` resolves; then each
/// thread finishes the requests under way.
///
/// A cached tile costs less to answer than to hand between the threads of a
/// work-stealing runtime, so here each connection stays on one thread: the
/// calling thread accepts connections and deals them out in turn. Long work
/// (analyses, downloads) still goes to each runtime's blocking pool.
///
/// # Errors
/// A thread or runtime cannot start.
pub fn serve_threads(
    listener: std::net::TcpListener,
    threads: usize,
    app: impl Served,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut queues = Vec::with_capacity(threads.max(1));
    let mut workers = Vec::with_capacity(threads.max(1));
    for i in 0..threads.max(1) {
        let (queue, connections) = tokio::sync::mpsc::unbounded_channel();
        let listener = Dealt {
            connections,
            address: listener.local_addr()?,
        };
        let app = app.clone();
        let mut stopped = stopped.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        workers.push(
            std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || {
                    runtime.block_on(serve_on(listener, app, async move {
                        let _ = stopped.wait_for(|&s| s).await;
                    }))
                })?,
        );
        queues.push(queue);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut listener = tokio::net::TcpListener::from_std(listener)?;
        let mut shutdown = std::pin::pin!(shutdown);
        for queue in queues.iter().cycle() {
            tokio::select! {
                () = &mut shutdown => break,
                (tcp, _) = axum::serve::Listener::accept(&mut listener) => {
                    // A worker only goes before shutdown if it failed, and
                    // then the join below reports why.
                    if let Ok(tcp) = tcp.into_std() {
                        let _ = queue.send(tcp);
                    }
                }
            }
        }
        Ok::<_, std::io::Error>(())
    })?;
    let _ = stop.send(true);
    for worker in workers {
        worker
            .join()
            .map_err(|_| std::io::Error::other("a server thread panicked"))??;
    }
    Ok(())
}

/// The connections dealt to one thread of [`serve_threads`].
struct Dealt {
    connections: tokio::sync::mpsc::UnboundedReceiver<std::net::TcpStream>,
    address: std::net::SocketAddr,
}

impl axum::serve::Listener for Dealt {
    type Io = tokio::net::TcpStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            // Closed only at shutdown, when the server stops asking.
            let Some(tcp) = self.connections.recv().await else {
                std::future::pending::<()>().await;
                continue;
            };
            let peer = tcp.peer_addr();
            match (tokio::net::TcpStream::from_std(tcp), peer) {
                (Ok(tcp), Ok(peer)) => return (tcp, peer),
                (Err(e), _) | (_, Err(e)) => tracing::debug!(error = %e, "connection dropped"),
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.address)
    }
}
