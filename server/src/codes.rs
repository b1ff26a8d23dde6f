//! The codes the server issues, through `tokhai_core`'s QR module (`docs/protocol/qr.md`): signed
//! checkpoint codes, fallback codes, posters (PDF/PNG), signed personal codes and their cards (PDF/PNG).

use tokhai_core::render::{PosterText, personal_card_pdf, personal_card_png, poster_pdf, poster_png};
use tokhai_core::{
    CheckpointCode, CheckpointId, CheckpointKind, CheckpointPayload, FallbackCode, PersonalCode,
    PersonalPayload,
};
use tokhai_core::{UnitScheme, units};

use crate::error::ApiError;
use crate::feed::ts;
use crate::keys::IssuerKeys;
use crate::store::{CheckpointInfo, CheckpointRow, Millis};

fn kind_of(text: &str) -> CheckpointKind {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).unwrap_or(CheckpointKind::Other)
}

/// The issue time of a code: the checkpoint's last change, but never before the signing key's period
/// began (codes are verified against the key's period), on a whole minute (codes carry minutes).
fn issue_time(updated_at: Millis, key_not_before: Millis) -> Millis {
    let t = updated_at.max(key_not_before);
    (t + 59_999).div_euclid(60_000) * 60_000
}

fn payload(
    id: i64,
    parent: Option<i64>,
    info: &CheckpointInfo,
    issued_at: Millis,
) -> Result<CheckpointPayload, ApiError> {
    Ok(CheckpointPayload {
        id: CheckpointId(u64::try_from(id).map_err(|_| ApiError::Internal)?),
        parent: parent.and_then(|p| u64::try_from(p).ok()).map(CheckpointId),
        name: info.name.clone(),
        kind: kind_of(&info.kind),
        ward: u32::try_from(info.ward).map_err(|_| ApiError::InvalidField("ward"))?,
        street: info.street.clone(),
        default_stay_minutes: info.default_stay_minutes.and_then(|m| u16::try_from(m).ok()),
        issued_at: ts(issued_at),
        valid_from: None,
        valid_until: None,
    })
}

/// The signed checkpoint code of a checkpoint (the QR content of its poster).
pub(crate) fn checkpoint_code(keys: &IssuerKeys, cp: &CheckpointRow) -> Result<CheckpointCode, ApiError> {
    let key = keys.current();
    let p = payload(
        cp.id,
        cp.parent_id,
        &cp.info,
        issue_time(cp.updated_at, key.not_before),
    )?;
    key.signer.sign_checkpoint(&p).map_err(|_| ApiError::Internal)
}

/// Refuses public data that does not fit in a code (name ≤ 180 bytes, street ≤ 120 bytes once encoded).
pub(crate) fn check_fits(keys: &IssuerKeys, info: &CheckpointInfo, now: Millis) -> Result<(), ApiError> {
    let key = keys.current();
    let p = payload(1, Some(1), info, issue_time(now, key.not_before))?;
    key.signer.sign_checkpoint(&p).map(|_| ()).map_err(|_| {
        if info.street.len() > info.name.len() {
            ApiError::InvalidField("street")
        } else {
            ApiError::InvalidField("name")
        }
    })
}

/// The fallback code printed under the QR (derived from the id; Crockford base32 with a check symbol).
pub(crate) fn fallback(id: i64) -> String {
    FallbackCode::new(CheckpointId(u64::try_from(id).unwrap_or_default())).to_string()
}

/// Poster formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PosterFormat {
    /// A4 PDF.
    Pdf,
    /// A4 PNG at 150 dpi.
    Png,
}

/// The A4 poster of a checkpoint; a sub-checkpoint's names its building (`parent`, the enclosing one).
pub(crate) fn poster(
    code: &CheckpointCode,
    cp: &CheckpointRow,
    parent: Option<&CheckpointRow>,
    format: PosterFormat,
) -> Result<Vec<u8>, ApiError> {
    let scheme = if cp.info.scheme == "v2021" {
        UnitScheme::V2021
    } else {
        UnitScheme::V2025
    };
    let list = units(scheme);
    let place = u32::try_from(cp.info.ward)
        .ok()
        .and_then(|w| list.ward(w))
        .map(|w| list.full_name(w));
    let text = PosterText {
        place: place.unwrap_or_default(),
        building: parent.map(|p| p.info.name.clone()).unwrap_or_default(),
    };
    match format {
        PosterFormat::Pdf => poster_pdf(code, &text),
        PosterFormat::Png => poster_png(code, &text, 150),
    }
    .map_err(|_| ApiError::Internal)
}

/// Signs a personal code (issued now).
pub(crate) fn sign_personal(keys: &IssuerKeys, p: &PersonalPayload) -> Result<PersonalCode, ApiError> {
    keys.current()
        .signer
        .sign_personal(p)
        .map_err(|_| ApiError::InvalidField("pending"))
}

/// The personal QR card of a signed code (ID-1 size): a PDF, or a PNG at 300 dpi (for printing).
pub(crate) fn personal_card(code: &PersonalCode, pdf: bool) -> Result<Vec<u8>, ApiError> {
    if pdf {
        personal_card_pdf(code)
    } else {
        personal_card_png(code, 300)
    }
    .map_err(|_| ApiError::Internal)
}
