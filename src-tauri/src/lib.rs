//! tokhai-app: the Tauri 2 shell of the tokhai app. Thin commands over tokhai-core's engine (every rule
//! lives in core), background sync with events for the UI, the camera frame path, notifications.
//! `src-tauri/README.md` says which file holds what.

mod background;
mod camera;
mod commands;
mod error;
#[cfg(target_os = "linux")]
mod linux_media;
mod settings;
mod state;

use tauri::Manager;

/// Environment variable naming the data folder (tests and screenshots use a fresh one each run).
const DATA_DIR_ENV: &str = "TOKHAI_APP_DATA_DIR";

/// Starts the app (the desktop binary's `main`, and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    #[cfg(target_os = "linux")]
    if no_display() {
        // GTK would panic with a backtrace; a person starting the app over SSH or from a service
        // deserves one clear sentence instead.
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "tokhai: không có màn hình để mở cửa sổ (DISPLAY và WAYLAND_DISPLAY đều trống).\n\
                 tokhai: there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are both unset)."
            );
        }
        std::process::exit(1);
    }
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let dir = match std::env::var_os(DATA_DIR_ENV) {
                Some(d) if !d.is_empty() => std::path::PathBuf::from(d),
                _ => app.path().app_data_dir()?,
            };
            std::fs::create_dir_all(&dir)?;
            app.manage(state::AppState::new(dir));
            #[cfg(target_os = "linux")]
            if let Some(window) = app.get_webview_window("main") {
                linux_media::allow_camera(&window)?;
            }
            background::spawn(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::setup::app_status,
            commands::setup::set_up,
            commands::setup::unlock,
            commands::setup::set_language,
            commands::setup::set_mode,
            commands::setup::set_server,
            commands::people::persons,
            commands::people::declaration_form,
            commands::people::declare,
            commands::people::check_declaration,
            commands::people::remove_person,
            commands::people::search_units,
            commands::people::personal_code,
            commands::people::save_personal_card,
            commands::visits::home,
            commands::visits::check_in_code,
            commands::visits::check_in_fallback,
            commands::visits::check_in_image,
            commands::visits::check_out,
            commands::visits::visits,
            commands::visits::edit_visit,
            commands::camera::camera_start,
            commands::camera::camera_stop,
            commands::camera::camera_frame,
            commands::health::episodes,
            commands::health::start_quarantine,
            commands::health::report_day,
            commands::sync::request_code,
            commands::sync::sign_in,
            commands::sync::sign_out,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::alerts,
            commands::data::export_data,
            commands::data::wipe,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        // Nothing personal can be in a start-up failure (no data is open yet).
        #[allow(clippy::print_stderr)]
        {
            eprintln!("tokhai: the app could not start: {e}");
        }
        std::process::exit(1);
    }
}

/// Whether GTK has no display to open a window on: neither X11's nor Wayland's is named, and no other
/// GDK backend is asked for.
#[cfg(target_os = "linux")]
fn no_display() -> bool {
    let unset = |name: &str| std::env::var_os(name).is_none_or(|v| v.is_empty());
    unset("DISPLAY") && unset("WAYLAND_DISPLAY") && unset("GDK_BACKEND")
}
