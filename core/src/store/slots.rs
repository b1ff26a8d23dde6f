//! Named slots of the `sync_state` table: one sealed value each (the sync cursor, session, status and
//! signed personal codes; the keys the user trusted by hand; the engine's last wake-up). The id is fixed
//! per slot and bound into the seal.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::StoreError;
use super::rows::Tx;

const SYNC_STATE: &str = "sync_state";

/// A named slot of `sync_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The download cursor (server-issued, opaque).
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    Cursor,
    /// The session token and its expiry.
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    Session,
    /// The sync status: last success, last error, failures in a row, next attempt, clock offset.
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    Status,
    /// Signed personal codes, by pseudonym.
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    PersonalCodes,
    /// Issuer keys and revocations the user added by hand (`TrustList`).
    UserTrust,
    /// When the engine last looked for due automatic check-outs and reminders.
    LastWake,
}

impl Slot {
    fn id(self) -> Uuid {
        let n: u128 = match self {
            Self::Cursor => 1,
            Self::Session => 2,
            Self::Status => 3,
            Self::PersonalCodes => 4,
            Self::UserTrust => 5,
            Self::LastWake => 6,
        };
        Uuid::from_u128(0x746f_6b68_6169_0000_0000_0000_0000_0000 | n)
    }
}

impl Tx<'_> {
    pub(crate) fn get_slot<T: DeserializeOwned>(&self, slot: Slot) -> Result<Option<T>, StoreError> {
        let id = slot.id();
        let body: Option<Vec<u8>> = self
            .sql()
            .prepare_cached("SELECT body FROM sync_state WHERE id = ?1")?
            .query_row([id.as_bytes()], |r| r.get(0))
            .optional()?;
        body.map(|b| self.open(SYNC_STATE, id.as_bytes(), b)).transpose()
    }

    pub(crate) fn put_slot<T: Serialize>(&self, slot: Slot, value: &T) -> Result<(), StoreError> {
        let id = slot.id();
        let body = self.seal(SYNC_STATE, &id, value)?;
        self.sql()
            .prepare_cached(
                "INSERT INTO sync_state (id, body) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![id.as_bytes(), body])?;
        Ok(())
    }

    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    pub(crate) fn clear_slot(&self, slot: Slot) -> Result<(), StoreError> {
        self.sql()
            .prepare_cached("DELETE FROM sync_state WHERE id = ?1")?
            .execute([slot.id().as_bytes()])?;
        Ok(())
    }
}
