//! The closed vocabularies of the sync protocol: item kinds, item statuses, refusal codes, feed kinds.
//!
//! Each is a string on the wire (`snake_case`). A value this build does not know decodes as `Unknown`
//! keeping the text, so an older client survives a newer server's values (and re-encodes them as they
//! came); what a client does with an unknown value is its own rule (the sync client leaves an item with an
//! unknown status pending, and ignores a feed entry of an unknown kind).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::qr::QrError;

/// A string enum of the wire: its known values, and `Unknown(text)` for any other.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $var:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $var, )+
            /// A value this build does not know (from a newer peer), as it came.
            Unknown(String),
        }

        impl $name {
            /// Every value this build knows, in documentation order.
            pub const KNOWN: &'static [$name] = &[$( $name::$var, )+];

            /// The value of a wire text (`Unknown` for a text this build does not know).
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $wire => Self::$var, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// The wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$var => $wire, )+
                    Self::Unknown(text) => text,
                }
            }

            /// Whether this build knows the value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self::parse(text)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::parse(&text))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .description(Some(concat!(
                        stringify!($name),
                        ": one of the listed values; a client takes any other value as unknown."
                    )))
                    .enum_values(Some([$( $wire, )+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

wire_enum! {
    /// The kind of an uploaded item, as the upload answer names it.
    pub enum ItemKind {
        /// A declaration version (`DeclarationRecord`).
        Declaration = "declaration",
        /// A quarantine episode (`QuarantineEpisode`).
        Episode = "episode",
        /// A visit (`Visit`).
        Visit = "visit",
        /// A daily report (`DailyReport`).
        Report = "report",
        /// A personal code scanned by a checkpoint's staff (`POST /v1/sync/scans`).
        Scan = "scan",
    }
}

wire_enum! {
    /// What the server did with one uploaded item (`docs/protocol/sync.md` §3).
    pub enum ItemStatus {
        /// Stored now.
        Accepted = "accepted",
        /// Stored before, identical (a retry).
        Duplicate = "duplicate",
        /// Replaced the stored version.
        Updated = "updated",
        /// The server kept its own version (a manager's "check out everyone").
        Kept = "kept",
        /// Refused: see the refusal code; sending it again unchanged gives the same answer.
        Refused = "refused",
    }
}

wire_enum! {
    /// Why the server refused an uploaded item or a staff scan.
    pub enum RefusalCode {
        /// Older than the retention period.
        TooOld = "too_old",
        /// More than 10 minutes ahead of the server's clock.
        InFuture = "in_future",
        /// Fails validation.
        Invalid = "invalid",
        /// A checkpoint the server does not know.
        UnknownCheckpoint = "unknown_checkpoint",
        /// A report for an episode this account has not uploaded.
        UnknownEpisode = "unknown_episode",
        /// An episode before any declaration (its area comes from the newest declaration).
        DeclarationRequired = "declaration_required",
        /// The id belongs to another account's item.
        Conflict = "conflict",
        /// A visit that starts after its checkpoint was deactivated.
        CheckpointRevoked = "checkpoint_revoked",
        /// A visit that repeats another of the same person at the same checkpoint.
        Overlapping = "overlapping",
        /// A staff scan from an account that is neither staff nor manager there (or was not yet).
        NotStaff = "not_staff",
        /// A scanned code with a valid signature but a pseudonym this server did not sign.
        UnknownCode = "unknown_code",
        /// A scanned text that is not a tokhai code.
        QrNotTokhai = "qr_not_tokhai",
        /// A scanned tokhai code that cannot be read.
        QrMalformed = "qr_malformed",
        /// A checkpoint code where a personal code was expected.
        QrWrongKind = "qr_wrong_kind",
        /// Signed by a key the server does not trust.
        QrUnknownKey = "qr_unknown_key",
        /// Signed by a key outside its validity.
        QrKeyNotValid = "qr_key_not_valid",
        /// A bad signature.
        QrBadSignature = "qr_bad_signature",
        /// Issued after now.
        QrNotYetValid = "qr_not_yet_valid",
        /// Expired.
        QrExpired = "qr_expired",
        /// Revoked.
        QrRevoked = "qr_revoked",
        /// A pending (unsigned) personal code.
        QrPending = "qr_pending",
    }
}

impl From<&QrError> for RefusalCode {
    /// The refusal of a staff scan whose code failed verification (`QrError`'s own code).
    fn from(e: &QrError) -> Self {
        match e {
            QrError::NotTokhai => Self::QrNotTokhai,
            QrError::Malformed(_) => Self::QrMalformed,
            QrError::WrongKind { .. } => Self::QrWrongKind,
            QrError::UnknownKey => Self::QrUnknownKey,
            QrError::KeyNotValid => Self::QrKeyNotValid,
            QrError::BadSignature => Self::QrBadSignature,
            QrError::NotYetValid => Self::QrNotYetValid,
            QrError::Expired => Self::QrExpired,
            QrError::Revoked => Self::QrRevoked,
            QrError::Pending => Self::QrPending,
        }
    }
}

wire_enum! {
    /// The kind of a download-feed entry (`docs/protocol/sync.md` §5). Unknown kinds are ignored.
    pub enum FeedKind {
        /// A published issuing key (`TrustedKey`).
        IssuerKey = "issuer_key",
        /// A deactivated checkpoint (`RevocationEntry`).
        Revocation = "revocation",
        /// A checkpoint directory entry (`DirectoryEntry`).
        Checkpoint = "checkpoint",
        /// An exposure window (`ExposureEntry`).
        Exposure = "exposure",
        /// A ward's safety level (`SafetyLevelEntry`).
        SafetyLevel = "safety_level",
    }
}

wire_enum! {
    /// The state of one day of a quarantine, as the web portal's citizen pages receive it
    /// (`GET /v1/me/quarantine`): `tokhai_core::DayStatus` on the wire.
    pub enum DayStatusCode {
        /// The day has not begun.
        Upcoming = "upcoming",
        /// Today; not reported yet.
        Due = "due",
        /// Reported on the day.
        Done = "done",
        /// Reported after the day, within the grace period.
        DoneLate = "done_late",
        /// Past, not reported, still reportable.
        Late = "late",
        /// Past the grace period without a report.
        Missed = "missed",
        /// Past the retention period without a report.
        Expired = "expired",
    }
}

impl From<crate::health::DayStatus> for DayStatusCode {
    fn from(s: crate::health::DayStatus) -> Self {
        use crate::health::DayStatus as D;
        match s {
            D::Upcoming => Self::Upcoming,
            D::Due => Self::Due,
            D::Done => Self::Done,
            D::DoneLate => Self::DoneLate,
            D::Late => Self::Late,
            D::Missed => Self::Missed,
            D::Expired => Self::Expired,
        }
    }
}
