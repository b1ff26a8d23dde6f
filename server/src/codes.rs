//! Signed codes the server issues: checkpoint codes (posted as QR), personal-code signatures, fallback
//! codes, and poster images.
//!
//! TEMPORARY ADAPTER: stands in for `tokhai_core::qr` (payload formats, Ed25519 signer, fallback codes,
//! posters; being built on the "qr" branch). The formats here are provisional and will be replaced by the
//! core ones when they land; only the signing key handling (`keys.rs`) stays.
//!
//! Checkpoint code: `TKC1.` ‖ base64url(JSON payload) ‖ `.` ‖ base64url(Ed25519 signature over the
//! payload bytes). Personal-code signature: Ed25519 over `"TKP1"` ‖ subject (16 bytes).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::error::Error;
use crate::keys::IssuerKeys;
use crate::store::CheckpointRow;

#[derive(Serialize)]
struct CheckpointPayload<'a> {
    v: u8,
    id: i64,
    parent: Option<i64>,
    name: &'a str,
    kind: &'a str,
    ward: i64,
    street: &'a str,
    stay: Option<i64>,
    kid: &'a str,
}

/// The signed checkpoint code of a checkpoint.
pub(crate) fn checkpoint_code(keys: &IssuerKeys, cp: &CheckpointRow) -> String {
    let (kid, _) = keys.current_public();
    let payload = CheckpointPayload {
        v: 1,
        id: cp.id,
        parent: cp.parent_id,
        name: &cp.info.name,
        kind: &cp.info.kind,
        ward: cp.info.ward,
        street: &cp.info.street,
        stay: cp.info.default_stay_minutes,
        kid: &kid,
    };
    let bytes = serde_json::to_vec(&payload).unwrap_or_default();
    let (_, sig) = keys.sign(&bytes);
    format!(
        "TKC1.{}.{}",
        URL_SAFE_NO_PAD.encode(&bytes),
        URL_SAFE_NO_PAD.encode(sig)
    )
}

/// The message signed for a personal code.
pub(crate) fn personal_message(subject: &[u8]) -> Vec<u8> {
    let mut m = b"TKP1".to_vec();
    m.extend_from_slice(subject);
    m
}

/// A fallback code from random bytes: `XXXX-XXXX` over an alphabet without look-alikes.
pub(crate) fn fallback_code(random: [u8; 8]) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let chars: Vec<char> = random
        .iter()
        .map(|b| char::from(*ALPHABET.get(usize::from(*b) % ALPHABET.len()).unwrap_or(&b'X')))
        .collect();
    let (a, b) = chars.split_at(4);
    format!(
        "{}-{}",
        a.iter().collect::<String>(),
        b.iter().collect::<String>()
    )
}

/// A PNG poster: the code as a QR symbol.
pub(crate) fn poster_png(code: &str) -> Result<Vec<u8>, Error> {
    let qr = qrcode::QrCode::new(code.as_bytes()).map_err(|_| Error::Render)?;
    let img = qr.render::<image::Luma<u8>>().min_dimensions(600, 600).build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|_| Error::Render)?;
    Ok(out.into_inner())
}
