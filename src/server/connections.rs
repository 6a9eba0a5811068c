//! Connections: how many may be open at once, how long one may sit idle or
//! take to send a request's headers, and which to close when there are too
//! many. Both ways of serving ([`serve`](super::serve) and
//! [`serve_threads`](super::serve_threads)) accept with [`accept`] and answer
//! each thread's connections with [`answer`].
//!
//! A connection is *idle* while it has no request being answered (the
//! answer's body included), whether or not the first bytes of the next
//! request have come. When [`ConnectionLimits::max`] connections are open,
//! the one idle the longest is closed to admit a new one; if none is idle,
//! new connections wait in the kernel's backlog until one is. So idle or
//! half-sent connections, however many, cannot keep `/health` from an answer.
//!
//! # Timeouts
//! One watchdog per connection closes it when it has been idle with nothing
//! received for [`ConnectionLimits::idle_timeout`], or when a request's
//! headers have been arriving for longer than
//! [`ConnectionLimits::header_timeout`]. (hyper's own header timeout runs
//! from the moment hyper waits for a request, idle time included, so it
//! cannot tell the two apart.)

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::response::Response;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, Notify};

use super::Served;

/// How many connections may be open, and for how long they may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once; at this many, the one idle the longest is
    /// closed to admit another. Keep it below the open-file limit
    /// (`ulimit -n`); should files run out first, an idle connection is
    /// closed then too.
    pub max: usize,
    /// A connection with no request under way and nothing received for this
    /// long is closed.
    pub idle_timeout: Duration,
    /// A request whose headers are not all in this long after their first
    /// byte closes its connection.
    pub header_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max: 4096,
            idle_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// The open connections of one server, shared by its accepting thread and
/// its answering threads.
pub(super) struct Registry {
    limits: ConnectionLimits,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    /// Signalled when a connection closes or falls idle: room may be made.
    room: Arc<Notify>,
    epoch: Instant,
}

/// What is known of one open connection.
struct Connection {
    /// Requests being answered, bodies included.
    busy: AtomicU32,
    /// Milliseconds since the epoch when it opened or last fell idle.
    quiet_since: AtomicU64,
    /// Milliseconds since the epoch when the first bytes of a request came
    /// while it was idle; [`NOTHING`] when none have.
    head_since: AtomicU64,
    evicted: AtomicBool,
    /// Wakes the connection's watchdog: evicted, or a request began.
    wake: Notify,
    room: Arc<Notify>,
    epoch: Instant,
}

const NOTHING: u64 = u64::MAX;

impl Connection {
    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(NOTHING - 1)
    }

    fn is_idle(&self) -> bool {
        self.busy.load(Ordering::Acquire) == 0
    }

    /// When the watchdog must look again: the end of the header or idle
    /// time, or, while busy, one idle time from now.
    fn deadline(&self, limits: &ConnectionLimits) -> Instant {
        let at = |since: u64, wait: Duration| self.epoch + Duration::from_millis(since) + wait;
        if !self.is_idle() {
            return Instant::now() + limits.idle_timeout;
        }
        match self.head_since.load(Ordering::Acquire) {
            NOTHING => at(
                self.quiet_since.load(Ordering::Acquire),
                limits.idle_timeout,
            ),
            head => at(head, limits.header_timeout),
        }
    }
}

/// One request under way on a connection, held until its answer's body is
/// sent or dropped.
struct Busy(Arc<Connection>);

impl Busy {
    fn new(connection: &Arc<Connection>) -> Self {
        connection.busy.fetch_add(1, Ordering::AcqRel);
        connection.head_since.store(NOTHING, Ordering::Release);
        Self(connection.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let connection = &self.0;
        connection
            .quiet_since
            .store(connection.now(), Ordering::Release);
        if connection.busy.fetch_sub(1, Ordering::AcqRel) == 1 {
            connection.room.notify_one();
        }
    }
}

/// A connection's place in the [`Registry`], given up when it closes.
pub(super) struct Ticket {
    registry: Arc<Registry>,
    id: u64,
    connection: Arc<Connection>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
        self.registry.room.notify_one();
    }
}

impl Registry {
    pub(super) fn new(limits: ConnectionLimits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            room: Arc::new(Notify::new()),
            epoch: Instant::now(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Returns once a connection may be admitted: at once below the cap,
    /// else after closing the connection idle the longest, or once one is.
    async fn admit(&self) {
        loop {
            {
                let mut open = self.lock();
                if open.len() < self.limits.max.max(1) || Self::evict_idlest(&mut open) {
                    return;
                }
            }
            // A wake-up may be missed between the check and the wait.
            let _ = tokio::time::timeout(Duration::from_millis(100), self.room.notified()).await;
        }
    }

    /// Closes the connection idle the longest, if any is idle.
    fn evict_idlest(open: &mut HashMap<u64, Arc<Connection>>) -> bool {
        let idlest = open
            .iter()
            .filter(|(_, c)| c.is_idle())
            .min_by_key(|(_, c)| c.quiet_since.load(Ordering::Acquire))
            .map(|(&id, _)| id);
        let Some(connection) = idlest.and_then(|id| open.remove(&id)) else {
            return false;
        };
        connection.evicted.store(true, Ordering::Release);
        connection.wake.notify_one();
        true
    }

    fn register(self: &Arc<Self>) -> Ticket {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(NOTHING - 1);
        let connection = Arc::new(Connection {
            busy: AtomicU32::new(0),
            quiet_since: AtomicU64::new(now),
            head_since: AtomicU64::new(NOTHING),
            evicted: AtomicBool::new(false),
            wake: Notify::new(),
            room: self.room.clone(),
            epoch: self.epoch,
        });
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, connection.clone());
        Ticket {
            registry: self.clone(),
            id,
            connection,
        }
    }
}

/// An accepted connection on its way to the thread that answers it.
pub(super) struct Dealt {
    tcp: std::net::TcpStream,
    ticket: Ticket,
}

/// Accepts connections on `listener` within the registry's limits and deals
/// them in turn to `queues` until `shutdown` resolves; dropping the queues
/// then tells each [`answer`] to finish.
pub(super) async fn accept(
    listener: tokio::net::TcpListener,
    registry: Arc<Registry>,
    queues: Vec<mpsc::UnboundedSender<Dealt>>,
    shutdown: impl Future<Output = ()>,
) {
    let mut shutdown = std::pin::pin!(shutdown);
    for queue in queues.iter().cycle() {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = async {
                registry.admit().await;
                listener.accept().await
            } => accepted,
        };
        match accepted {
            Ok((tcp, _)) => {
                // Small answers (tiles, JSON) go out at once instead of
                // waiting for the client's ACK of the previous one (Nagle).
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %e, "TCP_NODELAY not set");
                }
                let ticket = registry.register();
                // A queue only closes before shutdown if its thread failed,
                // and then the join of that thread reports why.
                if let Ok(tcp) = tcp.into_std() {
                    let _ = queue.send(Dealt { tcp, ticket });
                }
            }
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                // Most likely out of file descriptors: make room if an idle
                // connection can give it, and wait a moment.
                tracing::warn!(error = %e, "cannot accept a connection");
                Registry::evict_idlest(&mut registry.lock());
                let _ = tokio::time::timeout(Duration::from_millis(100), registry.room.notified())
                    .await;
            }
        }
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    )
}

/// Answers the connections dealt to `queue` with `app` until the queue
/// closes; then closes each connection once its requests under way are
/// answered, and returns when all are closed.
pub(super) async fn answer(
    mut queue: mpsc::UnboundedReceiver<Dealt>,
    app: impl Served,
    limits: ConnectionLimits,
) {
    let (stop, stopping) = watch::channel(false);
    // Each connection holds a sender; all are dropped once all are closed.
    let (open, mut all_closed) = mpsc::channel::<()>(1);
    while let Some(Dealt { tcp, ticket }) = queue.recv().await {
        let tcp = match TcpStream::from_std(tcp) {
            Ok(tcp) => tcp,
            Err(e) => {
                tracing::debug!(error = %e, "connection dropped");
                continue;
            }
        };
        let (app, stopping, open) = (app.clone(), stopping.clone(), open.clone());
        tokio::spawn(async move {
            drive(tcp, ticket, app, limits, stopping).await;
            drop(open);
        });
    }
    let _ = stop.send(true);
    drop(open);
    let _ = all_closed.recv().await;
}

/// Serves one connection until it closes, times out, is evicted, or the
/// server stops.
async fn drive(
    tcp: TcpStream,
    ticket: Ticket,
    app: impl Served,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<bool>,
) {
    let connection = ticket.connection.clone();
    let peer = tcp.peer_addr().ok();
    let io = hyper_util::rt::TokioIo::new(Watched {
        tcp,
        connection: connection.clone(),
    });
    let service = Answering {
        app,
        connection: connection.clone(),
        peer,
    };
    let http = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    let mut http = std::pin::pin!(http);
    let mut stopped = false;
    loop {
        let deadline = tokio::time::Instant::from_std(connection.deadline(&limits));
        tokio::select! {
            outcome = http.as_mut() => {
                if let Err(e) = outcome {
                    tracing::debug!(error = %e, "connection ended");
                }
                break;
            }
            () = connection.wake.notified() => {
                if connection.evicted.load(Ordering::Acquire) {
                    tracing::debug!("idle connection closed to admit another");
                    break;
                }
            }
            () = tokio::time::sleep_until(deadline) => {
                if connection.deadline(&limits) <= Instant::now() {
                    tracing::debug!("connection timed out");
                    break;
                }
            }
            _ = stopping.wait_for(|&s| s), if !stopped => {
                // Nothing under way (a half-sent header at most): close now.
                if connection.is_idle() {
                    break;
                }
                stopped = true;
                http.as_mut().graceful_shutdown();
            }
        }
    }
    drop(ticket);
}

/// The connection's socket, noting when a request's first bytes arrive.
struct Watched {
    tcp: TcpStream,
    connection: Arc<Connection>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.tcp).poll_read(cx, buf);
        let connection = &self.connection;
        if buf.filled().len() > before
            && connection.is_idle()
            && connection.head_since.load(Ordering::Acquire) == NOTHING
        {
            connection
                .head_since
                .store(connection.now(), Ordering::Release);
            connection.wake.notify_one();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// The application as hyper calls it, marking the connection busy from each
/// request until its answer's body is done, and telling handlers the
/// client's address (`ConnectInfo`, for the login throttle).
struct Answering<S> {
    app: S,
    connection: Arc<Connection>,
    peer: Option<std::net::SocketAddr>,
}

impl<S: Served> hyper::service::Service<axum::http::Request<hyper::body::Incoming>>
    for Answering<S>
{
    type Response = axum::http::Response<Tracked>;
    type Error = Infallible;
    type Future = Answer<tower::util::Oneshot<S, Request>>;

    fn call(&self, request: axum::http::Request<hyper::body::Incoming>) -> Self::Future {
        let busy = Busy::new(&self.connection);
        let mut request = request.map(Body::new);
        if let Some(peer) = self.peer {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        Answer {
            inner: tower::ServiceExt::oneshot(self.app.clone(), request),
            busy: Some(busy),
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer to one request, handing the connection's [`Busy`] mark to
    /// the body.
    struct Answer<F> {
        #[pin]
        inner: F,
        busy: Option<Busy>,
    }
}

impl<F> Future for Answer<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<axum::http::Response<Tracked>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(response) = std::task::ready!(this.inner.poll(cx));
        let busy = this.busy.take();
        Poll::Ready(Ok(response.map(|body| Tracked { body, _busy: busy })))
    }
}

/// An answer's body, keeping its connection busy until sent or dropped.
struct Tracked {
    body: Body,
    _busy: Option<Busy>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
