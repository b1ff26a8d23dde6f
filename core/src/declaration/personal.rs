//! What a person's personal QR code carries, from their declaration: initials, birth year, status.
//! The engine uses it for the app's pending code; the server for the card of a web account (ADR 0021).

use chrono::{DateTime, Utc};

use super::model::DeclarationRecord;
use crate::qr::{PersonalPayload, PersonalStatus};

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
fn status(record: &DeclarationRecord, in_quarantine: bool) -> PersonalStatus {
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

/// The payload of the personal code of `record` (a person's current declaration), made at `issued_at`
/// and valid until `expires_at` (when the declaration goes stale).
pub fn personal_payload_of(
    record: &DeclarationRecord,
    in_quarantine: bool,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> PersonalPayload {
    PersonalPayload {
        pseudonym: record.pseudonym,
        issued_at,
        declared_at: record.declared_at,
        status: status(record, in_quarantine),
        expires_at,
        initials: initials(&record.declaration.full_name),
        birth_year: Some(record.declaration.birth_year),
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
