//! What the UI shows about sync, and the errors of a sync run in plain words (vi/en).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::skew::ClockCheck;
use super::transport::TransportError;
use crate::api_error::ApiCode;
use crate::i18n::{Localized, Msg};

/// The sync state kept in the store between runs (sealed, slot `Status`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Persisted {
    pub(crate) last_success: Option<DateTime<Utc>>,
    pub(crate) last_error: Option<(String, DateTime<Utc>)>,
    pub(crate) failures: u32,
    pub(crate) next_attempt: Option<DateTime<Utc>>,
    pub(crate) clock: Option<ClockCheck>,
    /// Pulled feed entries of a known kind this build could not read, since it was installed.
    #[serde(default)]
    pub(crate) skipped_entries: u64,
}

/// One item the server refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The outbox entry.
    pub entry: String,
    /// The kind of change (`visit_checked_in`, …).
    pub change: String,
    /// The server's code (`in_future`, `too_old`, `invalid`, …).
    pub code: String,
    /// The code in words.
    pub message: Msg,
}

/// Why the last attempt failed: a stable code and its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncFailure {
    /// The code (`offline`, `session_expired`, a server code…).
    pub code: String,
    /// In words.
    pub message: Msg,
}

/// A visit recorded while the device clock was off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedVisit {
    /// The visit.
    pub visit: crate::ids::VisitId,
    /// Server time minus device time when it was uploaded, in milliseconds.
    pub offset_ms: i64,
}

/// Sync status for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Changes waiting to reach the server.
    pub pending: usize,
    /// Changes the server refused (not sent again).
    pub refused: Vec<Refusal>,
    /// Whether a session token is kept.
    pub signed_in: bool,
    /// When the session ends.
    pub session_expires_at: Option<DateTime<Utc>>,
    /// The last sync that went through.
    pub last_success: Option<DateTime<Utc>>,
    /// The last error, when the last attempt failed: code and plain words.
    pub last_error: Option<SyncFailure>,
    /// When it failed.
    pub last_error_at: Option<DateTime<Utc>>,
    /// When the next automatic attempt is due.
    pub next_attempt: Option<DateTime<Utc>>,
    /// The device clock as judged at the last sync.
    pub clock: Option<ClockCheck>,
    /// Visits flagged as recorded under a wrong clock.
    pub flagged_visits: usize,
    /// Pulled feed entries of a known kind (a checkpoint, an exposure window…) whose body this build could
    /// not read, since it was installed: not used (an exposure among them raises no alert). Non-zero means
    /// the server speaks a newer or broken protocol: update the app. No personal data.
    pub skipped_entries: u64,
    /// Exposure alerts on this device.
    pub alerts: usize,
}

/// Why a sync run stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No session: sign in first (uploads need one; the download went on).
    #[error("not signed in")]
    NotSignedIn,
    /// The session expired or was revoked: sign in again.
    #[error("session expired")]
    SessionExpired,
    /// The network or the server failed; the same request will be tried again later.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// The local store failed.
    #[error("local store: {0}")]
    Engine(#[from] crate::engine::EngineError),
    /// The run was cancelled (`SyncClient::cancel`); what it had stored stays stored.
    #[error("cancelled")]
    Cancelled,
}

impl SyncError {
    /// The `Retry-After` the server sent, if any.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::Transport(t) => t.retry_after(),
            _ => None,
        }
    }
}

impl SyncError {
    /// The server's error code, when the server answered with one this build knows.
    pub fn api_code(&self) -> Option<ApiCode> {
        match self {
            Self::Transport(TransportError::Status { code, .. }) => ApiCode::parse(code),
            _ => None,
        }
    }
}

impl Localized for SyncError {
    fn code(&self) -> &'static str {
        if let Some(c) = self.api_code() {
            return c.as_str();
        }
        match self {
            Self::NotSignedIn => "not_signed_in",
            Self::SessionExpired => "session_expired",
            Self::Transport(TransportError::Unreachable) => "offline",
            Self::Transport(TransportError::Timeout) => "timeout",
            Self::Transport(TransportError::Protocol) => "bad_answer",
            // No code this build knows (a proxy's page, or a newer server): judged by the status.
            Self::Transport(TransportError::Status { status, .. }) if *status == 429 || *status == 503 => {
                "server_busy"
            }
            Self::Transport(TransportError::Status { status, .. }) if *status >= 500 => "server_error",
            Self::Transport(TransportError::Status { .. }) => "request_refused",
            Self::Engine(e) => e.code(),
            Self::Cancelled => "sync_cancelled",
        }
    }

    fn msg(&self) -> Msg {
        if let Self::Transport(TransportError::Status {
            retry_after, detail, ..
        }) = self
            && let Some(c) = self.api_code()
        {
            return match (c, detail) {
                // Only the server knows which field it refused, or which case exists.
                (ApiCode::InvalidField | ApiCode::CaseExists, Some(d)) => d.clone(),
                _ => c.msg_retry(*retry_after),
            };
        }
        error_msg(self.code()).unwrap_or_else(|| match self {
            Self::Engine(e) => e.msg(),
            Self::Cancelled => Msg::new("Đã dừng đồng bộ.", "Sync was stopped."),
            _ => Msg::new("Đồng bộ không thành công.", "Sync failed."),
        })
    }
}

/// Plain words for a sync error code, or a server error code kept from an earlier run.
pub(crate) fn error_msg(code: &str) -> Option<Msg> {
    Some(match code {
        "not_signed_in" => Msg::new(
            "Chưa đăng nhập: dữ liệu vẫn nằm trên máy. Hãy đăng nhập để gửi.",
            "Not signed in: your data stays on this device. Sign in to send it.",
        ),
        "session_expired" => Msg::new(
            "Phiên đăng nhập đã hết hạn: hãy đăng nhập lại.",
            "Your session has expired: please sign in again.",
        ),
        "offline" => Msg::new(
            "Không kết nối được máy chủ. Dữ liệu được giữ trên máy và sẽ gửi khi có mạng.",
            "Could not reach the server. Your data is kept on this device and will be sent when the network is back.",
        ),
        "timeout" => Msg::new(
            "Máy chủ không trả lời kịp. Sẽ thử lại sau.",
            "The server did not answer in time. Will try again later.",
        ),
        "server_busy" => Msg::new(
            "Máy chủ đang bận. Sẽ thử lại sau.",
            "The server is busy. Will try again later.",
        ),
        "server_error" => Msg::new(
            "Máy chủ gặp lỗi. Sẽ thử lại sau.",
            "The server had a problem. Will try again later.",
        ),
        "bad_answer" => Msg::new(
            "Câu trả lời của máy chủ không đọc được. Sẽ thử lại sau.",
            "The server's answer could not be read. Will try again later.",
        ),
        // Only for an answer without a code this build knows: a newer server's, or a proxy's.
        "request_refused" => Msg::new(
            "Máy chủ từ chối yêu cầu với một lý do phiên bản này chưa biết. Hãy cập nhật ứng dụng.",
            "The server refused the request for a reason this version does not know. Please update the app.",
        ),
        _ => return ApiCode::parse(code).map(ApiCode::msg),
    })
}

/// Plain words for `n` pulled feed entries this build could not read (`SyncStatus::skipped_entries`);
/// `None` when there are none.
pub fn skipped_entries_msg(n: u64) -> Option<Msg> {
    (n > 0).then(|| {
        Msg::owned(
            format!(
                "⚠ {n} mục tải về từ máy chủ không đọc được (có thể thiếu cảnh báo phơi nhiễm). Hãy cập nhật ứng dụng."
            ),
            format!(
                "⚠ {}: some exposure alerts may be missing. Please update the app.",
                crate::i18n::en_count(
                    i64::try_from(n).unwrap_or(i64::MAX),
                    "downloaded update could not be read",
                    "downloaded updates could not be read"
                )
            ),
        )
    })
}

/// Plain words for a refusal code of the upload answer.
pub fn refusal_msg(code: &str) -> Msg {
    match code {
        "too_old" => Msg::new(
            "Quá cũ: đã quá thời hạn lưu giữ 21 ngày.",
            "Too old: past the 21-day retention period.",
        ),
        "in_future" => Msg::new(
            "Thời gian ở tương lai: đồng hồ của máy bị sai.",
            "Dated in the future: the device clock was wrong.",
        ),
        "invalid" => Msg::new("Dữ liệu không hợp lệ.", "The record is not valid."),
        "unknown_checkpoint" => Msg::new(
            "Máy chủ không biết điểm kiểm soát này.",
            "The server does not know this checkpoint.",
        ),
        "unknown_episode" => Msg::new(
            "Báo cáo cho một đợt cách ly máy chủ chưa có.",
            "A report for a quarantine the server does not have.",
        ),
        "declaration_required" => Msg::new(
            "Cần gửi tờ khai y tế trước.",
            "A health declaration must be sent first.",
        ),
        "conflict" => Msg::new(
            "Mã định danh đã thuộc về tài khoản khác.",
            "The id belongs to another account.",
        ),
        _ => Msg::new("Máy chủ từ chối mục này.", "The server refused this item."),
    }
}
