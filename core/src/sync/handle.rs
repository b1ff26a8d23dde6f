//! `SyncClient`: the concrete sync object every front end holds (in an `Arc`): the engine, the HTTP
//! transport to one server, the options. `async fn sync()` can be cancelled (`cancel`, or dropping the
//! future: every store change of a run is its own transaction, so a stopped run leaves nothing half
//! written). No generic transport or jitter in sight; the generic `Engine::sync` stays for tests that put
//! a faulty network in between.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};

use super::backoff::OsJitter;
use super::client::{SyncOptions, SyncReport};
use super::http::HttpTransport;
use super::schedule::{Trigger, run_background};
use super::status::SyncError;
use crate::engine::{Engine, EngineEvent};
use crate::protocol::AccountDeleted;

/// The sync of one engine with one server.
#[derive(Debug)]
pub struct SyncClient {
    engine: Arc<Engine>,
    transport: HttpTransport,
    options: SyncOptions,
    cancel: Notify,
    triggers: Mutex<Option<mpsc::Sender<Trigger>>>,
}

impl SyncClient {
    /// A client of the server at `server` (e.g. `https://api.example.vn`), `timeout` on each request.
    pub fn new(engine: Arc<Engine>, server: &str, timeout: Duration) -> Result<Self, SyncError> {
        Ok(Self {
            engine,
            transport: HttpTransport::new(server, timeout)?,
            options: SyncOptions::default(),
            cancel: Notify::new(),
            triggers: Mutex::new(None),
        })
    }

    /// The engine it syncs.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// One sync run now (upload, pull, alerts, the personal code's signature). `cancel` stops it with
    /// `SyncError::Cancelled`.
    pub async fn sync(&self) -> Result<SyncReport, SyncError> {
        let mut jitter = OsJitter;
        let run = self.engine.sync(&self.transport, &self.options, &mut jitter);
        tokio::select! {
            r = run => r,
            () = self.cancel.notified() => Err(SyncError::Cancelled),
        }
    }

    /// Stops the `sync()` in progress, if any.
    pub fn cancel(&self) {
        self.cancel.notify_waiters();
    }

    /// Asks the server to text a one-time code to `phone`.
    pub async fn request_sign_in_code(&self, phone: &str) -> Result<(), SyncError> {
        self.engine.request_sign_in_code(&self.transport, phone).await
    }

    /// Signs in with the one-time `code`; returns when the session ends.
    pub async fn sign_in(&self, phone: &str, code: &str) -> Result<DateTime<Utc>, SyncError> {
        self.engine.sign_in(&self.transport, phone, code).await
    }

    /// Signs out (on the server when it answers, on the device always).
    pub async fn sign_out(&self) -> Result<(), SyncError> {
        self.engine.sign_out(&self.transport).await
    }

    /// Asks the server to delete this account's data there.
    pub async fn delete_server_account(&self) -> Result<AccountDeleted, SyncError> {
        self.engine.delete_server_account(&self.transport).await
    }

    /// Tells the background loop that something happened (`Connectivity` when the network came back).
    pub fn trigger(&self, trigger: Trigger) {
        if let Some(tx) = self
            .triggers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            let _ = tx.try_send(trigger);
        }
    }

    /// Runs syncs in the background until `stop`: at start, a few seconds after the engine's own writes
    /// (its events), when the network comes back (`trigger`), periodically, with backoff after failures.
    pub async fn run_background(&self) {
        let (tx, rx) = mpsc::channel(64);
        *self.triggers.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx.clone());
        // Weak: `stop` drops the one strong sender, which ends the loop.
        let forward = tx.downgrade();
        let sub = self.engine.subscribe(Arc::new(move |ev: &EngineEvent| {
            if ev.queues_upload()
                && let Some(tx) = forward.upgrade()
            {
                let _ = tx.try_send(Trigger::LocalWrite);
            }
        }));
        let _ = tx.try_send(Trigger::Start);
        drop(tx);
        run_background(
            Arc::clone(&self.engine),
            self.transport.clone(),
            self.options.clone(),
            rx,
        )
        .await;
        self.engine.unsubscribe(sub);
    }

    /// Ends `run_background` (after its current run).
    pub fn stop(&self) {
        self.triggers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}
