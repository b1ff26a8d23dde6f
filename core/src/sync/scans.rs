//! `POST /v1/sync/scans`: the body of the staff scans a checkpoint's device uploads (the server's
//! `ScanBatch`, strict: exactly these fields). The answer is an `UploadResult` with one item per scan.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::StaffScan;
use crate::ids::VisitId;

/// One scan as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanItem {
    /// The visit id (idempotency key).
    pub id: VisitId,
    /// The checkpoint's id.
    pub checkpoint: u64,
    /// The scanned personal code.
    pub code: String,
    /// When.
    pub scanned_at: DateTime<Utc>,
    /// When the person left, if the staff recorded it.
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// The body of `POST /v1/sync/scans`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanBatch {
    /// The scans.
    pub scans: Vec<ScanItem>,
}

impl ScanBatch {
    pub(crate) fn from_scans(scans: &[StaffScan]) -> Self {
        Self {
            scans: scans
                .iter()
                .map(|s| ScanItem {
                    id: s.id,
                    checkpoint: s.checkpoint.0,
                    code: s.code.clone(),
                    scanned_at: s.scanned_at,
                    checked_out_at: None,
                })
                .collect(),
        }
    }
}
