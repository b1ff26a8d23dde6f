//! The engine's public error: few variants, each one a thing a front end can act on, each `Localized`.
//! The detailed cause stays inside (`source()`), free of personal data.

use std::fmt;

use crate::crypto::{KeyProviderError, PassphraseWeakness};
use crate::declaration::ValidationErrors;
use crate::health::{EpisodeError, ReportError};
use crate::i18n::{Localized, Msg};
use crate::qr::{EncodeError, FallbackError, KeyError, QrError};
use crate::store::{Conflict, StoreError};
use crate::visit::VisitError;

/// What went wrong, as a front end needs to know it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The passphrase or key does not open this data (or it was locked with another kind of key).
    #[error("the key does not open this data")]
    WrongKey,
    /// The key store (operating system or phone) cannot be reached, or holds no key for this data.
    #[error("key store unavailable")]
    KeyUnavailable(#[source] Cause),
    /// No passphrase was given.
    #[error("no passphrase given")]
    NoPassphrase,
    /// The data was altered or damaged; it is not shown rather than shown wrong.
    #[error("data damaged or altered")]
    Damaged(#[source] Cause),
    /// The data was written by a newer version of tokhai.
    #[error("data written by a newer version")]
    NewerVersion,
    /// Reading or writing the data file failed (disk full, no permission, file locked…).
    #[error("storage failed")]
    Storage(#[source] Cause),
    /// The thing asked for does not exist (any more).
    #[error("{0:?} not found")]
    NotFound(Missing),
    /// The declaration form has invalid fields: every one is listed, with a code and a message.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// The request breaks a rule (nothing to check out, a visit edit that overlaps another, a report
    /// outside the quarantine…).
    #[error("rejected: {0:?}")]
    Rejected(Rejection),
    /// A scanned or typed code was refused (not a tokhai code, forged, expired, unknown key…).
    #[error("code refused: {0}")]
    Code(QrError),
    /// A typed fallback code is mistyped.
    #[error("fallback code refused: {0}")]
    Fallback(FallbackError),
    /// A well-formed fallback code names no checkpoint of the directory this device holds (or one that
    /// was deactivated).
    #[error("fallback code unknown")]
    UnknownFallback,
    /// A photo or frame holds no QR code at all.
    #[error("no QR code in the photo")]
    NoCodeInPhoto,
    /// A photo or frame could not be read (format, size…): its reason in words.
    #[error("photo unreadable: {code}")]
    Unreadable {
        /// The scanner's stable code.
        code: &'static str,
        /// Its words.
        msg: Msg,
    },
    /// The data was wiped: this engine holds nothing any more.
    #[error("data wiped")]
    Wiped,
    /// A trust list (issuer keys) was refused: not a list, or a key id already trusted with another key.
    #[error("trust list refused: {0}")]
    TrustList(KeyError),
}

/// What was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// A person.
    Person,
    /// A declaration.
    Declaration,
    /// A visit.
    Visit,
    /// A quarantine episode.
    Episode,
}

/// A rule the request breaks. The domain's own errors carry their codes and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The identity document is already declared for another person on this device.
    DocumentInUse,
    /// The newest declaration is past its freshness window: a new one is needed (e.g. for a personal code).
    DeclarationStale,
    /// A personal code could not be made from the declaration.
    PersonalCode(EncodeError),
    /// A visit rule (no open visit, edited times in the future, backwards or overlapping…).
    Visit(VisitError),
    /// A daily-report rule (day outside the quarantine or in the future, too late, bad temperature…).
    Report(ReportError),
    /// A quarantine-episode rule (ends before it starts, too long, already ended…).
    Episode(EpisodeError),
    /// The passphrase chosen for new data is too weak.
    Passphrase(PassphraseWeakness),
    /// More dependants than one check-in takes (`MAX_COMPANIONS`).
    TooManyCompanions,
    /// The account holder named as their own companion.
    CompanionIsHolder,
    /// The account holder cannot be removed like a dependant (wiping the data deletes everything).
    RemoveAccountHolder,
}

/// The detailed internal cause of an error, for logs and debugging. Never holds personal data.
pub struct Cause(Box<dyn std::error::Error + Send + Sync>);

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl From<KeyProviderError> for EngineError {
    fn from(err: KeyProviderError) -> Self {
        match err {
            KeyProviderError::WrongKey | KeyProviderError::ProviderMismatch { .. } => Self::WrongKey,
            KeyProviderError::EmptyPassphrase => Self::NoPassphrase,
            KeyProviderError::WeakPassphrase(weak) => Self::Rejected(Rejection::Passphrase(weak)),
            KeyProviderError::Unavailable(_) | KeyProviderError::NotFound | KeyProviderError::Platform(_) => {
                Self::KeyUnavailable(Cause(Box::new(err)))
            }
            KeyProviderError::BadParameters(_) | KeyProviderError::Crypto(_) => {
                Self::Damaged(Cause(Box::new(err)))
            }
        }
    }
}

impl From<StoreError> for EngineError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Key(key) => key.into(),
            StoreError::NewerSchema { .. } => Self::NewerVersion,
            StoreError::NotFound("person") => Self::NotFound(Missing::Person),
            StoreError::Conflict(Conflict::Document) => Self::Rejected(Rejection::DocumentInUse),
            other if other.is_integrity() => Self::Damaged(Cause(Box::new(other))),
            other => Self::Storage(Cause(Box::new(other))),
        }
    }
}

impl Localized for EngineError {
    fn code(&self) -> &'static str {
        match self {
            Self::WrongKey => "wrong_key",
            Self::KeyUnavailable(_) => "key_store_unavailable",
            Self::NoPassphrase => "no_passphrase",
            Self::Damaged(_) => "data_damaged",
            Self::NewerVersion => "newer_version",
            Self::Storage(_) => "storage_failed",
            Self::NotFound(missing) => missing.code(),
            Self::Invalid(errors) => errors.code(),
            Self::Rejected(rejection) => rejection.code(),
            Self::Code(e) => e.code(),
            Self::Fallback(e) => e.code(),
            Self::UnknownFallback => "fallback_unknown",
            Self::Wiped => "data_wiped",
            Self::NoCodeInPhoto => "no_code_in_photo",
            Self::Unreadable { code, .. } => code,
            Self::TrustList(e) => e.code(),
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::WrongKey => Msg::new(
                "Mật khẩu hoặc khóa không mở được dữ liệu này.",
                "The passphrase or key does not open this data.",
            ),
            Self::KeyUnavailable(_) => Msg::new(
                "Không truy cập được kho khóa của thiết bị. Hãy mở khóa thiết bị hoặc dùng mật khẩu.",
                "The device's key store cannot be reached. Unlock the device or use a passphrase.",
            ),
            Self::NoPassphrase => Msg::new("Chưa nhập mật khẩu.", "No passphrase was given."),
            Self::Damaged(_) => Msg::new(
                "Dữ liệu trên thiết bị bị hỏng hoặc bị sửa đổi nên không được hiển thị.",
                "The data on this device is damaged or was altered, so it is not shown.",
            ),
            Self::NewerVersion => Msg::new(
                "Dữ liệu được tạo bởi phiên bản tokhai mới hơn. Hãy cập nhật ứng dụng.",
                "The data was written by a newer version of tokhai. Please update the app.",
            ),
            Self::Storage(_) => Msg::new(
                "Không đọc hoặc ghi được dữ liệu (bộ nhớ đầy, không có quyền hoặc tệp đang bị khóa).",
                "Could not read or write the data (storage full, no permission, or the file is locked).",
            ),
            Self::NotFound(missing) => missing.msg(),
            Self::Invalid(errors) => errors.msg(),
            Self::Rejected(rejection) => rejection.msg(),
            Self::Code(e) => e.msg(),
            Self::Fallback(e) => e.msg(),
            Self::UnknownFallback => Msg::new(
                "Mã dự phòng không có trong danh sách điểm kiểm soát trên máy (hoặc điểm đã ngừng hoạt động). \
                 Hãy kiểm tra lại mã, hoặc đồng bộ để tải danh sách mới.",
                "The fallback code names no checkpoint in the list on this device (or one that was closed). \
                 Check the code, or sync to fetch the current list.",
            ),
            Self::NoCodeInPhoto => Msg::new(
                "Không thấy mã QR trong ảnh. Hãy chụp lại gần hơn, đủ sáng và không bị lóa, hoặc nhập mã dự phòng in dưới mã QR.",
                "No QR code in the photo. Take it again closer, with enough light and no glare, or type the fallback code printed under the QR.",
            ),
            Self::Unreadable { msg, .. } => msg.clone(),
            Self::Wiped => Msg::new(
                "Dữ liệu đã bị xóa khỏi thiết bị.",
                "The data was deleted from this device.",
            ),
            Self::TrustList(e) => e.msg(),
        }
    }
}

impl From<QrError> for EngineError {
    fn from(err: QrError) -> Self {
        Self::Code(err)
    }
}

impl Missing {
    fn code(self) -> &'static str {
        match self {
            Self::Person => "person_not_found",
            Self::Declaration => "declaration_not_found",
            Self::Visit => "visit_not_found",
            Self::Episode => "episode_not_found",
        }
    }

    fn msg(self) -> Msg {
        match self {
            Self::Person => Msg::new("Không tìm thấy người này.", "This person was not found."),
            Self::Declaration => Msg::new("Chưa có tờ khai.", "There is no declaration yet."),
            Self::Visit => Msg::new("Không tìm thấy lượt check-in này.", "This visit was not found."),
            Self::Episode => Msg::new(
                "Không tìm thấy đợt cách ly này.",
                "This quarantine period was not found.",
            ),
        }
    }
}

impl Localized for Rejection {
    fn code(&self) -> &'static str {
        match self {
            Self::DocumentInUse => "document_in_use",
            Self::DeclarationStale => "declaration_stale",
            Self::PersonalCode(e) => e.code(),
            Self::Visit(e) => e.code(),
            Self::Report(e) => e.code(),
            Self::Episode(e) => e.code(),
            Self::Passphrase(e) => e.code(),
            Self::TooManyCompanions => "too_many_companions",
            Self::CompanionIsHolder => "companion_is_holder",
            Self::RemoveAccountHolder => "remove_account_holder",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::DocumentInUse => Msg::new(
                "Số giấy tờ này đã được khai cho một người khác trên thiết bị.",
                "This ID number is already declared for another person on this device.",
            ),
            Self::DeclarationStale => Msg::new(
                "Tờ khai đã hết hiệu lực: hãy khai báo lại để có mã QR cá nhân.",
                "The declaration has expired: declare again to get a personal QR code.",
            ),
            Self::PersonalCode(e) => e.msg(),
            Self::Visit(e) => e.msg(),
            Self::Report(e) => e.msg(),
            Self::Episode(e) => e.msg(),
            Self::Passphrase(e) => e.msg(),
            Self::TooManyCompanions => Msg::new(
                "Một lượt check-in chỉ kèm được tối đa 16 người phụ thuộc.",
                "One check-in takes at most 16 dependants.",
            ),
            Self::CompanionIsHolder => Msg::new(
                "Người đi cùng phải là người phụ thuộc, không phải chủ tài khoản.",
                "A companion must be a dependant, not the account holder.",
            ),
            Self::RemoveAccountHolder => Msg::new(
                "Không thể xóa chủ tài khoản; để xóa mọi dữ liệu trên máy, hãy dùng chức năng xóa dữ liệu.",
                "The account holder cannot be removed; to delete everything on this device, wipe it.",
            ),
        }
    }
}

impl From<Rejection> for EngineError {
    fn from(rejection: Rejection) -> Self {
        Self::Rejected(rejection)
    }
}

impl From<VisitError> for EngineError {
    fn from(err: VisitError) -> Self {
        Self::Rejected(Rejection::Visit(err))
    }
}

impl From<ReportError> for EngineError {
    fn from(err: ReportError) -> Self {
        Self::Rejected(Rejection::Report(err))
    }
}

impl From<EpisodeError> for EngineError {
    fn from(err: EpisodeError) -> Self {
        Self::Rejected(Rejection::Episode(err))
    }
}

impl From<ValidationErrors> for EngineError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Invalid(errors)
    }
}
