//! The validated declaration. Values of these types have passed validation; the raw form that a UI or
//! the CLI fills in is a separate type (`DeclarationForm`) so that unchecked input can never be stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;
use crate::ids::{DeclarationId, PersonId};
use crate::qr::Pseudonym;

/// Which generation of Vietnam's administrative units an address uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitScheme {
    /// Two levels (province, ward/commune), in force since 1 July 2025.
    V2025,
    /// Three levels (province, district, ward/commune), as in the 2021 directive: the statistics
    /// office's list of 3 February 2021.
    V2021,
}

impl UnitScheme {
    /// The list as a person should read it when choosing one, with its date.
    pub fn label(self) -> Msg {
        match self {
            Self::V2025 => Msg::new(
                "Địa chỉ hiện nay: tỉnh/thành phố – phường/xã (từ 1/7/2025; danh mục ngày 10/10/2026)",
                "Current address: province – ward/commune (since 1 July 2025; list of 10 October 2026)",
            ),
            Self::V2021 => Msg::new(
                "Địa chỉ cũ: tỉnh – quận/huyện – phường/xã (danh mục của Tổng cục Thống kê ngày 3/2/2021)",
                "Old address: province – district – ward (the Statistics Office's list of 3 February 2021)",
            ),
        }
    }
}

/// A postal address in Vietnam.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Which unit list the codes below come from.
    pub scheme: UnitScheme,
    /// Province code (General Statistics Office code).
    pub province: u32,
    /// District code: present exactly when `scheme` is `V2021`.
    pub district: Option<u32>,
    /// Ward or commune code.
    pub ward: u32,
    /// House number and street.
    pub street: String,
}

/// An identity document number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum IdNumber {
    /// Chứng minh nhân dân: 9 digits.
    Cmnd(String),
    /// Căn cước công dân: 12 digits.
    Cccd(String),
    /// Passport number (letters and digits).
    Passport(String),
    /// No identity document (chưa có giấy tờ tùy thân): allowed only for a child under 14, who is not
    /// required to hold one. Serialised as `{"kind": "not_issued"}`.
    NotIssued,
}

/// Sex, as the form asks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
    /// Khác.
    Other,
}

/// Symptoms in the last 14 days (or today, in a daily health report). Missing fields read as "no".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Symptoms {
    /// Sốt.
    pub fever: bool,
    /// Ho.
    pub cough: bool,
    /// Khó thở.
    pub shortness_of_breath: bool,
    /// Viêm phổi.
    pub pneumonia: bool,
    /// Đau họng.
    pub sore_throat: bool,
    /// Mệt mỏi.
    pub fatigue: bool,
    /// Mất vị giác hoặc khứu giác.
    pub loss_of_taste_or_smell: bool,
    /// Other symptoms, in the person's words.
    pub other: Option<String>,
}

/// Contacts in the last 14 days. Missing fields read as "no".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Exposure {
    /// With a confirmed or suspected case.
    pub confirmed_or_suspected_case: bool,
    /// With someone from a country or territory with cases.
    pub person_from_country_with_cases: bool,
    /// With someone with symptoms (fever, cough, shortness of breath, pneumonia).
    pub person_with_symptoms: bool,
}

/// Chronic conditions the form asks about (optional answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChronicCondition {
    /// Bệnh gan mãn tính.
    Liver,
    /// Bệnh máu mãn tính.
    Blood,
    /// Bệnh phổi mãn tính.
    Lung,
    /// Bệnh thận mãn tính.
    Kidney,
    /// Bệnh tim mạch.
    Heart,
    /// Huyết áp cao.
    HighBloodPressure,
    /// Suy giảm miễn dịch (HIV/AIDS…).
    Immunodeficiency,
    /// Người nhận ghép tạng, thủy tinh thể.
    OrganTransplant,
    /// Tiểu đường.
    Diabetes,
    /// Ung thư.
    Cancer,
}

impl Symptoms {
    /// Whether any symptom is reported (a ticked box or an "other" text).
    pub fn any(&self) -> bool {
        let Self {
            fever,
            cough,
            shortness_of_breath,
            pneumonia,
            sore_throat,
            fatigue,
            loss_of_taste_or_smell,
            other,
        } = self;
        *fever
            || *cough
            || *shortness_of_breath
            || *pneumonia
            || *sore_throat
            || *fatigue
            || *loss_of_taste_or_smell
            || other.as_deref().is_some_and(|o| !o.trim().is_empty())
    }
}

impl Exposure {
    /// Whether any contact is reported.
    pub fn any(&self) -> bool {
        let Self {
            confirmed_or_suspected_case,
            person_from_country_with_cases,
            person_with_symptoms,
        } = *self;
        confirmed_or_suspected_case || person_from_country_with_cases || person_with_symptoms
    }
}

impl ChronicCondition {
    /// The condition's stable name, as serialised ("high_blood_pressure").
    /// The condition as people read it.
    pub fn label(self) -> Msg {
        match self {
            Self::Liver => Msg::new("Bệnh gan mãn tính", "Chronic liver disease"),
            Self::Blood => Msg::new("Bệnh máu mãn tính", "Chronic blood disease"),
            Self::Lung => Msg::new("Bệnh phổi mãn tính", "Chronic lung disease"),
            Self::Kidney => Msg::new("Bệnh thận mãn tính", "Chronic kidney disease"),
            Self::Heart => Msg::new("Bệnh tim mạch", "Heart disease"),
            Self::HighBloodPressure => Msg::new("Huyết áp cao", "High blood pressure"),
            Self::Immunodeficiency => Msg::new("Suy giảm miễn dịch", "Immunodeficiency"),
            Self::OrganTransplant => Msg::new(
                "Người nhận ghép tạng, thủy tinh thể",
                "Organ or lens transplant recipient",
            ),
            Self::Diabetes => Msg::new("Tiểu đường", "Diabetes"),
            Self::Cancer => Msg::new("Ung thư", "Cancer"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Liver => "liver",
            Self::Blood => "blood",
            Self::Lung => "lung",
            Self::Kidney => "kidney",
            Self::Heart => "heart",
            Self::HighBloodPressure => "high_blood_pressure",
            Self::Immunodeficiency => "immunodeficiency",
            Self::OrganTransplant => "organ_transplant",
            Self::Diabetes => "diabetes",
            Self::Cancer => "cancer",
        }
    }
}

/// A validated declaration: what is sealed in the local store and sent to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    /// Full name in capitals, Unicode NFC, single spaces.
    pub full_name: String,
    /// Identity document ([`IdNumber::NotIssued`] only for a child under 14).
    pub id_number: IdNumber,
    /// Year of birth.
    pub birth_year: u16,
    /// Sex.
    pub sex: Sex,
    /// Nationality as an ISO 3166-1 alpha-2 code ("VN").
    pub nationality: String,
    /// Where the person lives.
    pub address: Address,
    /// Phone number in E.164 form ("+84912345678"), as [`crate::Phone`] produces it. A dependant may
    /// carry the account holder's number.
    pub phone: String,
    /// Optional e-mail address.
    pub email: Option<String>,
    /// Where the person travelled in the last 14 days; empty when they did not travel.
    pub travel: Vec<String>,
    /// Symptoms in the last 14 days.
    pub symptoms: Symptoms,
    /// Contacts in the last 14 days.
    pub exposure: Exposure,
    /// Chronic conditions (optional question).
    pub chronic_conditions: Vec<ChronicCondition>,
    /// Pregnancy (optional question; `None` when not answered, and always `None` for a man).
    pub pregnant: Option<bool>,
}

impl Declaration {
    /// Whether the declaration reports any symptom in the last 14 days.
    pub fn has_symptoms(&self) -> bool {
        self.symptoms.any()
    }

    /// Whether the declaration reports any contact with a case, someone from a country with cases, or
    /// someone with symptoms.
    pub fn has_exposure(&self) -> bool {
        self.exposure.any()
    }
}

/// How a person relates to the device's account holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The account holder.
    Myself,
    /// A child.
    Child,
    /// A parent or grandparent.
    Parent,
    /// A spouse.
    Spouse,
    /// Another dependant.
    Other,
}

impl Relation {
    /// The relation as people read it.
    pub fn label(self) -> Msg {
        match self {
            Self::Myself => Msg::new("Bản thân", "Myself"),
            Self::Child => Msg::new("Con", "Child"),
            Self::Parent => Msg::new("Cha mẹ, ông bà", "Parent or grandparent"),
            Self::Spouse => Msg::new("Vợ, chồng", "Spouse"),
            Self::Other => Msg::new("Người phụ thuộc khác", "Other dependant"),
        }
    }
}

/// A person whose declarations this device keeps: the account holder or a dependant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The person's id on this device.
    pub id: PersonId,
    /// Relation to the account holder.
    pub relation: Relation,
    /// When the person was added.
    pub created_at: DateTime<Utc>,
}

/// One version of one person's declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationRecord {
    /// This version's id.
    pub id: DeclarationId,
    /// Whose declaration.
    pub person: PersonId,
    /// When it was made.
    pub declared_at: DateTime<Utc>,
    /// The version this one replaces, when it is an update.
    pub supersedes: Option<DeclarationId>,
    /// The random pseudonym this version's personal QR code carries (new for every version, so codes of
    /// successive declarations cannot be linked by anyone but the server).
    pub pseudonym: Pseudonym,
    /// The answers.
    pub declaration: Declaration,
}
