//! A fault-injecting TCP proxy between the sync client and the server. It knows just enough of HTTP/1.1
//! to tell requests apart on a kept-alive connection (client bytes after an answer start a new request)
//! and where a request ends (head and `Content-Length`). Each request draws a fault:
//!
//! - `Pass` forwards both ways;
//! - `Cut` forwards the request, waits for the server's first answer bytes (so the server has committed
//!   and answered) and then closes both sides: the client never hears the answer;
//! - `Status(s)` answers `s` itself with `Retry-After: 1` and a JSON error body, without forwarding;
//! - `Delay` forwards the request and holds the answer for `delay` (past the client's timeout);
//! - `Drop` closes the client's connection at once.
//!
//! With several upstreams (`start_many`, `set_upstreams`: server instances behind one load balancer),
//! each request goes to one drawn at random: a kept-alive connection is re-opened to the drawn
//! instance between requests.
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
    /// Instances to spread requests over (empty: `upstream` only).
    pool: Mutex<Vec<SocketAddr>>,
    /// Draws the instance of each request.
    picker: Mutex<u64>,
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
            pool: Mutex::new(Vec::new()),
            picker: Mutex::new(0x9E37_79B9_7F4A_7C15),
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

    /// A proxy on `127.0.0.1:0` sending each request to one of `upstreams`, drawn at random.
    pub async fn start_many(upstreams: &[SocketAddr], delay: Duration) -> Self {
        let proxy = Self::start(upstreams[0], delay).await;
        proxy.set_upstreams(upstreams);
        proxy
    }

    /// Spreads requests over `upstreams` from now on (a load balancer's pool changing).
    pub fn set_upstreams(&self, upstreams: &[SocketAddr]) {
        *self.inner.pool.lock().unwrap() = upstreams.to_vec();
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

/// Where the request head ends and how long its body is, once the head is complete.
fn request_len(buf: &[u8]) -> Option<usize> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(buf.get(..head_end)?).to_ascii_lowercase();
    let body = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    Some(head_end + body)
}

impl Inner {
    /// The instance for the next request: drawn from the pool (xorshift), else the one upstream.
    fn pick(&self) -> SocketAddr {
        let pool = self.pool.lock().unwrap();
        if pool.is_empty() {
            return *self.upstream.lock().unwrap();
        }
        let mut x = self.picker.lock().unwrap();
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        pool[usize::try_from(*x % pool.len() as u64).unwrap()]
    }

    fn spreads(&self) -> bool {
        self.pool.lock().unwrap().len() > 1
    }
}

/// Relays one connection. Requests on a connection are sequential (HTTP/1.1 without pipelining), so
/// client bytes after the server has answered start a new request: each request draws its own fault.
async fn handle(inner: Arc<Inner>, client: TcpStream, first: Fault) {
    let stats = &inner.stats;
    let Ok(server) = TcpStream::connect(inner.pick()).await else {
        return;
    };
    let _ = server.set_nodelay(true);
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let mut cbuf = vec![0u8; 64 * 1024];
    let mut sbuf = vec![0u8; 64 * 1024];
    let mut fault = first;
    // The server has sent bytes since the current request began.
    let mut answered = false;
    // The request held back for a `Status` fault.
    let mut held: Vec<u8> = Vec::new();
    loop {
        tokio::select! {
            r = cr.read(&mut cbuf) => {
                let n = match r { Ok(0) | Err(_) => return, Ok(n) => n };
                let chunk = cbuf.get(..n).unwrap_or_default();
                if answered {
                    fault = (inner.chooser.lock().unwrap())();
                    answered = false;
                    held.clear();
                    if inner.spreads() {
                        // The answer was read in full (the client sent its next request): this one
                        // goes to an instance drawn afresh.
                        let Ok(next) = TcpStream::connect(inner.pick()).await else {
                            return;
                        };
                        let _ = next.set_nodelay(true);
                        (sr, sw) = next.into_split();
                    }
                }
                match fault {
                    Fault::Drop => {
                        stats.drops.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    Fault::Status(code) => {
                        held.extend_from_slice(chunk);
                        if request_len(&held).is_some_and(|len| held.len() >= len) {
                            stats.statuses.fetch_add(1, Ordering::SeqCst);
                            let head = format!(
                                "HTTP/1.1 {code} Proxy Fault\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                STATUS_BODY.len()
                            );
                            let _ = cw.write_all(head.as_bytes()).await;
                            let _ = cw.write_all(STATUS_BODY.as_bytes()).await;
                            let _ = cw.shutdown().await;
                            return;
                        }
                    }
                    Fault::Pass | Fault::Cut | Fault::Delay => {
                        stats.bytes_up.fetch_add(n as u64, Ordering::SeqCst);
                        if sw.write_all(chunk).await.is_err() {
                            return;
                        }
                        inner.forwarded.notify_waiters();
                    }
                }
            }
            r = sr.read(&mut sbuf) => {
                let n = match r { Ok(0) | Err(_) => return, Ok(n) => n };
                let first_bytes = !answered;
                answered = true;
                if first_bytes && fault == Fault::Cut {
                    // The server answered: it has committed. The client never hears it.
                    stats.cuts.fetch_add(1, Ordering::SeqCst);
                    return;
                }
                if first_bytes && fault == Fault::Delay {
                    stats.delays.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(inner.delay).await;
                }
                stats.bytes_down.fetch_add(n as u64, Ordering::SeqCst);
                if cw.write_all(sbuf.get(..n).unwrap_or_default()).await.is_err() {
                    return;
                }
            }
        }
    }
}
