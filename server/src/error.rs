//! Errors. `Error` is the detailed internal error; `ApiError` is what a client sees: a status, a stable
//! `snake_case` code and a bilingual message, never personal data. `IntoResponse` is the one conversion
//! point at the HTTP boundary.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokhai_core::{Localized, Msg};
use utoipa::ToSchema;

use crate::seal::SealError;
use crate::store::StoreError;

/// Internal errors (logged by category; never shown as such).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sealing or opening failed.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// Sending a text message failed.
    #[error("sms gateway failed: {0}")]
    Sms(&'static str),
    /// Signing or key handling failed.
    #[error("issuing key error: {0}")]
    Keys(&'static str),
    /// Rendering an image failed.
    #[error("rendering failed")]
    Render,
    /// A stored record cannot be read back for a data migration.
    #[error("data migration: {0}")]
    Migration(&'static str),
}

/// What a client is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The body is not valid JSON of the expected shape.
    InvalidBody,
    /// A query or path parameter is malformed.
    InvalidParameter,
    /// A field value is not acceptable (the field's name is given).
    InvalidField(&'static str),
    /// An officer's input breaks one of core's rules (`tokhai_core::OfficerInputError`): the field and why.
    OfficerInput(tokhai_core::OfficerInputError),
    /// The person already has a case for this infection (its id): the new one is refused, not merged.
    CaseExists(i64),
    /// Not a phone number we can send to.
    InvalidPhone,
    /// A landline where a one-time code must be sent by SMS.
    PhoneNotMobile,
    /// Wrong one-time code (tries remain).
    OtpWrong,
    /// The one-time code is expired, used, or out of tries: ask for a new one.
    OtpDead,
    /// The captcha answer is wrong, expired or already used.
    CaptchaFailed,
    /// Too many requests; retry after this many seconds.
    RateLimited(u64),
    /// No valid session.
    Unauthorized,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// Outside the officer's provinces/wards.
    OutOfScope,
    /// Personal data is only read under a registered case.
    CaseRequired,
    /// No such thing (or not yours to see).
    NotFound,
    /// The change conflicts with the current state.
    Conflict,
    /// The body is larger than allowed.
    PayloadTooLarge,
    /// The request took too long.
    Timeout,
    /// Method not allowed on this path.
    MethodNotAllowed,
    /// The database or a gateway is unavailable; retry later.
    Unavailable,
    /// Something went wrong on our side.
    Internal,
}

impl Localized for ApiError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidBody => "invalid_body",
            Self::InvalidParameter => "invalid_parameter",
            Self::InvalidField(_) | Self::OfficerInput(_) => "invalid_field",
            Self::CaseExists(_) => "case_exists",
            Self::InvalidPhone => "invalid_phone",
            Self::PhoneNotMobile => "phone_not_mobile",
            Self::OtpWrong => "otp_wrong",
            Self::OtpDead => "otp_dead",
            Self::CaptchaFailed => "captcha_failed",
            Self::RateLimited(_) => "rate_limited",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::OutOfScope => "out_of_scope",
            Self::CaseRequired => "case_required",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Timeout => "timeout",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::InvalidBody => Msg::new("Dữ liệu gửi lên không hợp lệ.", "The request body is not valid."),
            Self::InvalidParameter => Msg::new("Tham số không hợp lệ.", "A parameter is not valid."),
            Self::InvalidField(f) => Msg::owned(
                format!("Trường «{f}» không hợp lệ."),
                format!("The field “{f}” is not valid."),
            ),
            Self::OfficerInput(e) => {
                let (f, why) = (e.field(), e.msg());
                Msg::owned(
                    format!("Trường «{f}» không hợp lệ: {}", why.vi),
                    format!("The field “{f}” is not valid: {}", why.en),
                )
            }
            Self::CaseExists(id) => Msg::owned(
                format!(
                    "Người này đã có ca bệnh số {id} cho lần nhiễm này (xét nghiệm cách nhau dưới {} ngày); không tạo ca mới.",
                    tokhai_core::CASE_REINFECTION_DAYS
                ),
                format!(
                    "This person already has case {id} for this infection (tests less than {} days apart); no new case was created.",
                    tokhai_core::CASE_REINFECTION_DAYS
                ),
            ),
            Self::InvalidPhone => Msg::new("Số điện thoại không hợp lệ.", "The phone number is not valid."),
            // Core's words for the same refusal.
            Self::PhoneNotMobile => tokhai_core::PhoneError::NotMobile.msg(),
            Self::OtpWrong => Msg::new("Mã xác thực không đúng.", "The verification code is wrong."),
            Self::OtpDead => Msg::new(
                "Mã xác thực đã hết hạn hoặc đã dùng. Hãy yêu cầu mã mới.",
                "The verification code has expired or was used. Ask for a new one.",
            ),
            Self::CaptchaFailed => Msg::new(
                "Mã bảo mật không đúng hoặc đã hết hạn. Hãy thử mã mới.",
                "The security code is wrong or expired. Try a new one.",
            ),
            Self::RateLimited(_) => Msg::new(
                "Quá nhiều yêu cầu. Hãy thử lại sau.",
                "Too many requests. Try again later.",
            ),
            Self::Unauthorized => Msg::new("Bạn cần đăng nhập.", "You need to sign in."),
            Self::Forbidden => Msg::new(
                "Bạn không có quyền làm việc này.",
                "You are not allowed to do this.",
            ),
            Self::OutOfScope => Msg::new(
                "Khu vực này nằm ngoài phạm vi của bạn.",
                "This area is outside your assigned scope.",
            ),
            Self::CaseRequired => Msg::new(
                "Chỉ xem dữ liệu cá nhân khi có ca bệnh đã đăng ký.",
                "Personal data can only be read for a registered case.",
            ),
            Self::NotFound => Msg::new("Không tìm thấy.", "Not found."),
            Self::Conflict => Msg::new(
                "Thay đổi xung đột với dữ liệu hiện có.",
                "The change conflicts with current data.",
            ),
            Self::PayloadTooLarge => Msg::new("Dữ liệu gửi lên quá lớn.", "The request body is too large."),
            Self::Timeout => Msg::new("Yêu cầu quá thời gian.", "The request took too long."),
            Self::MethodNotAllowed => Msg::new("Phương thức không được hỗ trợ.", "Method not allowed."),
            Self::Unavailable => Msg::new(
                "Dịch vụ tạm thời gián đoạn. Hãy thử lại sau.",
                "Service unavailable. Try again later.",
            ),
            Self::Internal => Msg::new("Đã có lỗi phía máy chủ.", "Something went wrong on the server."),
        }
    }
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidBody
            | Self::InvalidParameter
            | Self::InvalidField(_)
            | Self::OfficerInput(_)
            | Self::InvalidPhone
            | Self::PhoneNotMobile => StatusCode::UNPROCESSABLE_ENTITY,
            Self::OtpWrong | Self::OtpDead | Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::CaptchaFailed => StatusCode::BAD_REQUEST,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden | Self::OutOfScope | Self::CaseRequired => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict | Self::CaseExists(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error for a bare status produced by a layer (body limit, timeout, routing).
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            StatusCode::REQUEST_TIMEOUT => Self::Timeout,
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::UNAUTHORIZED => Self::Unauthorized,
            StatusCode::FORBIDDEN => Self::Forbidden,
            StatusCode::SERVICE_UNAVAILABLE => Self::Unavailable,
            s if s.is_client_error() => Self::InvalidBody,
            _ => Self::Internal,
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// An error's code and message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code.
    pub code: String,
    /// Message in Vietnamese.
    pub vi: String,
    /// Message in English.
    pub en: String,
    /// The field at fault (`invalid_field`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The existing case (`case_exists`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<i64>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let msg = self.msg();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                vi: msg.vi.into(),
                en: msg.en.into(),
                field: match &self {
                    Self::InvalidField(f) => Some((*f).to_owned()),
                    Self::OfficerInput(e) => Some(e.field().to_owned()),
                    _ => None,
                },
                case_id: match &self {
                    Self::CaseExists(id) => Some(*id),
                    _ => None,
                },
            },
        };
        let mut resp = (self.status(), axum::Json(body)).into_response();
        if let Self::RateLimited(secs) = self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if self == Self::Unavailable {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        resp
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Store(StoreError::Unavailable) => {
                tracing::warn!(error = %e, "database unavailable");
                Self::Unavailable
            }
            Error::Store(StoreError::NotFound) => Self::NotFound,
            Error::Store(StoreError::Conflict) => Self::Conflict,
            Error::Sms(_) => {
                tracing::warn!(error = %e, "sms gateway failed");
                Self::Unavailable
            }
            other => {
                tracing::error!(error = %other, "internal error");
                Self::Internal
            }
        }
    }
}

impl From<tokhai_core::OfficerInputError> for ApiError {
    fn from(e: tokhai_core::OfficerInputError) -> Self {
        Self::OfficerInput(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Error::Store(e).into()
    }
}

impl From<SealError> for ApiError {
    fn from(e: SealError) -> Self {
        Error::Seal(e).into()
    }
}

/// Result of a handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
