//! `POST /v1/sync/scans`: the staff scans a checkpoint's device queued, as the protocol's `ScanBatch`
//! (strict on the server: exactly these fields). The answer is an `UploadResult` with one item per scan.

use crate::engine::StaffScan;
use crate::protocol::{ScanBatch, ScanItem};

/// The body that uploads `scans`.
pub(crate) fn scan_batch(scans: &[StaffScan]) -> ScanBatch {
    ScanBatch {
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
