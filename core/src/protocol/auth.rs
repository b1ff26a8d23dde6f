//! The account requests' bodies: sign-in by one-time code (`POST /v1/auth/otp`, `POST /v1/auth/session`,
//! `GET /v1/me`) and account deletion (`DELETE /v1/me`, `docs/protocol/sync.md` §1 and §9).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Ask for a one-time code (strict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OtpRequest {
    /// Phone number (national or E.164 form).
    #[cfg_attr(feature = "openapi", schema(example = "0912345678"))]
    pub phone: String,
    /// A captcha (`POST /v1/captcha`), needed only after a `captcha_required` answer: many codes went
    /// to this client address (a shared address) or to everyone this hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha_id: Option<String>,
    /// The characters of that captcha.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha_answer: Option<String>,
}

/// A code was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpSent {
    /// Seconds the code stays valid.
    pub expires_in: i64,
}

/// Sign in with a code (strict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// Phone number.
    pub phone: String,
    /// The 6-digit code.
    #[cfg_attr(feature = "openapi", schema(example = "123456"))]
    pub code: String,
}

/// The signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// Account id.
    pub id: i64,
    /// The pseudonym in personal codes (base64url).
    pub subject: String,
    /// Roles: "citizen" always; "manager", "staff", "officer", "admin" as granted.
    pub roles: Vec<String>,
}

/// A new session. Its `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionCreated {
    /// Bearer token for `Authorization: Bearer …`. Shown once; the server keeps only its hash.
    pub token: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// The account.
    pub account: Me,
}

impl std::fmt::Debug for SessionCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCreated")
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("account", &self.account)
            .finish()
    }
}

/// What a deletion removed on the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletedCounts {
    /// Health declarations.
    pub declarations: u64,
    /// Visits (uploaded, or scanned by staff from the person's personal code).
    pub visits: u64,
    /// Quarantine episodes.
    pub episodes: u64,
    /// Daily health reports.
    pub reports: u64,
    /// Signed personal codes (their pseudonyms).
    pub personal_codes: u64,
    /// Sessions: every device signed in with this account is signed out.
    pub sessions: u64,
}

/// One kind of record the server keeps after a deletion, why, and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeptRecord {
    /// Stable name: `cases`, `audit_log`, `staff_lists`, `account`.
    pub what: String,
    /// What, why and how long, in Vietnamese.
    pub vi: String,
    /// The same in English.
    pub en: String,
}

/// The answer to `DELETE /v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDeleted {
    /// What was deleted, now and for good (database rows are overwritten: `secure_delete`).
    pub deleted: DeletedCounts,
    /// Whether the account itself (the sealed phone number and the pseudonymous subject) is gone; a
    /// later sign-in with the same number starts a new, empty account. Not while it manages
    /// checkpoints or has an officer's role.
    pub account_removed: bool,
    /// What is kept, and why.
    pub kept: Vec<KeptRecord>,
}
