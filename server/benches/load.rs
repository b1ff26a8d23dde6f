//! Load benchmark of tokhai-server (a bench binary that prints a table; not a timed test).
//!
//! ```sh
//! cargo bench -p tokhai-server --bench load                 # 1M stored check-ins for tracing
//! cargo bench -p tokhai-server --bench load -- --big        # also 10M
//! cargo bench -p tokhai-server --bench load -- --seconds 5  # shorter upload runs (default 10 s)
//! cargo bench -p tokhai-server --bench load -- --only sqlite --no-trace --clients-50 4
//! cargo bench -p tokhai-server --bench load -- --portal --big   # the portal's API at 1M and 10M only
//! ```
//!
//! Options: `--only sqlite|postgresql`, `--no-uploads`, `--no-trace`, `--clients-1 N` (default 32) and
//! `--clients-50 N` (default 8) concurrent keep-alive clients for the two batch sizes.
//!
//! For SQLite and, when it answers at 127.0.0.1:5432, PostgreSQL — server, database and load generator on
//! the same machine — it measures:
//! - check-in upload throughput and p50/p99 latency through HTTP (`POST /v1/sync/upload`, keep-alive
//!   clients) at batch sizes 1 and 50;
//! - the raw insert rate of the same rows (the same multi-row `INSERT … ON CONFLICT DO NOTHING`, same batch
//!   size and concurrency, straight through the database driver: no HTTP, no session check, no store
//!   logic) in the same run; the ratio is the server's overhead;
//! - tracing latency (`GET /v1/cases/{id}/trace`) for a case with 20 visits among 1M (and 10M) check-ins;
//! - at the same sizes, the web portal's place dashboard (`/place`, issue 11): the API calls its page makes
//!   once signed in, in the page's order (the session, the checkpoint list, then the chosen checkpoint's
//!   visits of the last 24 hours, occupancy, stats, staff and poster image together), for a manager of one
//!   of the generated checkpoints (≈ 1 in 5,000 of the check-ins) and the bench's 200 others.
//!   `--portal` runs only the fills, the traces and the dashboard (no uploads).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokhai_core::{Clock as _, SystemClock};
use tokhai_server::store::{
    Backend, CheckpointInfo, NewCheckpoint, Postgres, Scope, Sqlite, Store, StoreUrl, Value as SqlValue,
    VisitRow, open_store,
};
use tokhai_server::{AppState, Config, DevSms, Kek, OtpLimits, router};

const ACCOUNTS: usize = 64;
const CHECKPOINTS: usize = 200;
const TRACE_SUBJECTS: i64 = 50_000;
const TRACE_CHECKPOINTS: i64 = 5_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

struct Bench {
    db: Db,
    store: Arc<dyn Store>,
    raw: Arc<dyn Backend>,
    base: String,
    client: reqwest::Client,
    tokens: Vec<String>,
    checkpoints: Vec<i64>,
    sms: DevSms,
    _dir: tempfile::TempDir,
    pg_name: Option<String>,
}

#[derive(Default, Clone)]
struct Run {
    visits_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn pg_admin() -> Option<tokio_postgres::Client> {
    pg_admin_of("postgres").await
}

async fn pg_admin_of(db: &str) -> Option<tokio_postgres::Client> {
    let url = format!("postgres://postgres@127.0.0.1:5432/{db}");
    let (c, conn) = tokio::time::timeout(
        Duration::from_secs(3),
        tokio_postgres::connect(&url, tokio_postgres::NoTls),
    )
    .await
    .ok()?
    .ok()?;
    tokio::spawn(conn);
    Some(c)
}

async fn setup(db: Db) -> Option<Bench> {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_name) = match db {
        Db::Sqlite => (StoreUrl::Sqlite(dir.path().join("bench.sqlite3")), None),
        Db::Postgres => {
            let admin = pg_admin().await?;
            let name = format!("tokhai_bench_{}", std::process::id());
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .ok()?;
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
                .ok()?;
            (
                StoreUrl::Postgres(format!("postgres://postgres@127.0.0.1:5432/{name}")),
                Some(name),
            )
        }
    };
    let mut config = Config::for_tests(url.clone(), dir.path().to_owned());
    config.otp_limits = OtpLimits {
        per_phone: 1000,
        per_phone_captcha: 1_000_000,
        per_client: 100_000,
        per_client_captcha: 100_000,
        global: 100_000,
        guesses_per_client: 100_000,
    };
    let store = open_store(&url, config.db_max_connections).await.unwrap();
    let raw: Arc<dyn Backend> = match &url {
        StoreUrl::Sqlite(p) => Arc::new(Sqlite::open(p).unwrap()),
        StoreUrl::Postgres(u) => Arc::new(Postgres::connect(u, 16).unwrap()),
    };
    let sms = DevSms::new();
    let state = AppState::new(
        config,
        store.clone(),
        Arc::new(SystemClock),
        &Kek::generate().unwrap(),
        Arc::new(sms.clone()),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let mut b = Bench {
        db,
        store,
        raw,
        base: format!("http://{addr}"),
        client,
        tokens: vec![],
        checkpoints: vec![],
        sms,
        _dir: dir,
        pg_name,
    };
    let manager = b.account_id_for("0900000000").await;
    for i in 0..CHECKPOINTS {
        let cp = b
            .store
            .insert_checkpoint(NewCheckpoint {
                parent_id: None,
                manager_id: manager,
                info: CheckpointInfo {
                    name: format!("Điểm {i}"),
                    kind: "market".into(),
                    scheme: "v2025".into(),
                    province: 79,
                    district: None,
                    ward: 26743,
                    latitude: None,
                    longitude: None,
                    street: "Lê Lợi".into(),
                    description: String::new(),
                    default_stay_minutes: Some(60),
                },
                phone_hash: vec![0; 32],
                phone_sealed: vec![0; 40],
                now: 0,
            })
            .await
            .unwrap();
        b.checkpoints.push(cp.id);
    }
    for i in 0..ACCOUNTS {
        let token = b.sign_in(&format!("091{:07}", i + 1)).await;
        b.tokens.push(token);
    }
    Some(b)
}

impl Bench {
    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn sign_in(&self, phone: &str) -> String {
        let (s, _) = self.post("/v1/auth/otp", None, &json!({ "phone": phone })).await;
        assert_eq!(s, 202);
        let msg = self.sms.last_to(&format!("+84{}", &phone[1..])).unwrap();
        let code = msg.split("code: ").nth(1).unwrap()[..6].to_owned();
        let (s, body) = self
            .post("/v1/auth/session", None, &json!({ "phone": phone, "code": code }))
            .await;
        assert_eq!(s, 201);
        body["token"].as_str().unwrap().to_owned()
    }

    async fn account_id_for(&self, phone: &str) -> i64 {
        let token = self.sign_in(phone).await;
        let resp = self
            .client
            .get(format!("{}/v1/me", self.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    fn visit_json(&self, n: u64) -> Value {
        let cp = self.checkpoints[(n as usize) % self.checkpoints.len()];
        let now = SystemClock.now();
        json!({
            "id": uuid::Uuid::new_v4(),
            "checkpoint": { "id": cp, "parent": null, "name": "x", "kind": "market", "ward": 26743, "street": "x",
                            "default_stay_minutes": 60 },
            "checked_in_at": now - chrono::Duration::minutes(5) + chrono::Duration::milliseconds((n % 60_000) as i64),
            "checked_out_at": null, "end": "open", "edited": false
        })
    }

    /// HTTP uploads of `batch` visits per request from `clients` concurrent clients for `secs`.
    async fn upload_run(self: &Arc<Self>, batch: usize, clients: usize, secs: u64) -> Run {
        let stop = Arc::new(AtomicBool::new(false));
        let counter = Arc::new(AtomicU64::new(0));
        let errors = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (b, stop, counter, errors) = (self.clone(), stop.clone(), counter.clone(), errors.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let token = b.tokens[c % b.tokens.len()].clone();
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(batch as u64, Ordering::Relaxed);
                    let visits: Vec<Value> = (0..batch as u64).map(|i| b.visit_json(n + i)).collect();
                    let body = json!({ "visits": visits });
                    let t = Instant::now();
                    let resp = b
                        .client
                        .post(format!("{}/v1/sync/upload", b.base))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    let ok = match resp {
                        Ok(r) if r.status().is_success() => {
                            let v: Value = r.json().await.unwrap_or(Value::Null);
                            v["items"].as_array().is_some_and(|a| {
                                a.len() == batch && a.iter().all(|i| i["status"] == "accepted")
                            })
                        }
                        _ => false,
                    };
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                lat
            }));
        }
        let start = Instant::now();
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let elapsed = start.elapsed().as_secs_f64();
        all.sort_by(f64::total_cmp);
        let errors = errors.load(Ordering::Relaxed);
        Run {
            visits_per_s: (all.len() as u64 - errors) as f64 * batch as f64 / elapsed,
            p50_ms: pct(&all, 0.5),
            p99_ms: pct(&all, 0.99),
            errors,
        }
    }

    /// The same rows straight into the database with the same statement shape, batch and concurrency.
    async fn raw_run(self: &Arc<Self>, batch: usize, clients: usize, secs: u64) -> Run {
        let stop = Arc::new(AtomicBool::new(false));
        let counter = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let (b, stop, counter) = (self.clone(), stop.clone(), counter.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(batch as u64, Ordering::Relaxed);
                    let now = SystemClock.now().timestamp_millis();
                    let mut groups = Vec::new();
                    let mut params = Vec::new();
                    for i in 0..batch {
                        let row = VisitRow {
                            id: uuid::Uuid::new_v4().as_bytes().to_vec(),
                            account_id: Some(1),
                            subject: vec![1; 16],
                            checkpoint_id: b.checkpoints[(n as usize + i) % b.checkpoints.len()],
                            checked_in_at: now - 300_000,
                            checked_out_at: None,
                            ends_at: now + 3_300_000,
                            end_kind: "open".into(),
                            edited: false,
                            source: "self".into(),
                            received_at: now,
                            person_id: None,
                            scanned_by: None,
                        };
                        let k = i * 11;
                        groups.push(format!(
                            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                            k + 1, k + 2, k + 3, k + 4, k + 5, k + 6, k + 7, k + 8, k + 9, k + 10, k + 11
                        ));
                        params.extend([
                            SqlValue::Bytes(row.id),
                            SqlValue::I64(1),
                            SqlValue::Bytes(row.subject),
                            SqlValue::I64(row.checkpoint_id),
                            SqlValue::I64(row.checked_in_at),
                            SqlValue::Null,
                            SqlValue::I64(row.ends_at),
                            SqlValue::Text(row.end_kind),
                            SqlValue::Bool(false),
                            SqlValue::Text(row.source),
                            SqlValue::I64(row.received_at),
                        ]);
                    }
                    let sql = format!(
                        "INSERT INTO visits (id, account_id, subject, checkpoint_id, checked_in_at, checked_out_at, \
                         ends_at, end_kind, edited, source, received_at) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
                        groups.join(", ")
                    );
                    let t = Instant::now();
                    let mut tx = b.raw.begin().await.unwrap();
                    tx.query(&sql, params).await.unwrap();
                    tx.commit().await.unwrap();
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                lat
            }));
        }
        let start = Instant::now();
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let elapsed = start.elapsed().as_secs_f64();
        all.sort_by(f64::total_cmp);
        Run {
            visits_per_s: all.len() as f64 * batch as f64 / elapsed,
            p50_ms: pct(&all, 0.5),
            p99_ms: pct(&all, 0.99),
            errors: 0,
        }
    }

    async fn visit_count(&self) -> i64 {
        self.raw
            .query("SELECT COUNT(*) FROM visits", vec![])
            .await
            .unwrap()[0]
            .i64(0)
            .unwrap()
    }

    /// Fills the visits table up to `target` rows with generated check-ins spread over 21 days, 5,000
    /// checkpoints and 50,000 people (SQL-side generation, in chunks of one million).
    async fn fill(&self, target: i64) {
        let now = SystemClock.now().timestamp_millis();
        let span = 20 * DAY_MS;
        loop {
            let have = self.visit_count().await;
            if have >= target {
                return;
            }
            let n = (target - have).min(1_000_000);
            let (from, to) = (have + 1, have + n);
            let sql = match self.db {
                Db::Sqlite => format!(
                    "WITH RECURSIVE g(x) AS (SELECT {from} UNION ALL SELECT x + 1 FROM g WHERE x < {to}) \
                     INSERT INTO visits (id, account_id, subject, checkpoint_id, checked_in_at, checked_out_at, ends_at, \
                     end_kind, edited, source, received_at) \
                     SELECT randomblob(16), NULL, CAST(printf('%016d', x % {TRACE_SUBJECTS}) AS BLOB), \
                     100000 + x % {TRACE_CHECKPOINTS}, {base} + (x * 7919) % {span}, {base} + (x * 7919) % {span} + 3600000, \
                     {base} + (x * 7919) % {span} + 3600000, 'checked_out', 0, 'self', {now} FROM g",
                    base = now - span - DAY_MS
                ),
                Db::Postgres => format!(
                    "INSERT INTO visits (id, account_id, subject, checkpoint_id, checked_in_at, checked_out_at, ends_at, \
                     end_kind, edited, source, received_at) \
                     SELECT decode(md5('v' || x::text), 'hex'), NULL, convert_to(lpad((x % {TRACE_SUBJECTS})::text, 16, '0'), 'UTF8'), \
                     100000 + x % {TRACE_CHECKPOINTS}, {base} + (x * 7919) % {span}, {base} + (x * 7919) % {span} + 3600000, \
                     {base} + (x * 7919) % {span} + 3600000, 'checked_out', FALSE, 'self', {now} \
                     FROM generate_series({from}::bigint, {to}::bigint) AS x",
                    base = now - span - DAY_MS
                ),
            };
            let mut tx = self.raw.begin().await.unwrap();
            tx.batch(&sql).await.unwrap();
            tx.commit().await.unwrap();
            if self.db == Db::Postgres {
                // What autovacuum does for an insert-mostly table (PostgreSQL ≥ 13): statistics and the
                // visibility map, without which index-only scans still visit the heap. VACUUM cannot run
                // inside a transaction block.
                let admin = pg_admin_of(self.pg_name.as_deref().unwrap_or("postgres"))
                    .await
                    .unwrap();
                admin.batch_execute("VACUUM ANALYZE visits").await.unwrap();
            }
            eprint!(".");
        }
    }

    /// A case whose person has 20 visits at generated checkpoints, and an officer; returns the trace
    /// latency (median and max of 7 runs, after one warm-up) and the number of contacts.
    async fn trace_run(&self, tag: u32, depth: u8) -> (f64, f64, usize) {
        let case_phone = format!("0988{tag:06}");
        let case_token = self.sign_in(&case_phone).await;
        let now = SystemClock.now();
        // Visits recorded by the app at checkpoints of the generated population (ids 100000+); the
        // checkpoints are registered so that uploads accept them.
        let mut visits = Vec::new();
        for i in 0..20i64 {
            let cp = 100_000 + (i * 37 + i64::from(tag)) % TRACE_CHECKPOINTS;
            self.ensure_checkpoint(cp).await;
            let start = now - chrono::Duration::hours(2 + i * 9);
            visits.push(json!({
                "id": uuid::Uuid::new_v4(),
                "checkpoint": { "id": cp, "parent": null, "name": "x", "kind": "market", "ward": 26743, "street": "x",
                                "default_stay_minutes": 60 },
                "checked_in_at": start, "checked_out_at": start + chrono::Duration::minutes(45),
                "end": "checked_out", "edited": false
            }));
        }
        let (s, r) = self
            .post("/v1/sync/upload", Some(&case_token), &json!({ "visits": visits }))
            .await;
        assert_eq!(s, 200, "{r}");
        let officer_phone = format!("0977{tag:06}");
        let officer = self.sign_in(&officer_phone).await;
        let officer_id = {
            let resp = self
                .client
                .get(format!("{}/v1/me", self.base))
                .bearer_auth(&officer)
                .send()
                .await
                .unwrap();
            resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        };
        self.store
            .set_scopes(
                officer_id,
                &[Scope {
                    province: 79,
                    ward: 0,
                }],
            )
            .await
            .unwrap();
        let (s, case) = self
            .post("/v1/cases", Some(&officer), &json!({ "phone": case_phone, "province": 79, "ward": 26743,
                "test_date": now.date_naive(), "symptom_onset": (now - chrono::Duration::days(8)).date_naive(),
                "purpose": "contact_tracing: benchmark run" }))
            .await;
        assert_eq!(s, 201, "{case}");
        let url = format!(
            "{}/v1/cases/{}/trace?purpose=contact_tracing%3A%20benchmark%20run&buffer_minutes=15&depth={depth}",
            self.base, case["id"]
        );
        let mut times = Vec::new();
        let mut contacts = 0;
        for i in 0..8 {
            let t = Instant::now();
            let resp = self.client.get(&url).bearer_auth(&officer).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            let v: Value = resp.json().await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            contacts = v["contacts"].as_array().map_or(0, Vec::len);
            if i > 0 {
                times.push(ms);
            }
        }
        times.sort_by(f64::total_cmp);
        (pct(&times, 0.5), *times.last().unwrap(), contacts)
    }

    /// The place dashboard's API calls (as `ui/portal/src/routes/place` makes them once signed in) for the
    /// manager of generated checkpoint 100000: the median and max wall time of 7 loads after one warm-up,
    /// and the number of arrivals shown.
    async fn dashboard_run(&self) -> (f64, f64, usize) {
        let cp = 100_000i64;
        self.ensure_checkpoint(cp).await;
        let phone = "0900000000";
        let manager = self.account_id_for(phone).await;
        let mut tx = self.raw.begin().await.unwrap();
        tx.execute(
            "UPDATE checkpoints SET manager_id = $1 WHERE id = $2",
            vec![SqlValue::I64(manager), SqlValue::I64(cp)],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let token = self.sign_in(phone).await;
        let get = |path: String| {
            let req = self
                .client
                .get(format!("{}{path}", self.base))
                .bearer_auth(&token);
            async move {
                let resp = req.send().await.unwrap();
                assert_eq!(resp.status().as_u16(), 200, "{}", resp.url());
                resp.bytes().await.unwrap()
            }
        };
        let mut times = Vec::new();
        let mut arrivals = 0;
        for i in 0..8 {
            let t = Instant::now();
            get("/v1/me".into()).await;
            let list: Vec<Value> = serde_json::from_slice(&get("/v1/checkpoints".into()).await).unwrap();
            assert!(list.iter().any(|c| c["id"].as_i64() == Some(cp)));
            let (visits, _, _, _, _) = tokio::join!(
                get(format!("/v1/checkpoints/{cp}/visits")),
                get(format!("/v1/checkpoints/{cp}/occupancy")),
                get(format!("/v1/checkpoints/{cp}/stats")),
                get(format!("/v1/checkpoints/{cp}/staff")),
                get(format!("/v1/checkpoints/{cp}/poster?format=png")),
            );
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            arrivals = serde_json::from_slice::<Vec<Value>>(&visits).unwrap().len();
            if i > 0 {
                times.push(ms);
            }
        }
        times.sort_by(f64::total_cmp);
        (pct(&times, 0.5), *times.last().unwrap(), arrivals)
    }

    async fn ensure_checkpoint(&self, id: i64) {
        let sql = "INSERT INTO checkpoints (id, parent_id, root_id, manager_id, name, kind, phone_hash, phone_sealed, \
                   scheme, province, district, ward, latitude, longitude, street, description, default_stay_minutes, \
                   active, created_at, updated_at) VALUES ($1, NULL, $1, 1, 'gen', 'market', $2, $2, 'v2025', 79, NULL, \
                   26743, NULL, NULL, 'x', '', 60, TRUE, 0, 0) ON CONFLICT (id) DO NOTHING";
        let mut tx = self.raw.begin().await.unwrap();
        tx.execute(sql, vec![SqlValue::I64(id), SqlValue::Bytes(vec![0; 8])])
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}

async fn drop_pg(name: &str) {
    if let Some(admin) = pg_admin().await {
        let _ = admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

fn main() {
    tokhai_server::install_tls_provider();
    let args: Vec<String> = std::env::args().collect();
    let big = args.iter().any(|a| a == "--big");
    let secs = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(10u64);
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    // Closed-loop clients: each waits for its answer before sending again, so latency is the queue they
    // make (concurrency ÷ throughput). 32 single-visit clients and 8 clients of 50 keep the server busy
    // without turning the test into a measure of queue length on a 2-core machine.
    let clients_1 = flag("--clients-1", 32);
    let clients_50 = flag("--clients-50", 8);
    let portal = args.iter().any(|a| a == "--portal");
    let uploads = !portal && !args.iter().any(|a| a == "--no-uploads");
    let tracing = !args.iter().any(|a| a == "--no-trace");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut lines = Vec::new();
        for db in [Db::Sqlite, Db::Postgres] {
            if only.as_deref().is_some_and(|o| !db.name().eq_ignore_ascii_case(o)) {
                continue;
            }
            eprintln!("== {}: setting up", db.name());
            let Some(b) = setup(db).await else {
                eprintln!("{}: not reachable, skipped", db.name());
                continue;
            };
            let b = Arc::new(b);
            let runs = if uploads { vec![(1usize, clients_1), (50, clients_50)] } else { vec![] };
            for (batch, clients) in runs {
                // Alternate raw and HTTP runs (raw, HTTP, raw, HTTP) and keep the better of each, so that
                // neither gains from running on a smaller table or a fresher WAL.
                let mut http = Run::default();
                let mut raw = Run::default();
                for _ in 0..2 {
                    eprintln!("{}: raw inserts, batch {batch}, {clients} clients, {secs} s", db.name());
                    let r = b.raw_run(batch, clients, secs).await;
                    if r.visits_per_s > raw.visits_per_s {
                        raw = r;
                    }
                    eprintln!("{}: uploads, batch {batch}, {clients} clients, {secs} s", db.name());
                    let h = b.upload_run(batch, clients, secs).await;
                    if h.visits_per_s > http.visits_per_s {
                        http = h;
                    }
                }
                lines.push(format!(
                    "| {} | upload, batch {batch} ({clients} clients) | {:.0} | {:.1} | {:.1} | {:.0} | {:.1}× | {} |",
                    db.name(),
                    http.visits_per_s,
                    http.p50_ms,
                    http.p99_ms,
                    raw.visits_per_s,
                    raw.visits_per_s / http.visits_per_s.max(1.0),
                    http.errors
                ));
            }
            let sizes: &[i64] = match (tracing, big) {
                (false, _) => &[],
                (true, true) => &[1_000_000, 10_000_000],
                (true, false) => &[1_000_000],
            };
            for (i, &n) in sizes.iter().enumerate() {
                eprint!("{}: filling to {n} visits", db.name());
                let t = Instant::now();
                b.fill(n).await;
                eprintln!(" {:.0} s", t.elapsed().as_secs_f64());
                for depth in [1u8, 2] {
                    let (p50, max, contacts) = b.trace_run(i as u32 * 2 + u32::from(depth), depth).await;
                    let what = if depth == 1 { "F1" } else { "F1+F2" };
                    lines.push(format!(
                        "| {} | trace {what}, 20 visits among {} M check-ins ({contacts} contacts) | | {p50:.1} | {max:.1} (max of 7) | | | |",
                        db.name(),
                        b.visit_count().await / 1_000_000
                    ));
                }
                let (p50, max, arrivals) = b.dashboard_run().await;
                lines.push(format!(
                    "| {} | portal dashboard API ({arrivals} arrivals in 24 h, 201 checkpoints) among {} M check-ins | | {p50:.1} | {max:.1} (max of 7) | | | |",
                    db.name(),
                    b.visit_count().await / 1_000_000
                ));
            }
            if let Some(name) = b.pg_name.clone() {
                drop(b);
                drop_pg(&name).await;
            }
        }
        println!("| database | run | check-ins/s (HTTP) | p50 ms | p99 ms | raw inserts/s | raw ÷ HTTP | errors |");
        println!("|---|---|---|---|---|---|---|---|");
        for l in lines {
            println!("{l}");
        }
    });
}
