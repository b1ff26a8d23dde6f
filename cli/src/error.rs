//! The CLI's one error type: every failure a person sees, with a stable code, a bilingual message and an
//! exit status. Detailed causes stay out of the message (they may hold nothing personal anyway).

use std::fmt;

use tokhai_core::sync_client::SyncError;
use tokhai_core::{ApiCode, EngineError, Localized, Msg, QrError, ValidationErrors};

/// What went wrong, as the CLI reports it.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The engine refused or failed.
    Engine(EngineError),
    /// A scanned or pasted code was refused.
    Code(QrError),
    /// Sync with the server did not go through (the data stays on the device).
    Sync(SyncError),
    /// Something the user asked for does not make sense; the message says what to do.
    Usage { code: &'static str, msg: Msg },
    /// A file could not be read or written.
    File {
        code: &'static str,
        msg: Msg,
        source: std::io::Error,
    },
}

impl CliError {
    pub(crate) fn usage(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Usage {
            code,
            msg: Msg::owned(vi.into(), en.into()),
        }
    }

    /// A file error naming the path (paths are the user's own words on their own machine).
    pub(crate) fn read(path: &std::path::Path, source: std::io::Error) -> Self {
        let p = path.display();
        Self::File {
            code: "file_unreadable",
            msg: Msg::owned(
                format!("Không đọc được tệp {p}: {source}"),
                format!("Cannot read {p}: {source}"),
            ),
            source,
        }
    }

    pub(crate) fn write(path: &std::path::Path, source: std::io::Error) -> Self {
        let p = path.display();
        Self::File {
            code: "file_unwritable",
            msg: Msg::owned(
                format!("Không ghi được tệp {p}: {source}"),
                format!("Cannot write {p}: {source}"),
            ),
            source,
        }
    }

    /// The validation errors inside, if the engine refused a declaration.
    pub(crate) fn validation(&self) -> Option<&ValidationErrors> {
        match self {
            Self::Engine(EngineError::Invalid(errors)) => Some(errors),
            _ => None,
        }
    }

    /// Exit status: 2 usage, 3 refused input (here, or by the server: a wrong one-time code, a refused
    /// field), 4 key or lock problem, 5 damaged data, 6 sync did not go through (offline, server busy,
    /// rate-limited, sign-in needed), 1 anything else.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Usage { .. } => 2,
            Self::Code(_) => 3,
            Self::Sync(SyncError::Engine(e)) | Self::Engine(e) => engine_exit(e),
            Self::Sync(e) if e.api_code().is_some_and(refused_input) => 3,
            Self::Sync(_) => 6,
            Self::File { .. } => 1,
        }
    }
}

/// Server answers that mean "what you typed was refused" rather than "try again later".
fn refused_input(c: ApiCode) -> bool {
    matches!(
        c,
        ApiCode::OtpWrong
            | ApiCode::OtpDead
            | ApiCode::InvalidField
            | ApiCode::ProvinceOfParent
            | ApiCode::InvalidPhone
            | ApiCode::PhoneNotMobile
            | ApiCode::CaptchaFailed
    )
}

fn engine_exit(e: &EngineError) -> u8 {
    match e {
        EngineError::Invalid(_) | EngineError::Rejected(_) | EngineError::NotFound(_) => 3,
        EngineError::WrongKey | EngineError::NoPassphrase | EngineError::KeyUnavailable(_) => 4,
        EngineError::Damaged(_) | EngineError::NewerVersion => 5,
        // A refused code, as `CliError::Code` answers it; a photo without one, as a usage error.
        EngineError::Code(_)
        | EngineError::Fallback(_)
        | EngineError::UnknownFallback
        | EngineError::TrustList(_) => 3,
        EngineError::NoCodeInPhoto | EngineError::Unreadable { .. } => 2,
        _ => 1,
    }
}

impl Localized for CliError {
    fn code(&self) -> &'static str {
        match self {
            Self::Engine(e) => e.code(),
            Self::Code(e) => e.code(),
            Self::Sync(e) => e.code(),
            Self::Usage { code, .. } | Self::File { code, .. } => code,
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Engine(e) => e.msg(),
            Self::Code(e) => e.msg(),
            Self::Sync(e) => e.msg(),
            Self::Usage { msg, .. } | Self::File { msg, .. } => msg.clone(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Engine(e) => Some(e),
            Self::Code(e) => Some(e),
            Self::Sync(e) => Some(e),
            Self::File { source, .. } => Some(source),
            Self::Usage { .. } => None,
        }
    }
}

impl From<EngineError> for CliError {
    fn from(e: EngineError) -> Self {
        Self::Engine(e)
    }
}

impl From<QrError> for CliError {
    fn from(e: QrError) -> Self {
        Self::Code(e)
    }
}

impl From<SyncError> for CliError {
    fn from(e: SyncError) -> Self {
        Self::Sync(e)
    }
}
