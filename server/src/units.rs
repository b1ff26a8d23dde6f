//! The start-up half of migration 3 (the official 2025 ward codes, `docs/adr/0011-official-unit-codes.md`).
//!
//! SQL rewrote checkpoints, safety levels, cases and officer scopes. Declarations and quarantine
//! episodes keep their ward in a plain column for aggregates and scopes, but only the sealed body says
//! which list the address uses, and a 2021 code must not change. So, when migration 3 left its marker:
//! every declaration whose ward column is an old 2025 code is opened; if its address uses the 2025
//! list, the ward is mapped (`tokhai_core::official_ward_code_2025`) in the body and the column, and the
//! body sealed again. An episode's area was copied from its account's declaration when it arrived: it is
//! mapped when one of that account's remapped declarations had the same (province, ward). Everything is
//! written in one transaction that also deletes the marker, so the step runs once, from old values.

use std::collections::HashSet;

use tokhai_core::{DeclarationRecord, UnitScheme, official_ward_code_2025, ward_code_changes_2025};

use crate::error::Error;
use crate::seal::Sealer;
use crate::store::Store;

/// What the step rewrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Remapped {
    pub(crate) declarations: usize,
    pub(crate) episodes: usize,
}

/// Runs the step if migration 3 asked for it.
pub(crate) async fn finish_ward_codes(store: &dyn Store, sealer: &Sealer) -> Result<Remapped, Error> {
    if !store.ward_codes_pending().await? {
        return Ok(Remapped::default());
    }
    let old: Vec<i64> = ward_code_changes_2025()
        .iter()
        .map(|&(o, _)| i64::from(o))
        .collect();
    let mut declarations = Vec::new();
    let mut areas: HashSet<(i64, i64, i64)> = HashSet::new();
    for row in store.declarations_in_wards(&old).await? {
        let plain = sealer.open("declarations", &row.id, &row.sealed)?;
        let Ok(mut record) = serde_json::from_slice::<DeclarationRecord>(&plain) else {
            // Every stored body was written by this server from a validated record.
            return Err(Error::Migration("a stored declaration does not decode"));
        };
        let address = &mut record.declaration.address;
        if address.scheme != UnitScheme::V2025 {
            continue;
        }
        let official = official_ward_code_2025(address.ward);
        if official == address.ward {
            continue;
        }
        areas.insert((row.account_id, row.province, i64::from(address.ward)));
        address.ward = official;
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(&record).map_err(|_| Error::Migration("a declaration does not encode"))?,
        );
        let sealed = sealer.seal("declarations", &row.id, &plain)?;
        declarations.push((row.id, i64::from(official), sealed));
    }
    let mut episodes = Vec::new();
    for (id, account, province, ward) in store.episodes_in_wards(&old).await? {
        if areas.contains(&(account, province, ward)) {
            let official = u32::try_from(ward)
                .map(official_ward_code_2025)
                .map_or(ward, i64::from);
            episodes.push((id, official));
        }
    }
    let done = Remapped {
        declarations: declarations.len(),
        episodes: episodes.len(),
    };
    store.finish_ward_codes(declarations, episodes).await?;
    tracing::info!(
        declarations = done.declarations,
        episodes = done.episodes,
        "official 2025 ward codes: sealed rows rewritten"
    );
    Ok(done)
}

#[cfg(test)]
mod tests {
    use tokhai_core::ward_code_changes_2025;

    /// The pairs written into migration 3 are the mapping core embeds, in both dialects.
    #[test]
    fn migration_3_carries_the_mapping() {
        for sql in [
            include_str!("../migrations/sqlite/0003_official_ward_codes.sql"),
            include_str!("../migrations/postgres/0003_official_ward_codes.sql"),
        ] {
            let pairs: Vec<(u32, u32)> = sql
                .lines()
                .filter_map(|l| {
                    let l = l.trim().strip_prefix('(')?;
                    let (a, b) = l.split_once(", ")?;
                    let b = b.trim_end_matches([')', ',', ';']);
                    Some((a.parse().ok()?, b.parse().ok()?))
                })
                .collect();
            assert_eq!(pairs, ward_code_changes_2025());
        }
    }
}
