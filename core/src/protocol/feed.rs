//! The download feed (`GET /v1/sync/pull`): the page, its entries, and the body of each entry kind.
//! Answers are lenient: fields added later within v1 are ignored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::codes::FeedKind;
use crate::qr::TrustedKey;

/// One feed entry: a later entry with the same kind and key replaces an earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedEntry {
    /// Position (informative; resume with `cursor`).
    pub seq: i64,
    /// The entry's kind (clients ignore kinds they do not know).
    pub kind: FeedKind,
    /// The item within its kind.
    pub key: String,
    /// The item's content: the body of its kind (`FeedBody::decode`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
}

/// A page of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResult {
    /// Entries in order.
    pub items: Vec<FeedEntry>,
    /// Opaque server-issued cursor: send it back to continue. Save it only after storing `items`.
    pub cursor: String,
    /// More entries wait: pull again at once.
    pub more: bool,
    /// The server's clock.
    pub server_time: DateTime<Utc>,
}

/// A checkpoint as the directory lists it (kind `checkpoint`, key: its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryEntry {
    /// Checkpoint id.
    pub id: u64,
    /// Enclosing checkpoint.
    #[serde(default)]
    pub parent: Option<u64>,
    /// Name.
    pub name: String,
    /// Kind (`CheckpointKind` in `snake_case`).
    pub kind: String,
    /// Province code.
    pub province: i64,
    /// District code (2021 scheme only; `null` under the 2025 one).
    #[serde(default)]
    pub district: Option<i64>,
    /// Ward code.
    pub ward: i64,
    /// Street address.
    pub street: String,
    /// Usual stay, minutes.
    #[serde(default)]
    pub default_stay_minutes: Option<i64>,
    /// The code typed in when the QR cannot be scanned.
    pub fallback_code: String,
    /// False once deactivated.
    pub active: bool,
}

/// A deactivated checkpoint: its codes must be refused (kind `revocation`, key: the checkpoint's id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevocationEntry {
    /// Checkpoint id.
    pub checkpoint: u64,
    /// When it was deactivated.
    pub revoked_at: DateTime<Utc>,
}

/// An exposure window (kind `exposure`, key: its id): people who were at `checkpoint` between
/// `starts_at` and `ends_at` should follow `advice`. Matched on the device; no visit leaves it for that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExposureEntry {
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

/// A ward's safety level (kind `safety_level`, key: the ward code): 1 low, 2 medium, 3 high, 4 very high.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The typed body of a feed entry.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedBody {
    /// `issuer_key`: a `TrustedKey` (`{"id", "public_key": "<64 hex>", "not_before", "not_after"}`).
    IssuerKey(TrustedKey),
    /// `revocation`.
    Revocation(RevocationEntry),
    /// `checkpoint`.
    Checkpoint(DirectoryEntry),
    /// `exposure`.
    Exposure(ExposureEntry),
    /// `safety_level`.
    SafetyLevel(SafetyLevelEntry),
}

impl FeedBody {
    /// The body of an entry of `kind`: `Ok(None)` for a kind this build does not know (to be ignored),
    /// `Err` for a known kind whose body it cannot read.
    pub fn decode(kind: &FeedKind, body: &serde_json::Value) -> Result<Option<Self>, serde_json::Error> {
        use serde::de::Deserialize as _;
        Ok(Some(match kind {
            FeedKind::IssuerKey => Self::IssuerKey(TrustedKey::deserialize(body)?),
            FeedKind::Revocation => Self::Revocation(RevocationEntry::deserialize(body)?),
            FeedKind::Checkpoint => Self::Checkpoint(DirectoryEntry::deserialize(body)?),
            FeedKind::Exposure => Self::Exposure(ExposureEntry::deserialize(body)?),
            FeedKind::SafetyLevel => Self::SafetyLevel(SafetyLevelEntry::deserialize(body)?),
            FeedKind::Unknown(_) => return Ok(None),
        }))
    }

    /// The kind of this body.
    pub fn kind(&self) -> FeedKind {
        match self {
            Self::IssuerKey(_) => FeedKind::IssuerKey,
            Self::Revocation(_) => FeedKind::Revocation,
            Self::Checkpoint(_) => FeedKind::Checkpoint,
            Self::Exposure(_) => FeedKind::Exposure,
            Self::SafetyLevel(_) => FeedKind::SafetyLevel,
        }
    }

    /// The body as JSON (what the server stores and sends).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Self::IssuerKey(b) => serde_json::to_value(b),
            Self::Revocation(b) => serde_json::to_value(b),
            Self::Checkpoint(b) => serde_json::to_value(b),
            Self::Exposure(b) => serde_json::to_value(b),
            Self::SafetyLevel(b) => serde_json::to_value(b),
        }
    }
}

impl FeedEntry {
    /// The entry's typed body (`FeedBody::decode`).
    pub fn decode(&self) -> Result<Option<FeedBody>, serde_json::Error> {
        FeedBody::decode(&self.kind, &self.body)
    }
}
