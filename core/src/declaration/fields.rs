//! Parsers of single form fields: text in, a clean value or a [`FieldErrorKind`] out.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::errors::FieldErrorKind;
use super::model::{ChronicCondition, Sex, UnitScheme};
use crate::units::fold;

/// Limits on free text, in characters.
pub(crate) const NAME_MIN: usize = 2;
pub(crate) const NAME_MAX: usize = 80;
pub(crate) const STREET_MAX: usize = 200;
pub(crate) const PLACE_MAX: usize = 200;
pub(crate) const PLACES_MAX: usize = 20;
/// Most chronic-condition entries (there are 10 conditions; repeats are merged).
pub(crate) const CONDITIONS_MAX: usize = 20;
pub(crate) const OTHER_SYMPTOMS_MAX: usize = 200;
pub(crate) const EMAIL_MAX: usize = 254;
/// Longest raw input looked at for a short field (codes, numbers, kinds); longer is an error at once.
const SHORT_RAW_MAX: usize = 64;

/// One line of free text: NFC, whitespace runs collapsed to one space, trimmed; `None` when blank.
pub(crate) fn clean_line(raw: &str, max: usize) -> Result<Option<String>, FieldErrorKind> {
    if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(FieldErrorKind::ControlCharacters);
    }
    if raw
        .chars()
        .any(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
    {
        return Err(FieldErrorKind::ControlCharacters);
    }
    // Collapse before normalising, and stop early on absurd input.
    if raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .nth(max.saturating_mul(4))
        .is_some()
    {
        return Err(FieldErrorKind::TooLong { max });
    }
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let text: String = collapsed.nfc().collect();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(FieldErrorKind::TooLong { max });
    }
    Ok(Some(text))
}

/// Full name: trimmed, single spaces, NFC, UPPERCASE with its diacritics ("nguyễn văn an" → "NGUYỄN VĂN AN").
/// Letters of any script, spaces, apostrophes (’ becomes ') and hyphens; every word holds a letter.
pub(crate) fn full_name(raw: &str) -> Result<String, FieldErrorKind> {
    let raw = raw.replace(['\u{2019}', '\u{2018}', '`'], "'");
    let line = match clean_line(&raw, NAME_MAX) {
        Ok(Some(line)) => line,
        Ok(None) => return Err(FieldErrorKind::Required),
        Err(FieldErrorKind::ControlCharacters) => return Err(FieldErrorKind::NameCharacters),
        Err(e) => return Err(e),
    };
    let allowed = |c: char| c.is_alphabetic() || is_combining_mark(c) || matches!(c, ' ' | '\'' | '-');
    if !line.chars().all(allowed) {
        return Err(FieldErrorKind::NameCharacters);
    }
    if !line.split(' ').all(|word| word.chars().any(char::is_alphabetic)) {
        return Err(FieldErrorKind::NameCharacters);
    }
    let upper: String = line.to_uppercase().nfc().collect();
    let letters = upper.chars().filter(|c| c.is_alphabetic()).count();
    if letters < NAME_MIN {
        return Err(FieldErrorKind::TooShort { min: NAME_MIN });
    }
    if upper.chars().count() > NAME_MAX {
        return Err(FieldErrorKind::TooLong { max: NAME_MAX });
    }
    Ok(upper)
}

/// The kind of identity document chosen on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdKind {
    Cmnd,
    Cccd,
    Passport,
    NotIssued,
}

/// The document kind; `Ok(None)` when left blank (to be guessed from the number).
pub(crate) fn id_kind(raw: &str) -> Result<Option<IdKind>, FieldErrorKind> {
    if raw.chars().nth(SHORT_RAW_MAX).is_some() {
        return Err(FieldErrorKind::UnknownIdKind);
    }
    Ok(Some(match fold(raw).as_str() {
        "" => return Ok(None),
        "cmnd" | "chung minh nhan dan" | "chung minh thu" => IdKind::Cmnd,
        "cccd" | "can cuoc" | "can cuoc cong dan" | "the can cuoc" => IdKind::Cccd,
        "passport" | "ho chieu" => IdKind::Passport,
        "none" | "not issued" | "chua co" | "khong co" | "khong" => IdKind::NotIssued,
        _ => return Err(FieldErrorKind::UnknownIdKind),
    }))
}

/// The document number without spaces, dots or dashes, in capitals; `Err(IdFormat)` on other symbols.
pub(crate) fn id_digits(raw: &str) -> Result<String, FieldErrorKind> {
    if raw.chars().nth(SHORT_RAW_MAX).is_some() {
        return Err(FieldErrorKind::IdFormat);
    }
    let mut out = String::new();
    for c in raw.chars() {
        match c {
            c if c.is_whitespace() || matches!(c, '.' | '-') => {}
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => return Err(FieldErrorKind::IdFormat),
        }
    }
    Ok(out)
}

/// Guesses the document kind from a cleaned, non-empty number.
pub(crate) fn guess_id_kind(number: &str) -> Result<IdKind, FieldErrorKind> {
    let digits_only = number.bytes().all(|b| b.is_ascii_digit());
    match (digits_only, number.len()) {
        (true, 9) => Ok(IdKind::Cmnd),
        (true, 12) => Ok(IdKind::Cccd),
        (true, _) => Err(FieldErrorKind::IdFormat),
        (false, 6..=9) => Ok(IdKind::Passport),
        (false, _) => Err(FieldErrorKind::IdFormat),
    }
}

/// Checks a cleaned number against its kind's shape (not the cross-checks with birth year and sex).
pub(crate) fn check_id_shape(kind: IdKind, number: &str, vietnamese: bool) -> Result<(), FieldErrorKind> {
    let digits = |n: usize| number.len() == n && number.bytes().all(|b| b.is_ascii_digit());
    match kind {
        IdKind::Cmnd if !digits(9) => Err(FieldErrorKind::CmndFormat),
        IdKind::Cccd if !digits(12) => Err(FieldErrorKind::CccdFormat),
        IdKind::Passport if !(6..=9).contains(&number.len()) => Err(FieldErrorKind::PassportFormat),
        IdKind::Passport if vietnamese => {
            let mut bytes = number.bytes();
            let letter = bytes.next().is_some_and(|b| b.is_ascii_uppercase());
            if letter && number.len() == 8 && bytes.all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(FieldErrorKind::VietnamesePassportFormat)
            }
        }
        IdKind::NotIssued if !number.is_empty() => Err(FieldErrorKind::IdNumberNotExpected),
        _ => Ok(()),
    }
}

/// What the first six digits of a CCCD say: province code of birth registration, sex, year of birth.
/// Digit 4 is century and sex (0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s, …); digits 5–6 the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CccdPrefix {
    pub(crate) province: u32,
    pub(crate) female: bool,
    pub(crate) birth_year: i32,
}

pub(crate) fn cccd_prefix(number: &str) -> Option<CccdPrefix> {
    let digit = |i: usize| {
        number
            .as_bytes()
            .get(i)
            .filter(|b| b.is_ascii_digit())
            .map(|b| u32::from(b - b'0'))
    };
    let province = digit(0)? * 100 + digit(1)? * 10 + digit(2)?;
    let century = digit(3)?;
    let year = digit(4)? * 10 + digit(5)?;
    let birth_year = 1900 + 100 * i32::try_from(century / 2).ok()? + i32::try_from(year).ok()?;
    Some(CccdPrefix {
        province,
        female: century % 2 == 1,
        birth_year,
    })
}

/// Year of birth as typed; the range is checked by the caller, which knows today.
pub(crate) fn birth_year(raw: &str) -> Result<i32, FieldErrorKind> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(FieldErrorKind::Required);
    }
    if text.len() > 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldErrorKind::BirthYearFormat);
    }
    text.parse().map_err(|_| FieldErrorKind::BirthYearFormat)
}

pub(crate) fn sex(raw: &str) -> Result<Sex, FieldErrorKind> {
    if raw.chars().nth(SHORT_RAW_MAX).is_some() {
        return Err(FieldErrorKind::UnknownSex);
    }
    match fold(raw).as_str() {
        "" => Err(FieldErrorKind::Required),
        "male" | "m" | "nam" | "man" => Ok(Sex::Male),
        "female" | "f" | "nu" | "woman" => Ok(Sex::Female),
        "other" | "khac" => Ok(Sex::Other),
        _ => Err(FieldErrorKind::UnknownSex),
    }
}

pub(crate) fn unit_scheme(raw: &str) -> Result<UnitScheme, FieldErrorKind> {
    if raw.chars().nth(SHORT_RAW_MAX).is_some() {
        return Err(FieldErrorKind::UnknownUnitScheme);
    }
    match fold(raw).as_str() {
        "" | "2025" | "v2025" => Ok(UnitScheme::V2025),
        "2021" | "v2021" => Ok(UnitScheme::V2021),
        _ => Err(FieldErrorKind::UnknownUnitScheme),
    }
}

/// A unit code ("01", "1", " 70 "); `Ok(None)` when blank.
pub(crate) fn unit_code(raw: &str) -> Result<Option<u32>, FieldErrorKind> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldErrorKind::UnitCodeFormat);
    }
    text.parse().map(Some).map_err(|_| FieldErrorKind::UnitCodeFormat)
}

/// E-mail: blank → `None`; otherwise a sane shape (one `@`, a local part, a dotted domain of letters,
/// digits and hyphens, a top-level domain of letters), domain in lower case.
pub(crate) fn email(raw: &str) -> Result<Option<String>, FieldErrorKind> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > EMAIL_MAX {
        return Err(FieldErrorKind::TooLong { max: EMAIL_MAX });
    }
    let bad = FieldErrorKind::EmailFormat;
    let (local, domain) = text.split_once('@').ok_or(bad.clone())?;
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(
                    c,
                    '@' | '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | '\\' | ']'
                )
        });
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.chars().count() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic));
    if local_ok && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok {
        Ok(Some(format!("{local}@{domain}")))
    } else {
        Err(bad)
    }
}

pub(crate) fn chronic_condition(raw: &str) -> Result<Option<ChronicCondition>, FieldErrorKind> {
    use ChronicCondition::*;
    if raw.chars().nth(SHORT_RAW_MAX).is_some() {
        return Err(FieldErrorKind::UnknownChronicCondition);
    }
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let folded = fold(raw);
    let folded = folded.strip_prefix("benh ").unwrap_or(&folded);
    let folded = folded.strip_suffix(" man tinh").unwrap_or(folded);
    Ok(Some(match folded {
        "liver" | "gan" => Liver,
        "blood" | "mau" => Blood,
        "lung" | "phoi" => Lung,
        "kidney" | "than" => Kidney,
        "heart" | "tim" | "tim mach" => Heart,
        "high blood pressure" | "huyet ap cao" | "tang huyet ap" => HighBloodPressure,
        "immunodeficiency" | "suy giam mien dich" => Immunodeficiency,
        "organ transplant" | "ghep tang" | "ghep tang thuy tinh the" => OrganTransplant,
        "diabetes" | "tieu duong" | "dai thao duong" => Diabetes,
        "cancer" | "ung thu" => Cancer,
        _ => return Err(FieldErrorKind::UnknownChronicCondition),
    }))
}
