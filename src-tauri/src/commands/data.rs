//! Export all my data (a file) and wipe everything.

use tauri::{AppHandle, State};

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command(async)]
pub(crate) fn export_data(app: AppHandle, state: State<'_, AppState>) -> Result<String, AppError> {
    let export = state.engine()?.export()?;
    let json = serde_json::to_vec_pretty(&export).map_err(|_| AppError::write_failed())?;
    super::save_file(&app, &state, "tokhai-export.json", &json)
}

/// The words that confirm a wipe, the second time it is asked (the screen names them).
const CONFIRM: [&str; 3] = ["XOA", "XÓA", "DELETE"];

/// Deletes every record on the device, the store's files and its key; the app starts over.
#[tauri::command(async)]
pub(crate) fn wipe(state: State<'_, AppState>, confirm: String) -> Result<(), AppError> {
    if !CONFIRM.contains(&confirm.trim().to_uppercase().as_str()) {
        return Err(AppError::new(
            "confirmation_needed",
            "Hãy gõ XOA để xác nhận xóa toàn bộ dữ liệu.",
            "Type DELETE to confirm that everything is deleted.",
        ));
    }
    let engine = state.take_engine().ok_or_else(AppError::locked)?;
    if let Some(camera) = crate::commands::camera::take(&state) {
        camera.stop();
    }
    let engine = std::sync::Arc::try_unwrap(engine).map_err(|engine| {
        // A sync run still holds it: put it back, nothing was deleted.
        state.set_engine(Some(engine));
        AppError::new(
            "busy",
            "Đang đồng bộ: hãy thử lại sau vài giây.",
            "A sync is running: try again in a few seconds.",
        )
    })?;
    engine.wipe()?;
    state.update_settings(|s| s.key_method = None)?;
    Ok(())
}
