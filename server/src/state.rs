//! `AppState`: what every handler shares — the store, the clock, the sealer, the issuing keys, the SMS
//! sender, the configuration and the metrics.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use tokhai_core::Clock;

use crate::config::Config;
use crate::error::Error;
use crate::keys::IssuerKeys;
use crate::metrics::Metrics;
use crate::seal::{Kek, Sealer};
use crate::sms::SmsSender;
use crate::store::{Millis, Store};

/// Shared state of the service (cheap to clone).
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sealer: Sealer,
    pub(crate) keys: IssuerKeys,
    pub(crate) sms: Arc<dyn SmsSender>,
    pub(crate) config: Config,
    pub(crate) metrics: Metrics,
    /// Officers' reads: a streaming-replication standby (`--read-database-url`), else the store itself.
    pub(crate) reads: OnceLock<Arc<dyn Store>>,
    /// Set on SIGTERM: `/readyz` answers 503 so that load balancers stop sending new requests.
    pub(crate) draining: AtomicBool,
    /// Test hook: captcha answers by id, kept only when a test asks for it (`with_captcha_peek`).
    captcha_peek: OnceLock<Mutex<HashMap<String, String>>>,
}

impl AppState {
    /// Builds the state: unlocks the database's keys with `kek` (a wrong key refuses to start; the keys
    /// are created on first start) and loads or creates the issuing key.
    pub async fn new(
        config: Config,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        kek: &Kek,
        sms: Arc<dyn SmsSender>,
    ) -> Result<Self, Error> {
        let sealer = Sealer::open_or_create(store.as_ref(), kek).await?;
        // Migration 3's sealed half (needs the key): before anything is served.
        crate::units::finish_ward_codes(store.as_ref(), &sealer).await?;
        let now = clock.now().timestamp_millis();
        let keys = IssuerKeys::load_or_create(store.as_ref(), &sealer, now).await?;
        crate::retention::prepare_partitions(store.as_ref(), &config, now).await?;
        let inner = Arc::new(Inner {
            store,
            clock,
            sealer,
            keys,
            sms,
            config,
            metrics: Metrics::new(),
            reads: OnceLock::new(),
            draining: AtomicBool::new(false),
            captcha_peek: OnceLock::new(),
        });
        tokio::spawn(refresh_keys(Arc::downgrade(&inner), inner.config.key_refresh));
        Ok(Self { inner })
    }

    /// Officers' reads go to `reads` (a standby of the store's database) from now on.
    #[must_use]
    pub fn with_reads(self, reads: Arc<dyn Store>) -> Self {
        let _ = self.inner.reads.set(reads);
        self
    }

    /// Test hook: remember captcha answers so a test can solve them (`peek_captcha`). Never enabled by
    /// configuration.
    #[must_use]
    pub fn with_captcha_peek(self) -> Self {
        let _ = self.inner.captcha_peek.set(Mutex::new(HashMap::new()));
        self
    }

    /// Test hook: the answer of a captcha (only with `with_captcha_peek`).
    pub fn peek_captcha(&self, id: &str) -> Option<String> {
        let peek = self.inner.captcha_peek.get()?;
        peek.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    pub(crate) fn remember_captcha(&self, id: &str, answer: &str) {
        if let Some(peek) = self.inner.captcha_peek.get() {
            peek.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(id.to_owned(), answer.to_owned());
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The issuing keys.
    pub fn keys(&self) -> &IssuerKeys {
        &self.inner.keys
    }

    /// Rotates the issuing key (the old ones keep issuing for `keys::rotation_overlap`, while the other
    /// instances learn of the new one); the new key's id.
    pub(crate) async fn rotate_keys(&self) -> Result<u32, Error> {
        let overlap = crate::keys::rotation_overlap(self.inner.config.key_refresh);
        self.inner
            .keys
            .rotate(
                self.inner.store.as_ref(),
                &self.inner.sealer,
                self.now_ms(),
                overlap,
            )
            .await
    }

    /// Starts draining: `/readyz` answers 503 from now on (requests are still served).
    pub fn start_draining(&self) {
        self.inner.draining.store(true, Ordering::SeqCst);
    }

    /// Whether draining started.
    pub fn is_draining(&self) -> bool {
        self.inner.draining.load(Ordering::SeqCst)
    }

    /// Where officers' reads go (the standby, or the store).
    pub fn reads(&self) -> &Arc<dyn Store> {
        self.inner.reads.get().unwrap_or(&self.inner.store)
    }

    /// The sealer, for tests that check what is stored sealed (feature `testing`).
    #[cfg(feature = "testing")]
    pub fn sealer(&self) -> &Sealer {
        &self.inner.sealer
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Now, in Unix milliseconds.
    pub fn now_ms(&self) -> Millis {
        self.inner.clock.now().timestamp_millis()
    }

    /// Now.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }
}

/// Re-reads the issuing keys every `Config::key_refresh` until the state is dropped (a rotation made
/// through another instance). Holds the state only while it reads.
async fn refresh_keys(state: Weak<Inner>, period: std::time::Duration) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let Some(inner) = state.upgrade() else {
            return;
        };
        match inner.keys.refresh(inner.store.as_ref(), &inner.sealer).await {
            Ok(Some(id)) => tracing::info!(key_id = id, "signing with the issuing key rotated elsewhere"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "re-reading the issuing keys failed"),
        }
    }
}
