//! What the codes carry, independent of any one wire version.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;
use crate::ids::CheckpointId;
use crate::visit::CheckpointKind;

use super::keys::KeyId;

/// A checkpoint as its poster code describes it. Times are carried to the minute (seconds are dropped
/// when encoded). Text should be NFC (then every Vietnamese letter packs into one VISCII byte).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointPayload {
    /// The checkpoint.
    pub id: CheckpointId,
    /// The enclosing checkpoint (building → floor/department → room).
    pub parent: Option<CheckpointId>,
    /// Name shown to visitors (at most 180 bytes once encoded).
    pub name: String,
    /// Kind of place.
    pub kind: CheckpointKind,
    /// Ward code (2025 unit list).
    pub ward: u32,
    /// Short street address (at most 120 bytes once encoded).
    pub street: String,
    /// How long a visit usually lasts, in minutes.
    pub default_stay_minutes: Option<u16>,
    /// When the code was issued.
    pub issued_at: DateTime<Utc>,
    /// Not valid before this instant.
    pub valid_from: Option<DateTime<Utc>>,
    /// Not valid from this instant on.
    pub valid_until: Option<DateTime<Utc>>,
}

/// The declared health status a personal code shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalStatus {
    /// No symptoms, no exposure.
    NoSymptoms,
    /// Has symptoms.
    Symptoms,
    /// Was exposed to a case or an outbreak area.
    Exposure,
    /// In quarantine (facility, home or locked-down area).
    InQuarantine,
}

impl PersonalStatus {
    /// The status as staff read it on a card or a kiosk.
    pub fn label(self) -> Msg {
        match self {
            Self::NoSymptoms => Msg::new("Không có triệu chứng", "No symptoms"),
            Self::Symptoms => Msg::new("Có triệu chứng", "Has symptoms"),
            Self::Exposure => Msg::new("Có yếu tố dịch tễ", "Exposure"),
            Self::InQuarantine => Msg::new("Đang cách ly", "In quarantine"),
        }
    }
}

/// A pseudonymous id of a personal code's holder: 128 bits, one per declaration, linked to nothing else
/// (not the phone, the ID number, or the `PersonId`). It is not a credential: knowing it opens no data.
/// The app derives it from its declaration's random id ([`Pseudonym::of_declaration`]), which the
/// personal code does not carry: the server signs a pseudonym only for the account that uploaded the
/// declaration it was derived from, so someone who read it off another person's pending code cannot
/// have it signed for themselves (issue 14, item 11).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(pub [u8; 16]);

impl Pseudonym {
    /// A fresh random pseudonym (codes that need no server signature, tests).
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().into_bytes())
    }

    /// The pseudonym of a declaration: the first 16 bytes of SHA-256 over a domain tag and the
    /// declaration's id.
    pub fn of_declaration(id: &crate::ids::DeclarationId) -> Self {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(b"tokhai pseudonym v1\0");
        ctx.update(id.as_uuid().as_bytes());
        let d = ctx.finish();
        let mut out = [0u8; 16];
        out.copy_from_slice(d.as_ref().get(..16).unwrap_or(&[0u8; 16]));
        Self(out)
    }

    /// Lower-case hex, as trust lists write it.
    pub fn to_hex(&self) -> String {
        super::keys::hex(&self.0)
    }
}

impl fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pseudonym({})", self.to_hex())
    }
}

impl Serialize for Pseudonym {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Pseudonym {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        super::keys::unhex::<16>(&s)
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("bad pseudonym"))
    }
}

/// What a personal code carries: only what staff need to recognise the holder. Never a name, phone or
/// ID number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalPayload {
    /// The holder's pseudonym for this declaration.
    pub pseudonym: Pseudonym,
    /// When this code was made (by the app for a pending code, by the server when it signs).
    pub issued_at: DateTime<Utc>,
    /// When the declaration was made.
    pub declared_at: DateTime<Utc>,
    /// Declared status.
    pub status: PersonalStatus,
    /// Not valid from this instant on.
    pub expires_at: DateTime<Utc>,
    /// Initials of the holder's name, at most 4 letters (e.g. "NVA").
    pub initials: String,
    /// Birth year, if the holder gave it.
    pub birth_year: Option<u16>,
}

impl fmt::Debug for PersonalPayload {
    /// Initials and birth year are personal data: never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonalPayload")
            .field("pseudonym", &self.pseudonym)
            .field("status", &self.status)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The text of a signed checkpoint code, ready for a QR code, with the id for its fallback code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointCode {
    pub(crate) text: String,
    pub(crate) id: CheckpointId,
    pub(crate) name: String,
}

impl CheckpointCode {
    /// The text to put in the QR code (alphanumeric characters only).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The checkpoint.
    pub fn id(&self) -> CheckpointId {
        self.id
    }

    /// The checkpoint's name, as signed.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The human-typable code printed under the QR.
    pub fn fallback(&self) -> super::FallbackCode {
        super::FallbackCode::new(self.id)
    }
}

/// The text of a personal code (signed, or pending), with what its printed card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalCode {
    pub(crate) text: String,
    pub(crate) payload: PersonalPayload,
    pub(crate) key: Option<KeyId>,
}

impl PersonalCode {
    /// The text to put in the QR code.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What the code carries.
    pub fn payload(&self) -> &PersonalPayload {
        &self.payload
    }

    /// False for the unsigned form the app shows until the declaration has synced.
    pub fn is_signed(&self) -> bool {
        self.key.is_some()
    }
}
