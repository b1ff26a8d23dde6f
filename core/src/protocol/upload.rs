//! Uploads (`POST /v1/sync/upload`), staff scans (`POST /v1/sync/scans`) and their answer.
//! Request bodies are strict (the server refuses unknown fields); the answer is lenient (a client ignores
//! fields added later within v1).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::codes::{ItemKind, ItemStatus, RefusalCode};
use crate::declaration::DeclarationRecord;
use crate::health::{DailyReport, QuarantineEpisode};
use crate::ids::VisitId;
use crate::visit::{Visit, VisitState};

/// `POST /v1/sync/upload`: any mix of records, each with its client-generated id (the idempotency key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UploadBatch {
    /// Declaration versions (`DeclarationRecord`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub declarations: Vec<DeclarationRecord>,
    /// Quarantine episodes (`QuarantineEpisode`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub episodes: Vec<QuarantineEpisode>,
    /// Visits (`Visit`): check-ins, check-outs and edits (the same id sent again with new content).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub visits: Vec<Visit>,
    /// Daily reports (`DailyReport`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub reports: Vec<DailyReport>,
    /// The device's clock when it sent this batch (the answer reports the offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_time: Option<DateTime<Utc>>,
}

impl UploadBatch {
    /// How many items the batch carries.
    pub fn len(&self) -> usize {
        self.declarations.len() + self.episodes.len() + self.visits.len() + self.reports.len()
    }

    /// Whether it carries nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What happened to one uploaded item (or staff scan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemResult {
    /// The item's kind.
    pub kind: ItemKind,
    /// The item's id.
    pub id: String,
    /// `accepted` (stored now), `duplicate` (stored before, identical), `updated` (replaced an earlier
    /// version), `kept` (the server kept its version), or `refused` (see `code`; do not resend as is).
    pub status: ItemStatus,
    /// Why it was refused (only with `refused`; `null` otherwise).
    #[serde(default)]
    pub code: Option<RefusalCode>,
    /// For a visit answered `kept` or `refused`: the server's version of it (`VisitState`: check-in,
    /// check-out, end, edited), when the server holds one for this account; the device takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub visit: Option<VisitState>,
}

impl ItemResult {
    /// An item stored (or answered) with `status` and no refusal.
    pub fn with_status(kind: ItemKind, id: String, status: ItemStatus) -> Self {
        Self {
            kind,
            id,
            status,
            code: None,
            visit: None,
        }
    }

    /// An item refused with `code`.
    pub fn refused(kind: ItemKind, id: String, code: RefusalCode) -> Self {
        Self {
            kind,
            id,
            status: ItemStatus::Refused,
            code: Some(code),
            visit: None,
        }
    }
}

/// The answer to an upload or to staff scans (200: the batch as a whole went through, even if single items
/// were refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadResult {
    /// One result per item, declarations first, then episodes, visits, reports (each in sent order).
    pub items: Vec<ItemResult>,
    /// The server's clock.
    pub server_time: DateTime<Utc>,
    /// Server time minus the batch's `client_time`, in milliseconds (`null` when it was not sent).
    #[serde(default)]
    pub clock_offset_ms: Option<i64>,
}

/// One personal code scanned by a checkpoint's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScanItem {
    /// Client-generated visit id (idempotency key).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: VisitId,
    /// Where it was scanned.
    pub checkpoint: u64,
    /// The scanned personal code (`TKP1:…`, signed by this server).
    pub code: String,
    /// When.
    pub scanned_at: DateTime<Utc>,
    /// When the person left, if the staff recorded it.
    #[serde(default)]
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// `POST /v1/sync/scans`: personal codes scanned by checkpoint staff (for visitors without a smartphone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScanBatch {
    /// The scans.
    pub scans: Vec<ScanItem>,
}
