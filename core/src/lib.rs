//! tokhai-core: the offline-first engine that every tokhai front end embeds.
//!
//! This file is the facade: module declarations and the public re-exports, nothing else.
//! `core/README.md` says which file holds which concern.

mod api_error;
mod calendar;
mod clock;
mod crypto;
mod declaration;
#[cfg(feature = "store")]
mod engine;
mod health;
mod i18n;
mod ids;
mod officer;
mod phone;
pub mod protocol;
mod public_error;
mod retention;
#[cfg(feature = "store")]
mod store;
#[cfg(feature = "sync")]
mod sync;
#[cfg(test)]
#[cfg_attr(
    not(feature = "store"),
    expect(
        dead_code,
        reason = "most fixtures serve the store's tests; without it only the rules' tests use a few"
    )
)]
mod test_support;
mod text;
mod units;
mod visit;

pub use api_error::ApiCode;
pub use calendar::{
    VIETNAM_UTC_OFFSET_MINUTES, day_end, day_start, is_valid_utc_offset, local_day, local_instant,
};
pub use clock::{Clock, FixedClock, SystemClock};
#[cfg(feature = "keyring")]
pub use crypto::OsKeyStoreProvider;
pub use crypto::{
    CryptoError, FixedKeyProvider, KekParams, KeyEncryptionKey, KeyProvider, KeyProviderError, KeyRecord,
    LookupKey, LookupTag, PBKDF2_MIN_ITERATIONS, PassphraseProvider, Plaintext, PlatformKeyError,
    PlatformKeyProvider, PlatformKeyStore, ProviderKind, SealContext, Sealed, SealingKey, StoreKeys,
};
pub use crypto::{MIN_PASSPHRASE_CHARS, PassphraseWeakness, check_new_passphrase};
pub use declaration::{
    Address, ChronicCondition, Declaration, DeclarationRecord, Exposure, IdNumber, Person, Relation, Sex,
    Symptoms, UnitScheme,
};
pub use declaration::{
    AddressForm, DEFAULT_FRESHNESS_HOURS, DeclarationForm, FieldError, FieldErrorKind, FormFileError,
    Freshness, FreshnessPolicy, ID_REQUIRED_FROM_AGE, MAX_AGE_YEARS, ValidationContext, ValidationErrors,
    freshness, newest_declaration, personal_payload_of, validate,
};
#[cfg(feature = "store")]
pub use engine::{
    Cause, CheckIn, Deployment, Engine, EngineError, EngineEvent, EngineListener, EpisodeExport, Export,
    MAX_COMPANIONS, Missing, NewEpisode, OutboxExport, PersonExport, Policy, QuarantineStart, Rejection,
    ReminderDue, StaffScan, Subscription, WakeReason, WakeReport, Wakeup, pick_checkpoint,
};
pub use health::{
    DEFAULT_GRACE_HOURS, DayState, DayStatus, EPISODE_PLACE_MAX, EpisodeError, HealthPolicy,
    MAX_EPISODE_DAYS, REPORT_NOTE_MAX, REPORT_OTHER_SYMPTOMS_MAX, ReportError, ReportInput, ReportPlan,
    StartPlan, TEMPERATURE_RANGE_DECIDEGREES, current_episode, day_statuses, next_reminder, open_episode,
    parse_temperature, plan_report, plan_start,
};
pub use health::{DailyReport, QuarantineEpisode, QuarantineKind};
pub use i18n::{Lang, Localized, Msg, en_count};
pub use ids::{CheckpointId, DeclarationId, EpisodeId, OutboxId, PersonId, ReportId, VisitId};
pub use officer::{
    CASE_MAX_ONSET_BEFORE_TEST_DAYS, CASE_MAX_TEST_AGE_DAYS, CASE_REINFECTION_DAYS,
    EXPOSURE_CLOCK_SKEW_MINUTES, EXPOSURE_MAX_DAYS, OfficerInputError, PURPOSE_MIN_DETAIL_CHARS,
    PURPOSE_REASONS, check_area, check_case, check_exposure_window, check_purpose, parse_scope,
    same_infection,
};
pub use phone::{Phone, PhoneError, PhoneKind};
pub use public_error::{FieldProblem, PublicError};
pub use retention::{
    DEFAULT_RETENTION_DAYS, PurgePlan, PurgeReport, RetentionPolicy, expired_declarations, expired_episodes,
    expired_reports, expired_visits, plan_purge,
};
#[cfg(feature = "store")]
pub use store::{OutboxEntry, OutboxEvent};
pub use text::{escape_unsafe, is_plain_text, is_unsafe_char};
/// The sync client (feature `sync`): `docs/protocol/sync.md`, `core/src/sync/mod.rs`.
#[cfg(feature = "sync")]
pub mod sync_client {
    pub use crate::sync::*;
}
pub use units::{
    AddressError, DEFAULT_SEARCH_LIMIT, MatchRank, SearchHit, SearchOptions, Unit, UnitKey, UnitKind,
    UnitLevel, Units, official_ward_code_2025, units, ward_code_changes_2025,
};
pub use visit::{
    CheckInPlan, DEFAULT_REPEAT_SCAN_MINUTES, DEFAULT_STAY_MINUTES, VisitChange, VisitEdit, VisitError,
    VisitPolicy, due_auto_check_outs, next_auto_check_out, open_visit, plan_check_in, plan_check_out,
    plan_edit, visit_history,
};
pub use visit::{CheckpointKind, CheckpointRef, Visit, VisitEnd, VisitState};

mod qr;
#[cfg(feature = "dev-key")]
pub use qr::dev as qr_dev_key;
#[cfg(feature = "render")]
pub use qr::render;
pub use qr::{
    CLOCK_SKEW_MINUTES, CheckpointCode, CheckpointPayload, CodeKind, Decoded, EncodeError, FallbackCode,
    FallbackError, Field as QrField, KeyError, KeyId, Malformed, PersonalCode, PersonalPayload,
    PersonalStatus, Pseudonym, QrError, SignError, Signer, TrustList, TrustStore, TrustedKey, Unverified,
    VerifiedCheckpoint, VerifiedPersonal, decode as decode_qr, decode_checkpoint as decode_checkpoint_code,
    decode_personal as decode_personal_code, encode_pending_personal, floor_to_minute,
};
#[cfg(feature = "scan")]
mod scan;
#[cfg(feature = "camera")]
pub use scan::{CameraDevice, CameraError, DesktopCamera, list_cameras};
#[cfg(feature = "scan")]
pub use scan::{
    Charset, DEFAULT_EFFORT, Ecc, Frame, GrayFrame, ImageScan, LiveScanner, MAX_PIXELS, MAX_SIDE,
    PixelFormat, ReportCode, Rung, ScanError, ScanMode, ScanOptions, ScanReport, ScannedCode, StreamEvent,
    StreamStats, Submitted, scan_gray_frame, scan_image_bytes, scan_image_file, scan_pixels,
};
