//! tauri-build: the app's commands become permissions (`allow-<command>`), and only those listed in
//! `capabilities/default.json` can be called from the window.

/// Every command of `src/lib.rs`'s handler (the UI's `ui/src/lib/api/index.ts`).
const COMMANDS: &[&str] = &[
    "app_status",
    "set_up",
    "unlock",
    "set_language",
    "set_mode",
    "set_server",
    "persons",
    "declaration_form",
    "declare",
    "check_declaration",
    "remove_person",
    "search_units",
    "personal_code",
    "save_personal_card",
    "home",
    "check_in_code",
    "check_in_fallback",
    "check_in_image",
    "check_out",
    "visits",
    "edit_visit",
    "camera_start",
    "camera_stop",
    "camera_frame",
    "episodes",
    "start_quarantine",
    "report_day",
    "request_code",
    "sign_in",
    "sign_out",
    "sync_status",
    "sync_now",
    "alerts",
    "export_data",
    "wipe",
];

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports by failing; the message says which file is wrong.
        #[allow(clippy::panic)]
        {
            panic!("tauri-build: {e:#}");
        }
    }
}
