//! Serving HTTP/1.1 with every connection bounded, so that no client, slow or
//! silent, can hold the server away from the others:
//!
//! - **at most [`Limits::max_connections`] at once** (1024 by default, and never
//!   more than the process may open files for). When all are taken, the one open
//!   longest with no request being worked on (a client still dribbling its
//!   headers, an idle keep-alive connection) is closed to make room, so a crowd of
//!   slow clients cannot lock others out; when every connection is at work, new
//!   ones wait in the operating system's queue until one closes;
//! - **headers within [`Limits::header_timeout`]** (10 s) of the connection
//!   opening or of the previous answer, else the connection is closed: this also
//!   ends keep-alive connections left idle that long;
//! - **no silence over [`Limits::idle_timeout`]** (60 s): a connection that
//!   neither sends nor takes a byte for that long while no request of it is being
//!   worked on is closed (an answer nobody reads, a client that went away);
//! - **a request body within [`Limits::body_timeout`]** (120 s) once the server
//!   starts reading it, however slowly it trickles in;
//! - **at shutdown**, requests in flight get [`Limits::shutdown_grace`] (10 s) to
//!   finish, then their connections are dropped.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::ConnectInfo;
use axum::Router;
use bytes::Bytes;
use hyper::body::{Frame, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// The bounds on connections. `Default` gives the documented figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time for a request's headers to arrive, from the connection's start or the
    /// previous answer.
    pub header_timeout: Duration,
    /// Time a connection may go without a byte either way.
    pub idle_timeout: Duration,
    /// Time for a whole request body to arrive once it is read.
    pub body_timeout: Duration,
    /// Time requests in flight get to finish at shutdown.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(120),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// File descriptors kept back for the database, its journal and the log.
const RESERVED_FILES: u64 = 64;

/// `wanted` connections, or fewer when the process may not open that many files.
fn connections_allowed(wanted: usize) -> usize {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        if let Some(files) = limit.current {
            let room = usize::try_from(files.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX);
            if room < wanted {
                tracing::warn!(
                    wanted,
                    allowed = room,
                    "the open-file limit (ulimit -n) allows fewer connections; raise it to serve more"
                );
                return room.max(1);
            }
        }
    }
    wanted.max(1)
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves, then
/// stops accepting, lets requests in flight finish (for at most the grace time)
/// and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let slots = Arc::new(Semaphore::new(connections_allowed(limits.max_connections)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open = Arc::new(OpenConnections::default());
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of files or a connection reset before it was taken:
                    // wait a moment instead of spinning, then go on.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A newcomer is here: make room for it if every slot is taken.
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                open.close_longest_idle();
                tokio::select! {
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let router = router.clone();
        let busy = Arc::new(AtomicUsize::new(0));
        let (id, close) = open.add(&busy);
        let working = busy.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(|body| {
                Body::new(BodyDeadline {
                    body: Body::new(body),
                    timeout: limits.body_timeout,
                    deadline: None,
                })
            });
            request.extensions_mut().insert(ConnectInfo(peer));
            let working = Working::start(&working);
            let answer = router.clone().oneshot(request);
            async move {
                let answer = answer.await;
                drop(working);
                answer
            }
        });
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout, busy));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout);
        let connection = graceful.watch(http.serve_connection(io, service));
        let open = open.clone();
        tokio::spawn(async move {
            tokio::select! {
                result = connection => if let Err(error) = result {
                    tracing::debug!(%error, %peer, "connection ended");
                },
                () = close.notified() => {
                    tracing::debug!(%peer, "closed to make room for a new connection");
                }
            }
            open.remove(id);
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("requests still running after the shutdown grace time were cut off");
        }
    }
}

/// The open connections, in the order they were opened, each with its count of
/// requests being worked on and the means to close it.
#[derive(Default)]
struct OpenConnections {
    next_id: AtomicUsize,
    open: Mutex<HashMap<usize, OpenConnection>>,
}

/// A connection's count of requests at work, and what closes it.
type OpenConnection = (Arc<AtomicUsize>, Arc<Notify>);

impl OpenConnections {
    fn add(&self, busy: &Arc<AtomicUsize>) -> (usize, Arc<Notify>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let close = Arc::new(Notify::new());
        if let Ok(mut open) = self.open.lock() {
            open.insert(id, (busy.clone(), close.clone()));
        }
        (id, close)
    }

    fn remove(&self, id: usize) {
        if let Ok(mut open) = self.open.lock() {
            open.remove(&id);
        }
    }

    /// Closes the connection open longest that has no request being worked on,
    /// if there is one.
    fn close_longest_idle(&self) {
        let Ok(open) = self.open.lock() else {
            return;
        };
        let longest = open
            .iter()
            .filter(|(_, (busy, _))| busy.load(Ordering::SeqCst) == 0)
            .min_by_key(|(id, _)| **id);
        if let Some((_, (_, close))) = longest {
            close.notify_one();
        }
    }
}

/// Counts a request of the connection as being worked on while it lives.
struct Working(Arc<AtomicUsize>);

impl Working {
    fn start(busy: &Arc<AtomicUsize>) -> Working {
        busy.fetch_add(1, Ordering::SeqCst);
        Working(busy.clone())
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A TCP stream that fails with `TimedOut` once it has gone `timeout` without
/// reading or writing a byte while none of its requests is being worked on.
struct IdleTimeout {
    stream: TcpStream,
    timeout: Duration,
    sleep: Pin<Box<Sleep>>,
    busy: Arc<AtomicUsize>,
}

impl IdleTimeout {
    fn new(stream: TcpStream, timeout: Duration, busy: Arc<AtomicUsize>) -> IdleTimeout {
        IdleTimeout {
            stream,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
            busy,
        }
    }

    fn progressed(&mut self) {
        self.sleep.as_mut().reset(Instant::now() + self.timeout);
    }

    /// `Pending` from the stream becomes `TimedOut` once the connection has
    /// been silent too long. A handler at work (an import being stored) is not
    /// silence.
    fn check_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        if self.busy.load(Ordering::SeqCst) > 0 {
            self.progressed();
            return Poll::Pending;
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(
                io::ErrorKind::TimedOut,
                "the connection was silent too long",
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for IdleTimeout {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.progressed();
                }
                Poll::Ready(result)
            }
            Poll::Pending => self.check_idle(cx).map(Err),
        }
    }
}

impl AsyncWrite for IdleTimeout {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write(cx, buf) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    self.progressed();
                }
                Poll::Ready(result)
            }
            Poll::Pending => self.check_idle(cx).map(Err),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.stream).poll_flush(cx) {
            Poll::Pending => self.check_idle(cx).map(Err),
            ready => ready,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    self.progressed();
                }
                Poll::Ready(result)
            }
            Poll::Pending => self.check_idle(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// A request body that fails once `timeout` has passed since it was first read.
struct BodyDeadline {
    body: Body,
    timeout: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
}

/// The body did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within {0} seconds")]
struct BodyTooSlow(u64);

impl HttpBody for BodyDeadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let timeout = self.timeout;
        let deadline = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow(timeout.as_secs())))));
        }
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}
