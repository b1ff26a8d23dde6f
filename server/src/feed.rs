//! The bodies of download-feed entries (JSON), as clients receive them from `/v1/sync/pull`.
//! Normative description: `docs/protocol/sync.md`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::store::{CheckpointRow, ExposureRow, IssuerKeyRow, Millis};

/// Feed kinds.
pub(crate) mod kind {
    /// A published issuing key.
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

/// A published issuing key.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct IssuerKeyEntry {
    /// Key id, as carried in signed codes.
    pub key_id: String,
    /// Ed25519 public key, base64url without padding.
    pub public_key: String,
    /// Signing since.
    pub created_at: DateTime<Utc>,
    /// Stopped signing at (codes it signed stay valid until they expire).
    pub retired_at: Option<DateTime<Utc>>,
}

impl IssuerKeyEntry {
    /// The entry of a stored key.
    pub fn of(row: &IssuerKeyRow) -> Self {
        Self {
            key_id: row.key_id.clone(),
            public_key: URL_SAFE_NO_PAD.encode(&row.public_key),
            created_at: ts(row.created_at),
            retired_at: row.retired_at.map(ts),
        }
    }
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
            fallback_code: row.fallback_code.clone(),
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
