//! The raw declaration form: what a UI, the CLI or a JSON file sends, as a person typed it.
//!
//! Every field is a string (or a tick box) so that any input can be represented and then answered with
//! precise errors by [`crate::validate`]; missing fields read as empty. Numbers in JSON (`"birth_year":
//! 1990`, `"ward": 70`) are accepted where a person might write them.

use serde::{Deserialize, Deserializer, Serialize};

use super::model::{Exposure, Symptoms};

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
