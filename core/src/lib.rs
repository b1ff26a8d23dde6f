//! tokhai-core: the offline-first engine that every tokhai front end embeds.
//!
//! This file is the facade: module declarations and the public re-exports, nothing else.
//! `core/README.md` says which file holds which concern.

mod clock;
mod crypto;
mod declaration;
#[cfg(feature = "store")]
mod engine;
mod health;
mod i18n;
mod ids;
#[cfg(feature = "store")]
mod store;
#[cfg(test)]
mod test_support;
mod visit;

pub use clock::{Clock, FixedClock, SystemClock};
#[cfg(feature = "keyring")]
pub use crypto::OsKeyStoreProvider;
pub use crypto::{
    CryptoError, FixedKeyProvider, KekParams, KeyEncryptionKey, KeyProvider, KeyProviderError, KeyRecord,
    LookupKey, LookupTag, PBKDF2_MIN_ITERATIONS, PassphraseProvider, Plaintext, PlatformKeyError,
    PlatformKeyProvider, PlatformKeyStore, ProviderKind, SealContext, Sealed, SealingKey, StoreKeys,
};
pub use declaration::{
    Address, ChronicCondition, Declaration, DeclarationRecord, Exposure, IdNumber, Person, Relation, Sex,
    Symptoms, UnitScheme,
};
#[cfg(feature = "store")]
pub use engine::{
    Cause, CheckIn, Engine, EngineError, EpisodeExport, Export, Freshness, Missing, NewEpisode, OutboxExport,
    PersonExport, Policy, PurgeReport, Rejection, ReportInput,
};
pub use health::{DailyReport, QuarantineEpisode, QuarantineKind};
pub use i18n::{Lang, Localized, Msg};
pub use ids::{CheckpointId, DeclarationId, EpisodeId, OutboxId, PersonId, ReportId, VisitId};
#[cfg(feature = "store")]
pub use store::{OutboxEntry, OutboxEvent};
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
