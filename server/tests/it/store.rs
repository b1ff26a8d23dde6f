//! Store conformance: the same checks on SQLite and PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokhai_server::store::*;

use crate::support::{Env, both};

fn visit(id: u8, subject: u8, cp: i64, cin: i64, out: Option<i64>, end: &str) -> VisitRow {
    VisitRow {
        id: vec![id; 16],
        account_id: Some(1),
        subject: vec![subject; 16],
        checkpoint_id: cp,
        checked_in_at: cin,
        checked_out_at: out,
        ends_at: out.unwrap_or(cin + 3_600_000),
        end_kind: end.into(),
        edited: false,
        source: "self".into(),
        received_at: cin,
        person_id: None,
        scanned_by: None,
    }
}

async fn account(store: &dyn Store, n: u8) -> AccountRow {
    store
        .account_for_phone(&[n; 32], vec![n; 40], vec![n; 16], 1000)
        .await
        .unwrap()
}

both!(
    accounts_sessions_and_codes,
    visits_are_idempotent_and_merged,
    overlap_contacts_match_the_reference,
    feed_cursor_never_skips,
    purge_and_reopen
);

async fn accounts_sessions_and_codes(env: Env) {
    let store = env.state.store().as_ref();
    let a = account(store, 1).await;
    let again = store
        .account_for_phone(&[1; 32], vec![9; 40], vec![9; 16], 2000)
        .await
        .unwrap();
    assert_eq!(a, again, "get-or-create keeps the first account");
    assert_eq!(
        store.account_by_subject(&[1; 16]).await.unwrap().unwrap().id,
        a.id
    );
    store
        .set_scopes(
            a.id,
            &[
                Scope {
                    province: 79,
                    ward: 0,
                },
                Scope { province: 1, ward: 7 },
            ],
        )
        .await
        .unwrap();
    assert_eq!(store.scopes(a.id).await.unwrap().len(), 2);
    store.set_admin(a.id, true).await.unwrap();
    assert!(store.account(a.id).await.unwrap().unwrap().is_admin);

    store.insert_session(b"tok", a.id, 1000, 5000).await.unwrap();
    assert_eq!(store.session_account(b"tok", 4999).await.unwrap(), Some(a.id));
    assert_eq!(
        store.session_account(b"tok", 5000).await.unwrap(),
        None,
        "expired"
    );
    assert!(store.delete_session(b"tok").await.unwrap());
    assert_eq!(store.session_account(b"tok", 1000).await.unwrap(), None);

    let id = store
        .insert_otp(NewOtp {
            phone_hash: vec![1],
            client_hash: vec![2],
            code_hash: vec![3],
            created_at: 100,
            expires_at: 400,
        })
        .await
        .unwrap();
    // Limits: all counters of a request or none; each window counts on its own.
    let take = |bucket: &[u8], window_start, max| LimitTake {
        bucket: bucket.to_vec(),
        window_start,
        max,
    };
    let both_ = [take(b"a", 0, 2), take(b"b", 0, 1)];
    assert_eq!(store.take_limits(&both_).await.unwrap(), None);
    assert_eq!(store.take_limits(&both_).await.unwrap(), Some(1), "b is full");
    assert_eq!(
        store.take_limits(&[take(b"a", 0, 2)]).await.unwrap(),
        None,
        "the refused request took nothing from a"
    );
    assert_eq!(store.take_limits(&[take(b"a", 0, 2)]).await.unwrap(), Some(0));
    assert_eq!(
        store.take_limits(&[take(b"a", 3_600_000, 2)]).await.unwrap(),
        None
    );
    assert_eq!(store.take_limits(&[take(b"c", 0, 0)]).await.unwrap(), Some(0));
    for _ in 0..5 {
        assert!(store.otp_take_attempt(id, 5, 200).await.unwrap());
    }
    assert!(
        !store.otp_take_attempt(id, 5, 200).await.unwrap(),
        "a sixth try is refused"
    );
    assert!(store.otp_mark_used(id).await.unwrap());
    assert!(!store.otp_mark_used(id).await.unwrap(), "single use");

    store.insert_captcha(b"c1", b"hash", 500).await.unwrap();
    assert_eq!(store.take_captcha(b"c1", 600).await.unwrap(), None, "expired");
    store.insert_captcha(b"c2", b"hash", 500).await.unwrap();
    assert_eq!(
        store.take_captcha(b"c2", 100).await.unwrap(),
        Some(b"hash".to_vec())
    );
    assert_eq!(store.take_captcha(b"c2", 100).await.unwrap(), None, "single use");
    assert_eq!(store.meta_insert_or_get("k", vec![1]).await.unwrap(), vec![1]);
    assert_eq!(store.meta_insert_or_get("k", vec![2]).await.unwrap(), vec![1]);
}

async fn visits_are_idempotent_and_merged(env: Env) {
    let store = env.state.store().as_ref();
    let v1 = visit(1, 7, 10, 1_000_000, None, "open");
    let v2 = visit(2, 8, 10, 1_500_000, Some(2_000_000), "checked_out");
    let out = store
        .upsert_visits(vec![v1.clone(), v2.clone(), v1.clone()])
        .await
        .unwrap();
    assert_eq!(out, vec![Upsert::Inserted, Upsert::Inserted, Upsert::Duplicate]);
    assert_eq!(
        store.upsert_visits(vec![v2.clone()]).await.unwrap(),
        vec![Upsert::Duplicate]
    );
    let mut closed = v1.clone();
    closed.checked_out_at = Some(1_200_000);
    closed.ends_at = 1_200_000;
    closed.end_kind = "checked_out".into();
    assert_eq!(
        store.upsert_visits(vec![closed.clone()]).await.unwrap(),
        vec![Upsert::Updated]
    );
    let mut other = v1.clone();
    other.account_id = Some(2);
    assert_eq!(
        store.upsert_visits(vec![other]).await.unwrap(),
        vec![Upsert::Conflict]
    );

    // Overlap queries, occupancy, check-out-everyone and the share of real check-outs.
    let v3 = visit(3, 9, 10, 1_100_000, None, "open");
    store.upsert_visits(vec![v3.clone()]).await.unwrap();
    let found = store
        .visits_overlapping(&[10], 1_150_000, 1_160_000, 100)
        .await
        .unwrap();
    let ids: BTreeSet<u8> = found.iter().map(|v| v.id[0]).collect();
    assert_eq!(ids, [1, 3].into_iter().collect());
    assert_eq!(
        store
            .visits_of_subject(&[7; 16], 0, i64::MAX)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.occupancy(&[10]).await.unwrap(), 1);
    assert_eq!(store.check_out_all(&[10], 1_300_000).await.unwrap(), 1);
    assert_eq!(store.occupancy(&[10]).await.unwrap(), 0);
    assert_eq!(store.checkout_share(&[10], 0, i64::MAX).await.unwrap(), (3, 2));
    // The device's still-open copy does not reopen a visit the manager closed.
    assert_eq!(store.upsert_visits(vec![v3]).await.unwrap(), vec![Upsert::Kept]);
}

async fn feed_cursor_never_skips(env: Env) {
    let store: Arc<dyn Store> = env.state.store().clone();
    let start = store
        .feed_since(0, 1000)
        .await
        .unwrap()
        .last()
        .map_or(0, |f| f.seq);
    // Writers commit concurrently while a reader pulls with the cursors the feed gives it.
    let mut writers = Vec::new();
    for w in 0..4i64 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..25i64 {
                store
                    .set_safety_level(79, w * 1000 + i, 1 + i % 4, 1, 10)
                    .await
                    .unwrap();
            }
        }));
    }
    let mut cursor = start;
    let mut seen = Vec::new();
    let reader = async {
        loop {
            let done = writers.iter().all(|w| w.is_finished());
            let page = store.feed_since(cursor, 7).await.unwrap();
            for item in &page {
                seen.push(item.key.clone());
                cursor = item.seq;
            }
            if done && page.is_empty() {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    reader.await;
    for w in writers {
        w.await.unwrap();
    }
    let all: Vec<String> = store
        .feed_since(start, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.key)
        .collect();
    assert_eq!(all.len(), 100);
    assert_eq!(seen, all, "the reader saw every entry, in order, exactly once");
}

async fn purge_and_reopen(env: Env) {
    let store = env.state.store().as_ref();
    let a = account(store, 3).await;
    store
        .upsert_visits(vec![visit(1, 1, 10, 1_000, Some(2_000), "checked_out")])
        .await
        .unwrap();
    store
        .upsert_visits(vec![visit(2, 1, 10, 90_000_000, Some(90_001_000), "checked_out")])
        .await
        .unwrap();
    store.insert_session(b"old", a.id, 0, 10).await.unwrap();
    let counts = store.purge(50_000_000, 100).await.unwrap();
    assert_eq!(counts.visits, 1);
    assert_eq!(counts.expired, 1);
    assert_eq!(
        store
            .visits_of_subject(&[1; 16], 0, i64::MAX)
            .await
            .unwrap()
            .len(),
        1
    );
    // Opening the same database again (migrations already applied) keeps the data.
    let url = match &env.pg {
        Some(pg) => StoreUrl::Postgres(pg.url()),
        None => StoreUrl::Sqlite(env.dir.path().join("t.sqlite3")),
    };
    let again = open_store(&url, 2).await.unwrap();
    assert_eq!(again.account(a.id).await.unwrap().unwrap().id, a.id);
}

const H: i64 = 3_600_000;

async fn checkpoint(store: &dyn Store, manager: i64, parent: Option<i64>) -> CheckpointRow {
    store
        .insert_checkpoint(NewCheckpoint {
            parent_id: parent,
            manager_id: manager,
            info: CheckpointInfo {
                name: "Chợ".into(),
                kind: "market".into(),
                scheme: "v2025".into(),
                province: 79,
                district: None,
                ward: 26743,
                latitude: None,
                longitude: None,
                street: "Lê Lợi".into(),
                description: String::new(),
                default_stay_minutes: None,
            },
            phone_hash: vec![0; 32],
            phone_sealed: vec![0; 40],
            now: 0,
        })
        .await
        .unwrap()
}

/// What `overlap_contacts` must answer, pair by pair with `overlap_ms` and `contact_start`.
fn reference(
    stored: &[VisitRow],
    followed: &[(Vec<u8>, Millis)],
    to: Millis,
    now: Millis,
    buffer: Millis,
    same_place: impl Fn(i64, i64) -> bool,
) -> BTreeMap<(Vec<u8>, i64), (Millis, Millis)> {
    let mut out = BTreeMap::new();
    for (subject, start) in followed {
        let own = stored
            .iter()
            .filter(|s| &s.subject == subject && s.checked_in_at >= *start && s.checked_in_at < to);
        for s in own {
            for o in stored
                .iter()
                .filter(|o| o.subject != s.subject && same_place(s.checkpoint_id, o.checkpoint_id))
            {
                let ms = tokhai_server::overlap_ms(
                    s.checked_in_at,
                    s.ends_at,
                    o.checked_in_at,
                    o.ends_at,
                    buffer,
                    now,
                );
                if ms > 0 {
                    let first = tokhai_server::contact_start(s.checked_in_at, o.checked_in_at, buffer);
                    let e = out
                        .entry((o.subject.clone(), o.checkpoint_id))
                        .or_insert((0, Millis::MAX));
                    e.0 += ms;
                    e.1 = e.1.min(first);
                }
            }
        }
    }
    out
}

/// The store's contact intervals summed per (person met, checkpoint), the earliest start kept: what the
/// reference computes pair by pair.
fn sum_parts(
    mut acc: BTreeMap<(Vec<u8>, i64), (Millis, Millis)>,
    p: tokhai_server::store::ContactPart,
) -> BTreeMap<(Vec<u8>, i64), (Millis, Millis)> {
    let e = acc
        .entry((p.subject, p.checkpoint_id))
        .or_insert((0, p.first_contact));
    e.0 += p.overlap_ms;
    e.1 = e.1.min(p.first_contact);
    acc
}

async fn overlap_contacts_match_the_reference(env: Env) {
    let store = env.state.store().as_ref();
    let manager = account(store, 1).await;
    let root = checkpoint(store, manager.id, None).await;
    let room = checkpoint(store, manager.id, Some(root.id)).await;
    let elsewhere = checkpoint(store, manager.id, None).await;
    let (x, y, z) = (root.id, room.id, elsewhere.id);
    let t = 100 * H;
    let mut n = 0u8;
    let mut v = |subject: u8, cp: i64, cin: i64, out: i64| {
        n += 1;
        visit(n, subject, cp, cin, Some(out), "checked_out")
    };
    let rows = vec![
        v(1, x, t + 10 * H, t + 11 * H),                   // the case at X
        v(1, x, t + 2 * H, t + 3 * H),                     // the case, before the followed start
        v(1, z, t + 20 * H, t + 21 * H),                   // the case elsewhere, later
        v(2, x, t + 10 * H + H / 2, t + 11 * H),           // F1: 30 min
        v(2, z, t + 20 * H + H / 4, t + 22 * H),           // F1 again, elsewhere: 45 min
        v(3, x, t, t + 20 * H),                            // a long stay (20 h) that began 10 h earlier
        v(4, y, t + 10 * H, t + 11 * H),                   // another room of the building
        v(5, x, t + 11 * H + H / 6, t + 12 * H),           // 10 min after: only with a buffer
        v(6, x, t + 2 * H, t + 3 * H),                     // met the case before the followed start
        v(7, x, t + 10 * H - 23 * H, t + 10 * H + 72 * H), // three days: stored as 24 h
        v(8, z, t + 9 * H, t + 10 * H),                    // elsewhere
        v(9, x, t + 11 * H, t + 12 * H),                   // touches the end: no overlap without buffer
    ];
    let stored: Vec<VisitRow> = rows
        .iter()
        .cloned()
        .map(|mut r| {
            r.ends_at = r.ends_at.min(r.checked_in_at + MAX_VISIT_MS);
            r
        })
        .collect();
    let out = store.upsert_visits(rows).await.unwrap();
    assert!(out.iter().all(|u| *u == Upsert::Inserted));
    assert_eq!(
        store.visits_of_subject(&[7; 16], 0, i64::MAX).await.unwrap()[0].ends_at,
        t + 10 * H - 23 * H + MAX_VISIT_MS,
        "a stay is clamped to MAX_VISIT_MS when stored"
    );
    let roots: BTreeMap<i64, i64> = [(x, x), (y, x), (z, z)].into_iter().collect();
    let followed = vec![(vec![1u8; 16], t + 5 * H), (vec![2u8; 16], t + 10 * H)];
    for (building, buffer) in [(false, 0), (false, 15 * 60_000), (true, 0), (true, 15 * 60_000)] {
        let same = |a: i64, b: i64| if building { roots[&a] == roots[&b] } else { a == b };
        let want = reference(&stored, &followed, t + 50 * H, t + 50 * H, buffer, same);
        let got: BTreeMap<(Vec<u8>, i64), (Millis, Millis)> = store
            .overlap_contacts(&followed, t + 50 * H, t + 50 * H, buffer, building, 1000)
            .await
            .unwrap()
            .into_iter()
            .fold(BTreeMap::new(), sum_parts);
        assert_eq!(got, want, "building {building}, buffer {buffer}");
        // The long stays are found: 20 h from 10 h before, and the three-day one clamped to 24 h.
        assert_eq!(got.get(&(vec![3; 16], x)).map(|p| p.0 >= H), Some(true));
        assert_eq!(got.get(&(vec![7; 16], x)).map(|p| p.0 >= H), Some(true));
        assert!(!got.contains_key(&(vec![6; 16], x)), "before the followed start");
        assert_eq!(got.contains_key(&(vec![4; 16], y)), building);
        assert_eq!(got.contains_key(&(vec![5; 16], x)), buffer > 0);
        assert_eq!(got.contains_key(&(vec![9; 16], x)), buffer > 0);
    }
    // Traced while the stays are still going on (45 min after the case arrived at X): nothing counts
    // after now — the long stay of 3 and the case's own stay have not ended yet.
    let now = t + 10 * H + 3 * H / 4;
    for buffer in [0, 15 * 60_000] {
        let same = |a: i64, b: i64| a == b;
        let want = reference(&stored, &followed, now + 60_000, now, buffer, same);
        let got: BTreeMap<(Vec<u8>, i64), (Millis, Millis)> = store
            .overlap_contacts(&followed, now + 60_000, now, buffer, false, 1000)
            .await
            .unwrap()
            .into_iter()
            .fold(BTreeMap::new(), sum_parts);
        assert_eq!(got, want, "traced during the stays, buffer {buffer}");
        assert_eq!(got.get(&(vec![2; 16], x)).map(|p| p.0), Some(H / 4));
        // 3 met the case (45 min) and 2 (15 min), each widened by the buffer before.
        assert_eq!(got.get(&(vec![3; 16], x)).map(|p| p.0), Some(H + 2 * buffer));
        assert!(!got.contains_key(&(vec![5; 16], x)), "arrives after now");
    }
    // A visit checked out by the checkpoint days later ends, for overlaps, 24 h after arrival.
    let open = visit(200, 10, z, t, None, "open");
    store.upsert_visits(vec![open]).await.unwrap();
    store.check_out_all(&[z], t + 80 * H).await.unwrap();
    let v = &store.visits_of_subject(&[10; 16], 0, i64::MAX).await.unwrap()[0];
    assert_eq!(
        (v.checked_out_at, v.ends_at),
        (Some(t + 80 * H), t + MAX_VISIT_MS)
    );
}
