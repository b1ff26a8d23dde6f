//! A fault-injecting TCP proxy between the sync client and the server. It knows nothing of HTTP beyond
//! "the first bytes the server sends back are its answer": each new connection draws a fault, and
//!
//! - `Pass` forwards both ways;
//! - `Cut` forwards the request, waits for the server's first answer bytes (so the server has committed
//!   and answered) and then closes both sides: the client never hears the answer;
//! - `Status(s)` answers `s` itself with `Retry-After: 1` and a JSON error body, without forwarding;
//! - `Delay` forwards the request and holds the answer for `delay` (past the client's timeout);
//! - `Drop` closes the client's connection at once.
//!
//! `set_down(true)` closes every open connection and drops new ones (the server "disappears") until
//! `set_down(false)`. Bytes are counted both ways (the benchmark's "bytes on the wire").

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// What happens to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward both ways.
    Pass,
    /// Forward the request, swallow the answer, close.
    Cut,
    /// Answer this status with `Retry-After: 1`.
    Status(u16),
    /// Hold the answer past the client's timeout.
    Delay,
    /// Close at once.
    Drop,
}

/// Counters.
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections accepted.
    pub connections: AtomicU64,
    /// Answers swallowed after the server answered.
    pub cuts: AtomicU64,
    /// Statuses answered by the proxy.
    pub statuses: AtomicU64,
    /// Answers delayed.
    pub delays: AtomicU64,
    /// Connections dropped (fault or down).
    pub drops: AtomicU64,
    /// Bytes client → server.
    pub bytes_up: AtomicU64,
    /// Bytes server → client.
    pub bytes_down: AtomicU64,
}

impl Stats {
    /// A counter's value.
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::SeqCst)
    }
}

type Chooser = Box<dyn FnMut() -> Fault + Send>;

struct Inner {
    upstream: Mutex<SocketAddr>,
    chooser: Mutex<Chooser>,
    down: AtomicBool,
    delay: Duration,
    stats: Stats,
    open: Mutex<Vec<AbortHandle>>,
    /// Told whenever request bytes were forwarded to the server (the restart test kills it then).
    forwarded: tokio::sync::Notify,
}

/// The proxy; it serves until dropped.
pub struct Proxy {
    addr: SocketAddr,
    inner: Arc<Inner>,
    accept: AbortHandle,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("addr", &self.addr).finish()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.close_all();
    }
}

impl Proxy {
    /// A proxy on `127.0.0.1:0` to `upstream`; `delay` is how long `Delay` holds an answer.
    pub async fn start(upstream: SocketAddr, delay: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let inner = Arc::new(Inner {
            upstream: Mutex::new(upstream),
            chooser: Mutex::new(Box::new(|| Fault::Pass)),
            down: AtomicBool::new(false),
            delay,
            stats: Stats::default(),
            open: Mutex::new(Vec::new()),
            forwarded: tokio::sync::Notify::new(),
        });
        let i = inner.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                i.stats.connections.fetch_add(1, Ordering::SeqCst);
                if i.down.load(Ordering::SeqCst) {
                    i.stats.drops.fetch_add(1, Ordering::SeqCst);
                    drop(client);
                    continue;
                }
                let fault = (i.chooser.lock().unwrap())();
                let task = tokio::spawn(handle(i.clone(), client, fault));
                let mut open = i.open.lock().unwrap();
                open.retain(|h| !h.is_finished());
                open.push(task.abort_handle());
            }
        })
        .abort_handle();
        Self { addr, inner, accept }
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://addr`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Points the proxy at another server address (after a restart).
    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self.inner.upstream.lock().unwrap() = upstream;
    }

    /// Draws each new connection's fault from `chooser`.
    pub fn set_faults(&self, chooser: impl FnMut() -> Fault + Send + 'static) {
        *self.inner.chooser.lock().unwrap() = Box::new(chooser);
    }

    /// No more faults.
    pub fn pass_all(&self) {
        self.set_faults(|| Fault::Pass);
    }

    /// Down: every open connection is closed and new ones are dropped. Up: back to normal.
    pub fn set_down(&self, down: bool) {
        self.inner.down.store(down, Ordering::SeqCst);
        if down {
            self.close_all();
        }
    }

    fn close_all(&self) {
        for h in self.inner.open.lock().unwrap().drain(..) {
            h.abort();
        }
    }

    /// The counters.
    pub fn stats(&self) -> &Stats {
        &self.inner.stats
    }

    /// Waits until request bytes are next forwarded to the server.
    pub async fn forwarded(&self) {
        self.inner.forwarded.notified().await;
    }
}

const STATUS_BODY: &str =
    r#"{"error":{"code":"unavailable","vi":"Máy chủ đang bận.","en":"The server is busy."}}"#;

async fn handle(inner: Arc<Inner>, mut client: TcpStream, fault: Fault) {
    let stats = &inner.stats;
    match fault {
        Fault::Drop => {
            stats.drops.fetch_add(1, Ordering::SeqCst);
        }
        Fault::Status(code) => {
            // Read the request head (enough to be sure the client sent it), then answer.
            let mut buf = vec![0u8; 64 * 1024];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match tokio::time::timeout(Duration::from_secs(2), client.read(&mut buf)).await {
                    Ok(Ok(n)) if n > 0 => seen.extend_from_slice(buf.get(..n).unwrap_or_default()),
                    _ => return,
                }
            }
            stats.statuses.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 {code} Proxy Fault\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                STATUS_BODY.len()
            );
            let _ = client.write_all(head.as_bytes()).await;
            let _ = client.write_all(STATUS_BODY.as_bytes()).await;
            let _ = client.shutdown().await;
        }
        Fault::Pass | Fault::Cut | Fault::Delay => {
            let upstream = *inner.upstream.lock().unwrap();
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let _ = server.set_nodelay(true);
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            let up_inner = inner.clone();
            let up = tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match cr.read(&mut buf).await {
                        Ok(0) | Err(_) => {
                            let _ = sw.shutdown().await;
                            return;
                        }
                        Ok(n) => {
                            up_inner.stats.bytes_up.fetch_add(n as u64, Ordering::SeqCst);
                            if sw.write_all(buf.get(..n).unwrap_or_default()).await.is_err() {
                                return;
                            }
                            up_inner.forwarded.notify_waiters();
                        }
                    }
                }
            });
            let mut buf = vec![0u8; 64 * 1024];
            let mut first = true;
            loop {
                match sr.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if first && fault == Fault::Cut {
                            // The server answered: it has committed. The client never hears it.
                            stats.cuts.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        if first && fault == Fault::Delay {
                            stats.delays.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(inner.delay).await;
                        }
                        first = false;
                        stats.bytes_down.fetch_add(n as u64, Ordering::SeqCst);
                        if cw.write_all(buf.get(..n).unwrap_or_default()).await.is_err() {
                            break;
                        }
                    }
                }
            }
            up.abort();
            // Dropping both halves closes both connections.
        }
    }
}
