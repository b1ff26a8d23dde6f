//! tokhai-core: the offline-first engine that every tokhai front end embeds.
//!
//! This file is the facade: module declarations and the public re-exports, nothing else.
//! `core/README.md` says which file holds which concern.

mod clock;
mod declaration;
mod health;
mod i18n;
mod ids;
mod visit;

pub use clock::{Clock, FixedClock, SystemClock};
pub use declaration::{
    Address, ChronicCondition, Declaration, DeclarationRecord, Exposure, IdNumber, Person, Relation, Sex,
    Symptoms, UnitScheme,
};
pub use health::{DailyReport, QuarantineEpisode, QuarantineKind};
pub use i18n::{Lang, Localized, Msg};
pub use ids::{CheckpointId, DeclarationId, EpisodeId, PersonId, ReportId, VisitId};
pub use visit::{CheckpointKind, CheckpointRef, Visit, VisitEnd};

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
