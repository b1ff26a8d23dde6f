//! The real tokhai-server, in process, on `127.0.0.1:0`, on a runtime of its own so that a test can kill
//! it (every task dropped at its next await, like a process that dies) and start it again on the same
//! database and key. SQLite in a temporary folder, or a throw-away PostgreSQL database on the test
//! process's own throw-away cluster (`tokhai_server::testing`; skipped without PostgreSQL's server
//! programs, unless `TOKHAI_CI=1`).

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use tokhai_core::{Clock, FixedClock};
use tokhai_server::store::{Scope, StoreUrl, VisitRow, open_replica, open_store};
use tokhai_server::testing::{Faults, PgTestDb, open_faulty_store};
use tokhai_server::{AppState, Config, DevSms, Kek, OtpLimits};

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL (a throw-away database).
    Postgres,
}

/// The fixed instant every test starts at (the server's clock; devices follow it unless a test skews
/// theirs).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 20, 8, 0, 0).unwrap()
}

/// One running (or stopped) server.
pub struct TestServer {
    /// Which database.
    pub db: Db,
    /// The server's clock.
    pub clock: Arc<FixedClock>,
    /// One-time codes land here.
    pub sms: DevSms,
    state: AppState,
    addr: SocketAddr,
    rt: Option<tokio::runtime::Runtime>,
    /// Tells the running server to drain (`drain`), and hears when it has.
    stop: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::sync::oneshot::Receiver<()>,
    )>,
    url: StoreUrl,
    config: Config,
    kek: String,
    faults: Option<Arc<Faults>>,
    _dir: tempfile::TempDir,
    _pg: Option<PgTestDb>,
    http: reqwest::Client,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("db", &self.db)
            .field("addr", &self.addr)
            .finish()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

type Stop = (
    tokio::sync::oneshot::Sender<()>,
    tokio::sync::oneshot::Receiver<()>,
);

async fn launch(
    config: Config,
    url: StoreUrl,
    clock: Arc<FixedClock>,
    kek: &str,
    sms: DevSms,
    faults: Option<Arc<Faults>>,
) -> (tokio::runtime::Runtime, AppState, SocketAddr, Stop) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tokhai-server")
        .enable_all()
        .build()
        .unwrap();
    let kek = Kek::from_base64(kek).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    rt.spawn(async move {
        let store = match faults {
            Some(faults) => open_faulty_store(&url, 16, faults).await.unwrap(),
            None => open_store(&url, 16).await.unwrap(),
        };
        let reads = config.read_database.clone();
        let mut state = AppState::new(config, store, clock, &kek, Arc::new(sms))
            .await
            .unwrap()
            .with_captcha_peek();
        if let Some(reads) = reads {
            state = state.with_reads(open_replica(&reads, 16).await.unwrap());
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _ = tx.send((state.clone(), addr));
        // The binary's serving path: on `drain`, readiness fails, then accepted requests finish.
        let stop = async move {
            let _ = stop_rx.await;
        };
        let _ = tokhai_server::serve_on(listener, state, stop).await;
        let _ = done_tx.send(());
    });
    let (state, addr) = rx.await.unwrap();
    (rt, state, addr, (stop_tx, done_rx))
}

impl TestServer {
    /// Starts a server on a fresh database; `None` when PostgreSQL is wanted but missing (skipped).
    pub async fn start(db: Db) -> Option<Self> {
        Self::start_with(db, |_| {}).await
    }

    /// Like `start`, with the configuration changed by `tweak` (for tests of the limits themselves:
    /// the default test configuration lifts them for hundreds of simulated devices).
    pub async fn start_with(db: Db, tweak: impl FnOnce(&mut Config)) -> Option<Self> {
        Self::start_inner(db, tweak, None).await
    }

    /// Like `start`, on a database backend whose storing steps `faults` may fail
    /// (`tokhai_server::testing::FaultyBackend`).
    pub async fn start_faulty(db: Db, faults: Arc<Faults>) -> Option<Self> {
        Self::start_inner(db, |_| {}, Some(faults)).await
    }

    async fn start_inner(
        db: Db,
        tweak: impl FnOnce(&mut Config),
        faults: Option<Arc<Faults>>,
    ) -> Option<Self> {
        tokhai_server::install_tls_provider();
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match db {
            Db::Sqlite => (StoreUrl::Sqlite(dir.path().join("server.sqlite3")), None),
            Db::Postgres => {
                let pg = PgTestDb::create("tokhai_e2e").await?;
                (StoreUrl::Postgres(pg.url()), Some(pg))
            }
        };
        let clock = Arc::new(FixedClock::new(t0()));
        let sms = DevSms::new();
        let kek = Kek::generate().unwrap().to_base64().to_string();
        let mut config = Self::config(&url, dir.path());
        tweak(&mut config);
        let (rt, state, addr, stop) = launch(
            config.clone(),
            url.clone(),
            clock.clone(),
            &kek,
            sms.clone(),
            faults.clone(),
        )
        .await;
        Some(Self {
            db,
            clock,
            sms,
            state,
            addr,
            rt: Some(rt),
            stop: Some(stop),
            url,
            config,
            kek,
            faults,
            _dir: dir,
            _pg: pg,
            http: reqwest::Client::new(),
        })
    }

    /// `n` instances of the server on one fresh PostgreSQL database (the same key-encryption key, clock
    /// and SMS sender), each configured by `tweak`, started one after the other; `None` when
    /// PostgreSQL is missing (skipped). The first one owns the database.
    pub async fn start_cluster(n: usize, tweak: impl Fn(&mut Config)) -> Option<Vec<Self>> {
        let first = Self::start_with(Db::Postgres, &tweak).await?;
        let mut all = Vec::with_capacity(n);
        for _ in 1..n {
            all.push(first.sibling(&tweak).await);
        }
        all.insert(0, first);
        Some(all)
    }

    /// A server on an existing PostgreSQL database `url` (which the caller owns), configured by `tweak`.
    pub async fn start_on(url: &str, tweak: impl FnOnce(&mut Config)) -> Self {
        tokhai_server::install_tls_provider();
        let dir = tempfile::tempdir().unwrap();
        let url = StoreUrl::Postgres(url.to_owned());
        let clock = Arc::new(FixedClock::new(t0()));
        let sms = DevSms::new();
        let kek = Kek::generate().unwrap().to_base64().to_string();
        let mut config = Self::config(&url, dir.path());
        tweak(&mut config);
        let (rt, state, addr, stop) = launch(
            config.clone(),
            url.clone(),
            clock.clone(),
            &kek,
            sms.clone(),
            None,
        )
        .await;
        Self {
            db: Db::Postgres,
            clock,
            sms,
            state,
            addr,
            rt: Some(rt),
            stop: Some(stop),
            url,
            config,
            kek,
            faults: None,
            _dir: dir,
            _pg: None,
            http: reqwest::Client::new(),
        }
    }

    /// Another instance of this server (same database, key, clock and SMS sender), configured by
    /// `tweak` on top of this one's configuration.
    pub async fn sibling(&self, tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = self.config.clone();
        tweak(&mut config);
        let (rt, state, addr, stop) = launch(
            config.clone(),
            self.url.clone(),
            self.clock.clone(),
            &self.kek,
            self.sms.clone(),
            self.faults.clone(),
        )
        .await;
        Self {
            db: self.db,
            clock: self.clock.clone(),
            sms: self.sms.clone(),
            state,
            addr,
            rt: Some(rt),
            stop: Some(stop),
            url: self.url.clone(),
            config,
            kek: self.kek.clone(),
            faults: self.faults.clone(),
            _dir: dir,
            _pg: None,
            http: reqwest::Client::new(),
        }
    }

    /// Drains the server as SIGTERM does (`tokhai_server::serve_on`): readiness fails, the listener
    /// closes, and every request it accepted is answered; returns once it stopped serving.
    pub async fn drain(&mut self) {
        if let Some((stop, done)) = self.stop.take() {
            let _ = stop.send(());
            let _ = done.await;
        }
    }

    fn config(url: &StoreUrl, dir: &std::path::Path) -> Config {
        let mut config = Config::for_tests(url.clone(), dir.to_owned());
        // Hundreds of simulated devices sign in from one address.
        config.otp_limits = OtpLimits {
            per_phone: 1_000,
            per_phone_captcha: 1_000,
            per_client: 1_000_000,
            per_client_captcha: 1_000_000,
            global: 1_000_000,
            guesses_per_client: 1_000_000,
        };
        // …and register many checkpoints from it.
        config.captchas_per_client = 1_000_000;
        config
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://addr`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's state (its store, for checking what it holds).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Kills the server: every task of its runtime is dropped where it stands.
    pub fn kill(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }

    /// Starts it again on the same database and key (a new port: tell the proxy).
    pub async fn restart(&mut self) -> SocketAddr {
        self.kill();
        let (rt, state, addr, stop) = launch(
            self.config.clone(),
            self.url.clone(),
            self.clock.clone(),
            &self.kek,
            self.sms.clone(),
            self.faults.clone(),
        )
        .await;
        self.rt = Some(rt);
        self.stop = Some(stop);
        self.state = state;
        self.addr = addr;
        addr
    }

    /// A JSON request straight to the server (no proxy).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.url()));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let value = resp.json().await.unwrap_or(Value::Null);
        (status, value)
    }

    /// The one-time code last texted to `phone` (national form, `09…`).
    pub fn last_code(&self, phone: &str) -> String {
        let e164 = format!("+84{}", phone.get(1..).unwrap_or_default());
        let msg = self.sms.last_to(&e164).unwrap();
        msg.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap()
            .to_owned()
    }

    /// Signs in by one-time code straight at the server; returns the token.
    pub async fn sign_in(&self, phone: &str) -> String {
        let (s, _) = self
            .call(
                reqwest::Method::POST,
                "/v1/auth/otp",
                None,
                Some(json!({ "phone": phone })),
            )
            .await;
        assert_eq!(s, 202);
        let code = self.last_code(phone);
        let (s, body) = self
            .call(
                reqwest::Method::POST,
                "/v1/auth/session",
                None,
                Some(json!({ "phone": phone, "code": code })),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Registers a checkpoint managed by `phone`; returns its id.
    pub async fn register(&self, phone: &str, name: &str) -> u64 {
        self.register_view(phone, name).await["id"].as_u64().unwrap()
    }

    /// Registers a checkpoint managed by `phone`; returns the server's view of it (`id`, signed `code`…).
    pub async fn register_view(&self, phone: &str, name: &str) -> Value {
        let (s, body) = self.call(reqwest::Method::POST, "/v1/captcha", None, None).await;
        assert_eq!(s, 201);
        let id = body["id"].as_str().unwrap().to_owned();
        let answer = self.state.peek_captcha(&id).unwrap();
        let (s, body) = self
            .call(
                reqwest::Method::POST,
                "/v1/checkpoints",
                None,
                Some(json!({
                    "captcha_id": id, "captcha_answer": answer, "phone": phone,
                    "name": name, "kind": "market", "scheme": "v2025", "province": 79, "ward": 26743,
                    "latitude": 10.772, "longitude": 106.698, "street": "Lê Lợi", "description": "cổng Bắc",
                    "default_stay_minutes": 60
                })),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        body
    }

    /// Signs in `phone` and makes it an officer of province 79 (every ward); returns the token.
    pub async fn officer(&self, phone: &str) -> String {
        use base64::Engine as _;
        let token = self.sign_in(phone).await;
        let (_, me) = self
            .call(reqwest::Method::GET, "/v1/me", Some(&token), None)
            .await;
        let subject = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(me["subject"].as_str().unwrap())
            .unwrap();
        let store = self.state.store();
        let account = store.account_by_subject(&subject).await.unwrap().unwrap();
        store
            .set_scopes(
                account.id,
                &[Scope {
                    province: 79,
                    ward: 0,
                }],
            )
            .await
            .unwrap();
        token
    }

    /// Registers the person of `phone` as a case tested today (by the officer of `token`); the trace
    /// (`buffer_minutes=0`, `depth=1`) as JSON.
    pub async fn trace_case(&self, token: &str, phone: &str) -> Value {
        let today = self.clock.now().date_naive();
        let (s, case) = self
            .call(
                reqwest::Method::POST,
                "/v1/cases",
                Some(token),
                Some(
                    json!({ "phone": phone, "province": 79, "ward": 26743, "test_date": today,
                    "symptom_onset": null, "purpose": "case_investigation: ca F0 tại chợ" }),
                ),
            )
            .await;
        assert_eq!(s, 201, "{case}");
        let path = format!(
            "/v1/cases/{}/trace?purpose=contact_tracing%3A%20truy%20vet%20ca%20F0&buffer_minutes=0&depth=1",
            case["id"]
        );
        let (s, trace) = self.call(reqwest::Method::GET, &path, Some(token), None).await;
        assert_eq!(s, 200, "{trace}");
        trace
    }

    /// Every visit the server holds at `checkpoints`.
    pub async fn visits(&self, checkpoints: &[u64]) -> Vec<VisitRow> {
        let ids: Vec<i64> = checkpoints.iter().map(|c| i64::try_from(*c).unwrap()).collect();
        self.state
            .store()
            .visits_overlapping(&ids, i64::MIN / 4, i64::MAX / 4, 10_000_000)
            .await
            .unwrap()
    }
}
