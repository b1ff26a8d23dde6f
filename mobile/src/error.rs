//! The one error type every exported call returns: a stable `code` (the same codes the CLI and the server
//! use, from core's `Localized`) and the message in Vietnamese and English. The variant says what kind of
//! thing went wrong, so a native caller can branch without parsing codes.

use tokhai_core::sync_client::{SyncError, TransportError};
use tokhai_core::{EngineError, Localized, Msg};

/// What went wrong. Every variant carries the stable code and the bilingual message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TokhaiError {
    /// The key does not open the data, or the platform key store failed or holds no key.
    #[error("{code}")]
    Key {
        /// Stable machine-readable code (`wrong_key`, `key_store_unavailable`…).
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
    /// Input that cannot be used: an invalid declaration form, a code that does not verify, a bad frame.
    #[error("{code}")]
    Invalid {
        /// Stable machine-readable code.
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
        /// For an invalid declaration form: every invalid field.
        fields: Vec<FieldProblem>,
    },
    /// The request breaks a rule (nothing to check out, a stale declaration…) or names nothing that exists.
    #[error("{code}")]
    Rejected {
        /// Stable machine-readable code.
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
    /// The server cannot be reached or is busy or failing: nothing was lost, try again later (a
    /// background worker's "retry"), not before `retry_after_seconds` when the server said so.
    #[error("{code}")]
    Network {
        /// Stable machine-readable code (`offline`, `timeout`, `server_busy`, `server_error`…).
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
        /// The server's `Retry-After`, in seconds.
        retry_after_seconds: Option<u64>,
    },
    /// No session, or it expired: sign in (the data stays on the device until then).
    #[error("{code}")]
    SignIn {
        /// `not_signed_in` or `session_expired`.
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
    /// The data on the device cannot be read or written (damaged, newer version, disk full…).
    #[error("{code}")]
    Storage {
        /// Stable machine-readable code.
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
    /// A bug in tokhai: a panic was caught at the boundary. Nothing was half-written (one transaction per
    /// call); the call may be retried.
    #[error("{code}")]
    Internal {
        /// Always `internal_error`.
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
}

/// One invalid field of a declaration form.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldProblem {
    /// Path of the field in the form (`full_name`, `address.ward`…).
    pub field: String,
    /// Stable code of the problem.
    pub code: String,
    /// Vietnamese message.
    pub message_vi: String,
    /// English message.
    pub message_en: String,
}

fn parts(e: &dyn Localized) -> (String, String, String) {
    let Msg { vi, en } = e.msg();
    (e.code().to_owned(), vi.into_owned(), en.into_owned())
}

impl TokhaiError {
    /// An `Invalid` error from any of core's localized errors (QR, scan, trust list).
    pub(crate) fn invalid(e: &dyn Localized) -> Self {
        let (code, message_vi, message_en) = parts(e);
        Self::Invalid {
            code,
            message_vi,
            message_en,
            fields: Vec::new(),
        }
    }

    /// An `Invalid` error made here (bad arguments of the binding itself).
    pub(crate) fn invalid_msg(code: &str, vi: &str, en: &str) -> Self {
        Self::Invalid {
            code: code.to_owned(),
            message_vi: vi.to_owned(),
            message_en: en.to_owned(),
            fields: Vec::new(),
        }
    }

    /// A `Storage` error made here (the data folder cannot be created).
    pub(crate) fn storage_msg(code: &str, vi: String, en: String) -> Self {
        Self::Storage {
            code: code.to_owned(),
            message_vi: vi,
            message_en: en,
        }
    }

    /// A `Rejected` error made here.
    pub(crate) fn rejected_msg(code: &str, vi: &str, en: &str) -> Self {
        Self::Rejected {
            code: code.to_owned(),
            message_vi: vi.to_owned(),
            message_en: en.to_owned(),
        }
    }

    /// Every call after `wipe`.
    pub(crate) fn wiped() -> Self {
        Self::rejected_msg(
            "wiped",
            "Dữ liệu trên máy này đã được xóa. Hãy mở lại để bắt đầu mới.",
            "The data on this device was wiped. Open it again to start afresh.",
        )
    }

    pub(crate) fn internal() -> Self {
        Self::Internal {
            code: "internal_error".to_owned(),
            message_vi: "Lỗi nội bộ của tokhai; dữ liệu không bị ghi dở. Hãy thử lại.".to_owned(),
            message_en: "An internal tokhai error; nothing was half-written. Please try again.".to_owned(),
        }
    }

    /// The stable code, whatever the variant.
    pub fn code(&self) -> &str {
        match self {
            Self::Key { code, .. }
            | Self::Invalid { code, .. }
            | Self::Rejected { code, .. }
            | Self::Network { code, .. }
            | Self::SignIn { code, .. }
            | Self::Storage { code, .. }
            | Self::Internal { code, .. } => code,
        }
    }
}

impl From<EngineError> for TokhaiError {
    fn from(e: EngineError) -> Self {
        let (code, message_vi, message_en) = parts(&e);
        match e {
            EngineError::WrongKey | EngineError::KeyUnavailable(_) | EngineError::NoPassphrase => Self::Key {
                code,
                message_vi,
                message_en,
            },
            EngineError::Invalid(errors) => Self::Invalid {
                code,
                message_vi,
                message_en,
                fields: errors
                    .errors
                    .iter()
                    .map(|f| {
                        let (code, message_vi, message_en) = parts(f);
                        FieldProblem {
                            field: f.field.clone(),
                            code,
                            message_vi,
                            message_en,
                        }
                    })
                    .collect(),
            },
            EngineError::Code(_)
            | EngineError::Fallback(_)
            | EngineError::NoCodeInPhoto
            | EngineError::Unreadable { .. }
            | EngineError::TrustList(_) => Self::Invalid {
                code,
                message_vi,
                message_en,
                fields: Vec::new(),
            },
            // A fallback code the last sync's directory does not name yet: sync, then try again.
            EngineError::NotFound(_) | EngineError::Rejected(_) | EngineError::UnknownFallback => {
                Self::Rejected {
                    code,
                    message_vi,
                    message_en,
                }
            }
            // Damaged, NewerVersion, Storage, and whatever core adds later.
            _ => Self::Storage {
                code,
                message_vi,
                message_en,
            },
        }
    }
}

impl From<SyncError> for TokhaiError {
    fn from(e: SyncError) -> Self {
        let (code, message_vi, message_en) = parts(&e);
        let retry_after_seconds = e.retry_after().map(|d| d.as_secs());
        match e {
            SyncError::Engine(e) => e.into(),
            SyncError::NotSignedIn | SyncError::SessionExpired => Self::SignIn {
                code,
                message_vi,
                message_en,
            },
            SyncError::Transport(ref t) if t.is_transient() => Self::Network {
                code,
                message_vi,
                message_en,
                retry_after_seconds,
            },
            // The server refused the request itself (a wrong one-time code, a bad phone number…).
            SyncError::Transport(TransportError::Status { .. }) => Self::Rejected {
                code,
                message_vi,
                message_en,
            },
            SyncError::Transport(_) => Self::Network {
                code,
                message_vi,
                message_en,
                retry_after_seconds: None,
            },
            // Stopped by `SyncClient::cancel`: nothing failed, the next run goes on.
            SyncError::Cancelled => Self::Network {
                code,
                message_vi,
                message_en,
                retry_after_seconds: None,
            },
        }
    }
}

/// Runs one exported call; a panic becomes `TokhaiError::Internal` instead of crossing the boundary.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, TokhaiError>) -> Result<T, TokhaiError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| Err(TokhaiError::internal()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error_with_both_messages() {
        let result: Result<(), TokhaiError> = guard(|| panic!("a bug"));
        let err = result.unwrap_err();
        assert_eq!(err.code(), "internal_error");
        assert!(
            matches!(err, TokhaiError::Internal { ref message_vi, ref message_en, .. }
            if !message_vi.is_empty() && !message_en.is_empty())
        );
    }

    #[test]
    fn engine_errors_keep_their_code() {
        let err = TokhaiError::from(EngineError::WrongKey);
        assert!(matches!(err, TokhaiError::Key { .. }));
        assert_eq!(err.code(), "wrong_key");
    }
}
