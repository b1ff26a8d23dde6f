//! The accept loop: connections that cannot pin the server (issue 14, item 2). A connection must send a
//! request's headers within `header_timeout` (also the wait for the next request on a kept-alive
//! connection); one that neither reads nor writes for `idle_timeout` is closed (a slow body, a client
//! that stops reading its answer); one address holds at most `per_address` connections and the server
//! `total`, beyond which new connections are closed at once; accept errors (out of file descriptors)
//! pause the loop instead of spinning or ending it. `raise_open_file_limit` lifts the process's soft
//! limit to its hard limit at start, so that `total` fits.
//!
//! hyper answers a request it cannot parse (a garbled request line or header: 400; headers over its
//! limit: 431; a request line too long: 414) itself, before any request reaches the service, with an
//! empty body. The connection's stream recognises that bodiless answer as it is written and writes the
//! API's JSON error body (`ApiError::raw_http`) in its place, with the headers every answer carries.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::ConnectInfo;
use axum::http::StatusCode;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;

use crate::error::ApiError;

/// Connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Time to send a request's headers (and, between requests, to start the next one).
    pub header_timeout: Duration,
    /// Time without any byte read or written after which a connection is closed.
    pub idle_timeout: Duration,
    /// Open connections from one client address.
    pub per_address: usize,
    /// Open connections in all.
    pub total: usize,
}

impl Default for ConnLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            per_address: 128,
            total: 8192,
        }
    }
}

/// Raises the soft limit on open files to the hard limit (at most `want`); the limit in force after.
pub fn raise_open_file_limit(want: u64) -> u64 {
    match rlimit::increase_nofile_limit(want) {
        Ok(n) => n,
        Err(_) => rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(0, |(soft, _)| soft),
    }
}

/// Connections per client address.
#[derive(Debug, Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection counted against its address until dropped.
#[derive(Debug)]
struct AddressSlot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    fn take(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            table: self.clone(),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self
            .table
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// The whole answers written in place of hyper's bodiless ones: 400, 414, 431.
#[derive(Debug)]
struct ErrorAnswers {
    bad_request: Vec<u8>,
    uri_too_long: Vec<u8>,
    headers_too_large: Vec<u8>,
}

impl ErrorAnswers {
    fn new() -> Self {
        Self {
            bad_request: ApiError::BadRequest.raw_http(StatusCode::BAD_REQUEST),
            uri_too_long: ApiError::HeadersTooLarge.raw_http(StatusCode::URI_TOO_LONG),
            headers_too_large: ApiError::HeadersTooLarge
                .raw_http(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
        }
    }

    /// If `data` begins with hyper's own answer to a request it could not parse (its status line, a
    /// `content-length: 0`, no content type, the end of the head), the answer to write instead and the
    /// length of hyper's head. The service's own error answers always carry a JSON body and its type.
    fn replace(&self, data: &[u8]) -> Option<(&[u8], usize)> {
        let answer = if data.starts_with(b"HTTP/1.1 400 ") {
            &self.bad_request
        } else if data.starts_with(b"HTTP/1.1 431 ") {
            &self.headers_too_large
        } else if data.starts_with(b"HTTP/1.1 414 ") {
            &self.uri_too_long
        } else {
            return None;
        };
        let end = data.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head = data.get(..end)?.to_ascii_lowercase();
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        (has(b"\r\ncontent-length: 0\r\n") && !has(b"\r\ncontent-type:")).then_some((answer.as_slice(), end))
    }
}

/// An answer being written in place of hyper's: its bytes, how many are written, and how many of
/// hyper's bytes it stands for.
#[derive(Debug)]
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    stands_for: usize,
}

/// A stream closed (as an error) after `idle` without progress in either direction, that writes JSON
/// error answers in place of hyper's bodiless ones.
#[derive(Debug)]
struct IdleStream {
    inner: TcpStream,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    answers: Arc<ErrorAnswers>,
    replacing: Option<Replacement>,
}

impl IdleStream {
    fn new(inner: TcpStream, idle: Duration, answers: Arc<ErrorAnswers>) -> Self {
        Self {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
            answers,
            replacing: None,
        }
    }

    fn progressed(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.idle);
    }

    fn check(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle")),
            Poll::Pending => Ok(()),
        }
    }
}

impl AsyncRead for IdleStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.progressed();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.check(cx) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            },
        }
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none()
            && let Some((bytes, stands_for)) = this.answers.replace(data)
        {
            this.replacing = Some(Replacement {
                bytes: bytes.to_vec(),
                written: 0,
                stands_for,
            });
        }
        if let Some(r) = this.replacing.as_mut() {
            // hyper calls again with the same bytes until it is told they are written.
            while let Some(rest) = r.bytes.get(r.written..).filter(|rest| !rest.is_empty()) {
                match Pin::new(&mut this.inner).poll_write(cx, rest) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Ok(0)),
                    Poll::Ready(Ok(n)) => {
                        r.written += n;
                        this.deadline.as_mut().reset(Instant::now() + this.idle);
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        return match this.deadline.as_mut().poll(cx) {
                            Poll::Ready(()) => {
                                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle")))
                            }
                            Poll::Pending => Poll::Pending,
                        };
                    }
                }
            }
            let stands_for = r.stands_for;
            this.replacing = None;
            return Poll::Ready(Ok(stands_for));
        }
        match Pin::new(&mut this.inner).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    this.progressed();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.check(cx) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            },
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Serves `app` (HTTP/1.1) on `listener` within `limits` until `shutdown` completes; then lets the
/// requests in flight finish (at most `drain`). Handlers see the peer as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send,
    drain: Duration,
) -> io::Result<()> {
    let total = Arc::new(Semaphore::new(limits.total.max(1)));
    let answers = Arc::new(ErrorAnswers::new());
    let per_address = Arc::new(PerAddress::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            a = listener.accept() => a,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors (or a connection reset before it was taken): wait a little
                // for connections to close instead of spinning; never stop serving.
                tracing::warn!(error = %e, "accept failed; pausing");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = total.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let Some(slot) = per_address.take(peer.ip(), limits.per_address) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let answers = answers.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _held = (permit, slot);
            let io = TokioIo::new(IdleStream::new(stream, limits.idle_timeout, answers));
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(io, service)
                .with_upgrades();
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a permit: all are back when every connection has ended.
    let all = u32::try_from(limits.total.max(1)).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(drain, total.acquire_many(all)).await;
    Ok(())
}
