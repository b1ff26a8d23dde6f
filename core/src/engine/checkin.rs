//! The check-in use cases, one call each: from a code's text, from the codes found in a photo or a camera
//! frame, from a typed fallback code. The rule "which code of the photo is the checkpoint" is here, so
//! that every front end (CLI, app, phone) answers the same photo the same way.

use super::error::EngineError;
use super::facade::Engine;
use super::visits::CheckIn;
use crate::clock::Clock;
use crate::ids::PersonId;
use crate::qr::{QrError, TrustStore, VerifiedCheckpoint};

/// The checkpoint among `texts` (the codes found in one photo or frame, in the scanner's order): the
/// first that verifies. When codes were found but none verifies, the first tokhai code's refusal is the
/// answer (a forged or expired poster says so), else "not a tokhai code"; no code at all is
/// `NoCodeInPhoto`.
pub fn pick_checkpoint<'a>(
    trust: &TrustStore,
    texts: impl IntoIterator<Item = &'a str>,
    clock: &dyn Clock,
) -> Result<VerifiedCheckpoint, EngineError> {
    let mut found = false;
    let mut refusal: Option<QrError> = None;
    for text in texts {
        found = true;
        match trust.verify_checkpoint(text.trim(), clock) {
            Ok(verified) => return Ok(verified),
            Err(QrError::NotTokhai) => {}
            Err(e) => refusal = refusal.or(Some(e)),
        }
    }
    if !found {
        return Err(EngineError::NoCodeInPhoto);
    }
    Err(EngineError::Code(refusal.unwrap_or(QrError::NotTokhai)))
}

impl Engine {
    /// Checks the account holder in (with the dependants `companions`, one visit each) at the checkpoint
    /// whose code text was read or pasted. The code is verified offline against the trust in force.
    pub fn check_in_code(&self, text: &str, companions: &[PersonId]) -> Result<CheckIn, EngineError> {
        let verified = self.trust_store()?.verify_checkpoint(text.trim(), self.clock())?;
        self.check_in_at(verified.checkpoint_ref(), companions)
    }

    /// Checks in at the checkpoint among the codes a scanner found in one photo or frame
    /// (`pick_checkpoint`): for platforms that decode with their own scanner.
    pub fn check_in_codes(&self, texts: &[String], companions: &[PersonId]) -> Result<CheckIn, EngineError> {
        let trust = self.trust_store()?;
        let verified = pick_checkpoint(&trust, texts.iter().map(String::as_str), self.clock())?;
        self.check_in_at(verified.checkpoint_ref(), companions)
    }

    /// Checks in at the checkpoint on a photo of its poster (JPEG or PNG bytes).
    #[cfg(feature = "scan")]
    pub fn check_in_image(&self, image: &[u8], companions: &[PersonId]) -> Result<CheckIn, EngineError> {
        let scan =
            crate::scan::scan_image_bytes(image, &crate::scan::ScanOptions::default()).map_err(unreadable)?;
        let texts: Vec<String> = scan.codes.into_iter().map(|c| c.text).collect();
        self.check_in_codes(&texts, companions)
    }

    /// Checks in at the checkpoint in one camera frame (NV21 from CameraX, BGRA from AVFoundation…).
    #[cfg(feature = "scan")]
    pub fn check_in_frame(
        &self,
        frame: &crate::scan::Frame,
        companions: &[PersonId],
    ) -> Result<CheckIn, EngineError> {
        let codes = crate::scan::scan_pixels(
            &frame.data,
            frame.width,
            frame.height,
            frame.stride,
            frame.format,
            &crate::scan::ScanOptions::default(),
        )
        .map_err(unreadable)?;
        let texts: Vec<String> = codes.into_iter().map(|c| c.text).collect();
        self.check_in_codes(&texts, companions)
    }

    /// Checks in at the checkpoint a typed fallback code names (printed under the poster's QR), from the
    /// checkpoint directory the last sync brought.
    pub fn check_in_fallback(&self, code: &str, companions: &[PersonId]) -> Result<CheckIn, EngineError> {
        let code = crate::qr::FallbackCode::parse(code).map_err(EngineError::Fallback)?;
        let checkpoint = self
            .directory_checkpoint(code)?
            .ok_or(EngineError::UnknownFallback)?;
        self.check_in_at(checkpoint, companions)
    }

    #[cfg(not(feature = "sync"))]
    fn directory_checkpoint(
        &self,
        _code: crate::qr::FallbackCode,
    ) -> Result<Option<crate::visit::CheckpointRef>, EngineError> {
        Ok(None)
    }
}

#[cfg(feature = "scan")]
fn unreadable(e: crate::scan::ScanError) -> EngineError {
    use crate::i18n::Localized as _;
    EngineError::Unreadable {
        code: e.code(),
        msg: e.msg(),
    }
}
