//! The bodies of the account requests the sync client makes (sign-in, account deletion), as it reads
//! them: answers ignore fields added later within v1. The sync bodies themselves (upload, scans, feed,
//! personal code, errors) are the shared `crate::protocol` types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /v1/auth/session` answer (the fields the client keeps).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionCreated {
    /// The bearer token.
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// `DELETE /v1/me` answer: what the server deleted and what it keeps (docs/protocol/sync.md §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDeleted {
    /// Counts of what was deleted.
    pub deleted: DeletedCounts,
    /// Whether the account itself is gone (not while it manages checkpoints or has an officer's role).
    pub account_removed: bool,
    /// What is kept, why and for how long, in the server's words.
    pub kept: Vec<KeptRecord>,
}

/// What a deletion removed on the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedCounts {
    /// Health declarations.
    pub declarations: u64,
    /// Visits.
    pub visits: u64,
    /// Quarantine episodes.
    pub episodes: u64,
    /// Daily health reports.
    pub reports: u64,
    /// Signed personal codes.
    pub personal_codes: u64,
    /// Sessions (every device signed out).
    pub sessions: u64,
}

/// A kind of record the server keeps after a deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptRecord {
    /// Stable name (`cases`, `audit_log`, `staff_lists`, `account`).
    pub what: String,
    /// What, why and how long, in Vietnamese.
    pub vi: String,
    /// The same in English.
    pub en: String,
}
