//! The raw declaration form: what a UI, the CLI or a JSON file sends, as a person typed it.
//!
//! Every field is a string (or a tick box) so that any input can be represented and then answered with
//! precise errors by [`crate::validate`]; missing fields read as empty. Numbers in JSON (`"birth_year":
//! 1990`, `"ward": 70`) are accepted where a person might write them.

use serde::{Deserialize, Deserializer, Serialize};

use super::model::{Declaration, Exposure, IdNumber, Sex, Symptoms, UnitScheme};

/// A declaration as typed. Validate it into a [`crate::Declaration`] with [`crate::validate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeclarationForm {
    /// Họ và tên, any case ("nguyễn văn an").
    pub full_name: String,
    /// Loại giấy tờ: "cmnd", "cccd", "passport" ("hộ chiếu"), "none" ("chưa có"); blank = guess from
    /// the number (9 digits CMND, 12 digits CCCD, letters and digits passport; none when blank).
    pub id_kind: String,
    /// Số CMND/CCCD/hộ chiếu; spaces, dots and dashes are ignored.
    #[serde(deserialize_with = "lenient_string")]
    pub id_number: String,
    /// Năm sinh ("1990").
    #[serde(deserialize_with = "lenient_string")]
    pub birth_year: String,
    /// Giới tính: "male"/"nam", "female"/"nữ", "other"/"khác".
    pub sex: String,
    /// Quốc tịch: ISO alpha-2 code ("VN", any case) or "Việt Nam"; blank = VN.
    pub nationality: String,
    /// Nơi ở hiện tại.
    pub address: AddressForm,
    /// Số điện thoại in any common form; a dependant may leave it blank to use the account holder's.
    #[serde(deserialize_with = "lenient_string")]
    pub phone: String,
    /// Email (optional).
    pub email: String,
    /// Places travelled to in the last 14 days, one per entry; blank entries are ignored.
    pub travel: Vec<String>,
    /// Symptoms in the last 14 days.
    pub symptoms: Symptoms,
    /// Contacts in the last 14 days.
    pub exposure: Exposure,
    /// Chronic conditions, by name: "liver", "blood", "lung", "kidney", "heart", "high_blood_pressure",
    /// "immunodeficiency", "organ_transplant", "diabetes", "cancer" (or their Vietnamese names).
    pub chronic_conditions: Vec<String>,
    /// Pregnant? Blank when not answered.
    pub pregnant: Option<bool>,
}

/// The address part of the form: unit codes as typed (from a picker or by hand) and the street.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    /// Which unit list: "2025" (blank) or "2021".
    #[serde(deserialize_with = "lenient_string")]
    pub scheme: String,
    /// Province code ("01" or "1").
    #[serde(deserialize_with = "lenient_string")]
    pub province: String,
    /// District code: required with the 2021 list, blank with 2025.
    #[serde(deserialize_with = "lenient_string")]
    pub district: String,
    /// Ward or commune code.
    #[serde(deserialize_with = "lenient_string")]
    pub ward: String,
    /// House number, street, hamlet.
    pub street: String,
}

/// A string, or a number written without quotes, or null (= empty).
fn lenient_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Lenient {
        Text(String),
        Unsigned(u64),
        Signed(i64),
        Float(f64),
        Null(()),
    }
    Ok(match Lenient::deserialize(deserializer)? {
        Lenient::Text(s) => s,
        Lenient::Unsigned(n) => n.to_string(),
        Lenient::Signed(n) => n.to_string(),
        Lenient::Float(n) => n.to_string(),
        Lenient::Null(()) => String::new(),
    })
}

impl From<&Declaration> for DeclarationForm {
    /// The form that validates back to `declaration`: to prefill the next declaration when the last one
    /// went stale, or to edit it.
    fn from(declaration: &Declaration) -> Self {
        let (id_kind, id_number) = match &declaration.id_number {
            IdNumber::Cmnd(n) => ("cmnd", n.clone()),
            IdNumber::Cccd(n) => ("cccd", n.clone()),
            IdNumber::Passport(n) => ("passport", n.clone()),
            IdNumber::NotIssued => ("none", String::new()),
        };
        let code = |c: u32| c.to_string();
        Self {
            full_name: declaration.full_name.clone(),
            id_kind: id_kind.into(),
            id_number,
            birth_year: declaration.birth_year.to_string(),
            sex: match declaration.sex {
                Sex::Male => "male",
                Sex::Female => "female",
                Sex::Other => "other",
            }
            .into(),
            nationality: declaration.nationality.clone(),
            address: AddressForm {
                scheme: match declaration.address.scheme {
                    UnitScheme::V2025 => "2025",
                    UnitScheme::V2021 => "2021",
                }
                .into(),
                province: code(declaration.address.province),
                district: declaration.address.district.map(code).unwrap_or_default(),
                ward: code(declaration.address.ward),
                street: declaration.address.street.clone(),
            },
            phone: declaration.phone.clone(),
            email: declaration.email.clone().unwrap_or_default(),
            travel: declaration.travel.clone(),
            symptoms: declaration.symptoms.clone(),
            exposure: declaration.exposure,
            chronic_conditions: declaration
                .chronic_conditions
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            pregnant: declaration.pregnant,
        }
    }
}
