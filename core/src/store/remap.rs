//! The one-time data migration of the official 2025 ward codes (`units::ward_code_changes_2025`).
//!
//! Declarations, visits and outbox entries are sealed, so SQL cannot rewrite the codes inside them:
//! on the first open after the schema migration that asks for it (`migrations/0004_*.sql` leaves a
//! `pending.ward_codes_2025` row in `meta`), every body that holds a 2025-list ward code is opened,
//! remapped and sealed again, inside the transaction that opens the store, and the marker row is
//! deleted in the same commit. So the mapping is applied exactly once to each value, from its old
//! value (the codes change in chains: 226 → 229 while 196 → 226), and a crash part-way leaves the
//! store as it was. A new store never has the marker: its codes are official from the start.
//!
//! Remapped: a declaration's address when it uses the 2025 list (a 2021 address has codes of that
//! list, which did not change); a visit's checkpoint ward (always the 2025 list); the same inside
//! outbox entries, sent or not (a pending upload must carry the official code). Nothing else on the
//! device holds a ward code.

use rusqlite::params;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::StoreError;
use super::outbox::{OutboxEntry, OutboxEvent};
use super::rows::{DECLARATIONS, OUTBOX, Tx, VISITS};
use crate::declaration::{DeclarationRecord, UnitScheme};
use crate::units::official_ward_code_2025;
use crate::visit::Visit;

/// The `meta` row that migration 0004 leaves for this step.
const PENDING: &str = "pending.ward_codes_2025";

/// Runs the migration if the store asks for it (see the module comment); does nothing otherwise.
/// Returns how many bodies it rewrote.
pub(crate) fn run(tx: &Tx<'_>) -> Result<usize, StoreError> {
    let pending: i64 = tx
        .sql()
        .query_row("SELECT count(*) FROM meta WHERE name = ?1", [PENDING], |r| {
            r.get(0)
        })?;
    if pending == 0 {
        return Ok(0);
    }
    let done = rewrite(tx, DECLARATIONS, declaration)?
        + rewrite(tx, VISITS, visit)?
        + rewrite(tx, OUTBOX, |entry: &mut OutboxEntry| match &mut entry.event {
            OutboxEvent::DeclarationSaved(record) => declaration(record),
            OutboxEvent::VisitCheckedIn(v)
            | OutboxEvent::VisitCheckedOut(v)
            | OutboxEvent::VisitEdited(v) => visit(v),
            OutboxEvent::QuarantineSaved(_) | OutboxEvent::DailyReportSaved(_) => false,
        })?;
    tx.sql().execute("DELETE FROM meta WHERE name = ?1", [PENDING])?;
    Ok(done)
}

/// Remaps a declaration's ward if its address uses the 2025 list; whether it changed.
fn declaration(record: &mut DeclarationRecord) -> bool {
    let address = &mut record.declaration.address;
    address.scheme == UnitScheme::V2025 && remap(&mut address.ward)
}

/// Remaps a visit's checkpoint ward (2025 list); whether it changed.
fn visit(visit: &mut Visit) -> bool {
    remap(&mut visit.checkpoint.ward)
}

fn remap(ward: &mut u32) -> bool {
    let official = official_ward_code_2025(*ward);
    let changed = official != *ward;
    *ward = official;
    changed
}

/// Opens every body of `table`, applies `f`, and seals again (same table, row and column) those it
/// changed. Returns how many changed.
fn rewrite<T: Serialize + DeserializeOwned>(
    tx: &Tx<'_>,
    table: &'static str,
    mut f: impl FnMut(&mut T) -> bool,
) -> Result<usize, StoreError> {
    let raw = {
        let mut stmt = tx
            .sql()
            .prepare(&format!("SELECT id, body FROM {table} ORDER BY seq"))?;
        stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut changed = 0;
    let mut update = tx
        .sql()
        .prepare(&format!("UPDATE {table} SET body = ?1 WHERE id = ?2"))?;
    for (id, body) in raw {
        let mut value: T = tx.open(table, &id, body)?;
        if !f(&mut value) {
            continue;
        }
        let uuid = Uuid::from_slice(&id).map_err(|_| StoreError::Setup("a row id is not 16 bytes"))?;
        let sealed = tx.seal(table, &uuid, &value)?;
        update.execute(params![sealed, id])?;
        changed += 1;
    }
    Ok(changed)
}
