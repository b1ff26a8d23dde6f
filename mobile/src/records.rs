//! Thin records across the boundary: each is a field-for-field copy of a core type (or the part of it a
//! phone shows), converted here and nowhere else. Enumerations cross as their stable wire names (the
//! snake_case words of `docs/protocol/`), so no rule and no list of values is copied.

use std::time::SystemTime;

use serde_json::Value;
use tokhai_core as core;

/// The Ministry of Health declaration form, answers as typed (core's `DeclarationForm`). Core validates
/// and normalises every field; an invalid form comes back as `TokhaiError::Invalid` listing the fields.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct DeclarationForm {
    /// Họ và tên, any case.
    pub full_name: String,
    /// "cmnd", "cccd", "passport", "none"; blank: guessed from the number.
    pub id_kind: String,
    /// The identity document's number.
    pub id_number: String,
    /// Year of birth ("1990").
    pub birth_year: String,
    /// "male"/"nam", "female"/"nữ", "other"/"khác".
    pub sex: String,
    /// ISO alpha-2 code or "Việt Nam"; blank: VN.
    pub nationality: String,
    /// Where the person lives now.
    pub address: AddressForm,
    /// Phone number in any common form.
    pub phone: String,
    /// Email (optional).
    pub email: String,
    /// Places travelled to in the last 14 days.
    pub travel: Vec<String>,
    /// Symptoms in the last 14 days.
    pub symptoms: Symptoms,
    /// Contacts in the last 14 days.
    pub exposure: Exposure,
    /// Chronic conditions by name ("heart", "diabetes"…).
    pub chronic_conditions: Vec<String>,
    /// Pregnant? None when not answered.
    pub pregnant: Option<bool>,
}

/// The address part of the form (core's `AddressForm`).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct AddressForm {
    /// "2025" (blank) or "2021".
    pub scheme: String,
    /// Province code.
    pub province: String,
    /// District code (2021 list only).
    pub district: String,
    /// Ward code.
    pub ward: String,
    /// Street address.
    pub street: String,
}

/// Symptoms in the last 14 days (core's `Symptoms`).
#[derive(Debug, Clone, Default, uniffi::Record)]
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
    /// Other symptoms, free text.
    pub other: Option<String>,
}

/// Contacts in the last 14 days (core's `Exposure`).
#[derive(Debug, Clone, Copy, Default, uniffi::Record)]
pub struct Exposure {
    /// With a confirmed or suspected case.
    pub confirmed_or_suspected_case: bool,
    /// With a person from a country with cases.
    pub person_from_country_with_cases: bool,
    /// With a person with symptoms.
    pub person_with_symptoms: bool,
}

impl From<DeclarationForm> for core::DeclarationForm {
    fn from(f: DeclarationForm) -> Self {
        Self {
            full_name: f.full_name,
            id_kind: f.id_kind,
            id_number: f.id_number,
            birth_year: f.birth_year,
            sex: f.sex,
            nationality: f.nationality,
            address: core::AddressForm {
                scheme: f.address.scheme,
                province: f.address.province,
                district: f.address.district,
                ward: f.address.ward,
                street: f.address.street,
            },
            phone: f.phone,
            email: f.email,
            travel: f.travel,
            symptoms: f.symptoms.into(),
            exposure: core::Exposure {
                confirmed_or_suspected_case: f.exposure.confirmed_or_suspected_case,
                person_from_country_with_cases: f.exposure.person_from_country_with_cases,
                person_with_symptoms: f.exposure.person_with_symptoms,
            },
            chronic_conditions: f.chronic_conditions,
            pregnant: f.pregnant,
        }
    }
}

impl From<core::DeclarationForm> for DeclarationForm {
    fn from(f: core::DeclarationForm) -> Self {
        Self {
            full_name: f.full_name,
            id_kind: f.id_kind,
            id_number: f.id_number,
            birth_year: f.birth_year,
            sex: f.sex,
            nationality: f.nationality,
            address: AddressForm {
                scheme: f.address.scheme,
                province: f.address.province,
                district: f.address.district,
                ward: f.address.ward,
                street: f.address.street,
            },
            phone: f.phone,
            email: f.email,
            travel: f.travel,
            symptoms: f.symptoms.into(),
            exposure: Exposure {
                confirmed_or_suspected_case: f.exposure.confirmed_or_suspected_case,
                person_from_country_with_cases: f.exposure.person_from_country_with_cases,
                person_with_symptoms: f.exposure.person_with_symptoms,
            },
            chronic_conditions: f.chronic_conditions,
            pregnant: f.pregnant,
        }
    }
}

impl From<core::Symptoms> for Symptoms {
    fn from(s: core::Symptoms) -> Self {
        Self {
            fever: s.fever,
            cough: s.cough,
            shortness_of_breath: s.shortness_of_breath,
            pneumonia: s.pneumonia,
            sore_throat: s.sore_throat,
            fatigue: s.fatigue,
            loss_of_taste_or_smell: s.loss_of_taste_or_smell,
            other: s.other,
        }
    }
}

impl From<Symptoms> for core::Symptoms {
    fn from(s: Symptoms) -> Self {
        Self {
            fever: s.fever,
            cough: s.cough,
            shortness_of_breath: s.shortness_of_breath,
            pneumonia: s.pneumonia,
            sore_throat: s.sore_throat,
            fatigue: s.fatigue,
            loss_of_taste_or_smell: s.loss_of_taste_or_smell,
            other: s.other,
        }
    }
}

/// A saved declaration, as the app confirms it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DeclarationSaved {
    /// This version's id.
    pub id: String,
    /// Whose declaration (the person's id on this device).
    pub person_id: String,
    /// When it was made.
    pub declared_at: SystemTime,
    /// The name as core normalised it ("NGUYỄN THỊ MAI").
    pub full_name: String,
    /// When the app must ask for a new declaration.
    pub stale_at: Option<SystemTime>,
}

impl DeclarationSaved {
    /// The confirmation of `record`, with when the app must ask again (core's freshness).
    pub(crate) fn of(
        engine: &core::Engine,
        record: &core::DeclarationRecord,
    ) -> Result<Self, crate::TokhaiError> {
        let stale_at = match engine.freshness(record.person)? {
            core::Freshness::Fresh { stale_at, .. } => Some(stale_at.into()),
            _ => None,
        };
        Ok(Self {
            id: record.id.to_string(),
            person_id: record.person.to_string(),
            declared_at: record.declared_at.into(),
            full_name: record.declaration.full_name.clone(),
            stale_at,
        })
    }
}

/// The personal QR code to show.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PersonalCode {
    /// The text to put in the QR code.
    pub text: String,
    /// False for the unsigned form shown until the declaration has synced and the server signed it.
    pub signed: bool,
    /// The health status the code states, as its wire name.
    pub status: String,
    /// Initials printed beside the code.
    pub initials: String,
    /// When the code stops being valid.
    pub expires_at: SystemTime,
}

impl PersonalCode {
    /// `person`'s code: the server-signed one once a sync fetched it for the current declaration, else
    /// the pending (unsigned) one (core's `Engine::personal_code` chooses).
    pub(crate) fn of(engine: &core::Engine, person: core::PersonId) -> Result<Self, crate::TokhaiError> {
        let code = engine.personal_code(person)?;
        let p = code.payload();
        Ok(Self {
            text: code.as_str().to_owned(),
            signed: code.is_signed(),
            status: wire_name(&p.status),
            initials: p.initials.clone(),
            expires_at: p.expires_at.into(),
        })
    }
}

/// A checkpoint (place) as the visit records it (core's `CheckpointRef`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct Checkpoint {
    /// The registry's id.
    pub id: u64,
    /// The enclosing checkpoint (building, floor), if any.
    pub parent: Option<u64>,
    /// Name on the poster.
    pub name: String,
    /// Kind, as its wire name ("market", "office"…).
    pub kind: String,
    /// Ward code (2025 list).
    pub ward: u32,
    /// Short street address.
    pub street: String,
    /// Usual stay in minutes, if the checkpoint sets one.
    pub default_stay_minutes: Option<u16>,
}

impl From<&core::CheckpointRef> for Checkpoint {
    fn from(c: &core::CheckpointRef) -> Self {
        Self {
            id: c.id.0,
            parent: c.parent.map(|p| p.0),
            name: c.name.clone(),
            kind: wire_name(&c.kind),
            ward: c.ward,
            street: c.street.clone(),
            default_stay_minutes: c.default_stay_minutes,
        }
    }
}

/// One visit (core's `Visit`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct Visit {
    /// The visit's id (also its idempotency key on the server).
    pub id: String,
    /// Where.
    pub checkpoint: Checkpoint,
    /// Arrival.
    pub checked_in_at: SystemTime,
    /// Departure, once known.
    pub checked_out_at: Option<SystemTime>,
    /// How it ended, as its wire name: "open", "checked_out", "auto", "next_check_in", "by_checkpoint".
    pub end: String,
    /// Whether the visitor corrected the times by hand.
    pub edited: bool,
}

impl From<&core::Visit> for Visit {
    fn from(v: &core::Visit) -> Self {
        Self {
            id: v.id.to_string(),
            checkpoint: (&v.checkpoint).into(),
            checked_in_at: v.checked_in_at.into(),
            checked_out_at: v.checked_out_at.map(Into::into),
            end: wire_name(&v.end),
            edited: v.edited,
        }
    }
}

/// What a check-in did (core's `CheckIn`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct CheckInResult {
    /// The visit now open (for a repeat scan, the one that already was).
    pub visit: Visit,
    /// The previous visit, closed by this check-in.
    pub closed: Option<Visit>,
    /// A repeat scan of the open visit's checkpoint: nothing new was recorded.
    pub repeat: bool,
    /// When the open visit will be checked out automatically if the visitor forgets.
    pub auto_check_out_at: Option<SystemTime>,
}

/// The pixel layout of a camera frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PixelFormat {
    /// Android CameraX / Camera2 default: Y plane, then interleaved V/U at half resolution.
    Nv21,
    /// Y plane, then interleaved U/V at half resolution.
    Nv12,
    /// Y plane, then U and V planes at half resolution.
    I420,
    /// iOS AVFoundation's `kCVPixelFormatType_32BGRA`.
    Bgra,
    /// 4 bytes per pixel, R G B A.
    Rgba,
    /// 3 bytes per pixel, R G B.
    Rgb,
    /// One byte per pixel (the Y plane alone).
    Gray,
}

/// One camera frame: the bytes as the camera gives them.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CameraFrame {
    /// The pixels.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from one row to the next (for YUV formats, of the Y plane; the chroma planes follow it tightly).
    pub stride: u32,
    /// How the bytes are laid out.
    pub format: PixelFormat,
}

/// The stable wire name of one of core's enumerations (its serde form); empty if it has none.
pub(crate) fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Core's frame for a camera frame that crossed the boundary.
pub(crate) fn core_frame(frame: CameraFrame) -> core::Frame {
    core::Frame {
        data: frame.data,
        width: frame.width as usize,
        height: frame.height as usize,
        stride: frame.stride as usize,
        format: core_format(frame.format),
    }
}

/// Core's pixel format for a frame's.
pub(crate) fn core_format(format: PixelFormat) -> core::PixelFormat {
    match format {
        PixelFormat::Nv21 => core::PixelFormat::Nv21,
        PixelFormat::Nv12 => core::PixelFormat::Nv12,
        PixelFormat::I420 => core::PixelFormat::I420,
        PixelFormat::Bgra => core::PixelFormat::Bgra,
        PixelFormat::Rgba => core::PixelFormat::Rgba,
        PixelFormat::Rgb => core::PixelFormat::Rgb,
        PixelFormat::Gray => core::PixelFormat::Gray8,
    }
}
