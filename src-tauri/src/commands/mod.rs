//! The commands the UI calls (`ui/src/lib/api/index.ts` names each one): thin calls into core's engine,
//! every answer serialisable, every error an `AppError`. No product rule lives here.

pub(crate) mod camera;
pub(crate) mod data;
pub(crate) mod health;
pub(crate) mod people;
pub(crate) mod setup;
pub(crate) mod sync;
pub(crate) mod visits;

use tauri::{AppHandle, Manager};
use tokhai_core::PersonId;

use crate::error::AppError;
use crate::state::AppState;

/// A person id sent by the UI.
pub(crate) fn id(s: &str) -> Result<PersonId, AppError> {
    s.parse().map_err(|_| AppError::bad_request("person id"))
}

/// Writes a file the person asked for (an export, a card) where they will find it: the downloads
/// folder, else the app's data folder. Returns its path.
pub(crate) fn save_file(
    app: &AppHandle,
    state: &AppState,
    name: &str,
    bytes: &[u8],
) -> Result<String, AppError> {
    let dir = app
        .path()
        .download_dir()
        .ok()
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| state.dir.clone());
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|_| AppError::write_failed())?;
    Ok(path.display().to_string())
}
