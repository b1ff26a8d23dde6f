//! Test support shared by the server's integration tests and the end-to-end crate (feature `testing`,
//! never in a release build): throw-away PostgreSQL databases on a throw-away PostgreSQL cluster, and a
//! backend that fails a chosen storing step (`faults.rs`).
//!
//! Where the databases live, in this order:
//! 1. `TOKHAI_TEST_PG_URL` (e.g. `postgres://postgres@127.0.0.1:5432`): an existing server that lets the
//!    `postgres` role create databases without a password;
//! 2. otherwise a cluster of this test process's own (`cluster.rs`): `initdb` in a temporary folder, its own
//!    port on 127.0.0.1, trust authentication, removed when the process ends — nothing in the system's
//!    PostgreSQL configuration is touched.
//!
//! Without PostgreSQL's server binaries the tests report themselves skipped, except under CI
//! (`TOKHAI_CI=1`), where that is a failure.
#![allow(
    clippy::print_stderr,
    clippy::expect_used,
    clippy::panic,
    reason = "test support: a skip is said on stderr, and a failure to set up fails the test"
)]

mod cluster;
mod faults;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub use cluster::PgCluster;
pub use faults::{FaultMode, Faults, FaultyBackend, open_faulty_store};

/// Signs `payload` as a personal code with the stored issuing key `key_id` of `state`'s database,
/// whatever that key's period: the codes a server must refuse (an old key's, after its period ended).
///
/// # Panics
/// When there is no such key or it cannot be opened or used.
pub async fn sign_personal_with(
    state: &crate::AppState,
    key_id: i64,
    payload: &tokhai_core::PersonalPayload,
) -> String {
    let rows = state.store().issuer_keys().await.expect("issuer keys");
    let row = rows.iter().find(|r| r.key_id == key_id).expect("no such key");
    let key = crate::keys::open_signer(state.sealer(), row).expect("open the key");
    key.signer
        .sign_personal(payload)
        .expect("sign")
        .as_str()
        .to_owned()
}

/// Where throw-away databases are created: `postgres://postgres@host:port` (no database name).
fn server_base() -> Option<&'static str> {
    static BASE: OnceLock<Option<String>> = OnceLock::new();
    BASE.get_or_init(|| {
        if let Ok(url) = std::env::var("TOKHAI_TEST_PG_URL") {
            return Some(url.trim_end_matches('/').to_owned());
        }
        match PgCluster::process_wide() {
            Ok(cluster) => Some(cluster.base_url()),
            Err(why) => {
                assert!(
                    std::env::var("TOKHAI_CI").as_deref() != Ok("1"),
                    "TOKHAI_CI=1 but no PostgreSQL for the tests: {why}"
                );
                eprintln!("SKIPPED: no PostgreSQL for the tests ({why})");
                None
            }
        }
    })
    .as_deref()
}

/// A uniquely named PostgreSQL database, dropped (with its connections) on drop.
#[derive(Debug)]
pub struct PgTestDb {
    name: String,
    base: &'static str,
}

impl PgTestDb {
    /// Creates one, named `<prefix>_<process>_<n>_<random>`; `None` (reported as skipped) when there is no
    /// PostgreSQL for the tests outside CI.
    ///
    /// # Panics
    /// Under `TOKHAI_CI=1` when there is no PostgreSQL, or when the database cannot be created.
    pub async fn create(prefix: &str) -> Option<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = server_base()?;
        let admin = format!("{base}/postgres");
        let connect = tokio::time::timeout(
            Duration::from_secs(10),
            tokio_postgres::connect(&admin, tokio_postgres::NoTls),
        )
        .await;
        let (client, conn) = match connect {
            Ok(Ok(pair)) => pair,
            Ok(Err(e)) => panic!("PostgreSQL for the tests refused the connection: {e}"),
            Err(_) => panic!("PostgreSQL for the tests did not answer within 10 s"),
        };
        tokio::spawn(conn);
        let name = format!(
            "{prefix}_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            uuid::Uuid::new_v4().simple()
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("CREATE DATABASE");
        Some(Self { name, base })
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its connection URL.
    pub fn url(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin = format!("{}/postgres", self.base);
        // A runtime of its own: drop may run inside or outside a test's runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                if let Ok((client, conn)) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await {
                    tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}
