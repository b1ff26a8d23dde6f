//! PostgreSQL's day partitions of `visits` (migration 7, ADR 0024): `visits_d<N>` holds the arrivals of
//! UTC day N (days since 1970-01-01), `visits_default` everything else. The server creates partitions
//! ahead of time (`prepare`), and the retention purge drops a day's partition whole (`purge_visits`),
//! and the ids of the visits that went from `visit_keys` (migration 8).
//! SQLite keeps one table and deletes by row.

use crate::store::{Millis, StoreError, Tx};

type R<T> = Result<T, StoreError>;

const DAY_MS: Millis = 86_400_000;

/// The advisory-lock key that serialises partition changes across instances (ASCII "tokhpart").
const PARTITION_LOCK: i64 = 0x746f_6b68_7061_7274;

/// The day numbers of the existing day partitions.
async fn days(tx: &mut Box<dyn Tx>) -> R<Vec<i64>> {
    let rows = tx
        .query(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'visits'::regclass",
            vec![],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(day) = r.text(0)?.strip_prefix("visits_d").and_then(|d| d.parse().ok()) {
            out.push(day);
        }
    }
    Ok(out)
}

async fn lock(tx: &mut Box<dyn Tx>) -> R<()> {
    tx.query(
        "SELECT pg_advisory_xact_lock($1)",
        vec![crate::store::Value::I64(PARTITION_LOCK)],
    )
    .await?;
    Ok(())
}

/// Creates the partitions of the days from `from` to `to` (both included) that have none, each in its
/// own transaction: that day's rows move out of the default partition, then the new table is attached
/// (which builds its share of every index declared on `visits`). Returns how many it created.
pub(super) async fn prepare(db: &dyn crate::store::Backend, from: Millis, to: Millis) -> R<u64> {
    let (first, last) = (from.div_euclid(DAY_MS), to.div_euclid(DAY_MS));
    let mut created = 0;
    for day in first..=last {
        let mut tx = db.begin().await?;
        lock(&mut tx).await?;
        if days(&mut tx).await?.contains(&day) {
            continue;
        }
        let (lo, hi) = (day * DAY_MS, (day + 1) * DAY_MS);
        // Day numbers and bounds are integers computed here: nothing from outside is spliced in.
        tx.batch(&format!(
            "CREATE TABLE visits_d{day} (LIKE visits INCLUDING DEFAULTS); \
             WITH moved AS (DELETE FROM visits_default WHERE checked_in_at >= {lo} AND checked_in_at < {hi} \
             RETURNING *) INSERT INTO visits_d{day} SELECT * FROM moved; \
             ALTER TABLE visits ATTACH PARTITION visits_d{day} FOR VALUES FROM ({lo}) TO ({hi})"
        ))
        .await?;
        tx.commit().await?;
        created += 1;
    }
    Ok(created)
}

/// Drops every day partition whose day ended before `cutoff` (counting its rows first), and deletes the
/// rows of the default partition that ended before `cutoff`, in a transaction of its own: dropping a
/// partition locks `visits` for a moment, so nothing else is held meanwhile (and a lock not granted
/// within 10 s gives up until the next purge). Returns how many visits went.
pub(super) async fn purge_visits(db: &dyn crate::store::Backend, cutoff: Millis) -> R<u64> {
    let mut tx = db.begin().await?;
    tx.batch("SET LOCAL lock_timeout = '10s'").await?;
    lock(&mut tx).await?;
    let mut gone = 0u64;
    let mut old: Vec<i64> = days(&mut tx)
        .await?
        .into_iter()
        .filter(|d| (d + 1) * DAY_MS <= cutoff)
        .collect();
    old.sort_unstable();
    for day in old {
        let rows = tx
            .query(&format!("SELECT COUNT(*) FROM visits_d{day}"), vec![])
            .await?;
        let n = rows.first().map_or(Ok(0), |r| r.i64(0))?;
        gone += u64::try_from(n).unwrap_or(0);
        tx.batch(&format!("DROP TABLE visits_d{day}")).await?;
    }
    gone += tx
        .execute(
            "DELETE FROM visits_default WHERE ends_at < $1",
            vec![crate::store::Value::I64(cutoff)],
        )
        .await?;
    // The keys of visits that went (migration 8): a visit still stored ends at `cutoff` or later, so it
    // arrived at most `MAX_VISIT_MS` before it; every older key is of a visit that went.
    tx.execute(
        "DELETE FROM visit_keys WHERE checked_in_at < $1",
        vec![crate::store::Value::I64(
            cutoff.saturating_sub(crate::store::MAX_VISIT_MS),
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(gone)
}
