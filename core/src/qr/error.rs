//! Errors of the QR module. `QrError` is what verification answers; each variant is one thing a person
//! can be told (vi + en). `Malformed` is the precise inner reason a payload could not be read.

use thiserror::Error;

use crate::i18n::{Localized, Msg};

/// The two kinds of tokhai code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// A checkpoint's poster code (`TKC`).
    Checkpoint,
    /// A person's code (`TKP`).
    Personal,
}

/// A part of a payload, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The flag byte.
    Flags,
    /// The checkpoint kind.
    Kind,
    /// The ward code.
    Ward,
    /// The checkpoint name.
    Name,
    /// The street address.
    Street,
    /// The default stay.
    Stay,
    /// A time (issue, validity, declaration, expiry).
    Time,
    /// The validity window (start after end).
    Window,
    /// The issuer key id.
    KeyId,
    /// The personal status.
    Status,
    /// The holder's initials.
    Initials,
    /// The holder's birth year.
    BirthYear,
    /// A checkpoint id.
    Id,
}

/// Why a payload that claims to be a tokhai code could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum Malformed {
    /// The scheme prefix is damaged (`TKC`/`TKP` not followed by a version and `:`).
    #[error("damaged header")]
    Header,
    /// A format version this build does not know (probably newer: update the app).
    #[error("unknown format version")]
    Version,
    /// The text after the prefix is not valid base45.
    #[error("not base45")]
    Base45,
    /// Too long, too short, cut off, or bytes left over after the signature.
    #[error("wrong length")]
    Length,
    /// A number is badly encoded (overlong or too large).
    #[error("bad number encoding")]
    Varint,
    /// A text field is not valid UTF-8.
    #[error("text is not UTF-8")]
    Utf8,
    /// A field holds a value the format does not allow.
    #[error("invalid field {0:?}")]
    Field(Field),
}

impl Malformed {
    /// A stable machine-readable code for the reason.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Header => "header",
            Self::Version => "version",
            Self::Base45 => "base45",
            Self::Length => "length",
            Self::Varint => "varint",
            Self::Utf8 => "utf8",
            Self::Field(_) => "field",
        }
    }
}

/// Why a scanned text was not accepted. Every variant has its own message; none carries personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum QrError {
    /// Some other QR code: a URL, a payment code, another country's health pass.
    #[error("not a tokhai code")]
    NotTokhai,
    /// A tokhai code that cannot be read.
    #[error("malformed tokhai code: {0}")]
    Malformed(Malformed),
    /// A tokhai code of the other kind (a personal code where a checkpoint was expected, or back).
    #[error("expected a {expected:?} code, found a {found:?} code")]
    WrongKind {
        /// What the caller asked for.
        expected: CodeKind,
        /// What the text is.
        found: CodeKind,
    },
    /// Signed by a key this device does not trust (or does not know yet: sync may bring it).
    #[error("unknown issuer key")]
    UnknownKey,
    /// Signed by a trusted key outside the period in which that key may issue codes.
    #[error("issuer key not valid for this code")]
    KeyNotValid,
    /// The signature does not match: forged or altered.
    #[error("bad signature")]
    BadSignature,
    /// Not valid yet.
    #[error("not yet valid")]
    NotYetValid,
    /// No longer valid.
    #[error("expired")]
    Expired,
    /// Withdrawn by the issuer.
    #[error("revoked")]
    Revoked,
    /// A personal code that the server has not signed yet (the declaration has not synced).
    #[error("pending: not signed yet")]
    Pending,
}

impl From<Malformed> for QrError {
    fn from(m: Malformed) -> Self {
        Self::Malformed(m)
    }
}

impl Localized for QrError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotTokhai => "qr_not_tokhai",
            Self::Malformed(_) => "qr_malformed",
            Self::WrongKind { .. } => "qr_wrong_kind",
            Self::UnknownKey => "qr_unknown_key",
            Self::KeyNotValid => "qr_key_not_valid",
            Self::BadSignature => "qr_bad_signature",
            Self::NotYetValid => "qr_not_yet_valid",
            Self::Expired => "qr_expired",
            Self::Revoked => "qr_revoked",
            Self::Pending => "qr_pending",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::NotTokhai => Msg::new(
                "Đây không phải mã QR của tokhai (có thể là đường dẫn, mã thanh toán hoặc mã của hệ thống khác).",
                "This is not a tokhai QR code (it may be a link, a payment code or another system's code).",
            ),
            Self::Malformed(Malformed::Version) => Msg::new(
                "Mã QR này dùng định dạng mới hơn. Hãy cập nhật ứng dụng.",
                "This QR code uses a newer format. Please update the app.",
            ),
            Self::Malformed(_) => Msg::new(
                "Mã QR bị hỏng hoặc đọc sai. Hãy quét lại hoặc nhập mã điểm dưới mã QR.",
                "The QR code is damaged or was misread. Scan again or type the code printed under it.",
            ),
            Self::WrongKind {
                expected: CodeKind::Checkpoint,
                ..
            } => Msg::new(
                "Đây là mã QR cá nhân, không phải mã của điểm kiểm soát.",
                "This is a personal QR code, not a checkpoint code.",
            ),
            Self::WrongKind { .. } => Msg::new(
                "Đây là mã của điểm kiểm soát, không phải mã QR cá nhân.",
                "This is a checkpoint code, not a personal QR code.",
            ),
            Self::UnknownKey => Msg::new(
                "Mã QR được ký bởi khóa chưa biết. Hãy kết nối mạng để đồng bộ rồi thử lại.",
                "The QR code is signed by an unknown key. Connect to sync, then try again.",
            ),
            Self::KeyNotValid => Msg::new(
                "Khóa ký của mã QR này không còn hiệu lực. Hãy báo cho người quản lý điểm.",
                "The key that signed this QR code is not valid for it. Please tell the place's manager.",
            ),
            Self::BadSignature => Msg::new(
                "Mã QR không hợp lệ: chữ ký sai (mã giả hoặc đã bị sửa).",
                "Invalid QR code: the signature does not match (forged or altered).",
            ),
            Self::NotYetValid => Msg::new(
                "Mã QR này chưa có hiệu lực. Hãy kiểm tra ngày giờ của máy.",
                "This QR code is not valid yet. Check the device's date and time.",
            ),
            Self::Expired => Msg::new("Mã QR này đã hết hạn.", "This QR code has expired."),
            Self::Revoked => Msg::new("Mã QR này đã bị thu hồi.", "This QR code has been revoked."),
            Self::Pending => Msg::new(
                "Mã QR cá nhân đang chờ xác nhận: tờ khai chưa được đồng bộ lên máy chủ.",
                "Personal QR code pending: the declaration has not reached the server yet.",
            ),
        }
    }
}

/// Why a payload could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// A text field is longer than the format allows.
    #[error("field {0:?} is too long")]
    TooLong(Field),
    /// A text field holds a control character.
    #[error("field {0:?} holds a control character")]
    ControlChar(Field),
    /// A time before 2020-01-01 or too far in the future, or a window that ends before it starts.
    #[error("field {0:?} is out of range")]
    OutOfRange(Field),
}

impl Localized for EncodeError {
    fn code(&self) -> &'static str {
        match self {
            Self::TooLong(_) => "qr_field_too_long",
            Self::ControlChar(_) => "qr_field_control_char",
            Self::OutOfRange(_) => "qr_field_out_of_range",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::TooLong(_) => Msg::new(
                "Thông tin quá dài để đưa vào mã QR.",
                "A field is too long to fit in the QR code.",
            ),
            Self::ControlChar(_) => Msg::new(
                "Thông tin chứa ký tự không hợp lệ.",
                "A field contains an invalid character.",
            ),
            Self::OutOfRange(_) => Msg::new(
                "Ngày giờ hoặc thời hạn không hợp lệ.",
                "A date, time or validity period is invalid.",
            ),
        }
    }
}

/// Why a signing key or a trust list could not be loaded.
#[derive(Debug, Error)]
pub enum KeyError {
    /// Not an Ed25519 PKCS#8 document (or its public key does not match its private key).
    #[error("not an Ed25519 PKCS#8 key")]
    Pkcs8,
    /// The system random generator failed.
    #[error("random generator failed")]
    Rng,
    /// A public key is not 32 bytes of hex.
    #[error("bad public key")]
    PublicKey,
    /// Two keys with one id.
    #[error("duplicate key id {0}")]
    DuplicateKeyId(u32),
    /// The trust list is not valid JSON of the expected shape.
    #[error("bad trust list: {0}")]
    Json(#[from] serde_json::Error),
}

impl Localized for KeyError {
    fn code(&self) -> &'static str {
        match self {
            Self::Pkcs8 => "qr_key_pkcs8",
            Self::Rng => "qr_key_rng",
            Self::PublicKey => "qr_key_public",
            Self::DuplicateKeyId(_) => "qr_key_duplicate",
            Self::Json(_) => "qr_trust_list",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Pkcs8 => Msg::new("Khóa ký không hợp lệ.", "The signing key is invalid."),
            Self::Rng => Msg::new("Không tạo được số ngẫu nhiên.", "The random generator failed."),
            Self::PublicKey | Self::DuplicateKeyId(_) | Self::Json(_) => Msg::new(
                "Danh sách khóa tin cậy không hợp lệ.",
                "The list of trusted keys is invalid.",
            ),
        }
    }
}
