//! The camera on Linux. WebKitGTK ships with `getUserMedia` switched off and, having no prompt of its
//! own, refuses every permission request the embedding app leaves unanswered: without this the desktop
//! app on Linux has no camera at all (`navigator.mediaDevices` is undefined). The app turns media streams
//! on in its own webview and grants camera requests — video only, never the microphone — from its own
//! bundled UI (or the Vite dev server in a development build); every other request keeps WebKit's deny.

use webkit2gtk::glib::object::Cast as _;
use webkit2gtk::{
    PermissionRequestExt as _, SettingsExt as _, UserMediaPermissionRequest,
    UserMediaPermissionRequestExt as _, WebViewExt as _,
};

/// Whether `uri` is the app's own UI: the bundled one (`tauri://localhost`, WebKitGTK's custom scheme)
/// or, in a build without `custom-protocol`, the Vite dev server it loads.
pub(crate) fn is_own_ui(uri: &str) -> bool {
    uri == "tauri://localhost"
        || uri.starts_with("tauri://localhost/")
        || (cfg!(not(feature = "custom-protocol"))
            && (uri == "http://localhost:5173" || uri.starts_with("http://localhost:5173/")))
}

/// Enables the camera in `window`'s webview.
pub(crate) fn allow_camera(window: &tauri::WebviewWindow) -> tauri::Result<()> {
    window.with_webview(|platform| {
        let view = platform.inner();
        if let Some(settings) = view.settings() {
            settings.set_enable_media_stream(true);
        }
        view.connect_permission_request(|view, request| {
            let Some(media) = request.downcast_ref::<UserMediaPermissionRequest>() else {
                return false; // WebKit's default: denied.
            };
            let own = view.uri().is_some_and(|u| is_own_ui(u.as_str()));
            if own && media.is_for_video_device() && !media.is_for_audio_device() {
                request.allow();
            } else {
                request.deny();
            }
            true
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_ui_gets_the_camera() {
        assert!(is_own_ui("tauri://localhost"));
        assert!(is_own_ui("tauri://localhost/scan"));
        assert!(!is_own_ui("tauri://localhost.evil.example/scan"));
        assert!(!is_own_ui("https://example.com/"));
        assert!(!is_own_ui("file:///tmp/x.html"));
    }
}
