//! What the commands share: the data folder, the settings, the open engine (once unlocked), the sync
//! trigger and the camera session.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use tokhai_core::sync_client::Trigger;
use tokhai_core::{Clock, Engine, SystemClock, TrustStore};

use crate::camera::CameraSession;
use crate::error::AppError;
use crate::settings::Settings;

/// A trust list (issuer keys, revocations) a deployment adds to the built-in one.
const TRUST_FILE_ENV: &str = "TOKHAI_TRUST_FILE";

/// The shell's state (one per app).
#[derive(Debug)]
pub(crate) struct AppState {
    /// The data folder (sealed store, settings, exported files).
    pub(crate) dir: PathBuf,
    settings: Mutex<Settings>,
    engine: RwLock<Option<Arc<Engine>>>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Asks the background sync for a run (start, after a change, network back).
    sync: Mutex<Option<tokio::sync::mpsc::Sender<Trigger>>>,
    /// One sync run at a time (the background loop and "sync now" share it).
    pub(crate) sync_lock: tokio::sync::Mutex<()>,
    pub(crate) camera: Mutex<Option<CameraSession>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    pub(crate) fn new(dir: PathBuf) -> Self {
        let settings = Settings::load(&dir);
        Self {
            dir,
            settings: Mutex::new(settings),
            engine: RwLock::new(None),
            clock: Arc::new(SystemClock),
            sync: Mutex::new(None),
            sync_lock: tokio::sync::Mutex::new(()),
            camera: Mutex::new(None),
        }
    }

    pub(crate) fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Changes the settings and writes them.
    pub(crate) fn update_settings(&self, f: impl FnOnce(&mut Settings)) -> Result<Settings, AppError> {
        let mut s = lock(&self.settings);
        let mut next = s.clone();
        f(&mut next);
        next.save(&self.dir)?;
        *s = next.clone();
        Ok(next)
    }

    /// The engine, when unlocked.
    pub(crate) fn engine(&self) -> Result<Arc<Engine>, AppError> {
        self.engine
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(AppError::locked)
    }

    pub(crate) fn is_unlocked(&self) -> bool {
        self.engine
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    pub(crate) fn set_engine(&self, engine: Option<Arc<Engine>>) {
        *self.engine.write().unwrap_or_else(PoisonError::into_inner) = engine;
    }

    /// Takes the engine out (to wipe it).
    pub(crate) fn take_engine(&self) -> Option<Arc<Engine>> {
        self.engine.write().unwrap_or_else(PoisonError::into_inner).take()
    }

    pub(crate) fn set_sync_sender(&self, tx: tokio::sync::mpsc::Sender<Trigger>) {
        *lock(&self.sync) = Some(tx);
    }

    /// Tells the background sync that something happened (never waits; a full queue already has a run
    /// coming).
    pub(crate) fn trigger_sync(&self, t: Trigger) {
        if let Some(tx) = lock(&self.sync).as_ref() {
            let _ = tx.try_send(t);
        }
    }

    /// The issuer keys and revocations codes are verified against: the built-in list, what the engine
    /// pulled from the server, and a deployment's own list named by `TOKHAI_TRUST_FILE` (public keys and
    /// revoked ids only). Core's engine-owned trust store (issue 8) replaces this when it lands.
    pub(crate) fn trust(&self, engine: &Engine) -> Result<TrustStore, AppError> {
        let mut trust = TrustStore::builtin()?;
        #[cfg(feature = "dev-key")]
        trust.merge(TrustStore::development()?.to_list())?;
        if let Some(file) = std::env::var_os(TRUST_FILE_ENV).filter(|f| !f.is_empty()) {
            let json = std::fs::read_to_string(file).map_err(|_| {
                AppError::new(
                    "trust_list_unreadable",
                    "Không đọc được danh sách khóa tin cậy của bản cài đặt này.",
                    "The trust list of this installation cannot be read.",
                )
            })?;
            trust.merge(TrustStore::from_json(&json)?.to_list())?;
        }
        trust.merge(engine.feed_trust_list()?)?;
        Ok(trust)
    }
}
