//! Scale benchmark of tokhai-server on PostgreSQL (issue 16; a bench binary that prints tables, not a
//! timed test). It starts a throw-away PostgreSQL cluster of its own (`tokhai_server::testing`), so it
//! needs PostgreSQL's server programs (Debian package `postgresql`).
//!
//! ```sh
//! cargo bench -p tokhai-server --bench scale                         # purge at 2 M visits, uploads 5 s
//! cargo bench -p tokhai-server --bench scale -- --rows 10000000      # purge at 10 M visits
//! cargo bench -p tokhai-server --bench scale -- --no-purge --seconds 4 --clients 8
//! ```
//!
//! 1. **Retention purge before and after partitioning**: the same visits (spread evenly over 22 days)
//!    in a plain table with migration 2's indexes (the layout before migration 7) and in the day
//!    partitions of migration 7; the purge at 21 days deletes the plain table's oldest day by row
//!    (then what VACUUM must do after that delete) and drops the partitioned table's oldest day
//!    (`Store::purge`, as the server runs it).
//! 2. **Batched uploads with 1, 2 and 3 server instances** on one database (in this process: each its
//!    own `AppState`, store, pool and listener; clients send each request to the next instance), batch
//!    50, against the raw insert rate of the same rows (the same multi-row `INSERT … ON CONFLICT DO
//!    NOTHING`, same batch and concurrency, through the driver: no HTTP, no session, no look-up) in the
//!    same run. Server, database and load generator share the machine's cores.

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
    Backend, CheckpointInfo, NewCheckpoint, Postgres, Store, StoreUrl, Value as SqlValue, open_store,
};
use tokhai_server::testing::PgCluster;
use tokhai_server::{AppState, Config, DevSms, Kek, OtpLimits, router};

const DAY_MS: i64 = 86_400_000;
const CHECKPOINTS: usize = 200;

fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn admin(url: &str) -> tokio_postgres::Client {
    let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    c
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// Part 1: purge time before and after partitioning, at `rows` visits.
async fn purge_bench(cluster: &PgCluster, rows: i64) -> Vec<String> {
    let db = admin(&cluster.url("postgres")).await;
    db.batch_execute("CREATE DATABASE scale_purge").await.unwrap();
    let url = cluster.url("scale_purge");
    let store = open_store(&StoreUrl::Postgres(url.clone()), 4).await.unwrap();
    let now = SystemClock.now().timestamp_millis();
    let span = 22 * DAY_MS;
    let base = now - span;
    store.prepare_partitions(base, now + DAY_MS).await.unwrap();
    let c = admin(&url).await;
    c.batch_execute(
        "CREATE TABLE visits_plain (LIKE visits INCLUDING DEFAULTS); \
         ALTER TABLE visits_plain ADD PRIMARY KEY (id); \
         CREATE INDEX plain_by_checkpoint ON visits_plain (checkpoint_id, checked_in_at, ends_at, subject); \
         CREATE INDEX plain_by_subject ON visits_plain (subject, checked_in_at, checkpoint_id, ends_at); \
         CREATE INDEX plain_by_time ON visits_plain (ends_at); \
         CREATE INDEX plain_open ON visits_plain (checkpoint_id) WHERE checked_out_at IS NULL",
    )
    .await
    .unwrap();
    let t = Instant::now();
    let mut from = 1i64;
    while from <= rows {
        let to = (from + 999_999).min(rows);
        for table in ["visits", "visits_plain"] {
            // Arrivals spread evenly over the 22 days (x * 7919 mod span), stays of an hour.
            c.batch_execute(&format!(
                "INSERT INTO {table} (id, account_id, subject, checkpoint_id, checked_in_at, checked_out_at, ends_at, \
                 end_kind, edited, source, received_at) \
                 SELECT decode(md5('v' || x::text), 'hex'), NULL, convert_to(lpad((x % 50000)::text, 16, '0'), 'UTF8'), \
                 100000 + x % 5000, {base} + (x * 7919) % {span}, {base} + (x * 7919) % {span} + 3600000, \
                 {base} + (x * 7919) % {span} + 3600000, 'checked_out', FALSE, 'self', {now} \
                 FROM generate_series({from}::bigint, {to}::bigint) AS x"
            ))
            .await
            .unwrap();
        }
        eprint!(".");
        from = to + 1;
    }
    // One statement each: VACUUM cannot run in a transaction block.
    for table in ["visits", "visits_plain"] {
        c.batch_execute(&format!("VACUUM ANALYZE {table}")).await.unwrap();
    }
    eprintln!(" filled {rows} visits twice in {:.0} s", secs(t));
    let cutoff = now - 21 * DAY_MS;

    let t = Instant::now();
    let deleted = c
        .execute("DELETE FROM visits_plain WHERE ends_at < $1", &[&cutoff])
        .await
        .unwrap();
    let delete_s = secs(t);
    let t = Instant::now();
    c.batch_execute("VACUUM visits_plain").await.unwrap();
    let vacuum_s = secs(t);

    let t = Instant::now();
    let counts = store.purge(cutoff, now).await.unwrap();
    let drop_s = secs(t);
    let m = rows as f64 / 1e6;
    vec![
        format!(
            "| before (one table, migration 2's indexes) | {m:.1} M | DELETE by row | {deleted} | {:.2} s (+ VACUUM {:.2} s) |",
            delete_s, vacuum_s
        ),
        format!(
            "| after (day partitions, migration 7) | {m:.1} M | drop whole days (`Store::purge`) | {} | {:.3} s |",
            counts.visits, drop_s
        ),
    ]
}

/// Part 2's fixture: `instances` servers on one database, signed-in clients, checkpoints.
struct Fleet {
    bases: Vec<String>,
    tokens: Vec<String>,
    checkpoints: Vec<i64>,
    client: reqwest::Client,
    raw: Arc<dyn Backend>,
}

async fn fleet(url: &str, instances: usize) -> Fleet {
    let store_url = StoreUrl::Postgres(url.to_owned());
    let sms = DevSms::new();
    let kek = Kek::generate().unwrap();
    let mut bases = Vec::new();
    let mut first_store: Option<Arc<dyn Store>> = None;
    for _ in 0..instances {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(store_url.clone(), dir.path().to_owned());
        config.otp_limits = OtpLimits {
            per_phone: 1_000,
            per_phone_captcha: 1_000,
            per_client: 1_000_000,
            per_client_captcha: 1_000_000,
            global: 1_000_000,
            guesses_per_client: 1_000_000,
        };
        let store = open_store(&store_url, config.db_max_connections).await.unwrap();
        first_store.get_or_insert_with(|| store.clone());
        let state = AppState::new(config, store, Arc::new(SystemClock), &kek, Arc::new(sms.clone()))
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        bases.push(format!("http://{}", listener.local_addr().unwrap()));
        let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    }
    let store = first_store.unwrap();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let sign_in = |phone: String, base: String| {
        let (client, sms) = (client.clone(), sms.clone());
        async move {
            let r = client
                .post(format!("{base}/v1/auth/otp"))
                .json(&json!({ "phone": phone }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 202);
            let msg = sms.last_to(&format!("+84{}", &phone[1..])).unwrap();
            let code = msg.split("code: ").nth(1).unwrap()[..6].to_owned();
            let r = client
                .post(format!("{base}/v1/auth/session"))
                .json(&json!({ "phone": phone, "code": code }))
                .send()
                .await
                .unwrap();
            r.json::<Value>().await.unwrap()["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let manager_token = sign_in("0900000000".into(), bases[0].clone()).await;
    let me: Value = client
        .get(format!("{}/v1/me", bases[0]))
        .bearer_auth(&manager_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let manager = me["id"].as_i64().unwrap();
    let mut checkpoints = Vec::new();
    for i in 0..CHECKPOINTS {
        let cp = store
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
        checkpoints.push(cp.id);
    }
    let mut tokens = Vec::new();
    for i in 0..32 {
        tokens.push(sign_in(format!("091{:07}", i + 1), bases[i % bases.len()].clone()).await);
    }
    Fleet {
        bases,
        tokens,
        checkpoints,
        client,
        raw: Arc::new(Postgres::connect(url, 16).unwrap()),
    }
}

#[derive(Default, Clone, Copy)]
struct Run {
    per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

impl Fleet {
    fn visit_json(&self, n: u64) -> Value {
        let cp = self.checkpoints[(n as usize) % self.checkpoints.len()];
        json!({
            "id": uuid::Uuid::new_v4(),
            "checkpoint": { "id": cp, "parent": null, "name": "x", "kind": "market", "ward": 26743, "street": "x",
                            "default_stay_minutes": 60 },
            "checked_in_at": SystemClock.now() - chrono::Duration::minutes(5), "checked_out_at": null,
            "end": "open", "edited": false
        })
    }

    /// Closed-loop clients for `secs`: HTTP uploads of `batch` (request k to instance k mod n), or the
    /// raw statement.
    async fn run(self: &Arc<Self>, raw: bool, batch: usize, clients: usize, secs: u64) -> Run {
        let stop = Arc::new(AtomicBool::new(false));
        let counter = Arc::new(AtomicU64::new(0));
        let errors = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (f, stop, counter, errors) = (self.clone(), stop.clone(), counter.clone(), errors.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let token = f.tokens[c % f.tokens.len()].clone();
                let mut k = c;
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(batch as u64, Ordering::Relaxed);
                    let t = Instant::now();
                    let ok = if raw {
                        f.raw_insert(n, batch).await;
                        true
                    } else {
                        let visits: Vec<Value> = (0..batch as u64).map(|i| f.visit_json(n + i)).collect();
                        k += 1;
                        let resp = f
                            .client
                            .post(format!("{}/v1/sync/upload", f.bases[k % f.bases.len()]))
                            .bearer_auth(&token)
                            .json(&json!({ "visits": visits }))
                            .send()
                            .await;
                        match resp {
                            Ok(r) if r.status().is_success() => {
                                let v: Value = r.json().await.unwrap_or(Value::Null);
                                v["items"].as_array().is_some_and(|a| {
                                    a.len() == batch && a.iter().all(|i| i["status"] == "accepted")
                                })
                            }
                            _ => false,
                        }
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
            per_s: (all.len() as u64 - errors) as f64 * batch as f64 / elapsed,
            p50_ms: pct(&all, 0.5),
            p99_ms: pct(&all, 0.99),
            errors,
        }
    }

    async fn raw_insert(&self, n: u64, batch: usize) {
        let now = SystemClock.now().timestamp_millis();
        let mut groups = Vec::with_capacity(batch);
        let mut params = Vec::with_capacity(batch * 12);
        for i in 0..batch {
            let k = i * 12;
            groups.push(format!(
                "({})",
                (k + 1..=k + 12)
                    .map(|j| format!("${j}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            params.extend([
                SqlValue::Bytes(uuid::Uuid::new_v4().as_bytes().to_vec()),
                SqlValue::I64(1),
                SqlValue::Bytes(vec![1; 16]),
                SqlValue::I64(self.checkpoints[(n as usize + i) % self.checkpoints.len()]),
                SqlValue::I64(now - 300_000),
                SqlValue::Null,
                SqlValue::I64(now + 3_300_000),
                SqlValue::Text("open".into()),
                SqlValue::Bool(false),
                SqlValue::Text("self".into()),
                SqlValue::I64(now),
                SqlValue::Bytes(vec![2; 16]),
            ]);
        }
        let sql = format!(
            "INSERT INTO visits (id, account_id, subject, checkpoint_id, checked_in_at, checked_out_at, ends_at, \
             end_kind, edited, source, received_at, person_id) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
            groups.join(", ")
        );
        let mut tx = self.raw.begin().await.unwrap();
        tx.query(&sql, params).await.unwrap();
        tx.commit().await.unwrap();
    }
}

fn main() {
    tokhai_server::install_tls_provider();
    let args: Vec<String> = std::env::args().collect();
    let rows: i64 = flag(&args, "--rows", 2_000_000);
    let seconds: u64 = flag(&args, "--seconds", 5);
    let clients: usize = flag(&args, "--clients", 8);
    let batch: usize = flag(&args, "--batch", 50);
    let purge = !args.iter().any(|a| a == "--no-purge");
    let uploads = !args.iter().any(|a| a == "--no-uploads");
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cluster = match PgCluster::start() {
        Ok(c) => c,
        Err(why) => {
            eprintln!("no PostgreSQL for the benchmark: {why}");
            return;
        }
    };
    rt.block_on(async move {
        if purge {
            eprintln!("== retention purge at {rows} visits");
            let lines = purge_bench(&cluster, rows).await;
            println!("\n| layout | visits | purge | visits removed | time |");
            println!("|---|---|---|---|---|");
            for l in lines {
                println!("{l}");
            }
        }
        if uploads {
            let mut lines = Vec::new();
            for n in 1..=3usize {
                let db = admin(&cluster.url("postgres")).await;
                let name = format!("scale_upload_{n}");
                db.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
                let f = Arc::new(fleet(&cluster.url(&name), n).await);
                // Raw, HTTP, raw, HTTP: keep the better of each (neither gains from a smaller table).
                let (mut raw, mut http) = (Run::default(), Run::default());
                for _ in 0..2 {
                    eprintln!("{n} instance(s): raw inserts, batch {batch}, {clients} clients, {seconds} s");
                    let r = f.run(true, batch, clients, seconds).await;
                    if r.per_s > raw.per_s {
                        raw = r;
                    }
                    eprintln!("{n} instance(s): uploads, batch {batch}, {clients} clients, {seconds} s");
                    let h = f.run(false, batch, clients, seconds).await;
                    if h.per_s > http.per_s {
                        http = h;
                    }
                }
                lines.push(format!(
                    "| {n} | {:.0} | {:.1} | {:.1} | {:.0} | {:.1} | {:.0} % | {} |",
                    http.per_s,
                    http.p50_ms,
                    http.p99_ms,
                    raw.per_s,
                    raw.p99_ms,
                    100.0 * http.per_s / raw.per_s.max(1.0),
                    http.errors
                ));
            }
            println!(
                "\nBatch {batch}, {clients} closed-loop clients, {seconds} s runs; instances, PostgreSQL and the load \
                 generator share this machine's {cores} cores."
            );
            println!(
                "| instances | check-ins/s (HTTP) | p50 ms | p99 ms | raw inserts/s | raw p99 ms | HTTP ÷ raw | errors |"
            );
            println!("|---|---|---|---|---|---|---|---|");
            for l in lines {
                println!("{l}");
            }
        }
    });
}
