//! The engine's invariant tests, through the public facade (plus the raw connection for tampering).

use std::path::Path;
use std::sync::Arc;

use chrono::Duration;

use super::*;
use crate::clock::{Clock, FixedClock};
use crate::crypto::{FixedKeyProvider, KeyProvider, PassphraseProvider};
use crate::declaration::DeclarationForm;
use crate::declaration::Freshness;
use crate::declaration::Relation;
use crate::health::{QuarantineKind, ReportInput};
use crate::i18n::Localized;
use crate::retention::{PurgeReport, RetentionPolicy};
use crate::store::OutboxEvent;
use crate::test_support as ts;
use crate::visit::VisitEdit;
use crate::visit::VisitEnd;

fn key() -> Arc<dyn KeyProvider> {
    Arc::new(FixedKeyProvider::new([0x11; 32]))
}

fn open_at(dir: &Path, clock: Arc<FixedClock>) -> Engine {
    Engine::open_with(dir, key(), clock, Policy::default()).unwrap()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(ts::mark_time()))
}

/// Declares, checks in twice (closing the first visit), checks out, starts a quarantine and reports:
/// every table holds rows full of markers.
fn fill(engine: &Engine, clock: &FixedClock) -> crate::declaration::Person {
    let me = engine.add_person(Relation::Myself).unwrap();
    let record = engine
        .declare(me.id, &DeclarationForm::from(&ts::declaration()))
        .unwrap();
    assert_eq!(
        record.declaration,
        ts::declaration(),
        "the markers went in unchanged"
    );
    engine.check_in(ts::checkpoint(101)).unwrap();
    clock.advance(Duration::minutes(40));
    engine.check_in(ts::checkpoint(102)).unwrap();
    clock.advance(Duration::minutes(20));
    engine.check_out().unwrap();
    let episode = engine
        .start_quarantine(NewEpisode {
            person: me.id,
            kind: QuarantineKind::Facility,
            place: Some(ts::FACILITY.to_owned()),
            start: ts::day(),
            expected_end: ts::day() + chrono::Days::new(13),
            utc_offset_minutes: 420,
        })
        .unwrap()
        .episode;
    engine
        .report_day(
            episode.id,
            &ReportInput {
                note: ts::REPORT_NOTE.to_owned(),
                temperature: "37,2".to_owned(),
                ..Default::default()
            },
        )
        .unwrap();
    clock.set(ts::mark_time());
    me
}

fn scan(db: &Path, when: &str) -> usize {
    let files = ts::read_store_files(db);
    let markers = ts::text_markers();
    for (name, bytes) in &files {
        let found = ts::find_markers(bytes, &markers);
        assert!(found.is_empty(), "{when}: {name} reveals {found:?}");
        let times = ts::find_binary_times(bytes);
        assert!(times.is_empty(), "{when}: {name} reveals {times:?}");
    }
    files.len()
}

#[test]
fn sealed_at_rest() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    fill(&engine, &clock);
    let db = engine.database_path();
    assert_eq!(scan(&db, "open"), 3, "database, -wal and -shm while open");
    drop(engine);
    assert!(scan(&db, "closed") >= 1);

    // The markers did go in: the engine gives them back, and the export shows them.
    let engine = open_at(dir.path(), clock);
    let json = serde_json::to_string(&engine.export().unwrap()).unwrap();
    for marker in [
        ts::NAME,
        ts::PHONE,
        ts::ID_NUMBER,
        ts::STREET,
        ts::CHECKPOINT_NAME,
        ts::FACILITY,
        ts::REPORT_NOTE,
    ] {
        assert!(json.contains(marker), "export lacks {marker}");
    }
    assert!(json.contains("2021-05-20T08:31:17Z"));
}

#[test]
fn visits_follow_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let first = engine.check_in(ts::checkpoint(1)).unwrap();
    assert!(!first.repeat && first.closed.is_none());

    clock.advance(Duration::minutes(2));
    let again = engine.check_in(ts::checkpoint(1)).unwrap();
    assert!(again.repeat, "a repeat scan within minutes is the same visit");
    assert_eq!(again.visit.id, first.visit.id);

    clock.advance(Duration::minutes(30));
    let second = engine.check_in(ts::checkpoint(2)).unwrap();
    let closed = second.closed.unwrap();
    assert_eq!(closed.id, first.visit.id);
    assert_eq!(closed.end, VisitEnd::NextCheckIn);
    assert_eq!(
        closed.checked_out_at,
        Some(ts::mark_time() + Duration::minutes(32))
    );

    // The checkpoint's default stay is 90 minutes: after that the visit closes by itself, at 90 minutes.
    clock.advance(Duration::minutes(100));
    let auto = engine.auto_check_out().unwrap().unwrap();
    assert_eq!(auto.end, VisitEnd::Auto);
    assert_eq!(
        auto.checked_out_at,
        Some(second.visit.checked_in_at + Duration::minutes(90))
    );
    assert!(engine.open_visit().unwrap().is_none());
    assert_eq!(
        engine.check_out().unwrap_err().code(),
        "no_open_visit",
        "nothing to check out"
    );
    assert!(engine.auto_check_out().unwrap().is_none());

    let visits = engine.visits().unwrap();
    assert_eq!(
        visits.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![second.visit.id, first.visit.id]
    );

    // Edits: refused in the future, backwards, or overlapping; accepted otherwise.
    let now = clock.now();
    let edit = |checked_in_at, checked_out_at| VisitEdit {
        checked_in_at,
        checked_out_at,
    };
    let err = engine.edit_visit(
        first.visit.id,
        edit(now - Duration::minutes(10), Some(now + Duration::minutes(5))),
    );
    assert_eq!(err.unwrap_err().code(), "visit_time_in_future");
    let t0 = first.visit.checked_in_at;
    let err = engine.edit_visit(first.visit.id, edit(t0, Some(t0 - Duration::minutes(1))));
    assert_eq!(err.unwrap_err().code(), "check_out_before_check_in");
    let err = engine.edit_visit(first.visit.id, edit(t0, Some(t0 + Duration::minutes(40))));
    assert_eq!(err.unwrap_err().code(), "visit_overlap");
    let edited = engine
        .edit_visit(first.visit.id, edit(t0, Some(t0 + Duration::minutes(25))))
        .unwrap();
    assert!(edited.edited);
    assert_eq!(edited.checked_out_at, Some(t0 + Duration::minutes(25)));
    // An edit that changes nothing writes nothing.
    engine
        .edit_visit(first.visit.id, edit(t0, Some(t0 + Duration::minutes(25))))
        .unwrap();
    assert_eq!(engine.visits().unwrap()[1], edited);

    // Every change went to the outbox, in order.
    let kinds: Vec<_> = engine
        .pending_outbox(100)
        .unwrap()
        .iter()
        .map(|e| e.event.kind())
        .collect();
    assert_eq!(
        kinds,
        [
            "visit_checked_in",
            "visit_checked_out",
            "visit_checked_in",
            "visit_checked_out",
            "visit_edited"
        ]
    );
}

#[test]
fn tampering_is_reported_as_damage_never_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    fill(&engine, &clock);

    engine
        .with_conn(|c| {
            let mut body: Vec<u8> = c.query_row("SELECT body FROM visits WHERE seq = 1", [], |r| r.get(0))?;
            body[30] ^= 0x01;
            c.execute("UPDATE visits SET body = ?1 WHERE seq = 1", [body])
        })
        .unwrap();
    let err = engine.visits().unwrap_err();
    assert!(matches!(err, EngineError::Damaged(_)), "{err:?}");
    assert_eq!(err.code(), "data_damaged");
    assert!(!format!("{err} {err:?}").contains(ts::CHECKPOINT_NAME));

    // Swap the sealed declaration body with the person's: both fail.
    engine
        .with_conn(|c| {
            c.execute_batch(
                "UPDATE declarations SET body = (SELECT body FROM persons LIMIT 1);
                 UPDATE visits SET body = (SELECT body FROM visits ORDER BY seq DESC LIMIT 1) WHERE seq = 1;",
            )
        })
        .unwrap();
    let me = engine.persons().unwrap()[0].id;
    assert!(matches!(
        engine.latest_declaration(me),
        Err(EngineError::Damaged(_))
    ));
    assert!(matches!(engine.export(), Err(EngineError::Damaged(_))));
}

#[test]
fn a_wrong_key_or_passphrase_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    drop(open_at(dir.path(), clock()));
    let err = Engine::open(
        dir.path(),
        FixedKeyProvider::new([0x12; 32]),
        FixedClock::new(ts::mark_time()),
    )
    .unwrap_err();
    assert!(matches!(err, EngineError::WrongKey), "{err:?}");
    assert_eq!(err.code(), "wrong_key");

    let dir = tempfile::tempdir().unwrap();
    let pass = || PassphraseProvider::new("đúng mật khẩu").unwrap();
    drop(Engine::open(dir.path(), pass(), FixedClock::new(ts::mark_time())).unwrap());
    let wrong = PassphraseProvider::new("sai mật khẩu").unwrap();
    let err = Engine::open(dir.path(), wrong, FixedClock::new(ts::mark_time())).unwrap_err();
    assert!(matches!(err, EngineError::WrongKey), "{err:?}");
    Engine::open(dir.path(), pass(), FixedClock::new(ts::mark_time())).unwrap();
}

#[test]
fn a_failure_before_the_outbox_write_rolls_back_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let first = engine.check_in(ts::checkpoint(1)).unwrap();
    engine
        .with_conn(|c| {
            c.execute_batch(
                "CREATE TEMP TRIGGER fail_outbox BEFORE INSERT ON main.outbox
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
            )
        })
        .unwrap();
    clock.advance(Duration::minutes(30));
    // The check-in closes the first visit, writes the new one, then fails on the outbox: all of it
    // rolls back.
    assert!(matches!(
        engine.check_in(ts::checkpoint(2)),
        Err(EngineError::Storage(_))
    ));
    assert_eq!(engine.visits().unwrap(), vec![first.visit.clone()]);
    assert_eq!(engine.open_visit().unwrap().unwrap().id, first.visit.id);
    assert_eq!(engine.pending_outbox_count().unwrap(), 1);
    let me = engine.add_person(Relation::Myself);
    assert!(me.is_ok(), "adding a person has no outbox entry");
    assert!(
        engine
            .save_declaration(me.unwrap().id, ts::declaration())
            .is_err()
    );
    assert!(engine.export().unwrap().persons[0].declarations.is_empty());

    engine
        .with_conn(|c| c.execute_batch("DROP TRIGGER fail_outbox"))
        .unwrap();
    let second = engine.check_in(ts::checkpoint(2)).unwrap();
    assert_eq!(second.closed.unwrap().id, first.visit.id);
    assert_eq!(engine.pending_outbox_count().unwrap(), 3);
}

#[test]
fn declarations_update_supersede_and_go_stale() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let me = engine.add_person(Relation::Myself).unwrap();
    let child = engine.add_person(Relation::Child).unwrap();
    assert_eq!(engine.freshness(me.id).unwrap(), Freshness::Missing);
    let v1 = engine.save_declaration(me.id, ts::declaration()).unwrap();
    assert_eq!(
        engine.freshness(me.id).unwrap(),
        Freshness::Fresh {
            declaration: v1.id,
            stale_at: ts::mark_time() + Duration::hours(24)
        }
    );
    clock.advance(Duration::hours(25));
    assert!(matches!(
        engine.freshness(me.id).unwrap(),
        Freshness::Stale { .. }
    ));
    let form = engine.declaration_form(me.id).unwrap().unwrap();
    let v2 = engine.declare(me.id, &form).unwrap();
    assert_eq!(v2.supersedes, Some(v1.id));
    assert_eq!(
        v2.declaration, v1.declaration,
        "the prefilled form validates back to the same answers"
    );
    assert_eq!(engine.latest_declaration(me.id).unwrap().unwrap(), v2);
    assert_eq!(engine.declaration_history(me.id).unwrap(), vec![v1, v2]);

    // The child may not reuse the parent's ID number.
    let err = engine.save_declaration(child.id, ts::declaration()).unwrap_err();
    assert_eq!(err.code(), "document_in_use");
    let mut own = ts::declaration();
    own.id_number = crate::declaration::IdNumber::Passport("C1234567".into());
    engine.save_declaration(child.id, own).unwrap();
    // Invalid forms come back with every bad field, and nothing is stored.
    let mut bad = DeclarationForm::from(&ts::declaration());
    bad.full_name = String::new();
    bad.phone = "12345".into();
    match engine.declare(me.id, &bad).unwrap_err() {
        EngineError::Invalid(errors) => {
            let fields: Vec<_> = errors.errors.iter().map(|e| e.field.as_str()).collect();
            assert!(
                fields.contains(&"full_name") && fields.contains(&"phone"),
                "{fields:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(engine.declaration_history(me.id).unwrap().len(), 2);
    let unknown = crate::ids::PersonId::random();
    assert!(matches!(
        engine.declare(unknown, &DeclarationForm::from(&ts::declaration())),
        Err(EngineError::NotFound(Missing::Person))
    ));
}

#[test]
fn daily_reports_one_per_day_within_the_episode() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let me = engine.add_person(Relation::Myself).unwrap();
    let new = |start, end| NewEpisode {
        person: me.id,
        kind: QuarantineKind::Home,
        place: None,
        start,
        expected_end: end,
        utc_offset_minutes: 420,
    };
    let d0 = ts::day();
    assert_eq!(
        engine
            .start_quarantine(new(d0, d0 - chrono::Days::new(1)))
            .unwrap_err()
            .code(),
        "episode_end_before_start"
    );
    let ep = engine
        .start_quarantine(new(d0, d0 + chrono::Days::new(13)))
        .unwrap()
        .episode;
    let first = engine
        .report_day(
            ep.id,
            &ReportInput {
                temperature: "38.0".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let again = engine
        .report_day(
            ep.id,
            &ReportInput {
                temperature: "36,9".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(first.id, again.id, "the same day's report is replaced");
    assert_eq!(again.temperature_decidegrees, Some(369));
    assert_eq!(engine.reports(ep.id).unwrap(), vec![again.clone()]);
    let statuses = engine.day_statuses(ep.id).unwrap();
    assert_eq!(statuses.len(), 14);
    assert_eq!(statuses[0].report, Some(again.id));
    assert!(statuses[0].status.is_done());
    assert!(engine.next_reminder(ep.id).unwrap().is_some());
    let err = engine.report_day(
        ep.id,
        &ReportInput {
            temperature: "hot".into(),
            ..Default::default()
        },
    );
    assert_eq!(err.unwrap_err().code(), "temperature_format");
    let tomorrow = Some(d0 + chrono::Days::new(1));
    assert_eq!(
        engine
            .report_day(
                ep.id,
                &ReportInput {
                    day: tomorrow,
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code(),
        "report_day_in_future"
    );
    let before = Some(d0 - chrono::Days::new(1));
    assert_eq!(
        engine
            .report_day(
                ep.id,
                &ReportInput {
                    day: before,
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code(),
        "report_day_outside_episode"
    );
    let extended = engine
        .extend_quarantine(ep.id, d0 + chrono::Days::new(20))
        .unwrap();
    assert_eq!(extended.expected_end, d0 + chrono::Days::new(20));
    let ended = engine.end_quarantine(ep.id, d0).unwrap();
    assert_eq!(ended.ended_on, Some(d0));
    assert_eq!(engine.episodes(me.id).unwrap(), vec![ended]);
    assert_eq!(
        engine
            .extend_quarantine(ep.id, d0 + chrono::Days::new(30))
            .unwrap_err()
            .code(),
        "episode_already_ended"
    );
}

#[test]
fn purge_deletes_what_is_past_retention_and_sent() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let me = fill(&engine, &clock);
    // A second version of the declaration, so that the first one can expire.
    let v2 = engine
        .declare(me.id, &engine.declaration_form(me.id).unwrap().unwrap())
        .unwrap();
    // Nothing is old yet; nothing is sent yet.
    let nothing = PurgeReport::new(&RetentionPolicy::default());
    assert_eq!(engine.purge().unwrap(), nothing);

    let sent: Vec<_> = engine.pending_outbox(2).unwrap().iter().map(|e| e.id).collect();
    engine.mark_outbox_sent(&sent).unwrap();
    assert_eq!(
        engine.purge().unwrap(),
        PurgeReport {
            outbox_sent: 2,
            ..nothing
        }
    );

    // Twenty days on, a fresh visit; then past the 21 days of the first records.
    clock.advance(Duration::days(20));
    let recent = engine.check_in(ts::checkpoint(7)).unwrap().visit;
    engine.check_out().unwrap();
    clock.advance(Duration::days(15));
    let report = engine.purge().unwrap();
    assert_eq!(report.declarations, 1);
    assert_eq!(report.visits, 2);
    assert_eq!(report.episodes, 1);
    assert_eq!(report.reports, 1);
    assert_eq!(report.outbox_sent, 0, "nothing was sent since");
    assert!(
        report.outbox_expired >= 5,
        "unsent and past retention: {report:?}"
    );
    assert_eq!(
        engine.visits().unwrap().iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![recent.id]
    );
    assert_eq!(
        engine.declaration_history(me.id).unwrap(),
        vec![v2],
        "the newest version is always kept"
    );
    assert!(engine.episodes(me.id).unwrap().is_empty());
    assert_eq!(
        engine.persons().unwrap(),
        vec![me],
        "persons hold no personal data and stay"
    );
    // The recent visit's own outbox entries are within retention and unsent: kept.
    let left: Vec<_> = engine.pending_outbox(100).unwrap();
    assert!(left.iter().all(|e| matches!(&e.event, OutboxEvent::VisitCheckedIn(v) | OutboxEvent::VisitCheckedOut(v) if v.id == recent.id)));
    assert_eq!(left.len(), 2);
}

#[test]
fn export_is_all_the_data_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let me = fill(&engine, &clock);
    let export = engine.export().unwrap();
    assert_eq!(export.persons.len(), 1);
    assert_eq!(export.persons[0].person, me);
    assert_eq!(export.persons[0].declarations[0].declaration, ts::declaration());
    assert_eq!(export.visits.len(), 2);
    assert!(export.visits[0].checked_in_at > export.visits[1].checked_in_at);
    assert_eq!(export.quarantine[0].reports.len(), 1);
    assert_eq!(export.outbox.len(), 7);
    assert_eq!(
        export.quarantine[0].reports[0].note.as_deref(),
        Some(ts::REPORT_NOTE)
    );
    let json = serde_json::to_value(&export).unwrap();
    let back: Export = serde_json::from_value(json).unwrap();
    assert_eq!(back, export);
}

#[test]
fn wipe_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    fill(&engine, &clock);
    let db = engine.database_path();
    assert_eq!(engine.integrity_check().unwrap(), "ok");
    engine.wipe().unwrap();
    assert!(ts::read_store_files(&db).is_empty());
    let engine = open_at(dir.path(), clock);
    assert!(engine.persons().unwrap().is_empty());
}

#[test]
fn errors_are_localized() {
    let all = [
        EngineError::WrongKey,
        EngineError::NoPassphrase,
        EngineError::NewerVersion,
        EngineError::NotFound(Missing::Visit),
        EngineError::Rejected(Rejection::DocumentInUse),
        EngineError::Rejected(Rejection::Visit(crate::visit::VisitError::Overlap)),
    ];
    for err in all {
        let msg = err.msg();
        assert!(
            !msg.vi.is_empty() && !msg.en.is_empty() && msg.vi != msg.en,
            "{err:?}"
        );
        assert!(err.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
}

#[test]
fn the_engine_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Engine>();
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(open_at(dir.path(), clock()));
    let handles: Vec<_> = (0..4u64)
        .map(|i| {
            let engine = engine.clone();
            std::thread::spawn(move || engine.check_in(ts::checkpoint(i)).map(|c| c.visit.id))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let visits = engine.visits().unwrap();
    assert_eq!(visits.len(), 4);
    assert_eq!(
        visits.iter().filter(|v| v.end == VisitEnd::Open).count(),
        1,
        "one open visit at a time"
    );
}

#[test]
fn a_garbage_or_newer_file_is_named_never_misread() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tokhai.db"), vec![0x5a; 8192]).unwrap();
    let err = Engine::open_with(dir.path(), key(), clock(), Policy::default()).unwrap_err();
    assert_eq!(err.code(), "data_damaged", "{err:?}");

    let dir = tempfile::tempdir().unwrap();
    let engine = open_at(dir.path(), clock());
    engine
        .with_conn(|c| c.pragma_update(None, "user_version", 99))
        .unwrap();
    drop(engine);
    let err = Engine::open_with(dir.path(), key(), clock(), Policy::default()).unwrap_err();
    assert_eq!(err.code(), "newer_version", "{err:?}");
}

/// A check-in records who checked in: the account holder, also when a dependant was added later (the
/// server names the contact after this person, issue 9).
#[test]
fn a_check_in_names_the_account_holder() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let me = engine.add_person(Relation::Myself).unwrap();
    engine.add_person(Relation::Child).unwrap();
    let visit = engine.check_in(ts::checkpoint(7)).unwrap().visit;
    assert_eq!(visit.person, Some(me.id));
    assert_eq!(engine.visits().unwrap()[0].person, Some(me.id));
    let sent = engine.pending_outbox(100).unwrap();
    assert!(
        sent.iter()
            .any(|e| matches!(&e.event, OutboxEvent::VisitCheckedIn(v) if v.person == Some(me.id))),
        "the upload carries the person"
    );
}

/// `start_quarantine` during an open quarantine extends it (issue 9): one episode, reports in it.
#[test]
fn a_second_quarantine_start_extends_the_open_one() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let engine = open_at(dir.path(), clock.clone());
    let me = engine.add_person(Relation::Myself).unwrap();
    let d0 = ts::day();
    let new = |start, days: u64, kind| NewEpisode {
        person: me.id,
        kind,
        place: None,
        start,
        expected_end: start + chrono::Days::new(days),
        utc_offset_minutes: 420,
    };
    let first = engine.start_quarantine(new(d0, 6, QuarantineKind::Home)).unwrap();
    assert!(!first.extended);
    let second = engine
        .start_quarantine(new(d0 + chrono::Days::new(2), 13, QuarantineKind::Facility))
        .unwrap();
    assert!(second.extended);
    assert_eq!(second.episode.id, first.episode.id);
    assert_eq!(second.episode.expected_end, d0 + chrono::Days::new(15));
    assert_eq!(engine.episodes(me.id).unwrap().len(), 1);
    let current = engine.current_episode(me.id, None).unwrap().unwrap();
    assert_eq!(current.id, first.episode.id);
    engine.end_quarantine(current.id, d0).unwrap();
    // Ended today: a new order from today would share the day; refused with the earlier last day.
    let err = engine
        .start_quarantine(new(d0, 6, QuarantineKind::Home))
        .unwrap_err();
    assert_eq!(err.code(), "episode_overlaps_earlier");
}
