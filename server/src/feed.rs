//! The bodies of download-feed entries as the server makes them from its rows (the types are the shared
//! `tokhai_core::protocol` ones, `DirectoryEntry` … `SafetyLevelEntry`). Normative description:
//! `docs/protocol/sync.md` §5.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokhai_core::protocol::{DirectoryEntry, ExposureEntry, RevocationEntry};
use tokhai_core::{CheckpointId, FallbackCode, KeyId, TrustedKey};

use crate::store::{CheckpointRow, ExposureRow, IssuerKeyRow, Millis};

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

fn id_u64(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

/// The directory entry of a stored checkpoint.
pub(crate) fn directory_entry(row: &CheckpointRow) -> DirectoryEntry {
    DirectoryEntry {
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

/// The revocation entry of checkpoint `id`, deactivated at `at`.
pub(crate) fn revocation_entry(id: i64, at: Millis) -> RevocationEntry {
    RevocationEntry {
        checkpoint: id_u64(id),
        revoked_at: ts(at),
    }
}

/// The feed entry of a stored exposure window.
pub(crate) fn exposure_entry(row: &ExposureRow) -> ExposureEntry {
    ExposureEntry {
        id: row.id,
        checkpoint: id_u64(row.checkpoint_id),
        starts_at: ts(row.starts_at),
        ends_at: ts(row.ends_at),
        advice: row.advice.clone(),
    }
}

/// JSON text of a feed body (these types always serialise).
pub(crate) fn body<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
