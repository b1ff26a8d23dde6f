//! The one error shape every command answers with: `{code, message: {vi, en}, fields}`. Made from core's
//! `Localized` errors in one place; the UI branches on `code` and shows `message` (or a field's message
//! next to its field). Never carries personal data: core's messages do not, and nothing else goes in.

use serde::Serialize;
use tokhai_core::{EngineError, Localized, Msg};

/// One invalid field of a form.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldMsg {
    /// The field's path (`address.ward`).
    pub(crate) field: String,
    /// Its stable code.
    pub(crate) code: &'static str,
    /// What is wrong, in both languages.
    pub(crate) message: Msg,
}

/// The error of every command.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AppError {
    /// Stable, machine-readable (`snake_case`).
    pub(crate) code: &'static str,
    /// For a person, Vietnamese and English.
    pub(crate) message: Msg,
    /// Field errors of a form (empty otherwise).
    pub(crate) fields: Vec<FieldMsg>,
}

impl AppError {
    /// An error of the shell itself (not of core): a code and its words.
    pub(crate) fn new(code: &'static str, vi: &'static str, en: &'static str) -> Self {
        Self {
            code,
            message: Msg::new(vi, en),
            fields: Vec::new(),
        }
    }

    /// From anything core can explain.
    pub(crate) fn localized(e: &impl Localized) -> Self {
        Self {
            code: e.code(),
            message: e.msg(),
            fields: Vec::new(),
        }
    }

    /// The data is locked (or not set up yet): the UI goes back to the unlock screen.
    pub(crate) fn locked() -> Self {
        Self::new(
            "locked",
            "Dữ liệu đang khóa: hãy mở khóa trước.",
            "Your data is locked: unlock it first.",
        )
    }

    /// A request the UI should never send (wrong shape); says so instead of failing silently.
    pub(crate) fn bad_request(what: &'static str) -> Self {
        Self {
            code: "bad_request",
            message: Msg::owned(
                format!("Yêu cầu không hợp lệ ({what}). Hãy cập nhật ứng dụng."),
                format!("The request is not valid ({what}). Please update the app."),
            ),
            fields: Vec::new(),
        }
    }

    /// A file could not be written (export, card).
    pub(crate) fn write_failed() -> Self {
        Self::new(
            "write_failed",
            "Không ghi được tệp. Hãy kiểm tra chỗ trống trên máy và thử lại.",
            "The file could not be written. Check the free space and try again.",
        )
    }
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        let fields = match &e {
            EngineError::Invalid(errors) => errors
                .errors
                .iter()
                .map(|f| FieldMsg {
                    field: f.field.clone(),
                    code: f.code(),
                    message: f.msg(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Self {
            code: e.code(),
            message: e.msg(),
            fields,
        }
    }
}

macro_rules! from_localized {
    ($($t:ty),* $(,)?) => {
        $(impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                Self::localized(&e)
            }
        })*
    };
}

from_localized!(
    tokhai_core::QrError,
    tokhai_core::ScanError,
    tokhai_core::sync_client::SyncError,
    tokhai_core::PassphraseWeakness,
    tokhai_core::render::RenderError,
    tokhai_core::KeyError,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_serialises_as_the_ui_expects() {
        let e = AppError::from(tokhai_core::QrError::NotTokhai);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "qr_not_tokhai");
        assert!(json["message"]["vi"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(json["message"]["en"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(json["fields"], serde_json::json!([]));
    }
}
