//! Uploaded records → stored rows: plausibility checks, sealing of personal data, look-up hashes.
//!
//! Declarations are checked here only for what the server relies on (times, phone, area codes, sizes);
//! full form validation is the domain module's and runs on the device before a declaration exists.

use tokhai_core::protocol::RefusalCode;
use tokhai_core::{
    DailyReport, DeclarationForm, DeclarationRecord, IdNumber, QuarantineEpisode, Relation, Symptoms,
    VIETNAM_UTC_OFFSET_MINUTES, ValidationContext, Visit, local_day, validate,
};

use super::enum_text;
use super::sync::plausible;
use crate::phone;
use crate::state::AppState;
use crate::store::{DeclarationRow, EpisodeRow, MAX_VISIT_MS, Millis, ReportRow, VisitRow};

const DAY_MS: i64 = 86_400_000;
/// How long an open visit is assumed to last when its checkpoint names no usual stay: the device's own
/// automatic check-out time, so that the server and the device agree on when an open visit ends.
const DEFAULT_STAY_MS: i64 = tokhai_core::DEFAULT_STAY_MINUTES * 60_000;

fn any_symptom(s: &Symptoms) -> bool {
    s.fever
        || s.cough
        || s.shortness_of_breath
        || s.pneumonia
        || s.sore_throat
        || s.fatigue
        || s.loss_of_taste_or_smell
        || s.other.as_deref().is_some_and(|o| !o.trim().is_empty())
}

fn day_ms(day: chrono::NaiveDate) -> Millis {
    day.and_hms_opt(0, 0, 0)
        .map_or(0, |d| d.and_utc().timestamp_millis())
}

fn day_number(day: chrono::NaiveDate) -> i64 {
    day_ms(day).div_euclid(DAY_MS)
}

/// A visit row, or the refusal code.
pub(crate) fn visit_row(
    state: &AppState,
    account_id: Option<i64>,
    subject: &[u8],
    source: &str,
    stay_minutes: Option<i64>,
    v: &Visit,
) -> Result<VisitRow, RefusalCode> {
    let cin = v.checked_in_at.timestamp_millis();
    plausible(state, cin)?;
    let out = v.checked_out_at.map(|t| t.timestamp_millis());
    if let Some(out) = out {
        plausible(state, out)?;
        if out < cin {
            return Err(RefusalCode::Invalid);
        }
    }
    let open = matches!(v.end, tokhai_core::VisitEnd::Open);
    if open != out.is_none() {
        return Err(RefusalCode::Invalid);
    }
    let assumed = stay_minutes.map_or(DEFAULT_STAY_MS, |m| m * 60_000);
    let ends_at = out.unwrap_or(cin + assumed).min(cin + MAX_VISIT_MS);
    Ok(VisitRow {
        id: v.id.as_uuid().as_bytes().to_vec(),
        account_id,
        subject: subject.to_vec(),
        checkpoint_id: i64::try_from(v.checkpoint.id.0).map_err(|_| RefusalCode::UnknownCheckpoint)?,
        checked_in_at: cin,
        checked_out_at: out,
        ends_at,
        end_kind: enum_text(&v.end),
        edited: v.edited,
        source: source.to_owned(),
        received_at: state.now_ms(),
        person_id: v.person.map(|p| p.as_uuid().as_bytes().to_vec()),
        scanned_by: None,
    })
}

fn id_number_text(id: &IdNumber) -> Option<String> {
    match id {
        IdNumber::Cmnd(n) => Some(format!("cmnd:{n}")),
        IdNumber::Cccd(n) => Some(format!("cccd:{n}")),
        IdNumber::Passport(n) => Some(format!("passport:{}", n.to_ascii_uppercase())),
        IdNumber::NotIssued => None,
    }
}

/// Why an uploaded record is not stored: the client's fault, refused with a code (the device does not
/// send it again as it is), or the server's (sealing or encoding failed), for which the whole batch is
/// answered `503` and the device sends it again: a server fault never becomes lost data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowError {
    /// Refused, with this code.
    Refused(RefusalCode),
    /// The server failed; try again.
    Server,
}

impl From<RefusalCode> for RowError {
    fn from(code: RefusalCode) -> Self {
        Self::Refused(code)
    }
}

/// A declaration row (sealed), or why not. The declaration is validated again by the domain
/// rules (`tokhai_core::validate`) as of the day it was made; what is stored is the validated form.
pub(crate) fn declaration_row(
    state: &AppState,
    account_id: i64,
    d: &DeclarationRecord,
) -> Result<DeclarationRow, RowError> {
    let at = d.declared_at.timestamp_millis();
    plausible(state, at)?;
    let ctx = ValidationContext {
        today: local_day(d.declared_at, VIETNAM_UTC_OFFSET_MINUTES),
        relation: Relation::Other,
        holder_phone: None,
    };
    let declaration =
        validate(&DeclarationForm::from(&d.declaration), &ctx).map_err(|_| RefusalCode::Invalid)?;
    let e164 = phone::normalize(&declaration.phone).ok_or(RefusalCode::Invalid)?;
    let sealer = &state.inner().sealer;
    let id = d.id.as_uuid().as_bytes().to_vec();
    let id_hash = match id_number_text(&declaration.id_number) {
        Some(text) => sealer.lookup("id_number", text.as_bytes()),
        // No document: a hash that matches nothing else.
        None => sealer.lookup("id_number_none", &id),
    };
    let record = DeclarationRecord {
        declaration,
        ..d.clone()
    };
    let plain = zeroize::Zeroizing::new(serde_json::to_vec(&record).map_err(|_| RowError::Server)?);
    let sealed = sealer
        .seal("declarations", &id, &plain)
        .map_err(|_| RowError::Server)?;
    let decl = &record.declaration;
    Ok(DeclarationRow {
        id,
        account_id,
        person_id: d.person.as_uuid().as_bytes().to_vec(),
        declared_at: at,
        received_at: state.now_ms(),
        province: i64::from(decl.address.province),
        ward: i64::from(decl.address.ward),
        has_symptoms: any_symptom(&decl.symptoms),
        id_hash,
        phone_hash: sealer.lookup("phone", e164.as_bytes()),
        sealed,
    })
}

/// An episode row (sealed), or why not.
pub(crate) fn episode_row(
    state: &AppState,
    account_id: i64,
    area: Option<(i64, i64)>,
    e: &QuarantineEpisode,
) -> Result<EpisodeRow, RowError> {
    let (province, ward) = area.ok_or(RefusalCode::DeclarationRequired)?;
    let start = day_ms(e.start);
    let now = state.now_ms();
    if start > now + 30 * DAY_MS {
        return Err(RefusalCode::InFuture.into());
    }
    if e.expected_end < e.start
        || e.ended_on.is_some_and(|d| d < e.start)
        || e.utc_offset_minutes.abs() > 14 * 60
    {
        return Err(RefusalCode::Invalid.into());
    }
    let last = day_ms(e.ended_on.unwrap_or(e.expected_end));
    if last < now - state.config().retention.num_milliseconds() {
        return Err(RefusalCode::TooOld.into());
    }
    let id = e.id.as_uuid().as_bytes().to_vec();
    let plain = zeroize::Zeroizing::new(serde_json::to_vec(e).map_err(|_| RowError::Server)?);
    Ok(EpisodeRow {
        sealed: state
            .inner()
            .sealer
            .seal("episodes", &id, &plain)
            .map_err(|_| RowError::Server)?,
        id,
        account_id,
        person_id: e.person.as_uuid().as_bytes().to_vec(),
        kind: enum_text(&e.kind),
        province,
        ward,
        start_day: day_number(e.start),
        expected_end_day: day_number(e.expected_end),
        ended_on: e.ended_on.map(day_number),
        utc_offset_minutes: i64::from(e.utc_offset_minutes),
        received_at: now,
    })
}

/// A report row (sealed), or why not.
pub(crate) fn report_row(state: &AppState, account_id: i64, r: &DailyReport) -> Result<ReportRow, RowError> {
    let at = r.reported_at.timestamp_millis();
    plausible(state, at)?;
    if r.note.as_deref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(RefusalCode::Invalid.into());
    }
    let id = r.id.as_uuid().as_bytes().to_vec();
    let plain = zeroize::Zeroizing::new(serde_json::to_vec(r).map_err(|_| RowError::Server)?);
    Ok(ReportRow {
        sealed: state
            .inner()
            .sealer
            .seal("reports", &id, &plain)
            .map_err(|_| RowError::Server)?,
        id,
        account_id,
        episode_id: r.episode.as_uuid().as_bytes().to_vec(),
        day: day_number(r.day),
        reported_at: at,
        has_symptoms: any_symptom(&r.symptoms),
        received_at: state.now_ms(),
    })
}
