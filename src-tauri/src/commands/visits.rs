//! Check in (a code's text, a poster photo, a typed fallback code), one-tap check-out, history, edits,
//! and the home screen.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::State;
use tokhai_core::sync_client::{Alert, SyncStatus, Trigger};
use tokhai_core::{
    CheckIn, CheckpointRef, DayState, DayStatus, Engine, EpisodeId, PersonId, QrError, ScanOptions,
    TrustStore, UnitScheme, Visit, VisitEdit, VisitId, scan_image_bytes, units,
};

use crate::error::AppError;
use crate::state::AppState;

/// A photo larger than this is refused before it is read (a phone's photo is 2–8 MB).
pub(crate) const MAX_PHOTO_BYTES: usize = 25 * 1024 * 1024;

/// A check-in as the green confirmation shows it.
#[derive(Debug, Serialize)]
pub(crate) struct CheckInView {
    #[serde(flatten)]
    check_in: CheckIn,
    /// "Phường Bến Thành, Thành phố Hồ Chí Minh".
    ward_name: Option<String>,
}

/// The ward and province of a ward code, from the embedded 2025 list.
pub(crate) fn ward_name(ward: u32) -> Option<String> {
    let list = units(UnitScheme::V2025);
    list.ward(ward).map(|w| list.full_name(w))
}

/// Checks in at a verified checkpoint and tells the rest of the app.
pub(crate) fn check_in_at(
    state: &AppState,
    engine: &Engine,
    checkpoint: CheckpointRef,
) -> Result<CheckInView, AppError> {
    let ward = ward_name(checkpoint.ward);
    let check_in = engine.check_in(checkpoint)?;
    if !check_in.repeat {
        state.trigger_sync(Trigger::LocalWrite);
    }
    Ok(CheckInView {
        check_in,
        ward_name: ward,
    })
}

/// The checkpoint a code's text names, verified offline against the trusted keys.
pub(crate) fn verified(trust: &TrustStore, state: &AppState, text: &str) -> Result<CheckpointRef, AppError> {
    Ok(trust
        .verify_checkpoint(text, state.clock.as_ref())?
        .checkpoint_ref())
}

#[tauri::command(async)]
pub(crate) fn check_in_code(state: State<'_, AppState>, text: String) -> Result<CheckInView, AppError> {
    let engine = state.engine()?;
    let checkpoint = verified(&state.trust(&engine)?, &state, text.trim())?;
    check_in_at(&state, &engine, checkpoint)
}

/// The fallback code printed under a poster's QR, looked up in the pulled checkpoint directory.
#[tauri::command(async)]
pub(crate) fn check_in_fallback(state: State<'_, AppState>, code: String) -> Result<CheckInView, AppError> {
    let engine = state.engine()?;
    // A mistyped code is answered with what is wrong with it (check character, length).
    tokhai_core::FallbackCode::parse(&code).map_err(|e| AppError::localized(&e))?;
    let checkpoint = engine.checkpoint_by_fallback(&code)?.ok_or_else(|| {
        AppError::new(
            "fallback_unknown",
            "Không tìm thấy điểm kiểm soát có mã này. Hãy đồng bộ khi có mạng, hoặc quét mã QR.",
            "No checkpoint has this code. Sync when you are online, or scan the QR code.",
        )
    })?;
    check_in_at(&state, &engine, checkpoint)
}

/// A photo of a poster, as the raw request body (no base64): every QR code in it is read by core, the
/// first that verifies is checked in at; a photo with only refused codes answers with the first refusal.
#[tauri::command(async)]
pub(crate) fn check_in_image(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<CheckInView, AppError> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::bad_request("photo body"));
    };
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::new(
            "image_too_large",
            "Ảnh quá lớn (tối đa 25 MB). Hãy chụp lại hoặc chọn ảnh nhỏ hơn.",
            "The photo is too large (25 MB at most). Take it again or pick a smaller one.",
        ));
    }
    let engine = state.engine()?;
    let scan = scan_image_bytes(bytes, &ScanOptions::default())?;
    if scan.codes.is_empty() {
        return Err(AppError::new(
            "no_code_in_photo",
            "Không thấy mã QR trong ảnh. Hãy chụp lại gần hơn, đủ sáng, hoặc nhập mã dự phòng in dưới mã QR.",
            "No QR code in the photo. Take it again closer, with enough light, or type the fallback code printed under the QR.",
        ));
    }
    let trust = state.trust(&engine)?;
    let mut refusal = None;
    for code in &scan.codes {
        match verified(&trust, &state, &code.text) {
            Ok(checkpoint) => return check_in_at(&state, &engine, checkpoint),
            Err(e) if e.code == "qr_not_tokhai" => {}
            Err(e) => refusal = refusal.or(Some(e)),
        }
    }
    Err(refusal.unwrap_or_else(|| QrError::NotTokhai.into()))
}

#[tauri::command(async)]
pub(crate) fn check_out(state: State<'_, AppState>) -> Result<Visit, AppError> {
    let visit = state.engine()?.check_out()?;
    state.trigger_sync(Trigger::LocalWrite);
    Ok(visit)
}

#[tauri::command(async)]
pub(crate) fn visits(state: State<'_, AppState>) -> Result<Vec<Visit>, AppError> {
    Ok(state.engine()?.visits()?)
}

#[tauri::command(async)]
pub(crate) fn edit_visit(state: State<'_, AppState>, id: String, edit: VisitEdit) -> Result<Visit, AppError> {
    let visit_id: VisitId = id.parse().map_err(|_| AppError::bad_request("visit id"))?;
    let visit = state.engine()?.edit_visit(visit_id, edit)?;
    state.trigger_sync(Trigger::LocalWrite);
    Ok(visit)
}

/// A health report due today.
#[derive(Debug, Serialize)]
pub(crate) struct DueReport {
    person: PersonId,
    episode: EpisodeId,
    today: DayState,
}

/// The home screen in one call.
#[derive(Debug, Serialize)]
pub(crate) struct Home {
    open_visit: Option<Visit>,
    open_visit_ward: Option<String>,
    auto_check_out_at: Option<DateTime<Utc>>,
    due_reports: Vec<DueReport>,
    alerts: Vec<Alert>,
    sync: SyncStatus,
}

#[tauri::command(async)]
pub(crate) fn home(state: State<'_, AppState>) -> Result<Home, AppError> {
    let engine = state.engine()?;
    if engine.auto_check_out()?.is_some() {
        state.trigger_sync(Trigger::LocalWrite);
    }
    let open_visit = engine.open_visit()?;
    let mut due_reports = Vec::new();
    for person in engine.persons()? {
        let Some(episode) = engine.current_episode(person.id, None)? else {
            continue;
        };
        let today = tokhai_core::local_day(state.clock.now(), episode.utc_offset_minutes);
        let day = engine
            .day_statuses(episode.id)?
            .into_iter()
            .find(|d| d.day == today && matches!(d.status, DayStatus::Due | DayStatus::Late));
        if let Some(today) = day {
            due_reports.push(DueReport {
                person: person.id,
                episode: episode.id,
                today,
            });
        }
    }
    Ok(Home {
        open_visit_ward: open_visit.as_ref().and_then(|v| ward_name(v.checkpoint.ward)),
        open_visit,
        auto_check_out_at: engine.next_auto_check_out()?,
        due_reports,
        alerts: engine.alerts()?,
        sync: engine.sync_status()?,
    })
}
