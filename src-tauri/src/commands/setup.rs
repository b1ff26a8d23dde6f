//! First run, unlock and settings: how the data key is kept (the OS key store on desktop, a passphrase
//! otherwise), language, server, citizen or staff mode.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::State;
use tokhai_core::sync_client::Trigger;
use tokhai_core::{Engine, KeyProvider, Lang, PassphraseProvider, Policy, check_new_passphrase};

use crate::error::AppError;
use crate::settings::{KeyMethod, Mode, Settings};
use crate::state::AppState;

/// Where the app starts: set up yet, unlocked, the settings, the version.
#[derive(Debug, Serialize)]
pub(crate) struct AppStatus {
    set_up: bool,
    unlocked: bool,
    settings: Settings,
    version: &'static str,
}

fn status(state: &AppState) -> AppStatus {
    AppStatus {
        set_up: Engine::exists(store_dir(state)) && state.settings().key_method.is_some(),
        unlocked: state.is_unlocked(),
        settings: state.settings(),
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// The sealed store's folder inside the data folder.
pub(crate) fn store_dir(state: &AppState) -> std::path::PathBuf {
    state.dir.join("store")
}

#[tauri::command(async)]
pub(crate) fn app_status(state: State<'_, AppState>) -> AppStatus {
    status(&state)
}

fn no_passphrase() -> AppError {
    AppError::new(
        "no_passphrase",
        "Hãy nhập mật khẩu bảo vệ dữ liệu.",
        "Type the passphrase that protects your data.",
    )
}

fn provider(method: KeyMethod, passphrase: Option<String>) -> Result<Arc<dyn KeyProvider>, AppError> {
    match method {
        KeyMethod::Passphrase => {
            let p = passphrase.filter(|p| !p.is_empty()).ok_or_else(no_passphrase)?;
            Ok(Arc::new(PassphraseProvider::new(p).map_err(|_| no_passphrase())?))
        }
        #[cfg(desktop)]
        KeyMethod::OsKeyStore => Ok(Arc::new(tokhai_core::OsKeyStoreProvider::with_service(
            "vn.tokhai.app",
        ))),
        #[cfg(mobile)]
        KeyMethod::OsKeyStore => Err(AppError::new(
            "key_store_unavailable",
            "Kho khóa của máy chưa dùng được trong bản này: hãy chọn mật khẩu.",
            "The phone's key store is not available in this build: choose a passphrase.",
        )),
    }
}

fn open(state: &AppState, method: KeyMethod, passphrase: Option<String>) -> Result<(), AppError> {
    let dir = store_dir(state);
    std::fs::create_dir_all(&dir).map_err(|_| AppError::write_failed())?;
    restrict(&dir);
    let engine = Engine::open_with(
        &dir,
        provider(method, passphrase)?,
        Arc::clone(&state.clock),
        Policy::default(),
    )?;
    state.set_engine(Some(Arc::new(engine)));
    state.trigger_sync(Trigger::Start);
    Ok(())
}

/// `set_up`'s request.
#[derive(Debug, Deserialize)]
pub(crate) struct SetUp {
    method: KeyMethod,
    passphrase: Option<String>,
}

/// First run: creates the sealed store with the chosen protection.
#[tauri::command(async)]
pub(crate) fn set_up(state: State<'_, AppState>, request: SetUp) -> Result<AppStatus, AppError> {
    if Engine::exists(store_dir(&state)) {
        return Err(AppError::new(
            "already_set_up",
            "Ứng dụng đã được cài đặt trên máy này: hãy mở khóa.",
            "The app is already set up on this device: unlock it.",
        ));
    }
    if request.method == KeyMethod::Passphrase {
        // Said before any file is written.
        check_new_passphrase(request.passphrase.as_deref().unwrap_or_default())?;
    }
    open(&state, request.method, request.passphrase)?;
    state.update_settings(|s| s.key_method = Some(request.method))?;
    Ok(status(&state))
}

#[tauri::command(async)]
pub(crate) fn unlock(state: State<'_, AppState>, passphrase: Option<String>) -> Result<AppStatus, AppError> {
    if !state.is_unlocked() {
        let method = state.settings().key_method.ok_or_else(AppError::locked)?;
        open(&state, method, passphrase)?;
    }
    Ok(status(&state))
}

#[tauri::command(async)]
pub(crate) fn set_language(state: State<'_, AppState>, lang: Lang) -> Result<Settings, AppError> {
    state.update_settings(|s| s.lang = lang)
}

#[tauri::command(async)]
pub(crate) fn set_mode(state: State<'_, AppState>, mode: Mode) -> Result<Settings, AppError> {
    state.update_settings(|s| s.mode = mode)
}

#[tauri::command(async)]
pub(crate) fn set_server(state: State<'_, AppState>, server: String) -> Result<Settings, AppError> {
    let server = server.trim().to_owned();
    if !(server.starts_with("https://")
        || server.starts_with("http://127.0.0.1")
        || server.starts_with("http://localhost"))
    {
        return Err(AppError::new(
            "bad_server",
            "Địa chỉ máy chủ phải bắt đầu bằng https://.",
            "The server address must start with https://.",
        ));
    }
    let settings = state.update_settings(|s| s.server = server)?;
    state.trigger_sync(Trigger::Start);
    Ok(settings)
}

/// The data folder is the user's alone.
fn restrict(dir: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}
