//! Shared test fixtures: records full of distinctive marker strings, and a scanner that looks for them in
//! raw bytes in UTF-8 and UTF-16 (both byte orders), in any case.

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::declaration::{Address, Declaration, Exposure, IdNumber, Sex, Symptoms, UnitScheme};
use crate::health::{DailyReport, QuarantineEpisode, QuarantineKind};
use crate::ids::{CheckpointId, EpisodeId, PersonId, ReportId, VisitId};
use crate::visit::{CheckpointKind, CheckpointRef, Visit, VisitEnd};

pub(crate) const NAME: &str = "TRẦN THỊ KHÁNH LINHQ";
pub(crate) const NAME_ASCII: &str = "KHANH LINHQ";
pub(crate) const PHONE: &str = "+84912345687";
pub(crate) const PHONE_LOCAL: &str = "0912345687";
pub(crate) const ID_NUMBER: &str = "079187654321";
pub(crate) const STREET: &str = "17 Ngõ Huế Xyzzyq";
/// Phường Bến Thành (province 79) in the 2025 list.
pub(crate) const WARD_CODE: u32 = 26743;
pub(crate) const WARD_NAME: &str = "Bến Thành";
pub(crate) const EMAIL: &str = "linhq.marker@example.vn";
pub(crate) const TRAVEL: &str = "Đà Nẵng Plughq";
pub(crate) const SYMPTOM_NOTE: &str = "đau đầu Frobq";
pub(crate) const CHECKPOINT_NAME: &str = "Chợ Bến Thành Quuxq";
pub(crate) const CHECKPOINT_STREET: &str = "45 Lê Lợi Wibbleq";
pub(crate) const FACILITY: &str = "Ký túc xá Wobbleq";
pub(crate) const REPORT_NOTE: &str = "ho nhẹ Fnordq";
/// 2021-05-20 08:31:17 UTC: a distinctive instant used for check-in times.
pub(crate) const MARK_SECONDS: i64 = 1_621_499_477;

/// Every text marker a sealed store must never reveal.
pub(crate) fn text_markers() -> Vec<String> {
    [
        NAME,
        NAME_ASCII,
        PHONE,
        PHONE_LOCAL,
        "912345687",
        ID_NUMBER,
        STREET,
        "Xyzzyq",
        EMAIL,
        TRAVEL,
        "Plughq",
        SYMPTOM_NOTE,
        CHECKPOINT_NAME,
        "Quuxq",
        CHECKPOINT_STREET,
        "Wibbleq",
        FACILITY,
        "Wobbleq",
        REPORT_NOTE,
        "Fnordq",
        "26743",
        WARD_NAME,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(time_markers())
    .collect()
}

/// The marked instant as text in the forms a careless store would write it.
pub(crate) fn time_markers() -> Vec<String> {
    let at = mark_time();
    vec![
        MARK_SECONDS.to_string(),
        (MARK_SECONDS * 1000).to_string(),
        at.to_rfc3339(),
        at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        at.format("%Y-%m-%d %H:%M:%S").to_string(),
        "08:31:17".to_owned(),
        "2021-05-20".to_owned(),
    ]
}

pub(crate) fn mark_time() -> DateTime<Utc> {
    Utc.timestamp_opt(MARK_SECONDS, 0).single().unwrap_or_default()
}

pub(crate) fn declaration() -> Declaration {
    Declaration {
        full_name: NAME.to_owned(),
        id_number: IdNumber::Cccd(ID_NUMBER.to_owned()),
        birth_year: 1987,
        sex: Sex::Female,
        nationality: "VN".to_owned(),
        address: Address {
            scheme: UnitScheme::V2025,
            province: 79,
            district: None,
            ward: WARD_CODE,
            street: STREET.to_owned(),
        },
        phone: PHONE.to_owned(),
        email: Some(EMAIL.to_owned()),
        travel: vec![TRAVEL.to_owned()],
        symptoms: Symptoms {
            cough: true,
            other: Some(SYMPTOM_NOTE.to_owned()),
            ..Symptoms::default()
        },
        exposure: Exposure::default(),
        chronic_conditions: vec![],
        pregnant: None,
    }
}

pub(crate) fn checkpoint(id: u64) -> CheckpointRef {
    CheckpointRef {
        id: CheckpointId(id),
        parent: None,
        name: CHECKPOINT_NAME.to_owned(),
        kind: CheckpointKind::Market,
        ward: WARD_CODE,
        street: CHECKPOINT_STREET.to_owned(),
        default_stay_minutes: Some(90),
    }
}

pub(crate) fn visit(checkpoint_id: u64, at: DateTime<Utc>) -> Visit {
    Visit {
        id: VisitId::random(),
        checkpoint: checkpoint(checkpoint_id),
        checked_in_at: at,
        checked_out_at: None,
        end: VisitEnd::Open,
        edited: false,
        person: None,
    }
}

pub(crate) fn episode(person: PersonId) -> QuarantineEpisode {
    QuarantineEpisode {
        id: EpisodeId::random(),
        person,
        kind: QuarantineKind::Facility,
        place: Some(FACILITY.to_owned()),
        start: day(),
        expected_end: day() + chrono::Days::new(13),
        ended_on: None,
        utc_offset_minutes: 420,
    }
}

pub(crate) fn day() -> NaiveDate {
    mark_time().date_naive()
}

pub(crate) fn report(episode: EpisodeId) -> DailyReport {
    DailyReport {
        id: ReportId::random(),
        episode,
        day: day(),
        reported_at: mark_time(),
        updated_at: None,
        temperature_decidegrees: Some(374),
        symptoms: Symptoms {
            fever: true,
            ..Symptoms::default()
        },
        note: Some(REPORT_NOTE.to_owned()),
    }
}

/// Encodings of `marker` a store might leak: UTF-8, UTF-16 LE and BE, in lower and upper case.
fn encodings(marker: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for text in [marker.to_owned(), marker.to_lowercase(), marker.to_uppercase()] {
        out.push(text.as_bytes().to_vec());
        out.push(text.encode_utf16().flat_map(u16::to_le_bytes).collect());
        out.push(text.encode_utf16().flat_map(u16::to_be_bytes).collect());
    }
    out
}

/// The markers found in `bytes` (ASCII letters compared without case), with the encoding.
pub(crate) fn find_markers(bytes: &[u8], markers: &[String]) -> Vec<String> {
    let hay = bytes.to_ascii_lowercase();
    let mut found = Vec::new();
    for marker in markers {
        for needle in encodings(marker) {
            let needle = needle.to_ascii_lowercase();
            if !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_slice()) {
                found.push(marker.clone());
                break;
            }
        }
    }
    found
}

/// Binary forms of the marked instant (big- and little-endian seconds and milliseconds).
pub(crate) fn find_binary_times(bytes: &[u8]) -> Vec<String> {
    let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
    for (what, v) in [("seconds", MARK_SECONDS), ("millis", MARK_SECONDS * 1000)] {
        needles.push((format!("{what} i64 be"), v.to_be_bytes().to_vec()));
        needles.push((format!("{what} i64 le"), v.to_le_bytes().to_vec()));
    }
    // SQLite would store this value as a 4-byte big-endian integer. A chance match in the ~100 kB of a
    // test store has odds below 1 in 40,000 per scan; the 8-byte forms have none worth counting.
    if let Ok(v) = u32::try_from(MARK_SECONDS) {
        needles.push(("seconds u32 be".to_owned(), v.to_be_bytes().to_vec()));
    }
    needles
        .into_iter()
        .filter(|(_, n)| bytes.windows(n.len()).any(|w| w == n.as_slice()))
        .map(|(what, _)| what)
        .collect()
}

/// Reads the database, `-wal`, `-shm` and `-journal` files that exist beside `db`.
pub(crate) fn read_store_files(db: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(bytes) = std::fs::read(&name) {
            out.push((name.to_string_lossy().into_owned(), bytes));
        }
    }
    out
}

#[test]
fn the_scanner_finds_what_it_should() {
    let markers = text_markers();
    let mut leaky = b"xx".to_vec();
    leaky.extend("trần thị khánh linhq".encode_utf16().flat_map(u16::to_be_bytes));
    leaky.extend(b"..XYZZYQ..");
    leaky.extend(&MARK_SECONDS.to_le_bytes());
    let found = find_markers(&leaky, &markers);
    assert!(found.contains(&NAME.to_owned()), "{found:?}");
    assert!(found.contains(&"Xyzzyq".to_owned()), "{found:?}");
    assert!(!found.contains(&PHONE.to_owned()));
    assert_eq!(find_binary_times(&leaky), vec!["seconds i64 le".to_owned()]);
    assert!(find_markers(b"nothing to see", &markers).is_empty());
}
