//! The personal QR code of a person: what a checkpoint's staff scan for someone without a smartphone,
//! or read off the phone's screen. Until the server has signed it (after sync), the code is "pending".

use super::error::{EngineError, Missing, Rejection};
use super::facade::Engine;
use crate::declaration::{DeclarationRecord, Freshness};
use crate::health::QuarantineEpisode;
use crate::ids::PersonId;
use crate::qr::{PersonalCode, PersonalPayload, PersonalStatus, encode_pending_personal};

/// At most this many letters of initials go into a code.
const MAX_INITIALS: usize = 4;

/// Initials of a full name: the first letter of each word, diacritics kept ("NGUYỄN VĂN AN" → "NVA").
/// A long name keeps its first words' initials and the given name's (the last word), at most four.
pub(crate) fn initials(full_name: &str) -> String {
    let letters: Vec<char> = full_name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .collect();
    if letters.len() <= MAX_INITIALS {
        return letters.into_iter().flat_map(char::to_uppercase).collect();
    }
    let (first, last) = letters.split_at(MAX_INITIALS - 1);
    first
        .iter()
        .chain(last.last())
        .flat_map(|c| c.to_uppercase())
        .collect()
}

/// The status a personal code shows: quarantine first, then exposure, then symptoms.
pub(crate) fn status(record: &DeclarationRecord, in_quarantine: bool) -> PersonalStatus {
    if in_quarantine {
        PersonalStatus::InQuarantine
    } else if record.declaration.has_exposure() {
        PersonalStatus::Exposure
    } else if record.declaration.has_symptoms() {
        PersonalStatus::Symptoms
    } else {
        PersonalStatus::NoSymptoms
    }
}

impl Engine {
    /// What `person`'s personal code carries now: from their newest declaration (which must be fresh),
    /// and whether they are in quarantine. It expires when the declaration goes stale.
    pub fn personal_payload(&self, person: PersonId) -> Result<PersonalPayload, EngineError> {
        let record = self
            .latest_declaration(person)?
            .ok_or(EngineError::NotFound(Missing::Declaration))?;
        let now = self.now();
        let expires_at = match self.freshness(person)? {
            Freshness::Fresh { stale_at, .. } => stale_at,
            Freshness::Stale { .. } => return Err(Rejection::DeclarationStale.into()),
            Freshness::Missing => return Err(EngineError::NotFound(Missing::Declaration)),
        };
        let in_quarantine = self
            .episodes(person)?
            .iter()
            .any(|e: &QuarantineEpisode| e.is_active(now));
        Ok(PersonalPayload {
            pseudonym: record.pseudonym,
            issued_at: now,
            declared_at: record.declared_at,
            status: status(&record, in_quarantine),
            expires_at,
            initials: initials(&record.declaration.full_name),
            birth_year: Some(record.declaration.birth_year),
        })
    }

    /// `person`'s personal code to show now: the server-signed code of their current declaration once a
    /// sync fetched it (and while it says what the pending one would: same declaration and status),
    /// else the pending (unsigned) one.
    pub fn personal_code(&self, person: PersonId) -> Result<PersonalCode, EngineError> {
        let payload = self.personal_payload(person)?;
        if let Some(signed) = self.signed_code_for(&payload)? {
            return Ok(signed);
        }
        encode_pending_personal(&payload).map_err(|e| Rejection::PersonalCode(e).into())
    }

    /// The pending (unsigned) code, whatever sync fetched: what is sent to the server to be signed.
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    pub(crate) fn pending_personal_code(&self, person: PersonId) -> Result<PersonalCode, EngineError> {
        let payload = self.personal_payload(person)?;
        encode_pending_personal(&payload).map_err(|e| Rejection::PersonalCode(e).into())
    }

    #[cfg(not(feature = "sync"))]
    fn signed_code_for(&self, _payload: &PersonalPayload) -> Result<Option<PersonalCode>, EngineError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_keep_diacritics_and_stay_short() {
        assert_eq!(initials("NGUYỄN VĂN AN"), "NVA");
        assert_eq!(initials("ĐỖ THỊ ÁNH"), "ĐTÁ");
        assert_eq!(initials("TÔN NỮ THỊ HOÀNG ANH"), "TNTA");
        assert_eq!(initials("LÊ"), "L");
        assert_eq!(initials(""), "");
    }
}
