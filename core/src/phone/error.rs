//! Why a text is not a Vietnamese phone number, in both languages. Never carries the text itself.

use crate::i18n::{Localized, Msg};

/// Why a text is not a Vietnamese phone number (or, for [`PhoneError::NotMobile`], not one that can
/// receive an SMS). Never carries the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing was typed.
    #[error("empty phone number")]
    Empty,
    /// Letters among the digits.
    #[error("letters in a phone number")]
    Letters,
    /// Symbols other than spaces, `+`, `(`, `)`, `.`, `-`, `/`, or a `+` that is not at the start.
    #[error("unexpected symbols in a phone number")]
    Characters,
    /// A country code other than +84.
    #[error("not a Vietnamese number")]
    NotVietnamese,
    /// An old 11-digit mobile number (`01xx…`) of a prefix converted to 10 digits in 2018.
    #[error("old 11-digit mobile number")]
    OldMobileNumber {
        /// The old prefix with its 0 ("0168").
        old: &'static str,
        /// The prefix that replaced it, with its 0 ("038").
        new: &'static str,
    },
    /// A 1800/1900 service number: no one's own phone.
    #[error("service number")]
    ServiceNumber,
    /// The first digits are no mobile or fixed-line prefix of the numbering plan.
    #[error("unknown phone prefix")]
    Prefix,
    /// The shape of a mobile or fixed-line number, but no network or province holds this block or area
    /// code.
    #[error("unassigned mobile block or area code")]
    Unassigned,
    /// Too few or too many digits for the prefix.
    #[error("wrong number of digits")]
    Length {
        /// Digits expected after the leading 0 (9 for a mobile, 10 for a landline).
        expected: usize,
    },
    /// A fixed line where an SMS must be received (one-time codes).
    #[error("not a mobile number")]
    NotMobile,
}

impl Localized for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "phone_empty",
            Self::Letters => "phone_letters",
            Self::Characters => "phone_characters",
            Self::NotVietnamese => "phone_not_vietnamese",
            Self::OldMobileNumber { .. } => "phone_old_mobile_number",
            Self::ServiceNumber => "phone_service_number",
            Self::Prefix => "phone_prefix",
            Self::Unassigned => "phone_unassigned",
            Self::Length { .. } => "phone_length",
            Self::NotMobile => "phone_not_mobile",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Empty => Msg::new("Vui lòng nhập số điện thoại.", "Please enter a phone number."),
            Self::Letters => Msg::new(
                "Số điện thoại chỉ gồm chữ số, không có chữ cái.",
                "A phone number has digits only, no letters.",
            ),
            Self::Characters => Msg::new(
                "Số điện thoại chỉ gồm chữ số, dấu cách, dấu + ở đầu, ( ) . - /",
                "A phone number has only digits, spaces, a leading +, and ( ) . - /",
            ),
            Self::NotVietnamese => Msg::new(
                "Chỉ nhận số điện thoại Việt Nam (mã +84).",
                "Only Vietnamese phone numbers (+84) are accepted.",
            ),
            Self::OldMobileNumber { old, new } => Msg::owned(
                format!(
                    "Đầu số {old} đã đổi thành {new} từ năm 2018 (số di động 11 số chuyển sang 10 số, giữ 7 số cuối); vui lòng nhập số mới."
                ),
                format!(
                    "Mobile prefix {old} became {new} in 2018 (11-digit numbers changed to 10 digits, keeping the last 7); please enter the new number."
                ),
            ),
            Self::ServiceNumber => Msg::new(
                "Số 1800/1900 là số dịch vụ, không phải số điện thoại cá nhân.",
                "1800/1900 numbers are service lines, not a personal phone number.",
            ),
            Self::Prefix => Msg::new(
                "Đầu số không hợp lệ: số di động bắt đầu bằng 03, 05, 07, 08, 09; số cố định bằng 02.",
                "Unknown prefix: mobile numbers start with 03, 05, 07, 08, 09; landlines with 02.",
            ),
            Self::Unassigned => Msg::new(
                "Đầu số di động hoặc mã vùng này chưa được cấp cho nhà mạng hay tỉnh nào; vui lòng kiểm tra lại.",
                "No network or province has this mobile prefix or area code; please check the number.",
            ),
            Self::Length { expected } => Msg::owned(
                format!(
                    "Số điện thoại phải có {} chữ số (kể cả số 0 ở đầu).",
                    expected + 1
                ),
                format!(
                    "The phone number must have {} digits (counting the leading 0).",
                    expected + 1
                ),
            ),
            Self::NotMobile => Msg::new(
                "Mã xác thực được gửi bằng tin nhắn SMS, nên cần số di động; số cố định không nhận được tin nhắn.",
                "The verification code is sent by SMS, so it needs a mobile number; a landline cannot receive it.",
            ),
        }
    }
}
