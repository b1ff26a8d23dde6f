//! The bodies of download-feed entries (JSON), as clients receive them from `/v1/sync/pull`.
//! Normative description: `docs/protocol/sync.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokhai_core::{CheckpointId, FallbackCode, KeyId, TrustedKey};
use utoipa::ToSchema;

use crate::store::{CheckpointRow, ExposureRow, IssuerKeyRow, Millis};

/// Feed kinds.
pub(crate) mod kind {
    /// A published issuing key (`TrustedKey`).
    pub(crate) const ISSUER_KEY: &str = "issuer_key";
    /// A deactivated checkpoint.
    pub(crate) const REVOCATION: &str = "revocation";
    /// A checkpoint directory entry (for fallback-code entry).
    pub(crate) const CHECKPOINT: &str = "checkpoint";
    /// An exposure window.
    pub(crate) const EXPOSURE: &str = "exposure";
    /// A ward's safety level.
    pub(crate) const SAFETY_LEVEL: &str = "safety_level";
}

/// Converts stored milliseconds to a timestamp (out-of-range values become the epoch).
pub(crate) fn ts(ms: Millis) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A stored issuing key as a trusted key (`tokhai_core::TrustedKey`: id, hex public key, the period in
/// which it may issue codes).
pub(crate) fn trusted_key(row: &IssuerKeyRow) -> Option<TrustedKey> {
    let public_key: [u8; 32] = row.public_key.as_slice().try_into().ok()?;
    Some(TrustedKey {
        id: KeyId(u32::try_from(row.key_id).ok()?),
        public_key,
        not_before: ts(row.created_at),
        not_after: row.retired_at.map(ts),
    })
}

/// The feed body of an issuing key: a `TrustedKey` in JSON.
pub(crate) fn issuer_key_body(row: &IssuerKeyRow) -> String {
    trusted_key(row).map(|k| body(&k)).unwrap_or_default()
}

/// A checkpoint as the directory lists it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DirectoryEntry {
    /// Checkpoint id.
    pub id: u64,
    /// Enclosing checkpoint.
    pub parent: Option<u64>,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Province code.
    pub province: i64,
    /// District code (2021 scheme).
    pub district: Option<i64>,
    /// Ward code.
    pub ward: i64,
    /// Street address.
    pub street: String,
    /// Usual stay, minutes.
    pub default_stay_minutes: Option<i64>,
    /// The code typed in when the QR cannot be scanned.
    pub fallback_code: String,
    /// False once deactivated.
    pub active: bool,
}

fn id_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

impl DirectoryEntry {
    /// The entry of a stored checkpoint.
    pub fn of(row: &CheckpointRow) -> Self {
        Self {
            id: id_u64(row.id),
            parent: row.parent_id.map(id_u64),
            name: row.info.name.clone(),
            kind: row.info.kind.clone(),
            province: row.info.province,
            district: row.info.district,
            ward: row.info.ward,
            street: row.info.street.clone(),
            default_stay_minutes: row.info.default_stay_minutes,
            fallback_code: FallbackCode::new(CheckpointId(id_u64(row.id))).to_string(),
            active: row.active,
        }
    }
}

/// A deactivated checkpoint: its codes must be refused.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct RevocationEntry {
    /// Checkpoint id.
    pub checkpoint: u64,
    /// When it was deactivated.
    pub revoked_at: DateTime<Utc>,
}

impl RevocationEntry {
    /// The entry for checkpoint `id` revoked at `at`.
    pub fn new(id: i64, at: Millis) -> Self {
        Self {
            checkpoint: id_u64(id),
            revoked_at: ts(at),
        }
    }
}

/// An exposure window: people who were at `checkpoint` between `starts_at` and `ends_at` should follow
/// `advice`. Matched on the device; no visit leaves the device for it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ExposureEntry {
    /// Window id.
    pub id: i64,
    /// Checkpoint.
    pub checkpoint: u64,
    /// From.
    pub starts_at: DateTime<Utc>,
    /// To.
    pub ends_at: DateTime<Utc>,
    /// Advice.
    pub advice: String,
}

impl ExposureEntry {
    /// The entry of a stored window.
    pub fn of(row: &ExposureRow) -> Self {
        Self {
            id: row.id,
            checkpoint: id_u64(row.checkpoint_id),
            starts_at: ts(row.starts_at),
            ends_at: ts(row.ends_at),
            advice: row.advice.clone(),
        }
    }
}

/// A ward's safety level: 1 low, 2 medium, 3 high, 4 very high.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SafetyLevelEntry {
    /// Province code.
    pub province: i64,
    /// Ward code.
    pub ward: i64,
    /// Level 1–4.
    pub level: i64,
    /// Since.
    pub updated_at: DateTime<Utc>,
}

/// JSON text of a feed body (these types always serialise).
pub(crate) fn body<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
