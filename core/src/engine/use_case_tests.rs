//! Tests of the use cases front ends call: trust from the first minute, check-in from codes, photos and
//! fallback codes, dependants, the engine's own automatic check-out, wake-ups and events.

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::Duration;

use super::*;
use crate::clock::{Clock, FixedClock};
use crate::crypto::FixedKeyProvider;
use crate::declaration::{DeclarationForm, Relation};
use crate::i18n::Localized;
use crate::ids::CheckpointId;
use crate::qr::{CheckpointPayload, KeyId, QrError, Signer, TrustList, TrustedKey};
use crate::test_support as ts;
use crate::visit::{CheckpointKind, VisitEnd};

fn signer(id: u32, seed: u8) -> Signer {
    Signer::from_seed(KeyId(id), &[seed; 32]).unwrap()
}

fn list_of(s: &Signer) -> TrustList {
    TrustList {
        keys: vec![TrustedKey {
            id: s.key_id(),
            public_key: s.public_key(),
            not_before: ts::mark_time() - Duration::days(30),
            not_after: None,
        }],
        ..TrustList::default()
    }
}

fn code(s: &Signer, id: u64, clock: &dyn Clock) -> String {
    s.sign_checkpoint(&CheckpointPayload {
        id: CheckpointId(id),
        parent: None,
        name: ts::CHECKPOINT_NAME.into(),
        kind: CheckpointKind::Market,
        ward: ts::WARD_CODE,
        street: ts::CHECKPOINT_STREET.into(),
        default_stay_minutes: Some(60),
        issued_at: clock.now() - Duration::hours(1),
        valid_from: None,
        valid_until: None,
    })
    .unwrap()
    .text
}

fn open(dir: &Path, clock: Arc<FixedClock>, deployment: Deployment) -> Engine {
    Engine::open_for(
        dir,
        Arc::new(FixedKeyProvider::new([0x21; 32])),
        clock,
        Policy::default(),
        deployment,
    )
    .unwrap()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(ts::mark_time()))
}

#[test]
fn a_fresh_install_checks_in_offline_at_its_deployments_checkpoint() {
    let issuer = signer(4, 9);
    let deployment = Deployment {
        trusted_keys: list_of(&issuer),
    };
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    // A data folder never synced: no feed, no key added by hand.
    let e = open(dir.path(), clock.clone(), deployment);
    let c = e.check_in_code(&code(&issuer, 7, clock.as_ref()), &[]).unwrap();
    assert_eq!(c.visit.checkpoint.id, CheckpointId(7));
    assert_eq!(c.auto_check_out_at, Some(ts::mark_time() + Duration::minutes(60)));
    // Another deployment's code is refused, with the code and words of an unknown key.
    let other = signer(5, 8);
    let err = e
        .check_in_code(&code(&other, 8, clock.as_ref()), &[])
        .unwrap_err();
    assert!(matches!(err, EngineError::Code(QrError::UnknownKey)), "{err:?}");
    assert_eq!(err.code(), "qr_unknown_key");
    assert_eq!(
        e.visits().unwrap().len(),
        1,
        "nothing recorded for a refused code"
    );
}

#[test]
fn the_built_in_deployment_is_the_build_time_list() {
    let built = Deployment::built_in().unwrap();
    assert_eq!(
        built.trusted_keys,
        crate::qr::TrustStore::builtin().unwrap().to_list(),
        "one place: TOKHAI_TRUSTED_KEYS_JSON at build time, else core/data/trust/trusted-keys.json"
    );
}

#[test]
fn keys_added_by_hand_are_sealed_kept_and_clashes_refused() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let issuer = signer(11, 3);
    let e = open(dir.path(), clock.clone(), Deployment::default());
    let text = code(&issuer, 5, clock.as_ref());
    assert_eq!(e.check_in_code(&text, &[]).unwrap_err().code(), "qr_unknown_key");
    assert_eq!(e.add_trust_list(list_of(&issuer)).unwrap(), 1);
    // The same key again counts once; the same id with another key is refused and adds nothing.
    e.add_trust_list(list_of(&issuer)).unwrap();
    let clash = e.add_trust_list(list_of(&signer(11, 4))).unwrap_err();
    assert_eq!(clash.code(), "qr_key_duplicate");
    assert_eq!(e.trust_list().unwrap().keys.len(), 1);
    drop(e);
    let e = open(dir.path(), clock.clone(), Deployment::default());
    e.check_in_code(&text, &[]).unwrap();
    // Nothing of it is readable in the data folder: no public key in hex, nor its bytes.
    let hex: String = issuer.public_key().iter().map(|b| format!("{b:02x}")).collect();
    let db = e.database_path();
    for (name, bytes) in ts::read_store_files(&db) {
        assert!(
            ts::find_markers(&bytes, &[hex.clone(), ts::CHECKPOINT_NAME.into()]).is_empty(),
            "{name}"
        );
        assert!(
            !bytes.windows(32).any(|w| w == issuer.public_key()),
            "{name} holds the raw key"
        );
    }
    // And no other file: no trust.json beside the store.
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(crate::store::FILE_NAME))
        .collect();
    assert!(files.is_empty(), "{files:?}");
}

#[test]
fn the_checkpoint_of_a_photo_is_its_first_code_that_verifies() {
    let issuer = signer(4, 9);
    let trust = crate::qr::TrustStore::from_list(list_of(&issuer)).unwrap();
    let clock = clock();
    let good = code(&issuer, 7, clock.as_ref());
    let forged = code(&signer(4, 8), 8, clock.as_ref());
    let pick = |texts: &[&str]| pick_checkpoint(&trust, texts.iter().copied(), clock.as_ref());
    // Other codes before it do not matter.
    assert_eq!(
        pick(&["https://example.vn", &forged, &good])
            .unwrap()
            .payload()
            .id,
        CheckpointId(7)
    );
    // None verifies: the first tokhai code's refusal, not "not tokhai".
    assert_eq!(
        pick(&["https://example.vn", &forged]).unwrap_err().code(),
        "qr_bad_signature"
    );
    assert_eq!(pick(&["hello"]).unwrap_err().code(), "qr_not_tokhai");
    assert_eq!(pick(&[]).unwrap_err().code(), "no_code_in_photo");
}

#[test]
fn dependants_check_in_and_out_with_the_holder() {
    let issuer = signer(4, 9);
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let e = open(
        dir.path(),
        clock.clone(),
        Deployment {
            trusted_keys: list_of(&issuer),
        },
    );
    let me = e.add_person(Relation::Myself).unwrap();
    let kid = e.add_person(Relation::Child).unwrap();
    let gran = e.add_person(Relation::Parent).unwrap();
    let text = code(&issuer, 7, clock.as_ref());
    let c = e.check_in_code(&text, &[kid.id, gran.id, kid.id]).unwrap();
    assert_eq!(c.visit.person, Some(me.id));
    let with: Vec<_> = c.companions.iter().map(|v| v.person).collect();
    assert_eq!(with, vec![Some(kid.id), Some(gran.id)], "one visit each, once");
    assert_eq!(e.pending_outbox_count().unwrap(), 3);
    // A repeat scan records nothing and names the same companions.
    clock.advance(Duration::minutes(2));
    let again = e.check_in_code(&text, &[kid.id]).unwrap();
    assert!(again.repeat);
    assert_eq!(again.companions.len(), 2);
    assert_eq!(
        again.auto_check_out_at, c.auto_check_out_at,
        "the same visit, the same automatic check-out"
    );
    // Checking out closes all three.
    clock.advance(Duration::minutes(20));
    e.check_out().unwrap();
    let visits = e.visits().unwrap();
    assert_eq!(visits.len(), 3);
    assert!(visits.iter().all(|v| v.end == VisitEnd::CheckedOut));
    // The holder as their own companion, or somebody unknown, is refused with nothing recorded.
    clock.advance(Duration::minutes(20));
    assert_eq!(
        e.check_in_code(&text, &[me.id]).unwrap_err().code(),
        "companion_is_holder"
    );
    assert_eq!(
        e.check_in_code(&text, &[crate::ids::PersonId::random()])
            .unwrap_err()
            .code(),
        "person_not_found"
    );
    assert_eq!(e.visits().unwrap().len(), 3);
    // A dependant can be removed; the account holder cannot (wiping deletes everything).
    assert_eq!(
        e.remove_person(me.id).unwrap_err().code(),
        "remove_account_holder"
    );
    e.remove_person(gran.id).unwrap();
    assert_eq!(e.persons().unwrap().len(), 2);
}

#[test]
fn the_engine_checks_out_by_itself_and_says_so() {
    let issuer = signer(4, 9);
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let e = open(
        dir.path(),
        clock.clone(),
        Deployment {
            trusted_keys: list_of(&issuer),
        },
    );
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let sub = e.subscribe(Arc::new(move |ev: &EngineEvent| {
        sink.lock().unwrap().push(ev.clone())
    }));
    let c = e.check_in_code(&code(&issuer, 7, clock.as_ref()), &[]).unwrap();
    let wake = e.next_wakeup().unwrap().unwrap();
    assert_eq!(wake.reason, WakeReason::AutoCheckOut);
    assert_eq!(Some(wake.at), c.auto_check_out_at);
    clock.set(wake.at + Duration::minutes(5));
    // Reading the visits is enough: the engine closes the visit first, at its automatic time.
    let v = e.visits().unwrap().remove(0);
    assert_eq!((v.end, v.checked_out_at), (VisitEnd::Auto, Some(wake.at)));
    assert_eq!(e.next_wakeup().unwrap(), None);
    let seen = events.lock().unwrap().clone();
    assert!(matches!(seen[0], EngineEvent::VisitsChanged), "{seen:?}");
    assert!(
        seen.iter()
            .any(|ev| matches!(ev, EngineEvent::AutoCheckedOut { visit } if visit.id == c.visit.id)),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .all(|ev| !ev.queues_upload() || !matches!(ev, EngineEvent::TrustChanged))
    );
    // Unsubscribed: no more events.
    assert!(e.unsubscribe(sub));
    let n = events.lock().unwrap().len();
    e.add_person(Relation::Myself).unwrap();
    assert_eq!(events.lock().unwrap().len(), n);
}

#[test]
fn a_reminder_falls_due_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(ts::mark_time()));
    let e = open(dir.path(), clock.clone(), Deployment::default());
    let me = e.add_person(Relation::Myself).unwrap();
    e.declare(me.id, &DeclarationForm::from(&ts::declaration()))
        .unwrap();
    let today = crate::calendar::local_day(clock.now(), 420);
    e.start_quarantine(NewEpisode {
        person: me.id,
        kind: crate::health::QuarantineKind::Home,
        place: None,
        start: today,
        expected_end: today + chrono::Days::new(13),
        utc_offset_minutes: 420,
    })
    .unwrap();
    e.wake().unwrap();
    let next = e.next_wakeup().unwrap().unwrap();
    assert_eq!(next.reason, WakeReason::HealthReminder);
    clock.set(next.at + Duration::minutes(1));
    let report = e.wake().unwrap();
    assert_eq!(report.reminders_due.len(), 1);
    assert_eq!(report.reminders_due[0].at, next.at);
    assert!(report.next.unwrap().at > next.at);
    assert!(e.wake().unwrap().reminders_due.is_empty(), "told once");
}

#[test]
fn a_wiped_engine_answers_wiped() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), clock(), Deployment::default());
    let e = Arc::new(e);
    e.wipe().unwrap();
    assert_eq!(e.persons().unwrap_err().code(), "data_wiped");
    assert_eq!(e.wipe().unwrap_err().code(), "data_wiped");
}
