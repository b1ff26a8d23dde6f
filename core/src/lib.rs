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
    CryptoError, FixedKeyProvider, KekParams, KeyEncryptionKey, KeyError, KeyProvider, KeyRecord, LookupKey,
    LookupTag, PBKDF2_MIN_ITERATIONS, PassphraseProvider, Plaintext, PlatformKeyError, PlatformKeyProvider,
    PlatformKeyStore, ProviderKind, SealContext, Sealed, SealingKey, StoreKeys,
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
