//! The client's side of the sync wire format v1 (`docs/protocol/sync.md`). Requests are exactly what the
//! server accepts (its request bodies are strict); answers ignore fields added later within v1.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::declaration::DeclarationRecord;
use crate::health::{DailyReport, QuarantineEpisode};
use crate::visit::Visit;
pub use crate::visit::VisitState;

/// `POST /v1/sync/upload` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UploadBody {
    /// Declaration versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declarations: Vec<DeclarationRecord>,
    /// Quarantine episodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub episodes: Vec<QuarantineEpisode>,
    /// Visits (check-ins, check-outs and edits share the visit's id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<Visit>,
    /// Daily reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<DailyReport>,
    /// The device's clock when sending (the answer reports the offset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_time: Option<DateTime<Utc>>,
}

impl UploadBody {
    /// How many items the body carries.
    pub fn len(&self) -> usize {
        self.declarations.len() + self.episodes.len() + self.visits.len() + self.reports.len()
    }

    /// Whether it carries nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What happened to one uploaded item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    /// "declaration", "episode", "visit", "report".
    pub kind: String,
    /// The item's id.
    pub id: String,
    /// "accepted", "duplicate", "updated", "kept" or "refused".
    pub status: String,
    /// The refusal code.
    #[serde(default)]
    pub code: Option<String>,
    /// For a visit the server answered `kept` or `refused`: its own version, when it holds one for this
    /// account. The device takes it, so that both agree on whether the person is still there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitState>,
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadResult {
    /// One result per item.
    pub items: Vec<ItemResult>,
    /// The server's clock.
    pub server_time: DateTime<Utc>,
    /// Server time minus `client_time`, in milliseconds.
    #[serde(default)]
    pub clock_offset_ms: Option<i64>,
}

/// One download-feed entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedEntry {
    /// Position (informative).
    pub seq: i64,
    /// "issuer_key", "revocation", "checkpoint", "exposure", "safety_level", or a later kind.
    pub kind: String,
    /// The item within its kind.
    pub key: String,
    /// Its content.
    pub body: serde_json::Value,
}

/// A page of the download feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResult {
    /// Entries in order.
    pub items: Vec<FeedEntry>,
    /// Opaque cursor to continue from.
    pub cursor: String,
    /// Whether to pull again at once.
    pub more: bool,
    /// The server's clock.
    pub server_time: DateTime<Utc>,
}

/// `POST /v1/auth/session` answer (the fields the client keeps).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionCreated {
    /// The bearer token.
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/sync/personal-code` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCode {
    /// The signed personal code (`TKP1:…`).
    pub code: String,
    /// Its expiry.
    pub expires_at: DateTime<Utc>,
}

/// A checkpoint directory entry (feed kind `checkpoint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    /// Checkpoint id.
    pub id: u64,
    /// Enclosing checkpoint.
    #[serde(default)]
    pub parent: Option<u64>,
    /// Name.
    pub name: String,
    /// Kind (`CheckpointKind` in snake_case).
    pub kind: String,
    /// Province code.
    pub province: i64,
    /// Ward code.
    pub ward: i64,
    /// Street address.
    pub street: String,
    /// Usual stay, minutes.
    #[serde(default)]
    pub default_stay_minutes: Option<i64>,
    /// The code typed when the QR cannot be scanned.
    pub fallback_code: String,
    /// False once deactivated.
    pub active: bool,
}

/// A deactivated checkpoint (feed kind `revocation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationEntry {
    /// Checkpoint id.
    pub checkpoint: u64,
    /// When.
    pub revoked_at: DateTime<Utc>,
}

/// A published exposure window (feed kind `exposure`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposureWindow {
    /// Window id.
    pub id: i64,
    /// Checkpoint.
    pub checkpoint: u64,
    /// From.
    pub starts_at: DateTime<Utc>,
    /// To.
    pub ends_at: DateTime<Utc>,
    /// What to do (from the health office).
    pub advice: String,
}

/// A ward's safety level (feed kind `safety_level`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyLevel {
    /// Province code.
    pub province: i64,
    /// Ward code.
    pub ward: i64,
    /// 1 low … 4 very high.
    pub level: i64,
    /// Since.
    pub updated_at: DateTime<Utc>,
}

/// Feed kinds this client understands (others are ignored).
pub(crate) mod kind {
    pub(crate) const ISSUER_KEY: &str = "issuer_key";
    pub(crate) const REVOCATION: &str = "revocation";
    pub(crate) const CHECKPOINT: &str = "checkpoint";
    pub(crate) const EXPOSURE: &str = "exposure";
    pub(crate) const SAFETY_LEVEL: &str = "safety_level";
    pub(crate) const ALL: [&str; 5] = [ISSUER_KEY, REVOCATION, CHECKPOINT, EXPOSURE, SAFETY_LEVEL];
}

/// `DELETE /v1/me` answer: what the server deleted and what it keeps (docs/protocol/sync.md §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDeleted {
    /// Counts of what was deleted.
    pub deleted: DeletedCounts,
    /// Whether the account itself is gone (not while it manages checkpoints or has an officer's role).
    pub account_removed: bool,
    /// What is kept, why and for how long, in the server's words.
    pub kept: Vec<KeptRecord>,
}

/// What a deletion removed on the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedCounts {
    /// Health declarations.
    pub declarations: u64,
    /// Visits.
    pub visits: u64,
    /// Quarantine episodes.
    pub episodes: u64,
    /// Daily health reports.
    pub reports: u64,
    /// Signed personal codes.
    pub personal_codes: u64,
    /// Sessions (every device signed out).
    pub sessions: u64,
}

/// A kind of record the server keeps after a deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptRecord {
    /// Stable name (`cases`, `audit_log`, `staff_lists`, `account`).
    pub what: String,
    /// What, why and how long, in Vietnamese.
    pub vi: String,
    /// The same in English.
    pub en: String,
}

/// The error body every server error carries.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub(crate) error: ErrorDetail,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ErrorDetail {
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) vi: Option<String>,
    #[serde(default)]
    pub(crate) en: Option<String>,
}
