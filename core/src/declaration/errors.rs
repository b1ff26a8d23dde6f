//! Validation errors: every invalid field at once, each with its path, a stable code and a bilingual message.
//! No error carries the value that was typed (it is personal data).

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::i18n::{Localized, Msg};
use crate::phone::PhoneError;
use crate::units::AddressError;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldErrorKind {
    /// The field must be filled in.
    Required,
    /// Longer than allowed.
    TooLong {
        /// Most characters (or entries) allowed.
        max: usize,
    },
    /// Shorter than allowed.
    TooShort {
        /// Fewest characters allowed.
        min: usize,
    },
    /// A name may hold only letters, spaces, apostrophes and hyphens.
    NameCharacters,
    /// Control characters (line breaks, tabs…) in a one-line text.
    ControlCharacters,
    /// Not one of the document kinds (CMND, CCCD, passport, none).
    UnknownIdKind,
    /// The number fits no document kind.
    IdFormat,
    /// A CMND has 9 digits.
    CmndFormat,
    /// A CCCD has 12 digits.
    CccdFormat,
    /// A passport number has 6 to 9 letters and digits.
    PassportFormat,
    /// A Vietnamese passport number is one letter and 7 digits.
    VietnamesePassportFormat,
    /// The first three digits of a CCCD are no province code.
    CccdProvince,
    /// The CCCD's century-and-year digits disagree with the year of birth.
    CccdBirthYearMismatch,
    /// The CCCD's sex digit disagrees with the sex.
    CccdSexMismatch,
    /// CMND and CCCD are issued to Vietnamese citizens only.
    IdNeedsVietnameseNationality,
    /// Only a child under 14 may have no identity document.
    IdRequiredFrom14,
    /// "No document" was chosen but a number was typed.
    IdNumberNotExpected,
    /// The year of birth is not a number.
    BirthYearFormat,
    /// The year of birth is outside the plausible range.
    BirthYearRange {
        /// Earliest year accepted.
        min: i32,
        /// Latest year accepted.
        max: i32,
    },
    /// Not one of male, female, other.
    UnknownSex,
    /// Not an ISO 3166-1 alpha-2 country code.
    UnknownNationality,
    /// Not one of the unit lists (2025, 2021).
    UnknownUnitScheme,
    /// A unit code is not a number.
    UnitCodeFormat,
    /// The address's units do not exist or do not nest.
    Address(AddressError),
    /// The phone number is invalid.
    Phone(PhoneError),
    /// Not a plausible e-mail address.
    EmailFormat,
    /// Not one of the chronic conditions the form lists.
    UnknownChronicCondition,
    /// Pregnancy does not apply to a man.
    PregnancyNotApplicable,
}

impl Localized for FieldErrorKind {
    fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong { .. } => "too_long",
            Self::TooShort { .. } => "too_short",
            Self::NameCharacters => "name_characters",
            Self::ControlCharacters => "control_characters",
            Self::UnknownIdKind => "unknown_id_kind",
            Self::IdFormat => "id_format",
            Self::CmndFormat => "cmnd_format",
            Self::CccdFormat => "cccd_format",
            Self::PassportFormat => "passport_format",
            Self::VietnamesePassportFormat => "vietnamese_passport_format",
            Self::CccdProvince => "cccd_province",
            Self::CccdBirthYearMismatch => "cccd_birth_year_mismatch",
            Self::CccdSexMismatch => "cccd_sex_mismatch",
            Self::IdNeedsVietnameseNationality => "id_needs_vietnamese_nationality",
            Self::IdRequiredFrom14 => "id_required_from_14",
            Self::IdNumberNotExpected => "id_number_not_expected",
            Self::BirthYearFormat => "birth_year_format",
            Self::BirthYearRange { .. } => "birth_year_range",
            Self::UnknownSex => "unknown_sex",
            Self::UnknownNationality => "unknown_nationality",
            Self::UnknownUnitScheme => "unknown_unit_scheme",
            Self::UnitCodeFormat => "unit_code_format",
            Self::Address(e) => e.code(),
            Self::Phone(e) => e.code(),
            Self::EmailFormat => "email_format",
            Self::UnknownChronicCondition => "unknown_chronic_condition",
            Self::PregnancyNotApplicable => "pregnancy_not_applicable",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Required => Msg::new("Vui lòng điền mục này.", "Please fill in this field."),
            Self::TooLong { max } => Msg::owned(
                format!("Tối đa {max} ký tự (mục)."),
                format!("At most {max} characters (entries)."),
            ),
            Self::TooShort { min } => Msg::owned(
                format!("Ít nhất {min} ký tự."),
                format!("At least {min} characters."),
            ),
            Self::NameCharacters => Msg::new(
                "Họ tên chỉ gồm chữ cái, dấu cách, dấu nháy (') và gạch nối (-).",
                "A name has only letters, spaces, apostrophes (') and hyphens (-).",
            ),
            Self::ControlCharacters => Msg::new(
                "Không được xuống dòng hay dùng ký tự điều khiển.",
                "No line breaks or control characters.",
            ),
            Self::UnknownIdKind => Msg::new(
                "Loại giấy tờ phải là CMND, CCCD, hộ chiếu hoặc chưa có.",
                "The document must be a CMND, a CCCD, a passport, or none.",
            ),
            Self::IdFormat => Msg::new(
                "Số giấy tờ không hợp lệ: CMND 9 số, CCCD 12 số, hộ chiếu 6–9 chữ và số.",
                "Invalid document number: CMND 9 digits, CCCD 12 digits, passport 6–9 letters and digits.",
            ),
            Self::CmndFormat => Msg::new(
                "Số CMND gồm đúng 9 chữ số.",
                "A CMND number has exactly 9 digits.",
            ),
            Self::CccdFormat => Msg::new(
                "Số CCCD gồm đúng 12 chữ số.",
                "A CCCD number has exactly 12 digits.",
            ),
            Self::PassportFormat => Msg::new(
                "Số hộ chiếu gồm 6 đến 9 chữ cái và chữ số.",
                "A passport number has 6 to 9 letters and digits.",
            ),
            Self::VietnamesePassportFormat => Msg::new(
                "Số hộ chiếu Việt Nam gồm 1 chữ cái và 7 chữ số (ví dụ C1234567).",
                "A Vietnamese passport number is one letter and 7 digits (e.g. C1234567).",
            ),
            Self::CccdProvince => Msg::new(
                "Ba số đầu của CCCD phải là mã tỉnh nơi đăng ký khai sinh (001–096).",
                "The first three digits of a CCCD must be the province code of birth registration (001–096).",
            ),
            Self::CccdBirthYearMismatch => Msg::new(
                "Số CCCD không khớp với năm sinh; vui lòng kiểm tra lại.",
                "The CCCD number does not match the year of birth; please check both.",
            ),
            Self::CccdSexMismatch => Msg::new(
                "Số CCCD không khớp với giới tính; vui lòng kiểm tra lại.",
                "The CCCD number does not match the sex; please check both.",
            ),
            Self::IdNeedsVietnameseNationality => Msg::new(
                "CMND/CCCD chỉ cấp cho công dân Việt Nam; người nước ngoài dùng hộ chiếu.",
                "CMND and CCCD are for Vietnamese citizens; foreigners use a passport.",
            ),
            Self::IdRequiredFrom14 => Msg::new(
                "Chỉ trẻ em dưới 14 tuổi được để trống số giấy tờ.",
                "Only a child under 14 may have no identity document.",
            ),
            Self::IdNumberNotExpected => Msg::new(
                "Đã chọn \"chưa có giấy tờ\" nhưng lại nhập số; hãy chọn loại giấy tờ.",
                "\"No document\" was chosen but a number was entered; choose the document kind.",
            ),
            Self::BirthYearFormat => Msg::new(
                "Năm sinh phải là một số (ví dụ 1990).",
                "The year of birth is a number (e.g. 1990).",
            ),
            Self::BirthYearRange { min, max } => Msg::owned(
                format!("Năm sinh phải từ {min} đến {max}."),
                format!("The year of birth must be between {min} and {max}."),
            ),
            Self::UnknownSex => Msg::new(
                "Giới tính phải là nam, nữ hoặc khác.",
                "Sex must be male, female or other.",
            ),
            Self::UnknownNationality => Msg::new(
                "Quốc tịch không hợp lệ (dùng mã 2 chữ cái, ví dụ VN).",
                "Unknown nationality (use the two-letter code, e.g. VN).",
            ),
            Self::UnknownUnitScheme => Msg::new(
                "Danh mục hành chính phải là 2025 hoặc 2021.",
                "The unit list must be 2025 or 2021.",
            ),
            Self::UnitCodeFormat => Msg::new(
                "Mã đơn vị hành chính phải là số.",
                "An administrative unit code is a number.",
            ),
            Self::Address(e) => e.msg(),
            Self::Phone(e) => e.msg(),
            Self::EmailFormat => Msg::new(
                "Địa chỉ email không hợp lệ (ví dụ ten@example.vn).",
                "Not a valid e-mail address (e.g. name@example.vn).",
            ),
            Self::UnknownChronicCondition => Msg::new(
                "Bệnh nền không có trong danh sách.",
                "This chronic condition is not on the list.",
            ),
            Self::PregnancyNotApplicable => Msg::new(
                "Câu hỏi mang thai không áp dụng cho nam giới.",
                "The pregnancy question does not apply to men.",
            ),
        }
    }
}

/// One invalid field: its path in the form ("full_name", "address.ward", "travel[2]") and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field in [`crate::DeclarationForm`].
    pub field: String,
    /// What is wrong.
    pub kind: FieldErrorKind,
}

impl Localized for FieldError {
    fn code(&self) -> &'static str {
        self.kind.code()
    }

    fn msg(&self) -> Msg {
        self.kind.msg()
    }
}

impl Serialize for FieldError {
    /// `{"field": "address.ward", "code": "unknown_ward", "msg": {"vi": "…", "en": "…"}}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("FieldError", 3)?;
        s.serialize_field("field", &self.field)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("msg", &self.msg())?;
        s.end()
    }
}

/// Every invalid field of a form, in form order. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationErrors {
    /// The invalid fields.
    pub errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// The errors of one field.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.errors.iter().filter(move |e| e.field == field)
    }

    /// `(field, code)` pairs, for tests and logs (no personal data).
    pub fn codes(&self) -> Vec<(&str, &'static str)> {
        self.errors.iter().map(|e| (e.field.as_str(), e.code())).collect()
    }
}

impl Localized for ValidationErrors {
    fn code(&self) -> &'static str {
        "invalid_declaration"
    }

    fn msg(&self) -> Msg {
        let n = self.errors.len();
        Msg::owned(
            format!("Tờ khai có {n} mục chưa hợp lệ."),
            format!("The declaration has {n} invalid field(s)."),
        )
    }
}

impl fmt::Display for ValidationErrors {
    /// Paths and codes only: "invalid declaration: full_name (required), phone (phone_prefix)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid declaration:")?;
        for (i, e) in self.errors.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{} ({})", e.field, e.code())?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}
