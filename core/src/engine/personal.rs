//! The personal QR code of a person: what a checkpoint's staff scan for someone without a smartphone,
//! or read off the phone's screen. Until the server has signed it (after sync), the code is "pending".

use super::error::{EngineError, Missing, Rejection};
use super::facade::Engine;
use crate::declaration::{Freshness, personal_payload_of};
use crate::health::QuarantineEpisode;
use crate::ids::PersonId;
use crate::qr::{PersonalCode, PersonalPayload, encode_pending_personal};

impl Engine {
    /// What `person`'s personal code carries now: from their newest declaration (which must be fresh),
    /// and whether they are in quarantine. It expires when the declaration goes stale.
    pub fn personal_payload(&self, person: PersonId) -> Result<PersonalPayload, EngineError> {
        let record = self
            .latest_declaration(person)?
            .ok_or(EngineError::NotFound(Missing::Declaration))?;
        let now = self.now();
        let expires_at = match self.freshness(person)? {
            Freshness::Fresh { stale_at, .. } => stale_at,
            Freshness::Stale { .. } => return Err(Rejection::DeclarationStale.into()),
            Freshness::Missing => return Err(EngineError::NotFound(Missing::Declaration)),
        };
        let in_quarantine = self
            .episodes(person)?
            .iter()
            .any(|e: &QuarantineEpisode| e.is_active(now));
        Ok(personal_payload_of(&record, in_quarantine, now, expires_at))
    }

    /// `person`'s personal code to show now: the server-signed code of their current declaration once a
    /// sync fetched it (and while it says what the pending one would: same declaration and status),
    /// else the pending (unsigned) one.
    pub fn personal_code(&self, person: PersonId) -> Result<PersonalCode, EngineError> {
        let payload = self.personal_payload(person)?;
        if let Some(signed) = self.signed_code_for(&payload)? {
            return Ok(signed);
        }
        encode_pending_personal(&payload).map_err(|e| Rejection::PersonalCode(e).into())
    }

    /// The pending (unsigned) code, whatever sync fetched: what is sent to the server to be signed.
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    pub(crate) fn pending_personal_code(&self, person: PersonId) -> Result<PersonalCode, EngineError> {
        let payload = self.personal_payload(person)?;
        encode_pending_personal(&payload).map_err(|e| Rejection::PersonalCode(e).into())
    }

    #[cfg(not(feature = "sync"))]
    fn signed_code_for(&self, _payload: &PersonalPayload) -> Result<Option<PersonalCode>, EngineError> {
        Ok(None)
    }
}
