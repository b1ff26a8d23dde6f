//! A checkpoint's staff device (the CLI's `kiosk`, the app's staff mode): each personal code it verifies
//! is recorded as a sealed, queued scan, uploaded with the next sync (`POST /v1/sync/scans`), so that a
//! visitor without a smartphone has the visit on the server's side.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::events::EngineEvent;
use super::facade::Engine;
use crate::ids::{CheckpointId, VisitId};
use crate::qr::PersonalPayload;

/// One verified scan, as kept (sealed) until the server confirmed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffScan {
    /// The visit id the server records it under (idempotency key).
    pub id: VisitId,
    /// Where it was scanned.
    pub checkpoint: CheckpointId,
    /// The scanned personal code (`TKP1:…`).
    pub code: String,
    /// When.
    pub scanned_at: DateTime<Utc>,
    /// What the verified code says (initials, status, expiry): what the staff saw.
    pub payload: PersonalPayload,
}

impl Engine {
    /// Verifies a personal code offline at checkpoint `checkpoint` and, when it verifies, records the scan
    /// (sealed, queued for upload). A refused code (pending, forged, expired, revoked…) records nothing
    /// and is the error.
    pub fn record_staff_scan(&self, checkpoint: CheckpointId, text: &str) -> Result<StaffScan, EngineError> {
        let verified = self.trust_store()?.verify_personal(text.trim(), self.clock())?;
        let scan = StaffScan {
            id: VisitId::random(),
            checkpoint,
            code: text.trim().to_owned(),
            scanned_at: self.now(),
            payload: verified.payload().clone(),
        };
        self.write(|tx| Ok(tx.put_staff_scan(scan.id.as_uuid(), &scan)?))?;
        self.emit(EngineEvent::StaffScanRecorded);
        Ok(scan)
    }

    /// Verifies a personal code offline against the trust in force, recording nothing (a staff device not
    /// set up for a checkpoint).
    pub fn verify_personal_code(&self, text: &str) -> Result<PersonalPayload, EngineError> {
        let verified = self.trust_store()?.verify_personal(text.trim(), self.clock())?;
        Ok(verified.payload().clone())
    }

    /// The staff device's one call for a photo or frame: the first of `texts` (the codes found in it) that
    /// verifies as a personal code — recorded as a scan at `checkpoint` when the device serves one, only
    /// verified otherwise. None verifies: the first tokhai code's refusal, else "not a tokhai code"; no
    /// code at all: `NoCodeInPhoto`.
    pub fn staff_check(
        &self,
        checkpoint: Option<CheckpointId>,
        texts: &[String],
    ) -> Result<PersonalPayload, EngineError> {
        let trust = self.trust_store()?;
        let mut refusal: Option<crate::qr::QrError> = None;
        for text in texts {
            match trust.verify_personal(text.trim(), self.clock()) {
                Ok(_) => {
                    return match checkpoint {
                        Some(id) => self.record_staff_scan(id, text).map(|s| s.payload),
                        None => self.verify_personal_code(text),
                    };
                }
                Err(crate::qr::QrError::NotTokhai) => {}
                Err(e) => refusal = refusal.or(Some(e)),
            }
        }
        if texts.is_empty() {
            return Err(EngineError::NoCodeInPhoto);
        }
        Err(EngineError::Code(
            refusal.unwrap_or(crate::qr::QrError::NotTokhai),
        ))
    }

    /// Every kept staff scan, oldest first.
    pub fn staff_scans(&self) -> Result<Vec<StaffScan>, EngineError> {
        self.read(|tx| Ok(tx.staff_scans()?))
    }

    /// How many staff scans wait for the server.
    pub fn pending_staff_scans(&self) -> Result<usize, EngineError> {
        self.read(|tx| Ok(tx.pending_staff_scan_count()?))
    }

    /// Removes the scans older than the retention period (they are the visits of other people).
    pub(crate) fn purge_staff_scans(&self) -> Result<usize, EngineError> {
        let cutoff = self.now() - self.policy().retention.period;
        self.write(|tx| {
            let old: Vec<uuid::Uuid> = tx
                .staff_scans::<StaffScan>()?
                .into_iter()
                .filter(|s| s.scanned_at <= cutoff)
                .map(|s| *s.id.as_uuid())
                .collect();
            Ok(tx.delete_staff_scans(&old)?)
        })
    }
}
