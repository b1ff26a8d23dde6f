//! The sync protocol's bodies, one definition for the client (`sync/`) and the server (`tokhai-server`):
//! `docs/protocol/sync.md` (normative), frozen bodies `docs/protocol/vectors/sync-v1.json`, ADR 0025.
//!
//! Plain serde types and no I/O: compiled without any feature, so the server takes them without the
//! store. With feature `openapi` each type also derives `utoipa::ToSchema` (the server's `/openapi.json`).
//! Request bodies are strict (`deny_unknown_fields`: the server refuses what it does not know); answers
//! are lenient (a client ignores fields added within v1), and their vocabularies (`codes.rs`) keep values
//! they do not know as `Unknown`.
//!
//! - `auth.rs`: sign-in and account deletion: `OtpRequest`, `OtpSent`, `SessionRequest`,
//!   `SessionCreated`, `Me`, `AccountDeleted`, `DeletedCounts`, `KeptRecord`.
//! - `codes.rs`: `ItemKind`, `ItemStatus`, `RefusalCode`, `FeedKind`, `DayStatusCode`.
//! - `upload.rs`: `UploadBatch`, `ItemResult`, `UploadResult`, `ScanBatch`, `ScanItem`.
//! - `feed.rs`: `PullResult`, `FeedEntry`, the entry bodies (`DirectoryEntry`, `RevocationEntry`,
//!   `ExposureEntry`, `SafetyLevelEntry`, an issuer key's `TrustedKey`) and `FeedBody`, the typed body.
//! - `personal.rs`: `SignRequest`, `SignedCode`.
//! - `health.rs`: the web portal's daily health log: `QuarantineOrder`, `QuarantineStarted`, `MyQuarantine`,
//!   `MyEpisode`, `EpisodeDay`, `WebReport`, `ReportFiled` (with `codes.rs`'s `DayStatusCode`).
//! - `error.rs`: `ErrorBody`, `ErrorDetail`.
//! - `tests.rs`: the vectors decode and re-encode to the same JSON; a renamed field fails them.

mod auth;
mod codes;
mod error;
mod feed;
mod health;
mod personal;
mod upload;

pub use auth::{
    AccountDeleted, DeletedCounts, KeptRecord, Me, OtpRequest, OtpSent, SessionCreated, SessionRequest,
};
pub use codes::{DayStatusCode, FeedKind, ItemKind, ItemStatus, RefusalCode};
pub use error::{ErrorBody, ErrorDetail, FieldProblemBody};
pub use feed::{
    DirectoryEntry, ExposureEntry, FeedBody, FeedEntry, PullResult, RevocationEntry, SafetyLevelEntry,
};
pub use health::{
    EpisodeDay, MyEpisode, MyQuarantine, QuarantineOrder, QuarantineStarted, ReportFiled, WebReport,
};
pub use personal::{SignRequest, SignedCode};
pub use upload::{ItemResult, ScanBatch, ScanItem, UploadBatch, UploadResult};

/// The frozen vectors (`docs/protocol/vectors/sync-v1.json`), for the tests of both sides.
pub const VECTORS_V1: &str = include_str!("../../../docs/protocol/vectors/sync-v1.json");

/// Decodes `body` as the protocol type named `type_name` (as the vectors name them) and encodes it again:
/// `Ok` when the result is exactly `body`, else why not. For a pull answer every known entry's body is
/// decoded and re-encoded too. For the vector tests of both sides (core and server).
pub fn roundtrip(type_name: &str, body: &serde_json::Value) -> Result<(), String> {
    fn again<T: serde::Serialize + serde::de::DeserializeOwned>(
        body: &serde_json::Value,
    ) -> Result<(T, serde_json::Value), String> {
        let typed: T = serde_json::from_value(body.clone()).map_err(|e| format!("decode: {e}"))?;
        let encoded = serde_json::to_value(&typed).map_err(|e| format!("encode: {e}"))?;
        if &encoded == body {
            Ok((typed, encoded))
        } else {
            Err(format!("re-encoded differently: {encoded}"))
        }
    }
    match type_name {
        "UploadBatch" => again::<UploadBatch>(body).map(drop),
        "UploadResult" => again::<UploadResult>(body).map(drop),
        "ScanBatch" => again::<ScanBatch>(body).map(drop),
        "SignRequest" => again::<SignRequest>(body).map(drop),
        "SignedCode" => again::<SignedCode>(body).map(drop),
        "ErrorBody" => again::<ErrorBody>(body).map(drop),
        "OtpRequest" => again::<OtpRequest>(body).map(drop),
        "OtpSent" => again::<OtpSent>(body).map(drop),
        "SessionRequest" => again::<SessionRequest>(body).map(drop),
        "SessionCreated" => again::<SessionCreated>(body).map(drop),
        "Me" => again::<Me>(body).map(drop),
        "AccountDeleted" => again::<AccountDeleted>(body).map(drop),
        "QuarantineOrder" => again::<QuarantineOrder>(body).map(drop),
        "QuarantineStarted" => again::<QuarantineStarted>(body).map(drop),
        "MyQuarantine" => again::<MyQuarantine>(body).map(drop),
        "WebReport" => again::<WebReport>(body).map(drop),
        "ReportFiled" => again::<ReportFiled>(body).map(drop),
        "PullResult" => {
            let (page, _) = again::<PullResult>(body)?;
            for entry in &page.items {
                let Some(typed) = entry.decode().map_err(|e| format!("{} body: {e}", entry.kind))? else {
                    continue;
                };
                let encoded = typed.to_json().map_err(|e| format!("encode: {e}"))?;
                if encoded != entry.body {
                    return Err(format!("{} body re-encoded differently: {encoded}", entry.kind));
                }
            }
            Ok(())
        }
        other => Err(format!("no protocol type {other}")),
    }
}

#[cfg(test)]
mod tests;
