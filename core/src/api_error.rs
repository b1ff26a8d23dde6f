//! The error codes of the server's API and their words, one definition for the server (which answers
//! `{"error": {"code", "vi", "en"}}` with them) and every client (which shows a person the words of the
//! code it got, also when it is offline from a newer server's wording). `docs/api.md` lists them.

use std::time::Duration;

use crate::i18n::{Localized as _, Msg};
use crate::phone::PhoneError;

/// A stable error code of the server's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiCode {
    /// The body is not valid JSON of the expected shape.
    InvalidBody,
    /// A query or path parameter is malformed.
    InvalidParameter,
    /// A field value is not acceptable (the server's message names the field).
    InvalidField,
    /// A sub-checkpoint (floor, department, room) outside the province of the checkpoint it belongs to.
    ProvinceOfParent,
    /// Not a phone number.
    InvalidPhone,
    /// A landline where a one-time code must be sent by SMS.
    PhoneNotMobile,
    /// Wrong one-time code (tries remain).
    OtpWrong,
    /// The one-time code is expired, used, or out of tries.
    OtpDead,
    /// The captcha answer is wrong, expired or already used.
    CaptchaFailed,
    /// Many requests come from this address: this one needs a solved captcha (`docs/adr/0015`).
    CaptchaRequired,
    /// Too many requests; `Retry-After` says when to try again.
    RateLimited,
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
    /// The person already has a case for this infection (the server's message names it).
    CaseExists,
    /// The body is larger than allowed.
    PayloadTooLarge,
    /// The request took too long.
    Timeout,
    /// Method not allowed on this path.
    MethodNotAllowed,
    /// Not a valid HTTP request (a garbled request line or header): answered before any route.
    BadRequest,
    /// The request's headers (or its address) are longer than the server reads.
    HeadersTooLarge,
    /// The database or a gateway is unavailable.
    Unavailable,
    /// Something went wrong on the server's side.
    Internal,
}

impl ApiCode {
    /// Every code, for tests and documentation.
    pub const ALL: [Self; 25] = [
        Self::InvalidBody,
        Self::InvalidParameter,
        Self::InvalidField,
        Self::ProvinceOfParent,
        Self::InvalidPhone,
        Self::PhoneNotMobile,
        Self::OtpWrong,
        Self::OtpDead,
        Self::CaptchaFailed,
        Self::CaptchaRequired,
        Self::RateLimited,
        Self::Unauthorized,
        Self::Forbidden,
        Self::OutOfScope,
        Self::CaseRequired,
        Self::NotFound,
        Self::Conflict,
        Self::CaseExists,
        Self::PayloadTooLarge,
        Self::Timeout,
        Self::MethodNotAllowed,
        Self::BadRequest,
        Self::HeadersTooLarge,
        Self::Unavailable,
        Self::Internal,
    ];

    /// The code on the wire (`snake_case`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidBody => "invalid_body",
            Self::InvalidParameter => "invalid_parameter",
            Self::InvalidField => "invalid_field",
            Self::ProvinceOfParent => "province_of_parent",
            Self::InvalidPhone => "invalid_phone",
            Self::PhoneNotMobile => "phone_not_mobile",
            Self::OtpWrong => "otp_wrong",
            Self::OtpDead => "otp_dead",
            Self::CaptchaFailed => "captcha_failed",
            Self::CaptchaRequired => "captcha_required",
            Self::RateLimited => "rate_limited",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::OutOfScope => "out_of_scope",
            Self::CaseRequired => "case_required",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::CaseExists => "case_exists",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Timeout => "timeout",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::BadRequest => "bad_request",
            Self::HeadersTooLarge => "headers_too_large",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The code of a wire string; `None` for a code this build does not know (a newer server).
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// What happened and what the person can do, Vietnamese first.
    pub fn msg(self) -> Msg {
        match self {
            Self::InvalidBody => Msg::new(
                "Máy chủ không đọc được yêu cầu. Hãy cập nhật ứng dụng.",
                "The server could not read the request. Please update the app.",
            ),
            Self::InvalidParameter => Msg::new(
                "Máy chủ không hiểu tham số của yêu cầu. Hãy cập nhật ứng dụng.",
                "The server did not understand a parameter of the request. Please update the app.",
            ),
            Self::InvalidField => Msg::new(
                "Máy chủ không chấp nhận một giá trị đã nhập. Hãy kiểm tra và thử lại.",
                "The server did not accept a value you entered. Check it and try again.",
            ),
            Self::ProvinceOfParent => Msg::new(
                "Điểm con (tầng, khoa, phòng) phải ở cùng tỉnh/thành phố với điểm kiểm soát chứa nó (tòa nhà).",
                "A sub-checkpoint (floor, department, room) must be in the same province as the checkpoint it \
                 belongs to (its building).",
            ),
            Self::InvalidPhone => Msg::new(
                "Số điện thoại không hợp lệ. Hãy kiểm tra lại số.",
                "The phone number is not valid. Check the number.",
            ),
            Self::PhoneNotMobile => PhoneError::NotMobile.msg(),
            Self::OtpWrong => Msg::new(
                "Mã xác thực không đúng hoặc không còn hiệu lực. Hãy xem lại tin nhắn và nhập lại, hoặc yêu cầu mã mới.",
                "The verification code is wrong or no longer valid. Check the text message and type it again, or ask for a new one.",
            ),
            Self::OtpDead => Msg::new(
                "Mã xác thực đã hết hạn, đã dùng hoặc đã nhập sai quá nhiều lần. Hãy yêu cầu mã mới.",
                "The verification code has expired, was used, or was mistyped too often. Ask for a new one.",
            ),
            Self::CaptchaFailed => Msg::new(
                "Mã bảo mật không đúng hoặc đã hết hạn. Hãy thử mã mới.",
                "The security code is wrong or expired. Try a new one.",
            ),
            Self::CaptchaRequired => Msg::new(
                "Có nhiều yêu cầu từ mạng của bạn: hãy nhập mã bảo mật (captcha) để tiếp tục.",
                "Many requests come from your network: solve the security check (captcha) to go on.",
            ),
            Self::RateLimited => Msg::new(
                "Quá nhiều yêu cầu. Hãy thử lại sau.",
                "Too many requests. Try again later.",
            ),
            Self::Unauthorized => Msg::new(
                "Bạn cần đăng nhập (hoặc phiên đăng nhập đã hết hạn).",
                "You need to sign in (or your session has expired).",
            ),
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
            Self::NotFound => Msg::new("Máy chủ không tìm thấy mục này.", "The server did not find this."),
            Self::Conflict => Msg::new(
                "Thay đổi xung đột với dữ liệu hiện có trên máy chủ.",
                "The change conflicts with data on the server.",
            ),
            Self::CaseExists => Msg::new(
                "Người này đã có ca bệnh cho lần nhiễm này; không tạo ca mới.",
                "This person already has a case for this infection; no new case was created.",
            ),
            Self::PayloadTooLarge => Msg::new("Dữ liệu gửi lên quá lớn.", "The request is too large."),
            Self::Timeout => Msg::new(
                "Máy chủ xử lý quá lâu. Hãy thử lại.",
                "The server took too long. Try again.",
            ),
            Self::MethodNotAllowed => Msg::new(
                "Máy chủ không hỗ trợ yêu cầu này. Hãy cập nhật ứng dụng.",
                "The server does not support this request. Please update the app.",
            ),
            Self::BadRequest => Msg::new(
                "Yêu cầu gửi tới máy chủ bị hỏng (không đúng giao thức HTTP). Hãy thử lại hoặc cập nhật ứng dụng.",
                "The request reached the server garbled (not valid HTTP). Try again or update the app.",
            ),
            Self::HeadersTooLarge => Msg::new(
                "Phần đầu (header) hoặc địa chỉ của yêu cầu quá dài.",
                "The request's headers or address are too long.",
            ),
            Self::Unavailable => Msg::new(
                "Dịch vụ tạm thời gián đoạn. Hãy thử lại sau ít phút.",
                "The service is temporarily unavailable. Try again in a few minutes.",
            ),
            Self::Internal => Msg::new(
                "Máy chủ gặp lỗi. Hãy thử lại sau; nếu vẫn lỗi, hãy báo cho đơn vị vận hành.",
                "The server had a problem. Try again later; if it persists, tell the operator.",
            ),
        }
    }

    /// The words with the server's `Retry-After` spelt out ("try again in 15 minutes") where it applies.
    pub fn msg_retry(self, retry_after: Option<Duration>) -> Msg {
        match (self, retry_after) {
            (Self::RateLimited, Some(d)) => {
                let (vi, en) = wait_words(d);
                Msg::owned(
                    format!("Quá nhiều yêu cầu. Hãy thử lại sau {vi}."),
                    format!("Too many requests. Try again in {en}."),
                )
            }
            _ => self.msg(),
        }
    }
}

/// "15 phút" / "15 minutes", "1 minute", "30 giây" / "30 seconds" (rounded up).
fn wait_words(d: Duration) -> (String, String) {
    let secs = d.as_secs().max(1);
    if secs < 60 {
        let s = if secs == 1 { "" } else { "s" };
        return (format!("{secs} giây"), format!("{secs} second{s}"));
    }
    let mins = secs.div_ceil(60);
    let s = if mins == 1 { "" } else { "s" };
    (format!("{mins} phút"), format!("{mins} minute{s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_has_its_own_words() {
        let mut seen = std::collections::HashSet::new();
        for c in ApiCode::ALL {
            assert_eq!(ApiCode::parse(c.as_str()), Some(c));
            let m = c.msg();
            assert!(!m.vi.is_empty() && !m.en.is_empty());
            assert!(
                seen.insert(m.en.clone()),
                "{c:?} shares its words with another code"
            );
        }
        assert_eq!(ApiCode::parse("from_a_newer_server"), None);
    }

    #[test]
    fn retry_after_is_spelt_out() {
        let m = ApiCode::RateLimited.msg_retry(Some(Duration::from_secs(900)));
        assert_eq!(m.en, "Too many requests. Try again in 15 minutes.");
        assert_eq!(m.vi, "Quá nhiều yêu cầu. Hãy thử lại sau 15 phút.");
        let m = ApiCode::RateLimited.msg_retry(Some(Duration::from_secs(61)));
        assert_eq!(m.en, "Too many requests. Try again in 2 minutes.");
        let m = ApiCode::RateLimited.msg_retry(Some(Duration::from_secs(1)));
        assert_eq!(m.en, "Too many requests. Try again in 1 second.");
        assert_eq!(ApiCode::OtpWrong.msg_retry(None), ApiCode::OtpWrong.msg());
    }
}
