//! `AppState`: what every handler shares — the store, the clock, the sealer, the issuing keys, the SMS
//! sender, the configuration and the metrics.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokhai_core::Clock;

use crate::config::Config;
use crate::error::Error;
use crate::keys::IssuerKeys;
use crate::limit::WindowLimiter;
use crate::metrics::Metrics;
use crate::seal::{Kek, Sealer};
use crate::sms::SmsSender;
use crate::store::{Millis, Store};

/// The window of `Config::captchas_per_client`, and how many addresses it tracks at once.
const CAPTCHA_WINDOW_MS: Millis = 15 * 60 * 1000;
const CAPTCHA_CLIENTS_TRACKED: usize = 100_000;

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
    /// Captcha images per client address (each costs a render and a stored row).
    pub(crate) captcha_limiter: WindowLimiter,
    /// Test hook: captcha answers by id, kept only when a test asks for it (`with_captcha_peek`).
    captcha_peek: Option<Mutex<HashMap<String, String>>>,
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
        let captcha_limiter = WindowLimiter::new(
            CAPTCHA_WINDOW_MS,
            config.captchas_per_client,
            CAPTCHA_CLIENTS_TRACKED,
        );
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                clock,
                sealer,
                keys,
                sms,
                config,
                metrics: Metrics::new(),
                captcha_limiter,
                captcha_peek: None,
            }),
        })
    }

    /// Test hook: remember captcha answers so a test can solve them (`peek_captcha`). Never enabled by
    /// configuration.
    #[must_use]
    pub fn with_captcha_peek(self) -> Self {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.captcha_peek = Some(Mutex::new(HashMap::new()));
                Self {
                    inner: Arc::new(inner),
                }
            }
            Err(inner) => Self { inner },
        }
    }

    /// Test hook: the answer of a captcha (only with `with_captcha_peek`).
    pub fn peek_captcha(&self, id: &str) -> Option<String> {
        let peek = self.inner.captcha_peek.as_ref()?;
        peek.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    pub(crate) fn remember_captcha(&self, id: &str, answer: &str) {
        if let Some(peek) = &self.inner.captcha_peek {
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
