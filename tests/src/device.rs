//! A simulated device: its own sealed store and clock, the sync client, and a transport that may send
//! uploads through the proxy and everything else straight to the server.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokhai_core::protocol::{PullResult, ScanBatch, SignedCode, UploadBatch, UploadResult};
use tokhai_core::sync_client::{
    AccountDeleted, HttpTransport, SeededJitter, SessionCreated, SyncError, SyncOptions, SyncReport,
    Transport, TransportError,
};
use tokhai_core::{
    AddressForm, CheckpointId, CheckpointKind, CheckpointRef, DeclarationForm, Engine, FixedClock,
    FixedKeyProvider, Person, Policy, Relation,
};

use crate::server::TestServer;

/// Uploads go one way (e.g. through the proxy), everything else another (straight to the server).
#[derive(Debug, Clone)]
pub struct Routed {
    /// For `upload`.
    pub upload: HttpTransport,
    /// For the rest.
    pub other: HttpTransport,
}

impl Routed {
    /// Uploads to `upload_url`, the rest to `other_url`, with `timeout` on each request.
    pub fn new(upload_url: &str, other_url: &str, timeout: Duration) -> Self {
        Self {
            upload: HttpTransport::new(upload_url, timeout).unwrap(),
            other: HttpTransport::new(other_url, timeout).unwrap(),
        }
    }
}

impl Transport for Routed {
    async fn request_otp(&self, phone: &str) -> Result<(), TransportError> {
        self.other.request_otp(phone).await
    }
    async fn create_session(&self, phone: &str, code: &str) -> Result<SessionCreated, TransportError> {
        self.other.create_session(phone, code).await
    }
    async fn logout(&self, token: &str) -> Result<(), TransportError> {
        self.other.logout(token).await
    }
    async fn upload(&self, token: &str, body: &UploadBatch) -> Result<UploadResult, TransportError> {
        self.upload.upload(token, body).await
    }
    async fn upload_scans(&self, token: &str, body: &ScanBatch) -> Result<UploadResult, TransportError> {
        self.upload.upload_scans(token, body).await
    }
    async fn pull(&self, cursor: Option<&str>, limit: u32) -> Result<PullResult, TransportError> {
        self.other.pull(cursor, limit).await
    }
    async fn sign_personal(&self, token: &str, pending: &str) -> Result<SignedCode, TransportError> {
        self.other.sign_personal(token, pending).await
    }
    async fn delete_account(&self, token: &str) -> Result<AccountDeleted, TransportError> {
        self.other.delete_account(token).await
    }
}

/// What a visit at checkpoint `id` records (as a verified code would give it).
pub fn checkpoint(id: u64) -> CheckpointRef {
    CheckpointRef {
        id: CheckpointId(id),
        parent: None,
        name: format!("Điểm {id}"),
        kind: CheckpointKind::Market,
        ward: 26743,
        street: "Lê Lợi".into(),
        default_stay_minutes: Some(60),
    }
}

/// One simulated phone.
#[derive(Debug)]
pub struct Device {
    /// The engine on the device's own store.
    pub engine: Engine,
    /// The device's clock.
    pub clock: Arc<FixedClock>,
    /// Its phone number (`09…`).
    pub phone: String,
    seed: u64,
}

impl Device {
    /// A device number `n` with its store under `dir`, its clock `clock` (shared with the server's when
    /// the device's clock is right).
    pub fn new(dir: &Path, n: u32, clock: Arc<FixedClock>) -> Self {
        let dir = dir.join(format!("device-{n}"));
        let key = [u8::try_from(n % 251).unwrap_or(1).wrapping_add(1); 32];
        let engine = Engine::open_with(
            &dir,
            Arc::new(FixedKeyProvider::new(key)),
            clock.clone(),
            Policy::default(),
        )
        .unwrap();
        Self {
            engine,
            clock,
            phone: format!("09{:08}", 10_000_000 + n),
            seed: u64::from(n),
        }
    }

    /// Declares a new person of `relation` on this device (a valid form in ward 26743 of Hồ Chí Minh
    /// City); a dependant leaves the phone blank and gets the holder's.
    pub fn declare(&self, relation: Relation, name: &str, birth_year: u16, id_number: &str) -> Person {
        let phone = if relation == Relation::Myself {
            self.phone.clone()
        } else {
            String::new()
        };
        let form = DeclarationForm {
            full_name: name.into(),
            id_number: id_number.into(),
            birth_year: birth_year.to_string(),
            sex: "nam".into(),
            address: AddressForm {
                province: "79".into(),
                ward: "26743".into(),
                street: "12 Lê Lợi".into(),
                ..AddressForm::default()
            },
            phone,
            ..DeclarationForm::default()
        };
        self.engine.declare_new(relation, &form).unwrap().0
    }

    /// Signs in through `t` with the code the server texted.
    pub async fn sign_in<T: Transport>(&self, server: &TestServer, t: &T) {
        self.engine.request_sign_in_code(t, &self.phone).await.unwrap();
        let code = server.last_code(&self.phone);
        self.engine.sign_in(t, &self.phone, &code).await.unwrap();
    }

    /// One sync run.
    pub async fn sync<T: Transport>(&self, t: &T, options: &SyncOptions) -> Result<SyncReport, SyncError> {
        let mut jitter = SeededJitter::new(self.seed);
        self.engine.sync(t, options, &mut jitter).await
    }

    /// Syncs until nothing is pending and a run succeeded, pausing `pause` after each failure; returns
    /// the number of runs. Panics after `max_runs`.
    pub async fn sync_until_done<T: Transport>(
        &self,
        t: &T,
        options: &SyncOptions,
        pause: Duration,
        max_runs: usize,
    ) -> usize {
        for run in 1..=max_runs {
            match self.sync(t, options).await {
                Ok(r) if r.pending == 0 => return run,
                Ok(_) => {}
                Err(SyncError::Transport(_)) => tokio::time::sleep(pause).await,
                Err(e) => panic!("sync failed for good: {e}"),
            }
        }
        panic!("still pending after {max_runs} runs");
    }
}
