//! Sign-in by one-time code, the sync status, "sync now", exposure alerts and safety levels.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::{AppHandle, State};
use tokhai_core::sync_client::{Alert, SyncStatus, Trigger};
use tokhai_core::{UnitScheme, units};

use crate::background::{sync_once, transport};
use crate::error::AppError;
use crate::state::AppState;

#[tauri::command]
pub(crate) async fn request_code(state: State<'_, AppState>, phone: String) -> Result<(), AppError> {
    let engine = state.engine()?;
    let t = transport(&state)?;
    engine.request_sign_in_code(&t, &phone).await?;
    Ok(())
}

/// Signs in, then syncs at once (the device's changes go up, the signed personal code comes down).
#[tauri::command]
pub(crate) async fn sign_in(
    state: State<'_, AppState>,
    phone: String,
    code: String,
) -> Result<SyncStatus, AppError> {
    let engine = state.engine()?;
    let t = transport(&state)?;
    engine.sign_in(&t, &phone, code.trim()).await?;
    state.trigger_sync(Trigger::Start);
    Ok(engine.sync_status()?)
}

#[tauri::command]
pub(crate) async fn sign_out(state: State<'_, AppState>) -> Result<SyncStatus, AppError> {
    let engine = state.engine()?;
    let t = transport(&state)?;
    engine.sign_out(&t).await?;
    Ok(engine.sync_status()?)
}

#[tauri::command(async)]
pub(crate) fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, AppError> {
    Ok(state.engine()?.sync_status()?)
}

/// Syncs now (the "retry now" button, the network coming back); the outcome is in the status.
#[tauri::command]
pub(crate) async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> Result<(), AppError> {
    let engine = state.engine()?;
    sync_once(&app, &engine).await?;
    Ok(())
}

/// A ward's safety level.
#[derive(Debug, Serialize)]
pub(crate) struct LevelView {
    ward: i64,
    ward_name: Option<String>,
    level: i64,
    updated_at: DateTime<Utc>,
}

/// Alerts and the safety levels of the wards the family lives in and of the open visit.
#[derive(Debug, Serialize)]
pub(crate) struct AlertsView {
    alerts: Vec<Alert>,
    levels: Vec<LevelView>,
}

#[tauri::command(async)]
pub(crate) fn alerts(state: State<'_, AppState>) -> Result<AlertsView, AppError> {
    let engine = state.engine()?;
    let mut wards: Vec<u32> = Vec::new();
    for p in engine.persons()? {
        if let Some(r) = engine.latest_declaration(p.id)?
            && r.declaration.address.scheme == UnitScheme::V2025
        {
            wards.push(r.declaration.address.ward);
        }
    }
    if let Some(v) = engine.open_visit()? {
        wards.push(v.checkpoint.ward);
    }
    wards.sort_unstable();
    wards.dedup();
    let list = units(UnitScheme::V2025);
    let mut levels = Vec::new();
    for ward in wards {
        if let Some(l) = engine.safety_level(ward)? {
            levels.push(LevelView {
                ward: l.ward,
                ward_name: list.ward(ward).map(|w| list.full_name(w)),
                level: l.level,
                updated_at: l.updated_at,
            });
        }
    }
    Ok(AlertsView {
        alerts: engine.alerts()?,
        levels,
    })
}
