//! Errors. `Error` is the detailed internal error; `ApiError` is what a client sees: a status, a stable
//! `snake_case` code and a bilingual message, never personal data. `IntoResponse` is the one conversion
//! point at the HTTP boundary.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokhai_core::{ApiCode, Localized, Msg};

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
    /// A declaration form breaks core's rules (`tokhai_core::validate`): every invalid field, in form order.
    Declaration(tokhai_core::ValidationErrors),
    /// A daily report breaks core's rules (`tokhai_core::plan_report`): its field and why.
    Report(tokhai_core::ReportError),
    /// A quarantine order breaks core's rules (`QuarantineEpisode::new`, `plan_start`): its field and why.
    Episode(tokhai_core::EpisodeError),
    /// The person already has a case for this infection (its id): the new one is refused, not merged.
    CaseExists(i64),
    /// A sub-checkpoint in another province (or unit list) than the checkpoint it belongs to.
    ProvinceOfParent,
    /// Not a phone number we can send to.
    InvalidPhone,
    /// A landline where a one-time code must be sent by SMS.
    PhoneNotMobile,
    /// The one-time code is wrong, expired, used or out of tries (one answer for all: ask again or for a
    /// new one).
    OtpWrong,
    /// The captcha answer is wrong, expired or already used.
    CaptchaFailed,
    /// Many one-time codes went to this client address: this request needs a solved captcha.
    CaptchaRequired,
    /// Too many requests; retry after this many seconds.
    RateLimited(u64),
    /// No valid session.
    Unauthorized,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// A browser's state-changing request without its session's CSRF token (or from another site).
    CsrfRefused,
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
    /// Not valid HTTP (answered by the accept loop in place of hyper's bodiless 400).
    BadRequest,
    /// Headers or request line too long (in place of hyper's bodiless 431 and 414).
    HeadersTooLarge,
    /// The database or a gateway is unavailable; retry later.
    Unavailable,
    /// Something went wrong on our side.
    Internal,
}

impl ApiError {
    /// The code on the wire: core's one list of the API's error codes, shared with the clients.
    pub fn api_code(&self) -> ApiCode {
        match self {
            Self::InvalidBody => ApiCode::InvalidBody,
            Self::InvalidParameter => ApiCode::InvalidParameter,
            Self::InvalidField(_)
            | Self::OfficerInput(_)
            | Self::Declaration(_)
            | Self::Report(_)
            | Self::Episode(_) => ApiCode::InvalidField,
            Self::CaseExists(_) => ApiCode::CaseExists,
            Self::ProvinceOfParent => ApiCode::ProvinceOfParent,
            Self::InvalidPhone => ApiCode::InvalidPhone,
            Self::PhoneNotMobile => ApiCode::PhoneNotMobile,
            Self::OtpWrong => ApiCode::OtpWrong,
            Self::CaptchaFailed => ApiCode::CaptchaFailed,
            Self::CaptchaRequired => ApiCode::CaptchaRequired,
            Self::RateLimited(_) => ApiCode::RateLimited,
            Self::Unauthorized => ApiCode::Unauthorized,
            Self::Forbidden | Self::CsrfRefused => ApiCode::Forbidden,
            Self::OutOfScope => ApiCode::OutOfScope,
            Self::CaseRequired => ApiCode::CaseRequired,
            Self::NotFound => ApiCode::NotFound,
            Self::Conflict => ApiCode::Conflict,
            Self::PayloadTooLarge => ApiCode::PayloadTooLarge,
            Self::Timeout => ApiCode::Timeout,
            Self::MethodNotAllowed => ApiCode::MethodNotAllowed,
            Self::BadRequest => ApiCode::BadRequest,
            Self::HeadersTooLarge => ApiCode::HeadersTooLarge,
            Self::Unavailable => ApiCode::Unavailable,
            Self::Internal => ApiCode::Internal,
        }
    }
}

impl Localized for ApiError {
    fn code(&self) -> &'static str {
        self.api_code().as_str()
    }

    /// Core's words for the code (what a client shows too), with the details only the server knows.
    fn msg(&self) -> Msg {
        match self {
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
            // The first invalid field's own words (what is shown next to it); `errors` lists them all.
            Self::Declaration(errors) => errors.errors.first().map_or_else(|| errors.msg(), |e| e.msg()),
            Self::Report(e) => e.msg(),
            Self::Episode(e) => e.msg(),
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
            Self::CsrfRefused => Msg::owned(
                "Yêu cầu bị từ chối: trang này đã cũ hoặc không phải của tokhai. Hãy tải lại trang rồi thử lại."
                    .to_owned(),
                "Request refused: this page is out of date or not tokhai's own. Reload the page and try again."
                    .to_owned(),
            ),
            Self::RateLimited(secs) => self
                .api_code()
                .msg_retry(Some(std::time::Duration::from_secs(*secs))),
            other => other.api_code().msg(),
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
            | Self::Declaration(_)
            | Self::Report(_)
            | Self::Episode(_)
            | Self::ProvinceOfParent
            | Self::InvalidPhone
            | Self::PhoneNotMobile => StatusCode::UNPROCESSABLE_ENTITY,
            Self::OtpWrong | Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::CaptchaFailed | Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden
            | Self::CsrfRefused
            | Self::OutOfScope
            | Self::CaseRequired
            | Self::CaptchaRequired => StatusCode::FORBIDDEN,
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
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE | StatusCode::URI_TOO_LONG => Self::HeadersTooLarge,
            s if s.is_client_error() => Self::InvalidBody,
            _ => Self::Internal,
        }
    }
}

/// The JSON body of every error response: the protocol's shared type (`docs/protocol/sync.md` §2).
pub use tokhai_core::protocol::ErrorBody;
use tokhai_core::protocol::{ErrorDetail, FieldProblemBody};

impl ApiError {
    /// The JSON error body.
    pub fn body(&self) -> ErrorBody {
        let msg = self.msg();
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                vi: msg.vi.into(),
                en: msg.en.into(),
                field: match self {
                    Self::InvalidField(f) => Some((*f).to_owned()),
                    Self::OfficerInput(e) => Some(e.field().to_owned()),
                    Self::Declaration(errors) => errors.errors.first().map(|e| e.field.clone()),
                    Self::Report(e) => Some(e.field().to_owned()),
                    Self::Episode(e) => Some(e.field().to_owned()),
                    _ => None,
                },
                errors: match self {
                    Self::Declaration(errors) => Some(
                        errors
                            .errors
                            .iter()
                            .map(|e| {
                                let m = e.msg();
                                FieldProblemBody {
                                    field: e.field.clone(),
                                    code: e.code().to_owned(),
                                    vi: m.vi.into(),
                                    en: m.en.into(),
                                }
                            })
                            .collect(),
                    ),
                    _ => None,
                },
                case_id: match self {
                    Self::CaseExists(id) => Some(*id),
                    _ => None,
                },
            },
        }
    }

    /// A whole HTTP/1.1 answer with this error, for the accept loop (`listen.rs`), which writes it in
    /// place of hyper's bodiless answers to requests it could not parse: `status`, the JSON error body,
    /// the headers every answer carries, and `connection: close` (hyper closes such a connection).
    pub(crate) fn raw_http(&self, status: StatusCode) -> Vec<u8> {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut out = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(&body);
        out
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body();
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
