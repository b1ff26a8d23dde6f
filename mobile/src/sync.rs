//! Sign-in and sync as `async` calls (uniffi turns them into Kotlin `suspend` functions, Swift `async`
//! ones and Python coroutines). Each runs core's sync client on this crate's tokio runtime; the foreign
//! future only waits for it.
//!
//! Cancelling (a Kotlin coroutine's `cancel()`, WorkManager stopping a worker, a Swift `Task.cancel()`,
//! an iOS BGTask's expiration handler, an asyncio task's `cancel()`) drops the foreign future, which
//! aborts the run at its next network wait. Nothing is lost and nothing doubled: core writes each
//! answer in one transaction between network calls and marks a change sent only after the server
//! confirmed it, and the server takes each change once by its id, so the next run sends again exactly
//! what was not confirmed.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll};
use std::time::SystemTime;

use tokhai_core::Engine;
use tokhai_core::sync_client::{DEFAULT_TIMEOUT, HttpTransport, OsJitter, SyncError, SyncOptions};
use tokio::task::JoinHandle;

use crate::Tokhai;
use crate::error::{TokhaiError, guard};
use crate::sync_records::{AccountDeleted, SyncReport, SyncStatus};

/// The runtime every sync runs on: two worker threads (a phone needs no more for one HTTP client), built
/// on first use.
static RUNTIME: LazyLock<Option<tokio::runtime::Runtime>> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tokhai-sync")
        .enable_all()
        .build()
        .ok()
});

/// A task on the runtime that is aborted when the future waiting for it is dropped (cancelled).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, TokhaiError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // A panic inside the task arrives here as a join error: `Internal`, not a crash.
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.map_err(|_| TokhaiError::internal()))
    }
}

/// Runs `work` (on the engine, with a transport to `server_url`) on the runtime; its result, or the
/// error of building the transport.
async fn on_runtime<T, F>(
    engine: Arc<Engine>,
    server_url: String,
    work: impl FnOnce(Arc<Engine>, HttpTransport) -> F + Send + 'static,
) -> Result<T, TokhaiError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, SyncError>> + Send + 'static,
{
    let Some(rt) = RUNTIME.as_ref() else {
        return Err(TokhaiError::internal());
    };
    let transport = transport(&server_url)?;
    let task = rt.spawn(async move { work(engine, transport).await });
    AbortOnDrop(task).await?.map_err(TokhaiError::from)
}

fn transport(server_url: &str) -> Result<HttpTransport, TokhaiError> {
    let url = server_url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(TokhaiError::invalid_msg(
            "bad_server",
            "Địa chỉ máy chủ không dùng được (cần bắt đầu bằng https:// hoặc http://).",
            "The server address cannot be used (it must start with https:// or http://).",
        ));
    }
    HttpTransport::new(url, DEFAULT_TIMEOUT).map_err(|e| SyncError::Transport(e).into())
}

#[uniffi::export]
impl Tokhai {
    /// Asks the server to text a one-time sign-in code to `phone`.
    pub async fn request_sign_in_code(&self, server_url: String, phone: String) -> Result<(), TokhaiError> {
        let engine = guard(|| self.engine())?;
        on_runtime(engine, server_url, move |engine, t| async move {
            engine.request_sign_in_code(&t, &phone).await
        })
        .await
    }

    /// Signs in with the one-time `code`; the session is kept sealed on the device. Returns when it ends.
    pub async fn sign_in(
        &self,
        server_url: String,
        phone: String,
        code: String,
    ) -> Result<SystemTime, TokhaiError> {
        let engine = guard(|| self.engine())?;
        on_runtime(engine, server_url, move |engine, t| async move {
            engine.sign_in(&t, &phone, code.trim()).await.map(Into::into)
        })
        .await
    }

    /// Ends the session: on the server when it answers, on the device always.
    pub async fn sign_out(&self, server_url: String) -> Result<(), TokhaiError> {
        let engine = guard(|| self.engine())?;
        on_runtime(engine, server_url, move |engine, t| async move {
            engine.sign_out(&t).await
        })
        .await
    }

    /// One sync run: applies a due automatic check-out, uploads every pending change, pulls the feed
    /// (issuer keys, revocations, checkpoint directory, exposure windows, safety levels), matches
    /// exposures and fetches the personal code's signature. Cancel it at any time (see the module
    /// documentation): what the server confirmed stays confirmed, the rest goes next time.
    pub async fn sync(&self, server_url: String) -> Result<SyncReport, TokhaiError> {
        let engine = guard(|| self.engine())?;
        let report = on_runtime(engine, server_url, move |engine, t| async move {
            engine.sync(&t, &SyncOptions::default(), &mut OsJitter).await
        })
        .await?;
        Ok((&report).into())
    }

    /// Asks the server to delete this account's data there; the answer says what it keeps and why. The
    /// device's own data stays until `wipe`.
    pub async fn delete_server_account(&self, server_url: String) -> Result<AccountDeleted, TokhaiError> {
        let engine = guard(|| self.engine())?;
        on_runtime(engine, server_url, move |engine, t| async move {
            engine.delete_server_account(&t).await.map(Into::into)
        })
        .await
    }

    /// What the app shows about sync: pending and refused changes, session, last success or error,
    /// next attempt, clock, alerts.
    pub fn sync_status(&self) -> Result<SyncStatus, TokhaiError> {
        guard(|| Ok(self.engine()?.sync_status()?.into()))
    }
}
