//! The signature of a personal code (`POST /v1/sync/personal-code`, `docs/protocol/sync.md` §6).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A pending personal code to sign (strict: exactly this field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// The pending (unsigned) personal code the app shows (`TKP1:…`, from `encode_pending_personal`).
    pub pending: String,
}

/// The signed personal code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedCode {
    /// The signed code (`TKP1:…`): the same payload as the pending one, issued now.
    pub code: String,
    /// Its expiry.
    pub expires_at: DateTime<Utc>,
}
