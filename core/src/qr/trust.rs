//! Offline verification: the trusted issuer keys (several at once, for rotation with overlap), the
//! revocation lists, and the checks a scanned code must pass.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::ids::CheckpointId;
use crate::visit::CheckpointRef;

use super::codec::{self, SigParts, Unverified};
use super::error::{KeyError, QrError};
use super::keys::{KeyId, hex, unhex};
use super::payload::{CheckpointCode, CheckpointPayload, PersonalPayload, Pseudonym};

/// How far a device clock may run behind the issuer's before a fresh code counts as "not yet valid".
pub const CLOCK_SKEW_MINUTES: i64 = 10;

/// The deployment's trust list, embedded at build time. A build for a deployment sets the environment
/// variable `TOKHAI_TRUSTED_KEYS_JSON` to its list (see docs/adr/0004-qr-signing-keys.md); otherwise the
/// checked-in file is used, which holds no key.
const BUILTIN: &str = match option_env!("TOKHAI_TRUSTED_KEYS_JSON") {
    Some(list) => list,
    None => include_str!("../../data/trust/trusted-keys.json"),
};

/// One trusted issuer key and the period in which it may issue codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    /// The id codes carry.
    pub id: KeyId,
    /// Ed25519 public key, 64 hex digits.
    #[serde(with = "public_key_hex")]
    pub public_key: [u8; 32],
    /// The key signs no code issued before this instant.
    pub not_before: DateTime<Utc>,
    /// The key signs no code issued after this instant (None: open-ended).
    pub not_after: Option<DateTime<Utc>>,
}

/// The serialised trust list: what is embedded at build time and what sync delivers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustList {
    /// Trusted keys.
    #[serde(default)]
    pub keys: Vec<TrustedKey>,
    /// Revoked checkpoint codes (by checkpoint id).
    #[serde(default)]
    pub revoked_checkpoints: Vec<CheckpointId>,
    /// Revoked personal codes (by pseudonym).
    #[serde(default)]
    pub revoked_personal: Vec<Pseudonym>,
}

/// Trusted keys and revocations, consulted offline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustStore {
    keys: BTreeMap<KeyId, TrustedKey>,
    revoked_checkpoints: BTreeSet<CheckpointId>,
    revoked_personal: BTreeSet<Pseudonym>,
}

/// A checkpoint code whose signature, key, validity and revocation status have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    payload: CheckpointPayload,
    key: KeyId,
    text: String,
}

impl VerifiedCheckpoint {
    /// The verified payload.
    pub fn payload(&self) -> &CheckpointPayload {
        &self.payload
    }

    /// The key that signed it.
    pub fn key_id(&self) -> KeyId {
        self.key
    }

    /// The code again (e.g. to print a new poster from a scanned one).
    pub fn code(&self) -> CheckpointCode {
        CheckpointCode {
            text: self.text.clone(),
            id: self.payload.id,
            name: self.payload.name.clone(),
        }
    }

    /// The visit's reference to this checkpoint.
    pub fn checkpoint_ref(&self) -> CheckpointRef {
        let p = &self.payload;
        CheckpointRef {
            id: p.id,
            parent: p.parent,
            name: p.name.clone(),
            kind: p.kind,
            ward: p.ward,
            street: p.street.clone(),
            default_stay_minutes: p.default_stay_minutes,
        }
    }
}

impl From<VerifiedCheckpoint> for CheckpointRef {
    fn from(v: VerifiedCheckpoint) -> Self {
        let p = v.payload;
        CheckpointRef {
            id: p.id,
            parent: p.parent,
            name: p.name,
            kind: p.kind,
            ward: p.ward,
            street: p.street,
            default_stay_minutes: p.default_stay_minutes,
        }
    }
}

/// A personal code whose signature, key, validity and revocation status have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPersonal {
    payload: PersonalPayload,
    key: KeyId,
}

impl VerifiedPersonal {
    /// The verified payload.
    pub fn payload(&self) -> &PersonalPayload {
        &self.payload
    }

    /// The key that signed it.
    pub fn key_id(&self) -> KeyId {
        self.key
    }
}

impl TrustStore {
    /// A store that trusts nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The list embedded in this build.
    pub fn builtin() -> Result<Self, KeyError> {
        Self::from_json(BUILTIN)
    }

    /// A store with the development key trusted from 2020 on. Tests and development only.
    #[cfg(any(test, feature = "dev-key"))]
    pub fn development() -> Result<Self, KeyError> {
        let signer = super::keys::dev::signer()?;
        let mut store = Self::new();
        store.add_key(TrustedKey {
            id: signer.key_id(),
            public_key: signer.public_key(),
            not_before: super::wire::from_minutes(0),
            not_after: None,
        })?;
        Ok(store)
    }

    /// A store from a JSON trust list.
    pub fn from_json(json: &str) -> Result<Self, KeyError> {
        Self::from_list(serde_json::from_str(json)?)
    }

    /// A store from a trust list; two keys with one id are refused.
    pub fn from_list(list: TrustList) -> Result<Self, KeyError> {
        let mut store = Self::new();
        for k in list.keys {
            store.add_key(k)?;
        }
        store.revoked_checkpoints.extend(list.revoked_checkpoints);
        store.revoked_personal.extend(list.revoked_personal);
        Ok(store)
    }

    /// Replaces everything with a fresher list (from sync). On error the store is unchanged.
    pub fn refresh(&mut self, list: TrustList) -> Result<(), KeyError> {
        *self = Self::from_list(list)?;
        Ok(())
    }

    /// The store as a trust list (to persist it).
    pub fn to_list(&self) -> TrustList {
        TrustList {
            keys: self.keys.values().cloned().collect(),
            revoked_checkpoints: self.revoked_checkpoints.iter().copied().collect(),
            revoked_personal: self.revoked_personal.iter().copied().collect(),
        }
    }

    /// Trusts one more key.
    pub fn add_key(&mut self, key: TrustedKey) -> Result<(), KeyError> {
        if self.keys.contains_key(&key.id) {
            return Err(KeyError::DuplicateKeyId(key.id.0));
        }
        self.keys.insert(key.id, key);
        Ok(())
    }

    /// Adds everything `list` holds: its keys (a key already trusted with the same id and public key counts
    /// once, as when a list added by hand and the server's feed carry the same key) and its revocations.
    ///
    /// # Errors
    /// [`KeyError::DuplicateKeyId`] when the list gives a known key id another public key (or one id two
    /// keys); then nothing of the list is added.
    pub fn merge(&mut self, list: TrustList) -> Result<(), KeyError> {
        let mut merged = self.keys.clone();
        for key in list.keys {
            match merged.get(&key.id) {
                Some(known) if known.public_key == key.public_key => {}
                Some(_) => return Err(KeyError::DuplicateKeyId(key.id.0)),
                None => {
                    merged.insert(key.id, key);
                }
            }
        }
        self.keys = merged;
        self.revoked_checkpoints.extend(list.revoked_checkpoints);
        self.revoked_personal.extend(list.revoked_personal);
        Ok(())
    }

    /// Revokes a checkpoint's codes.
    pub fn revoke_checkpoint(&mut self, id: CheckpointId) {
        self.revoked_checkpoints.insert(id);
    }

    /// Revokes a personal code.
    pub fn revoke_personal(&mut self, pseudonym: Pseudonym) {
        self.revoked_personal.insert(pseudonym);
    }

    /// Key known, signature good, and the code issued within the key's period.
    fn check_signature(&self, sig: Option<&SigParts>, issued_at: DateTime<Utc>) -> Result<KeyId, QrError> {
        let sig = sig.ok_or(QrError::Pending)?;
        let key = self.keys.get(&sig.key).ok_or(QrError::UnknownKey)?;
        UnparsedPublicKey::new(&ED25519, &key.public_key)
            .verify(&sig.message, &sig.signature)
            .map_err(|_| QrError::BadSignature)?;
        if issued_at < key.not_before || key.not_after.is_some_and(|end| issued_at > end) {
            return Err(QrError::KeyNotValid);
        }
        Ok(key.id)
    }

    /// Verifies a scanned checkpoint code at the clock's time. Checks, in order: tokhai code, well
    /// formed, checkpoint kind, known key, signature, key period, revocation, validity window.
    pub fn verify_checkpoint(&self, text: &str, clock: &dyn Clock) -> Result<VerifiedCheckpoint, QrError> {
        let code: Unverified<CheckpointPayload> = codec::decode_checkpoint(text)?;
        let key = self.check_signature(code.sig.as_ref(), code.payload_unverified().issued_at)?;
        let payload = code.into_payload();
        if self.revoked_checkpoints.contains(&payload.id) {
            return Err(QrError::Revoked);
        }
        let now = clock.now();
        let early = now + Duration::minutes(CLOCK_SKEW_MINUTES);
        if payload.issued_at > early || payload.valid_from.is_some_and(|from| from > early) {
            return Err(QrError::NotYetValid);
        }
        if payload.valid_until.is_some_and(|until| now >= until) {
            return Err(QrError::Expired);
        }
        Ok(VerifiedCheckpoint {
            payload,
            key,
            text: text.to_owned(),
        })
    }

    /// Verifies a scanned personal code at the clock's time. A pending (unsigned) code is
    /// `QrError::Pending`, never valid.
    pub fn verify_personal(&self, text: &str, clock: &dyn Clock) -> Result<VerifiedPersonal, QrError> {
        let code = codec::decode_personal(text)?;
        let key = self.check_signature(code.sig.as_ref(), code.payload_unverified().issued_at)?;
        let payload = code.into_payload();
        if self.revoked_personal.contains(&payload.pseudonym) {
            return Err(QrError::Revoked);
        }
        let now = clock.now();
        if payload.issued_at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
            return Err(QrError::NotYetValid);
        }
        if now >= payload.expires_at {
            return Err(QrError::Expired);
        }
        Ok(VerifiedPersonal { payload, key })
    }
}

mod public_key_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(key: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(key))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        super::unhex::<32>(&s).ok_or_else(|| serde::de::Error::custom("public key: 64 hex digits"))
    }
}
