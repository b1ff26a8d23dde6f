//! Schema versions. `PRAGMA user_version` holds the version; `migrations/000N_*.sql` takes a store from
//! version N-1 to N; `schema.sql` creates the current version in one step. Both paths must end in the
//! same schema: the tests below upgrade every historical version and compare with a fresh store.

use rusqlite::{Connection, Transaction};

use super::error::StoreError;

/// Migration N (1-based) takes version N-1 to N. Never edit a released migration: add a new one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_health_log.sql"),
    include_str!("migrations/0003_sync.sql"),
    include_str!("migrations/0004_official_ward_codes.sql"),
    include_str!("migrations/0005_sealed_feed_and_staff_scans.sql"),
];

const FRESH: &str = include_str!("schema.sql");

/// The schema version this build writes.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

/// The store's schema version (0 for a new, empty file).
pub(crate) fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Brings the schema to `LATEST` inside `tx`: creates it in a new file, or applies the missing
/// migrations in order. A file from a newer build is refused rather than misread.
pub(crate) fn migrate(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let found = version(tx)?;
    if found > LATEST {
        return Err(StoreError::NewerSchema { found, known: LATEST });
    }
    if found == LATEST {
        // Nothing to write: the transaction commits without touching the file.
        return Ok(());
    }
    if found == 0 {
        tx.execute_batch(FRESH)?;
    } else {
        let pending = usize::try_from(found).map_err(|_| StoreError::NewerSchema { found, known: LATEST })?;
        for sql in MIGRATIONS.iter().skip(pending) {
            tx.execute_batch(sql)?;
        }
    }
    tx.pragma_update(None, "user_version", LATEST)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies migrations 1..=`upto` as releases of that era would have, and stamps the version.
    fn historical(upto: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..upto] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", upto as i64).unwrap();
        conn
    }

    fn schema_of(conn: &Connection) -> Vec<(String, String, String, Option<String>)> {
        let mut stmt = conn
            .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn upgraded(mut conn: Connection) -> Connection {
        let tx = conn.transaction().unwrap();
        migrate(&tx).unwrap();
        tx.commit().unwrap();
        conn
    }

    #[test]
    fn every_historical_schema_upgrades_to_the_fresh_one() {
        let fresh = upgraded(Connection::open_in_memory().unwrap());
        assert_eq!(version(&fresh).unwrap(), LATEST);
        let expected = schema_of(&fresh);
        assert!(expected.iter().any(|(_, name, ..)| name == "daily_reports"));
        for upto in 1..=MIGRATIONS.len() {
            let conn = upgraded(historical(upto));
            assert_eq!(version(&conn).unwrap(), LATEST, "from version {upto}");
            assert_eq!(schema_of(&conn), expected, "from version {upto}");
        }
    }

    #[test]
    fn upgrading_keeps_rows() {
        let conn = historical(1);
        conn.execute("INSERT INTO visits (id, body) VALUES (zeroblob(16), x'00')", [])
            .unwrap();
        let conn = upgraded(conn);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM visits", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let conn = upgraded(Connection::open_in_memory().unwrap());
        let before = schema_of(&conn);
        let conn = upgraded(conn);
        assert_eq!(schema_of(&conn), before);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1).unwrap();
        let tx = conn.transaction().unwrap();
        assert!(matches!(migrate(&tx), Err(StoreError::NewerSchema { .. })));
    }
}
