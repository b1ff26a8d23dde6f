//! Store-level invariant tests. The engine's tests repeat the important ones through the public facade.

use std::sync::Arc;

use chrono::Duration;
use rusqlite::params;

use super::*;
use crate::crypto::{CryptoError, FixedKeyProvider, KeyProvider, KeyProviderError};
use crate::declaration::{DeclarationRecord, Person, Relation};
use crate::ids::{DeclarationId, PersonId};
use crate::test_support as ts;

fn key() -> FixedKeyProvider {
    FixedKeyProvider::new([0x5a; 32])
}

fn person() -> Person {
    Person {
        id: PersonId::random(),
        relation: Relation::Myself,
        created_at: ts::mark_time(),
    }
}

/// A store holding one person with a declaration, two visits, a quarantine episode with a report and
/// outbox entries: every table has a row full of markers.
fn filled(dir: &std::path::Path) -> (Store, Person) {
    let mut store = Store::open(dir, &key()).unwrap();
    let me = person();
    store
        .write(|tx| {
            tx.insert_person(&me)?;
            let record = DeclarationRecord {
                id: DeclarationId::random(),
                person: me.id,
                declared_at: ts::mark_time(),
                supersedes: None,
                pseudonym: crate::qr::Pseudonym::random(),
                declaration: ts::declaration(),
            };
            tx.insert_declaration(&record)?;
            tx.set_document(me.id, ts::ID_NUMBER.as_bytes())?;
            tx.enqueue(OutboxEvent::DeclarationSaved(Box::new(record)), ts::mark_time())?;
            for (i, at) in [ts::mark_time(), ts::mark_time() + Duration::hours(2)]
                .into_iter()
                .enumerate()
            {
                let visit = ts::visit(1000 + i as u64, at);
                tx.put_visit(&visit)?;
                tx.enqueue(OutboxEvent::VisitCheckedIn(visit), at)?;
            }
            let episode = ts::episode(me.id);
            tx.put_episode(&episode)?;
            let report = ts::report(episode.id);
            tx.put_report(&report)?;
            tx.enqueue(OutboxEvent::DailyReportSaved(report), ts::mark_time())?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    (store, me)
}

fn assert_no_markers(db: &std::path::Path, when: &str) -> usize {
    let files = ts::read_store_files(db);
    let markers = ts::text_markers();
    for (name, bytes) in &files {
        assert!(
            ts::find_markers(bytes, &markers).is_empty(),
            "{when}: {name}: {:?}",
            ts::find_markers(bytes, &markers)
        );
        assert!(
            ts::find_binary_times(bytes).is_empty(),
            "{when}: {name}: {:?}",
            ts::find_binary_times(bytes)
        );
    }
    files.len()
}

#[test]
fn nothing_personal_is_readable_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = filled(dir.path());
    let db = store.path().to_path_buf();
    // While open, the data is in the WAL: database, -wal and -shm all exist.
    assert_eq!(assert_no_markers(&db, "open"), 3);
    drop(store);
    assert!(assert_no_markers(&db, "closed") >= 1);
    // And the markers really went through the store: it reads them back.
    let mut store = Store::open(dir.path(), &key()).unwrap();
    let visits = store.read(|tx| tx.visits()).unwrap();
    assert_eq!(visits.len(), 2);
    assert_eq!(visits[0].checkpoint.name, ts::CHECKPOINT_NAME);
}

#[test]
fn records_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, me) = filled(dir.path());
    store
        .read(|tx| {
            assert_eq!(tx.persons()?, vec![me.clone()]);
            let latest = tx.latest_declaration(me.id)?.unwrap();
            assert_eq!(latest.declaration, ts::declaration());
            assert_eq!(tx.declarations(me.id)?.len(), 1);
            let last = tx.last_visit()?.unwrap();
            assert_eq!(last.checked_in_at, ts::mark_time() + Duration::hours(2));
            assert_eq!(tx.visit(last.id)?.unwrap(), last);
            let episodes = tx.episodes()?;
            assert_eq!(episodes.len(), 1);
            let report = tx.report_for_day(episodes[0].id, ts::day())?.unwrap();
            assert_eq!(report.note.as_deref(), Some(ts::REPORT_NOTE));
            assert!(
                tx.report_for_day(episodes[0].id, ts::day().succ_opt().unwrap())?
                    .is_none()
            );
            let pending = tx.pending(10)?;
            assert_eq!(pending.len(), 4);
            assert_eq!(pending[0].event.kind(), "declaration_saved");
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[test]
fn a_visit_update_replaces_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), &key()).unwrap();
    let mut visit = ts::visit(1, ts::mark_time());
    store.write(|tx| tx.put_visit(&visit)).unwrap();
    visit.checked_out_at = Some(ts::mark_time() + Duration::minutes(30));
    visit.end = crate::visit::VisitEnd::CheckedOut;
    store.write(|tx| tx.put_visit(&visit)).unwrap();
    assert_eq!(store.read(|tx| tx.visits()).unwrap(), vec![visit]);
}

#[test]
fn one_identity_document_per_person_and_one_report_per_day() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, me) = filled(dir.path());
    let other = person();
    store.write(|tx| tx.insert_person(&other)).unwrap();
    let err = store
        .write(|tx| tx.set_document(other.id, ts::ID_NUMBER.as_bytes()))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    store
        .write(|tx| tx.set_document(me.id, ts::ID_NUMBER.as_bytes()))
        .unwrap();

    let episode = store.read(|tx| tx.episodes()).unwrap().remove(0);
    let second = ts::report(episode.id);
    let err = store.write(|tx| tx.put_report(&second)).unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::ReportDay)),
        "{err:?}"
    );
}

#[test]
fn a_flipped_byte_is_an_integrity_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = filled(dir.path());
    let body: Vec<u8> = store
        .conn()
        .query_row("SELECT body FROM visits ORDER BY seq LIMIT 1", [], |r| r.get(0))
        .unwrap();
    for i in [0, 4, 7, 15, 30, body.len() / 2, body.len() - 1] {
        let mut bad = body.clone();
        bad[i] ^= 0x20;
        store
            .conn()
            .execute(
                "UPDATE visits SET body = ?1 WHERE seq = (SELECT min(seq) FROM visits)",
                [&bad],
            )
            .unwrap();
        let err = store.read(|tx| tx.visits()).unwrap_err();
        assert!(err.is_integrity(), "byte {i}: {err:?}");
        assert!(
            matches!(err, StoreError::Crypto { table: "visits", .. }),
            "byte {i}: {err:?}"
        );
    }
    store
        .conn()
        .execute(
            "UPDATE visits SET body = ?1 WHERE seq = (SELECT min(seq) FROM visits)",
            [&body],
        )
        .unwrap();
    assert_eq!(store.read(|tx| tx.visits()).unwrap().len(), 2);
}

#[test]
fn swapped_rows_are_an_integrity_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = filled(dir.path());
    store
        .conn()
        .execute_batch(
            "UPDATE visits SET body = CASE seq
                 WHEN (SELECT min(seq) FROM visits) THEN (SELECT body FROM visits ORDER BY seq DESC LIMIT 1)
                 ELSE (SELECT body FROM visits ORDER BY seq LIMIT 1) END",
        )
        .unwrap();
    let err = store.read(|tx| tx.visits()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Crypto {
                source: CryptoError::Integrity,
                ..
            }
        ),
        "{err:?}"
    );

    // A body moved to another table (same id bytes) fails too: the table is bound.
    let (id, body): (Vec<u8>, Vec<u8>) = store
        .conn()
        .query_row("SELECT id, body FROM persons", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    store
        .conn()
        .execute(
            "UPDATE outbox SET id = ?1, body = ?2 WHERE seq = 1",
            params![id, body],
        )
        .unwrap();
    let err = store.read(|tx| tx.pending(10)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Crypto {
                table: "outbox",
                source: CryptoError::Integrity
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_wrong_key_is_refused_before_reading_anything() {
    let dir = tempfile::tempdir().unwrap();
    drop(filled(dir.path()));
    let err = Store::open(dir.path(), &FixedKeyProvider::new([0x5b; 32])).unwrap_err();
    assert!(
        matches!(err, StoreError::Key(KeyProviderError::WrongKey)),
        "{err:?}"
    );
    let err = Store::open(dir.path(), &crate::crypto::PassphraseProvider::new("pw").unwrap()).unwrap_err();
    assert!(
        matches!(err, StoreError::Key(KeyProviderError::ProviderMismatch { .. })),
        "{err:?}"
    );
    Store::open(dir.path(), &key()).unwrap();
}

#[test]
fn a_tampered_key_record_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = filled(dir.path());
    store
        .conn()
        .execute("DELETE FROM meta WHERE name = 'key.wrapped'", [])
        .unwrap();
    drop(store);
    let err = Store::open(dir.path(), &key()).unwrap_err();
    assert!(
        matches!(err, StoreError::KeyRecord(_)) && err.is_integrity(),
        "{err:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let (store, _) = filled(dir.path());
    store.conn().execute("DELETE FROM meta", []).unwrap();
    drop(store);
    let err = Store::open(dir.path(), &key()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::KeyRecord("missing while the store holds records")
        ),
        "{err:?}"
    );
}

#[test]
fn a_failed_outbox_write_rolls_back_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), &key()).unwrap();
    store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER fail_outbox BEFORE INSERT ON main.outbox
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
    let visit = ts::visit(1, ts::mark_time());
    let err = store
        .write(|tx| {
            tx.put_visit(&visit)?;
            tx.enqueue(OutboxEvent::VisitCheckedIn(visit.clone()), ts::mark_time())?;
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
    assert!(
        store.read(|tx| tx.visits()).unwrap().is_empty(),
        "the visit was rolled back with the outbox"
    );

    store.conn().execute_batch("DROP TRIGGER fail_outbox").unwrap();
    store
        .write(|tx| {
            tx.put_visit(&visit)?;
            tx.enqueue(OutboxEvent::VisitCheckedIn(visit.clone()), ts::mark_time())
        })
        .unwrap();
    assert_eq!(store.read(|tx| tx.visits()).unwrap().len(), 1);
    assert_eq!(store.read(|tx| tx.pending(10)).unwrap().len(), 1);
}

#[test]
fn outbox_pending_mark_sent_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = filled(dir.path());
    let pending = store.read(|tx| tx.pending(2)).unwrap();
    assert_eq!(pending.len(), 2, "limit applies");
    let ids: Vec<_> = pending.iter().map(|e| e.id).collect();
    assert_eq!(store.write(|tx| tx.mark_sent(&ids)).unwrap(), 2);
    assert_eq!(
        store.write(|tx| tx.mark_sent(&ids)).unwrap(),
        0,
        "marking twice is harmless"
    );
    assert_eq!(store.read(|tx| tx.pending_count()).unwrap(), 2);
    let rest = store.read(|tx| tx.pending(10)).unwrap();
    assert!(rest.iter().all(|e| !ids.contains(&e.id)));
    let all = store.read(|tx| tx.outbox()).unwrap();
    assert_eq!(all.iter().filter(|(_, sent)| *sent).count(), 2);
    assert!(store.write(|tx| tx.delete_outbox(ids[0])).unwrap());
    assert_eq!(store.read(|tx| tx.outbox()).unwrap().len(), 3);
}

#[test]
fn settings_and_integrity() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = filled(dir.path());
    let c = store.conn();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "FULL");
    let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(
        version, 5,
        "0005_sealed_feed_and_staff_scans is the newest migration"
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn deleting_a_person_deletes_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, me) = filled(dir.path());
    assert!(store.write(|tx| tx.delete_person(me.id)).unwrap());
    store
        .read(|tx| {
            assert!(tx.all_declarations()?.is_empty());
            assert!(tx.episodes()?.is_empty());
            assert!(tx.all_reports()?.is_empty());
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[derive(Debug, Default)]
struct Platform(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

impl crate::crypto::PlatformKeyStore for Platform {
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, crate::crypto::PlatformKeyError> {
        Ok(self.0.lock().unwrap().get(&name).cloned())
    }
    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), crate::crypto::PlatformKeyError> {
        self.0.lock().unwrap().insert(name, secret);
        Ok(())
    }
    fn delete(&self, name: String) -> Result<(), crate::crypto::PlatformKeyError> {
        self.0.lock().unwrap().remove(&name);
        Ok(())
    }
}

#[test]
fn wipe_removes_files_and_key_material() {
    let dir = tempfile::tempdir().unwrap();
    let platform = Arc::new(Platform::default());
    let provider = crate::crypto::PlatformKeyProvider::new(platform.clone());
    let mut store = Store::open(dir.path(), &provider).unwrap();
    store
        .write(|tx| tx.put_visit(&ts::visit(1, ts::mark_time())))
        .unwrap();
    let db = store.path().to_path_buf();
    assert!(db.exists());
    assert_eq!(platform.0.lock().unwrap().len(), 1);
    store.wipe(&provider).unwrap();
    assert!(
        ts::read_store_files(&db).is_empty(),
        "database, -wal, -shm all gone"
    );
    assert!(
        platform.0.lock().unwrap().is_empty(),
        "the platform's key is deleted"
    );
    // A new store can be made in the same place.
    let mut fresh = Store::open(dir.path(), &provider).unwrap();
    assert!(fresh.read(|tx| tx.visits()).unwrap().is_empty());
    let _: &dyn KeyProvider = &provider;
}

/// A store left by a build before the official 2025 codes (schema version 3, ward codes of the old
/// numbering inside sealed bodies) comes out, after one open, with every 2025 ward code official and
/// the ward names right; 2021 addresses are untouched; a second open changes nothing more.
#[test]
fn an_old_store_gets_the_official_ward_codes_once() {
    use crate::declaration::UnitScheme;
    use crate::units::units;

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), &key()).unwrap();
    let me = person();
    let record = |scheme: UnitScheme, district: Option<u32>, ward: u32| {
        let mut declaration = ts::declaration();
        declaration.address.scheme = scheme;
        declaration.address.province = 1;
        declaration.address.district = district;
        declaration.address.ward = ward;
        DeclarationRecord {
            id: DeclarationId::random(),
            person: me.id,
            declared_at: ts::mark_time(),
            supersedes: None,
            pseudonym: crate::qr::Pseudonym::random(),
            declaration,
        }
    };
    // In the old numbering 226 was Kim Liên (officially 229) and 196 Văn Miếu – Quốc Tử Giám
    // (officially 226): a chain, which a pair-by-pair or repeated rewrite would get wrong.
    let new_2025 = record(UnitScheme::V2025, None, 226);
    let old_2021 = record(UnitScheme::V2021, Some(6), 226);
    let mut at_temple = ts::visit(1, ts::mark_time());
    at_temple.checkpoint.ward = 196;
    let mut at_lake = ts::visit(2, ts::mark_time() + Duration::hours(1));
    at_lake.checkpoint.ward = 70;
    store
        .write(|tx| {
            tx.insert_person(&me)?;
            for r in [&new_2025, &old_2021] {
                tx.insert_declaration(r)?;
                tx.enqueue(
                    OutboxEvent::DeclarationSaved(Box::new(r.clone())),
                    ts::mark_time(),
                )?;
            }
            for v in [&at_temple, &at_lake] {
                tx.put_visit(v)?;
                tx.enqueue(OutboxEvent::VisitCheckedIn(v.clone()), ts::mark_time())?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    // Make it what the previous build left: schema version 3, no marker, none of 0005's tables.
    store.conn().execute_batch("DROP TABLE staff_scans").unwrap();
    store.conn().pragma_update(None, "user_version", 3).unwrap();
    drop(store);

    let list = units(UnitScheme::V2025);
    let ward_name = |code: u32| list.ward(code).map(|w| w.name().to_owned()).unwrap_or_default();
    for round in 0..2 {
        let mut store = Store::open(dir.path(), &key()).unwrap();
        let (declarations, visits, outbox) = store
            .read(|tx| Ok::<_, StoreError>((tx.all_declarations()?, tx.visits()?, tx.outbox()?)))
            .unwrap();
        let by_scheme = |s| {
            declarations
                .iter()
                .find(|d| d.declaration.address.scheme == s)
                .unwrap()
        };
        let mine = by_scheme(UnitScheme::V2025);
        assert_eq!(mine.declaration.address.ward, 229, "round {round}");
        assert_eq!(ward_name(mine.declaration.address.ward), "Phường Kim Liên");
        assert_eq!(
            by_scheme(UnitScheme::V2021).declaration.address.ward,
            226,
            "2021 codes stay"
        );
        let visit_ward = |id| visits.iter().find(|v| v.id == id).unwrap().checkpoint.ward;
        assert_eq!(visit_ward(at_temple.id), 226, "round {round}");
        assert_eq!(ward_name(226), "Phường Văn Miếu - Quốc Tử Giám");
        assert_eq!(visit_ward(at_lake.id), 70);
        // The pending uploads carry the same official codes.
        let mut wards: Vec<u32> = outbox
            .iter()
            .map(|(e, _)| match &e.event {
                OutboxEvent::DeclarationSaved(d) => d.declaration.address.ward,
                OutboxEvent::VisitCheckedIn(v) => v.checkpoint.ward,
                other => panic!("{other:?}"),
            })
            .collect();
        wards.sort_unstable();
        assert_eq!(wards, [70, 226, 226, 229]);
        let marker: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM meta WHERE name LIKE 'pending.%'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(marker, 0);
    }
}

#[test]
fn a_new_store_is_never_remapped() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), &key()).unwrap();
    let mut visit = ts::visit(1, ts::mark_time());
    // An official code that was another ward's old code: it must stay.
    visit.checkpoint.ward = 226;
    store.write(|tx| tx.put_visit(&visit)).unwrap();
    drop(store);
    let mut store = Store::open(dir.path(), &key()).unwrap();
    let visits = store.read(|tx| tx.visits()).unwrap();
    assert_eq!(visits[0].checkpoint.ward, 226);
}
