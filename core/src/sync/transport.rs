//! The transport: the requests the sync client makes, behind a trait so that planning and merging
//! are tested without a network and the end-to-end tests can put a faulty network in between.

use std::future::Future;
use std::time::Duration;

use crate::i18n::Msg;

use crate::protocol::{AccountDeleted, SessionCreated};
use crate::protocol::{PullResult, ScanBatch, SignedCode, UploadBatch, UploadResult};

/// Why a request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection, or the connection broke before an answer arrived.
    #[error("server unreachable")]
    Unreachable,
    /// No answer within the request timeout.
    #[error("request timed out")]
    Timeout,
    /// The server answered with an error status.
    #[error("server answered {status} {code}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The error code of the body (`docs/protocol/sync.md` §2), or "" when there was none.
        code: String,
        /// The `Retry-After` delay, when sent.
        retry_after: Option<Duration>,
        /// The server's own words, for the codes whose words carry a detail only it knows (the name of
        /// the field it refused); other codes are shown in this build's words (`ApiCode::msg`).
        detail: Option<Msg>,
    },
    /// The answer could not be read.
    #[error("unreadable answer")]
    Protocol,
}

impl TransportError {
    /// Whether the same request may succeed later (network trouble, 5xx, 408, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable | Self::Timeout | Self::Protocol => true,
            Self::Status { status, .. } => *status >= 500 || *status == 429 || *status == 408,
        }
    }

    /// The server's `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The requests of the sync protocol (`docs/protocol/sync.md`, `docs/api.md`).
pub trait Transport: Send + Sync {
    /// `POST /v1/auth/otp`: sends a one-time code to `phone`.
    fn request_otp(&self, phone: &str) -> impl Future<Output = Result<(), TransportError>> + Send;
    /// `POST /v1/auth/session`: exchanges phone and code for a session token.
    fn create_session(
        &self,
        phone: &str,
        code: &str,
    ) -> impl Future<Output = Result<SessionCreated, TransportError>> + Send;
    /// `POST /v1/auth/logout`.
    fn logout(&self, token: &str) -> impl Future<Output = Result<(), TransportError>> + Send;
    /// `POST /v1/sync/upload`.
    fn upload(
        &self,
        token: &str,
        body: &UploadBatch,
    ) -> impl Future<Output = Result<UploadResult, TransportError>> + Send;
    /// `POST /v1/sync/scans`: personal codes scanned by a checkpoint's staff.
    fn upload_scans(
        &self,
        token: &str,
        body: &ScanBatch,
    ) -> impl Future<Output = Result<UploadResult, TransportError>> + Send;
    /// `GET /v1/sync/pull`.
    fn pull(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<PullResult, TransportError>> + Send;
    /// `DELETE /v1/me`: deletes the account's data on the server.
    fn delete_account(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<AccountDeleted, TransportError>> + Send;
    /// `POST /v1/sync/personal-code`.
    fn sign_personal(
        &self,
        token: &str,
        pending: &str,
    ) -> impl Future<Output = Result<SignedCode, TransportError>> + Send;
}
