//! The app's own settings (`settings.json` in the data folder): language, how the data key is kept, the
//! server, citizen or staff mode. Nothing personal: the sealed store holds everything else.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokhai_core::Lang;

use crate::error::AppError;

const FILE: &str = "settings.json";

/// How the data key is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum KeyMethod {
    /// The operating system's key store (desktop); the phone's keystore on mobile.
    OsKeyStore,
    /// A passphrase typed at every start.
    Passphrase,
}

/// Citizen (check in, declare) or a checkpoint's staff (scan visitors' personal codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Mode {
    /// The default.
    #[default]
    Citizen,
    /// Staff at a checkpoint.
    Staff,
}

/// What `settings.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    pub(crate) lang: Lang,
    /// `None` before the first run's set-up.
    pub(crate) key_method: Option<KeyMethod>,
    pub(crate) server: String,
    pub(crate) mode: Mode,
}

/// The server a fresh install talks to: `TOKHAI_SERVER` at start (`./dev run` sets the local one).
pub(crate) fn default_server() -> String {
    std::env::var("TOKHAI_SERVER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "http://127.0.0.1:8780".to_owned())
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lang: Lang::Vi,
            key_method: None,
            server: default_server(),
            mode: Mode::Citizen,
        }
    }
}

impl Settings {
    /// Reads the settings of folder `dir` (defaults when there are none, or when the file is unreadable:
    /// nothing in it is worth refusing to start for).
    pub(crate) fn load(dir: &Path) -> Self {
        let mut s: Self = std::fs::read_to_string(path(dir))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        // An explicit server at start wins (tests and `./dev run` point the app at their server).
        if let Ok(server) = std::env::var("TOKHAI_SERVER")
            && !server.trim().is_empty()
        {
            s.server = server;
        }
        s
    }

    /// Writes them (atomically: a temporary file renamed over the old one).
    pub(crate) fn save(&self, dir: &Path) -> Result<(), AppError> {
        std::fs::create_dir_all(dir).map_err(|_| AppError::write_failed())?;
        let json = serde_json::to_string_pretty(self).map_err(|_| AppError::write_failed())?;
        let tmp = dir.join(format!("{FILE}.tmp"));
        std::fs::write(&tmp, json).map_err(|_| AppError::write_failed())?;
        std::fs::rename(&tmp, path(dir)).map_err(|_| AppError::write_failed())
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_survive_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::load(dir.path());
        assert_eq!(s.key_method, None);
        s.lang = Lang::En;
        s.key_method = Some(KeyMethod::Passphrase);
        s.mode = Mode::Staff;
        s.save(dir.path()).unwrap();
        let again = Settings::load(dir.path());
        assert_eq!(again.lang, Lang::En);
        assert_eq!(again.key_method, Some(KeyMethod::Passphrase));
        assert_eq!(again.mode, Mode::Staff);
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert_eq!(Settings::load(dir.path()).key_method, None);
    }
}
