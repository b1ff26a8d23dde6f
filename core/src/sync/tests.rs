//! Unit tests of the sync client: every pure piece, then whole runs over an in-memory transport.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::clock::{Clock as _, FixedClock};
use crate::crypto::FixedKeyProvider;
use crate::engine::{Engine, Policy};
use crate::ids::{CheckpointId, OutboxId, VisitId};
use crate::protocol::*;
use crate::store::{OutboxEntry, OutboxEvent};
use crate::test_support as ts;
use crate::visit::{Visit, VisitEnd};

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 20, h, m, 0).unwrap()
}

fn entry(event: OutboxEvent) -> OutboxEntry {
    OutboxEntry {
        id: OutboxId::random(),
        created_at: t(8, 0),
        event,
    }
}

fn closed(mut v: Visit, at: DateTime<Utc>) -> Visit {
    v.checked_out_at = Some(at);
    v.end = VisitEnd::CheckedOut;
    v
}

// ---- planning ----

#[test]
fn plan_sends_the_newest_version_once_covering_every_entry() {
    let v = ts::visit(1, t(8, 0));
    let w = ts::visit(2, t(9, 0));
    let entries = vec![
        entry(OutboxEvent::VisitCheckedIn(v.clone())),
        entry(OutboxEvent::VisitCheckedIn(w.clone())),
        entry(OutboxEvent::VisitCheckedOut(closed(v.clone(), t(8, 30)))),
    ];
    let batches = plan_batches(&entries, MAX_BATCH);
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    assert_eq!(b.body.visits.len(), 2);
    assert_eq!(b.body.visits[0].id, v.id, "first-seen order kept");
    assert_eq!(
        b.body.visits[0].checked_out_at,
        Some(t(8, 30)),
        "newest version sent"
    );
    assert_eq!(b.covers[0].entries, vec![entries[0].id, entries[2].id]);
    assert_eq!(b.covers[1].entries, vec![entries[1].id]);
}

#[test]
fn plan_splits_into_batches_of_at_most_500() {
    let entries: Vec<_> = (0..1_201)
        .map(|i| entry(OutboxEvent::VisitCheckedIn(ts::visit(i, t(8, 0)))))
        .collect();
    let sizes: Vec<_> = plan_batches(&entries, 10_000)
        .iter()
        .map(|b| b.body.len())
        .collect();
    assert_eq!(sizes, vec![500, 500, 201]);
    assert_eq!(plan_batches(&entries, 100).len(), 13);
    assert!(plan_batches(&[], 500).is_empty());
}

// ---- merging ----

fn answer(batch: &Batch, statuses: &[(&str, Option<&str>)]) -> UploadResult {
    UploadResult {
        items: batch
            .covers
            .iter()
            .zip(statuses)
            .map(|(c, (s, code))| ItemResult {
                kind: c.kind.clone(),
                id: c.id.to_string(),
                status: (*s).into(),
                code: code.map(RefusalCode::parse),
                visit: None,
            })
            .collect(),
        server_time: t(10, 0),
        clock_offset_ms: Some(0),
    }
}

#[test]
fn merge_follows_each_status() {
    let visits: Vec<_> = (0..6).map(|i| ts::visit(i, t(8, 0))).collect();
    let entries: Vec<_> = visits
        .iter()
        .map(|v| entry(OutboxEvent::VisitCheckedIn(v.clone())))
        .collect();
    let batch = plan_batches(&entries, 500).remove(0);
    let statuses = [
        ("accepted", None),
        ("duplicate", None),
        ("updated", None),
        ("kept", None),
        ("refused", Some("in_future")),
    ];
    // The sixth item has no answer; a stray answer for an id not sent changes nothing.
    let mut a = answer(&batch, &statuses);
    a.items.push(ItemResult {
        kind: "visit".into(),
        id: Uuid::new_v4().to_string(),
        status: "accepted".into(),
        code: None,
        visit: None,
    });
    let m = merge(&batch, &a);
    assert_eq!(m.done, entries[..4].iter().map(|e| e.id).collect::<Vec<_>>());
    assert_eq!(m.failed, vec![(entries[4].id, "in_future".to_owned())]);
    assert_eq!(m.kept, vec![visits[3].id]);
    assert_eq!(m.unanswered, 1);
}

#[test]
fn an_unknown_status_leaves_the_entry_pending() {
    let entries = vec![entry(OutboxEvent::VisitCheckedIn(ts::visit(1, t(8, 0))))];
    let batch = plan_batches(&entries, 500).remove(0);
    let m = merge(&batch, &answer(&batch, &[("postponed", None)]));
    assert!(m.done.is_empty() && m.failed.is_empty());
    assert_eq!(m.unanswered, 1);
}

// ---- backoff ----

#[test]
fn backoff_ceiling_doubles_up_to_the_cap() {
    let p = BackoffPolicy::default();
    assert_eq!(p.ceiling(1), StdDuration::from_secs(5));
    assert_eq!(p.ceiling(2), StdDuration::from_secs(10));
    assert_eq!(p.ceiling(5), StdDuration::from_secs(80));
    assert_eq!(p.ceiling(20), StdDuration::from_secs(900));
    assert_eq!(p.ceiling(u32::MAX), StdDuration::from_secs(900));
    let mut j = SeededJitter::new(7);
    for f in 1..40 {
        assert!(p.delay(f, None, &mut j) < p.ceiling(f));
    }
}

#[test]
fn retry_after_is_honoured() {
    let p = BackoffPolicy::default();
    let mut j = SeededJitter::new(1);
    for f in 1..20 {
        for ra in [1, 5, 30, 120] {
            assert!(p.delay(f, Some(StdDuration::from_secs(ra)), &mut j) >= StdDuration::from_secs(ra));
        }
    }
    assert_eq!(parse_retry_after(" 5 ", t(8, 0)), Some(StdDuration::from_secs(5)));
    assert_eq!(
        parse_retry_after("Wed, 20 May 2026 08:01:00 GMT", t(8, 0)),
        Some(StdDuration::from_secs(60))
    );
    assert_eq!(parse_retry_after("soon", t(8, 0)), None);
}

/// 100 clients fail together when the server goes down (it answers 503 with `Retry-After: 5`), keep
/// retrying with backoff for the 10 minutes the outage lasts, then the server returns. At most 20% of
/// them may come back within the first minute, and no retry ever comes sooner than `Retry-After`.
#[test]
fn retries_of_100_clients_spread_out_after_an_outage() {
    let p = BackoffPolicy::default();
    let outage = 600.0;
    let retry_after = StdDuration::from_secs(5);
    let mut early_after_outage = 0;
    for client in 0..100u64 {
        let mut j = SeededJitter::new(0x5eed_0000 + client);
        let mut now = 0.0;
        let mut failures = 0;
        loop {
            failures += 1;
            let d = p.delay(failures, Some(retry_after), &mut j);
            assert!(d >= retry_after);
            now += d.as_secs_f64();
            if now >= outage {
                break;
            }
        }
        if now < outage + 60.0 {
            early_after_outage += 1;
        }
    }
    assert!(
        early_after_outage <= 20,
        "{early_after_outage} of 100 came back in the first minute"
    );
}

// ---- clock ----

#[test]
fn clock_off_by_more_than_10_minutes_is_flagged() {
    assert!(!ClockCheck::from_offset(0).is_off());
    assert!(!ClockCheck::from_offset(MAX_CLOCK_OFFSET_MS).is_off());
    assert!(!ClockCheck::from_offset(-MAX_CLOCK_OFFSET_MS).is_off());
    assert!(ClockCheck::from_offset(MAX_CLOCK_OFFSET_MS + 1).is_off());
    assert!(ClockCheck::from_offset(-86_400_000).is_off());
    assert!(ClockCheck::from_offset(i64::MIN).is_off());
    assert!(ClockCheck::from_offset(-86_400_000).msg().en.contains("ahead"));
    assert!(ClockCheck::from_offset(86_400_000).msg().en.contains("behind"));
}

// ---- exposure matching ----

fn window(id: i64, cp: u64, from: DateTime<Utc>, to: DateTime<Utc>) -> ExposureEntry {
    ExposureEntry {
        id,
        checkpoint: cp,
        starts_at: from,
        ends_at: to,
        advice: "Theo dõi sức khỏe 14 ngày".into(),
    }
}

fn matched(visits: &[Visit], windows: &[ExposureEntry], now: DateTime<Utc>) -> Vec<Alert> {
    match_exposures(visits, windows, now, Duration::days(21))
}

#[test]
fn an_alert_reads_in_one_time_zone_with_its_plural_and_the_advice_once_per_language() {
    // 02:59–03:00 UTC is 09:59–10:00 in Vietnam.
    let v = closed(ts::visit(7, t(2, 0)), t(3, 0));
    let a = &matched(
        std::slice::from_ref(&v),
        &[window(1, 7, t(2, 59), t(4, 0))],
        t(20, 0),
    )[0];
    let m = a.msg();
    assert!(
        m.en.contains("on 20/05/2026, 09:59–10:00 (Vietnam time, UTC+7), 1 minute while"),
        "{}",
        m.en
    );
    assert!(
        m.vi.contains("ngày 20/05/2026, 09:59–10:00 (giờ Việt Nam, UTC+7), trùng 1 phút"),
        "{}",
        m.vi
    );
    assert_eq!(m.en.matches("Theo dõi sức khỏe").count(), 1, "{}", m.en);
    assert_eq!(m.vi.matches("Theo dõi sức khỏe").count(), 1, "{}", m.vi);
    let a = &matched(
        std::slice::from_ref(&v),
        &[window(2, 7, t(2, 0), t(2, 2))],
        t(20, 0),
    )[0];
    assert!(a.msg().en.contains("2 minutes while"), "{}", a.msg().en);
    // Past midnight in Vietnam (16:59–17:01 UTC): the end names its day.
    let late = closed(ts::visit(7, t(16, 0)), t(18, 0));
    let a = &matched(&[late], &[window(3, 7, t(16, 59), t(17, 1))], t(20, 0))[0];
    assert!(
        a.msg()
            .en
            .contains("on 20/05/2026, 23:59–00:01 21/05/2026 (Vietnam time"),
        "{}",
        a.msg().en
    );
}

#[test]
fn exposure_overlap_edges() {
    let v = closed(ts::visit(7, t(9, 0)), t(10, 0));
    let now = t(20, 0);
    // Touching at either edge: no alert.
    assert!(matched(std::slice::from_ref(&v), &[window(1, 7, t(10, 0), t(11, 0))], now).is_empty());
    assert!(matched(std::slice::from_ref(&v), &[window(1, 7, t(8, 0), t(9, 0))], now).is_empty());
    // Another checkpoint: no alert.
    assert!(matched(std::slice::from_ref(&v), &[window(1, 8, t(9, 0), t(10, 0))], now).is_empty());
    // One minute in: an alert of one minute.
    let a = matched(std::slice::from_ref(&v), &[window(1, 7, t(9, 59), t(11, 0))], now);
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].overlap_from, a[0].overlap_to, a[0].overlap_minutes),
        (t(9, 59), t(10, 0), 1)
    );
    // Window inside the visit, visit inside the window.
    let a = matched(std::slice::from_ref(&v), &[window(2, 7, t(9, 15), t(9, 45))], now);
    assert_eq!(a[0].overlap_minutes, 30);
    let a = matched(std::slice::from_ref(&v), &[window(3, 7, t(6, 0), t(12, 0))], now);
    assert_eq!(a[0].overlap_minutes, 60);
    assert_eq!(a[0].place, v.checkpoint.name);
    assert!(a[0].msg().en.contains("Advice: Theo dõi"));
    // A window for the enclosing checkpoint covers its rooms.
    let mut room = v.clone();
    room.checkpoint.id = CheckpointId(70);
    room.checkpoint.parent = Some(CheckpointId(7));
    assert_eq!(matched(&[room], &[window(4, 7, t(9, 0), t(9, 30))], now).len(), 1);
    // An empty or inverted window matches nothing.
    assert!(matched(&[v], &[window(5, 7, t(9, 30), t(9, 30))], now).is_empty());
}

#[test]
fn exposure_across_midnight_and_open_visits() {
    // 23:30–00:30 Vietnam time is 16:30–17:30 UTC; the window is the next local day 00:00–01:00.
    let v = closed(ts::visit(7, t(16, 30)), t(17, 30));
    let a = matched(&[v], &[window(1, 7, t(17, 0), t(18, 0))], t(23, 0));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].overlap_minutes, 30);
    assert_eq!(a[0].day, chrono::NaiveDate::from_ymd_opt(2026, 5, 21).unwrap());
    // An open visit lasts its checkpoint's usual stay (90 minutes here) but not past now.
    let open = ts::visit(7, t(8, 0));
    assert_eq!(visit_interval(&open, t(20, 0)).1, t(9, 30));
    assert_eq!(visit_interval(&open, t(8, 20)).1, t(8, 20));
    assert_eq!(
        matched(
            std::slice::from_ref(&open),
            &[window(2, 7, t(9, 29), t(12, 0))],
            t(20, 0)
        )
        .len(),
        1
    );
    assert!(matched(&[open], &[window(2, 7, t(9, 30), t(12, 0))], t(20, 0)).is_empty());
    // A visit longer than a day counts as 24 hours.
    let long = closed(ts::visit(7, t(0, 0)), t(0, 0) + Duration::days(3));
    assert_eq!(visit_interval(&long, t(0, 0)).1, t(0, 0) + Duration::days(1));
}

#[test]
fn exposure_respects_retention() {
    let v = closed(ts::visit(7, t(9, 0)), t(10, 0));
    let w = window(1, 7, t(9, 0), t(10, 0));
    assert_eq!(
        matched(
            std::slice::from_ref(&v),
            std::slice::from_ref(&w),
            t(10, 0) + Duration::days(21) - Duration::minutes(1)
        )
        .len(),
        1
    );
    assert!(matched(&[v], &[w], t(10, 0) + Duration::days(21)).is_empty());
}

// ---- scheduling ----

#[test]
fn schedule_debounces_writes_and_respects_backoff() {
    let now = t(8, 0);
    assert_eq!(due(Trigger::Start, now, None, false), now);
    assert_eq!(due(Trigger::LocalWrite, now, None, false), now + DEBOUNCE);
    let later = now + Duration::minutes(5);
    assert_eq!(due(Trigger::Timer, now, Some(later), false), later);
    assert_eq!(due(Trigger::LocalWrite, now, Some(later), false), later);
    // The network came back after an "offline" failure: at once; after a server failure: not sooner.
    assert_eq!(due(Trigger::Connectivity, now, Some(later), true), now);
    assert_eq!(due(Trigger::Connectivity, now, Some(later), false), later);
}

// ---- whole runs over an in-memory server ----

/// What the fake server does with the next upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// Stores the batch, then the answer is lost.
    CutAfterCommit,
    /// 503 with Retry-After.
    Unavailable,
}

#[derive(Debug, Default)]
struct FakeServer {
    visits: HashMap<Uuid, Visit>,
    writes: usize,
    faults: Vec<Fault>,
    feed: Vec<FeedEntry>,
    /// Visits closed by "check out everyone".
    closed_by_checkpoint: Vec<Uuid>,
    now: Option<DateTime<Utc>>,
    expired: bool,
    /// Bodies with more items are refused as too large (413).
    max_items: Option<usize>,
    uploads: usize,
    /// Staff scans received.
    scans: Vec<ScanItem>,
    /// Whether it signs personal codes (with the development key).
    signs: bool,
}

#[derive(Debug, Clone, Default)]
struct Fake(Arc<Mutex<FakeServer>>);

impl Fake {
    fn with<R>(&self, f: impl FnOnce(&mut FakeServer) -> R) -> R {
        f(&mut self.0.lock().unwrap())
    }
}

impl Transport for Fake {
    async fn request_otp(&self, _phone: &str) -> Result<(), TransportError> {
        Ok(())
    }
    async fn create_session(&self, _phone: &str, code: &str) -> Result<SessionCreated, TransportError> {
        if code == "123456" {
            Ok(SessionCreated {
                token: "tok".into(),
                expires_at: t(8, 0) + Duration::days(30),
                account: Me {
                    id: 1,
                    subject: "c3ViamVjdA".into(),
                    roles: vec!["citizen".into()],
                },
            })
        } else {
            Err(TransportError::Status {
                status: 401,
                code: "otp_wrong".into(),
                retry_after: None,
                detail: None,
            })
        }
    }
    async fn logout(&self, _token: &str) -> Result<(), TransportError> {
        Ok(())
    }
    async fn upload(&self, token: &str, body: &UploadBatch) -> Result<UploadResult, TransportError> {
        self.with(|s| {
            if token != "tok" || s.expired {
                return Err(TransportError::Status {
                    status: 401,
                    code: "unauthorized".into(),
                    retry_after: None,
                    detail: None,
                });
            }
            s.uploads += 1;
            if s.max_items.is_some_and(|m| body.len() > m) {
                return Err(TransportError::Status {
                    status: 413,
                    code: "payload_too_large".into(),
                    retry_after: None,
                    detail: None,
                });
            }
            let fault = if s.faults.is_empty() {
                Fault::None
            } else {
                s.faults.remove(0)
            };
            if fault == Fault::Unavailable {
                return Err(TransportError::Status {
                    status: 503,
                    code: "unavailable".into(),
                    retry_after: Some(StdDuration::from_secs(5)),
                    detail: None,
                });
            }
            let server_time = s.now.unwrap_or(t(12, 0));
            let mut items = Vec::new();
            for v in &body.visits {
                let id = *v.id.as_uuid();
                let status = if v.checked_in_at > server_time + Duration::minutes(10) {
                    items.push(ItemResult {
                        kind: "visit".into(),
                        id: id.to_string(),
                        status: "refused".into(),
                        code: Some("in_future".into()),
                        visit: None,
                    });
                    continue;
                } else if s.closed_by_checkpoint.contains(&id) && v.checked_out_at.is_none() {
                    "kept"
                } else {
                    match s.visits.insert(id, v.clone()) {
                        None => "accepted",
                        Some(old) if old == *v => "duplicate",
                        Some(_) => "updated",
                    }
                };
                s.writes += 1;
                items.push(ItemResult {
                    kind: "visit".into(),
                    id: id.to_string(),
                    status: status.into(),
                    code: None,
                    visit: None,
                });
            }
            if fault == Fault::CutAfterCommit {
                return Err(TransportError::Unreachable);
            }
            Ok(UploadResult {
                items,
                server_time,
                clock_offset_ms: body.client_time.map(|c| (server_time - c).num_milliseconds()),
            })
        })
    }
    async fn upload_scans(&self, _token: &str, body: &ScanBatch) -> Result<UploadResult, TransportError> {
        self.with(|s| {
            let items = body
                .scans
                .iter()
                .map(|scan| {
                    let new = !s.scans.iter().any(|k| k.id == scan.id);
                    if new {
                        s.scans.push(scan.clone());
                    }
                    ItemResult {
                        kind: "scan".into(),
                        id: scan.id.to_string(),
                        status: if new { "accepted" } else { "duplicate" }.into(),
                        code: None,
                        visit: None,
                    }
                })
                .collect();
            Ok(UploadResult {
                items,
                server_time: s.now.unwrap_or(t(12, 0)),
                clock_offset_ms: None,
            })
        })
    }
    async fn pull(&self, cursor: Option<&str>, limit: u32) -> Result<PullResult, TransportError> {
        self.with(|s| {
            let after: i64 = cursor
                .and_then(|c| c.strip_prefix("c1."))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let rest: Vec<_> = s.feed.iter().filter(|e| e.seq > after).cloned().collect();
            let items: Vec<_> = rest.iter().take(limit as usize).cloned().collect();
            let last = items.last().map_or(after, |e| e.seq);
            Ok(PullResult {
                more: rest.len() > items.len(),
                items,
                cursor: format!("c1.{last}"),
                server_time: t(12, 0),
            })
        })
    }
    async fn delete_account(&self, token: &str) -> Result<AccountDeleted, TransportError> {
        if token != "tok" {
            return Err(TransportError::Status {
                status: 401,
                code: "unauthorized".into(),
                retry_after: None,
                detail: None,
            });
        }
        Ok(AccountDeleted {
            deleted: DeletedCounts {
                visits: self.with(|s| s.visits.len()) as u64,
                ..DeletedCounts::default()
            },
            account_removed: true,
            kept: Vec::new(),
        })
    }
    async fn sign_personal(&self, _token: &str, pending: &str) -> Result<SignedCode, TransportError> {
        let not_found = TransportError::Status {
            status: 404,
            code: "not_found".into(),
            retry_after: None,
            detail: None,
        };
        if !self.with(|s| s.signs) {
            return Err(not_found);
        }
        let payload = crate::qr::decode_personal(pending)
            .map_err(|_| not_found)?
            .payload_unverified()
            .clone();
        let signed = crate::qr::dev::signer().unwrap().sign_personal(&payload).unwrap();
        Ok(SignedCode {
            code: signed.as_str().to_owned(),
            expires_at: payload.expires_at,
        })
    }
}

fn engine(dir: &Path, clock: Arc<FixedClock>) -> Engine {
    Engine::open_with(
        dir,
        Arc::new(FixedKeyProvider::new([7; 32])),
        clock,
        Policy::default(),
    )
    .unwrap()
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn run(e: &Engine, fake: &Fake) -> Result<SyncReport, SyncError> {
    block(e.sync(fake, &SyncOptions::default(), &mut SeededJitter::new(3)))
}

#[test]
fn deleting_the_server_account_signs_the_device_out() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(11, 0)));
    let e = engine(dir.path(), clock);
    let fake = Fake::default();
    assert!(matches!(
        block(e.delete_server_account(&fake)),
        Err(SyncError::NotSignedIn)
    ));
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    e.check_in(ts::checkpoint(1)).unwrap();
    run(&e, &fake).unwrap();
    let answer = block(e.delete_server_account(&fake)).unwrap();
    assert_eq!(answer.deleted.visits, 1);
    assert!(!e.sync_status().unwrap().signed_in);
    // The device's own copy stays until `wipe`.
    assert_eq!(e.visits().unwrap().len(), 1);
}

#[test]
fn nothing_is_sent_before_sign_in_and_the_status_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(11, 0)));
    let e = engine(dir.path(), clock.clone());
    e.check_in(ts::checkpoint(1)).unwrap();
    let fake = Fake::default();
    assert!(matches!(run(&e, &fake), Err(SyncError::NotSignedIn)));
    let st = e.sync_status().unwrap();
    assert_eq!(st.pending, 1);
    assert_eq!(
        st.last_error.as_ref().map(|f| f.code.as_str()),
        Some("not_signed_in")
    );
    assert!(!st.signed_in);
    assert!(block(e.sign_in(&fake, "0912345678", "000000")).is_err());
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    let r = run(&e, &fake).unwrap();
    assert_eq!((r.sent, r.pending), (1, 0));
    let st = e.sync_status().unwrap();
    assert_eq!(st.last_success, Some(t(11, 0)));
    assert_eq!(st.last_error, None);
    assert_eq!(st.next_attempt, Some(t(11, 15)));
}

#[test]
fn entries_are_done_only_after_the_server_confirmed_them() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(8, 0)));
    let e = engine(dir.path(), clock.clone());
    let fake = Fake::default();
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    for i in 0..30 {
        e.check_in(ts::checkpoint(i)).unwrap();
        clock.advance(Duration::minutes(10));
    }
    // The server stores the batch but the answer is lost; then it is unavailable.
    fake.with(|s| {
        s.faults = vec![Fault::CutAfterCommit, Fault::Unavailable];
        s.now = Some(t(14, 0));
    });
    assert!(matches!(
        run(&e, &fake),
        Err(SyncError::Transport(TransportError::Unreachable))
    ));
    assert_eq!(
        e.pending_outbox_count().unwrap(),
        59,
        "nothing marked without an answer"
    );
    let err = run(&e, &fake).unwrap_err();
    assert_eq!(err.retry_after(), Some(StdDuration::from_secs(5)));
    let st = e.sync_status().unwrap();
    assert_eq!(
        st.last_error.as_ref().map(|f| f.code.as_str()),
        Some("unavailable")
    );
    assert!(
        st.last_error
            .unwrap()
            .message
            .en
            .contains("temporarily unavailable")
    );
    assert!(
        st.next_attempt.unwrap() >= clock.now() + Duration::seconds(5),
        "Retry-After honoured"
    );
    let r = run(&e, &fake).unwrap();
    assert_eq!((r.sent, r.pending, r.batches), (59, 0, 1));
    let local: Vec<_> = e.visits().unwrap();
    fake.with(|s| {
        assert_eq!(s.visits.len(), 30);
        for v in &local {
            assert_eq!(
                s.visits.get(v.id.as_uuid()),
                Some(v),
                "the server holds the newest version"
            );
        }
    });
}

#[test]
fn kept_visits_take_the_checkpoints_check_out_and_refusals_fail() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(8, 0)));
    let e = engine(dir.path(), clock.clone());
    let fake = Fake::default();
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    let v = e.check_in(ts::checkpoint(1)).unwrap().visit;
    fake.with(|s| {
        s.closed_by_checkpoint.push(*v.id.as_uuid());
        s.now = Some(t(8, 30));
    });
    let r = run(&e, &fake).unwrap();
    assert_eq!(r.kept, 1);
    let local = e.visits().unwrap().remove(0);
    assert_eq!(local.end, VisitEnd::ByCheckpoint);
    assert_eq!(local.checked_out_at, Some(t(8, 30)));
    assert_eq!(
        e.pending_outbox_count().unwrap(),
        0,
        "taking the server's version sends nothing"
    );
    assert_eq!(e.open_visit().unwrap(), None);

    // A device clock a day ahead: the visit is refused as in the future, flagged, and not sent again.
    clock.set(t(8, 0) + Duration::days(1));
    let w = e.check_in(ts::checkpoint(2)).unwrap().visit;
    let r = run(&e, &fake).unwrap();
    assert_eq!(r.refused, 1);
    assert!(r.clock.unwrap().is_off());
    let st = e.sync_status().unwrap();
    assert_eq!(st.pending, 0);
    assert_eq!(st.refused.len(), 1);
    assert_eq!(st.refused[0].code, "in_future");
    assert_eq!(st.refused[0].change, "visit_checked_in");
    assert!(e.flagged_visits().unwrap().iter().any(|f| f.visit == w.id));
    assert!(st.clock.unwrap().is_off());
}

#[test]
fn an_expired_session_asks_to_sign_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path(), Arc::new(FixedClock::new(t(8, 0))));
    let fake = Fake::default();
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    e.check_in(ts::checkpoint(1)).unwrap();
    fake.with(|s| s.expired = true);
    assert!(matches!(run(&e, &fake), Err(SyncError::SessionExpired)));
    let st = e.sync_status().unwrap();
    assert!(!st.signed_in);
    assert_eq!(st.pending, 1);
    assert!(st.last_error.unwrap().message.en.contains("sign in again"));
}

#[test]
fn pull_pages_feed_trust_directory_and_alerts_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(8, 0)));
    let e = engine(dir.path(), clock.clone());
    let fake = Fake::default();
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    let v = e.check_in(ts::checkpoint(42)).unwrap().visit;
    clock.advance(Duration::minutes(60));
    e.check_out().unwrap();
    let fallback = crate::qr::FallbackCode::new(CheckpointId(42)).to_string();
    let mut feed = vec![
        (
            "issuer_key",
            "1",
            serde_json::json!({"id": 1, "public_key": "11".repeat(32), "not_before": t(0, 0), "not_after": null}),
        ),
        (
            "revocation",
            "9",
            serde_json::json!({"checkpoint": 9, "revoked_at": t(1, 0)}),
        ),
        (
            "checkpoint",
            "42",
            serde_json::json!({"id": 42, "parent": null, "name": "Chợ Bến Thành", "kind": "market",
            "province": 79, "district": null, "ward": 26743, "street": "Lê Lợi", "default_stay_minutes": 60,
            "fallback_code": fallback, "active": true}),
        ),
        (
            "safety_level",
            "26743",
            serde_json::json!({"province": 79, "ward": 26743, "level": 3, "updated_at": t(2, 0)}),
        ),
        ("something_new", "x", serde_json::json!({})),
    ];
    for i in 0..7 {
        feed.push((
            "exposure",
            "5",
            serde_json::json!({"id": 5, "checkpoint": 42, "starts_at": t(8, 30),
            "ends_at": t(10, i), "advice": "Xét nghiệm"}),
        ));
    }
    fake.with(|s| {
        s.feed = feed
            .into_iter()
            .enumerate()
            .map(|(i, (k, key, body))| FeedEntry {
                seq: i as i64 + 1,
                kind: k.into(),
                key: key.into(),
                body,
            })
            .collect();
    });
    let opts = SyncOptions {
        pull_limit: 3,
        ..SyncOptions::default()
    };
    let r = block(e.sync(&fake, &opts, &mut SeededJitter::new(1))).unwrap();
    assert_eq!((r.pulled, r.new_alerts), (12, 1));
    let trust = e.feed_trust_list().unwrap();
    assert_eq!(trust.keys.len(), 1);
    assert_eq!(trust.revoked_checkpoints, vec![CheckpointId(9)]);
    assert_eq!(
        e.checkpoint_by_fallback(&fallback).unwrap().unwrap().name,
        "Chợ Bến Thành"
    );
    assert_eq!(e.checkpoint_by_fallback("nonsense").unwrap(), None);
    assert_eq!(e.safety_level(26743).unwrap().unwrap().level, 3);
    let areas = e.area_safety().unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!((areas[0].ward, areas[0].level), (26743, 3));
    assert!(areas[0].place.contains("Bến Thành"), "{}", areas[0].place);
    assert!(areas[0].words.en.contains("high risk"));
    // Pulling again (nothing new), and matching again: still one alert.
    let r = block(e.sync(&fake, &opts, &mut SeededJitter::new(1))).unwrap();
    assert_eq!((r.pulled, r.new_alerts), (0, 0));
    assert_eq!(e.refresh_alerts().unwrap(), 0);
    let alerts = e.alerts().unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].visit, v.id);
    assert_eq!(alerts[0].overlap_minutes, 30);
    // A republished window (same id) updates the alert rather than adding one.
    fake.with(|s| {
        s.feed.push(FeedEntry { seq: 100, kind: "exposure".into(), key: "5".into(),
            body: serde_json::json!({"id": 5, "checkpoint": 42, "starts_at": t(8, 45), "ends_at": t(10, 0), "advice": "Xét nghiệm"}) });
    });
    block(e.sync(&fake, &opts, &mut SeededJitter::new(1))).unwrap();
    let alerts = e.alerts().unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].overlap_minutes, 15);
    let _ = VisitId::random();
}

#[test]
fn a_batch_over_the_body_limit_is_split() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(8, 0)));
    let e = engine(dir.path(), clock.clone());
    let fake = Fake::default();
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    for i in 0..40 {
        e.check_in(ts::checkpoint(i)).unwrap();
        clock.advance(Duration::minutes(6));
    }
    fake.with(|s| {
        s.max_items = Some(7);
        s.now = Some(t(14, 0));
    });
    let r = run(&e, &fake).unwrap();
    assert_eq!(r.pending, 0);
    fake.with(|s| assert_eq!(s.visits.len(), 40));
}

#[test]
fn alerts_leave_with_the_retention_period() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(8, 0)));
    let e = engine(dir.path(), clock.clone());
    let fake = Fake::default();
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    e.check_in(ts::checkpoint(42)).unwrap();
    clock.advance(Duration::minutes(30));
    e.check_out().unwrap();
    fake.with(|s| {
        s.feed = vec![FeedEntry {
            seq: 1,
            kind: "exposure".into(),
            key: "1".into(),
            body: serde_json::json!({"id": 1, "checkpoint": 42, "starts_at": t(7, 0), "ends_at": t(9, 0), "advice": "x"}),
        }];
    });
    assert_eq!(run(&e, &fake).unwrap().new_alerts, 1);
    clock.advance(Duration::days(21));
    assert_eq!(e.refresh_alerts().unwrap(), 0);
    assert!(e.alerts().unwrap().is_empty());
}

#[test]
fn a_feed_entry_it_cannot_read_is_counted_not_silently_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(8, 0)));
    let e = engine(dir.path(), clock.clone());
    let fake = Fake::default();
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    e.check_in(ts::checkpoint(42)).unwrap();
    clock.advance(Duration::minutes(30));
    e.check_out().unwrap();
    fake.with(|s| {
        s.feed = vec![
            // A server that renamed `starts_at`: the window cannot be matched.
            FeedEntry {
                seq: 1,
                kind: FeedKind::Exposure,
                key: "1".into(),
                body: serde_json::json!({"id": 1, "checkpoint": 42, "starts": t(7, 0), "ends_at": t(9, 0), "advice": "x"}),
            },
            // A kind this build does not know: ignored (new kinds may come within v1), not counted.
            FeedEntry {
                seq: 2,
                kind: "vaccination_site".into(),
                key: "1".into(),
                body: serde_json::json!({"id": 1}),
            },
            FeedEntry {
                seq: 3,
                kind: FeedKind::SafetyLevel,
                key: "26743".into(),
                body: serde_json::json!({"province": 79, "ward": 26743, "level": 2, "updated_at": t(2, 0)}),
            },
        ];
    });
    let r = run(&e, &fake).unwrap();
    assert_eq!((r.pulled, r.skipped_entries, r.new_alerts), (3, 1, 0));
    assert_eq!(e.sync_status().unwrap().skipped_entries, 1);
    assert_eq!(e.safety_level(26743).unwrap().unwrap().level, 2);
    // The count stays (it is about this build), and grows with the next unreadable entry only.
    fake.with(|s| {
        s.feed.push(FeedEntry {
            seq: 4,
            kind: FeedKind::Checkpoint,
            key: "42".into(),
            body: serde_json::json!({"id": 42, "label": "renamed"}),
        });
    });
    let r = run(&e, &fake).unwrap();
    assert_eq!((r.pulled, r.skipped_entries), (1, 1));
    assert_eq!(e.sync_status().unwrap().skipped_entries, 2);
}

// ---- issue 8: the sealed feed, the signed personal code, staff scans ----

use crate::i18n::Localized as _;

fn dev_trust() -> crate::engine::Deployment {
    crate::engine::Deployment {
        trusted_keys: crate::qr::TrustStore::development().unwrap().to_list(),
    }
}

fn engine_for(dir: &Path, clock: Arc<FixedClock>) -> Engine {
    Engine::open_for(
        dir,
        Arc::new(FixedKeyProvider::new([7; 32])),
        clock,
        Policy::default(),
        dev_trust(),
    )
    .unwrap()
}

#[test]
fn the_pulled_feed_is_sealed_at_rest() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(t(8, 0)));
    let e = engine(dir.path(), clock);
    let fake = Fake::default();
    let key_hex = "5a".repeat(32);
    let fallback = crate::qr::FallbackCode::new(CheckpointId(42)).to_string();
    fake.with(|s| {
        s.feed = vec![
            FeedEntry {
                seq: 1,
                kind: "issuer_key".into(),
                key: "1".into(),
                body: serde_json::json!({"id": 1, "public_key": key_hex, "not_before": t(0, 0), "not_after": null}),
            },
            FeedEntry {
                seq: 2,
                kind: "checkpoint".into(),
                key: "42".into(),
                body: serde_json::json!({"id": 42, "parent": null, "name": ts::CHECKPOINT_NAME, "kind": "market",
                "province": 79, "district": null, "ward": 26743, "street": ts::CHECKPOINT_STREET,
                "default_stay_minutes": 60, "fallback_code": fallback, "active": true}),
            },
            FeedEntry {
                seq: 3,
                kind: "exposure".into(),
                key: "5".into(),
                body: serde_json::json!({"id": 5, "checkpoint": 42, "starts_at": t(7, 0), "ends_at": t(9, 0),
                "advice": ts::REPORT_NOTE}),
            },
        ];
    });
    let r = run(&e, &fake).unwrap();
    assert_eq!(r.pulled, 3);
    assert!(r.trust_changed);
    // Pulled, and readable through the engine…
    assert_eq!(e.trust_list().unwrap().keys.len(), 1);
    let c = e.check_in_fallback(&fallback, &[]).unwrap();
    assert_eq!(c.visit.checkpoint.name, ts::CHECKPOINT_NAME);
    // …but not in the files: no place name, street, advice, key or kind.
    let db = e.database_path();
    let mut markers = ts::text_markers();
    markers.extend([key_hex, "issuer_key".to_owned(), "exposure".to_owned(), fallback]);
    for (name, bytes) in ts::read_store_files(&db) {
        let found = ts::find_markers(&bytes, &markers);
        assert!(found.is_empty(), "{name} reveals {found:?}");
    }
}

#[test]
fn after_sync_the_personal_code_is_the_signed_one() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(ts::mark_time()));
    let e = engine_for(dir.path(), clock);
    let fake = Fake::default();
    fake.with(|s| {
        s.signs = true;
        s.now = Some(ts::mark_time());
    });
    let me = e.add_person(crate::declaration::Relation::Myself).unwrap();
    e.declare(
        me.id,
        &crate::declaration::DeclarationForm::from(&ts::declaration()),
    )
    .unwrap();
    let pending = e.personal_code(me.id).unwrap();
    assert!(!pending.is_signed(), "pending before any sync");
    block(e.sign_in(&fake, "0912345678", "123456")).unwrap();
    let r = run(&e, &fake).unwrap();
    assert_eq!(r.signed_codes, 1);
    let signed = e.personal_code(me.id).unwrap();
    assert!(signed.is_signed(), "signed once synced");
    assert_eq!(signed.payload().pseudonym, pending.payload().pseudonym);
    // A staff device of the same deployment verifies it offline.
    let staff_dir = tempfile::tempdir().unwrap();
    let staff = engine_for(staff_dir.path(), Arc::new(FixedClock::new(ts::mark_time())));
    let seen = staff.verify_personal_code(signed.as_str()).unwrap();
    assert_eq!(seen.status, signed.payload().status);
    // The next sync does not ask again.
    assert_eq!(run(&e, &fake).unwrap().signed_codes, 0);
}

#[test]
fn staff_scans_are_sealed_queued_and_uploaded_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(ts::mark_time()));
    let visitor_dir = tempfile::tempdir().unwrap();
    let visitor = engine_for(visitor_dir.path(), clock.clone());
    let me = visitor.add_person(crate::declaration::Relation::Myself).unwrap();
    visitor
        .declare(
            me.id,
            &crate::declaration::DeclarationForm::from(&ts::declaration()),
        )
        .unwrap();
    let payload = visitor.personal_code(me.id).unwrap().payload().clone();
    let signed = crate::qr::dev::signer().unwrap().sign_personal(&payload).unwrap();

    let staff = engine_for(dir.path(), clock);
    // A pending code is refused and records nothing.
    let pending = visitor.personal_code(me.id).unwrap();
    assert_eq!(
        staff
            .record_staff_scan(CheckpointId(42), pending.as_str())
            .unwrap_err()
            .code(),
        "qr_pending"
    );
    let scan = staff
        .record_staff_scan(CheckpointId(42), signed.as_str())
        .unwrap();
    assert_eq!(scan.payload.initials, payload.initials);
    assert_eq!(staff.pending_staff_scans().unwrap(), 1);
    // Sealed: neither the code nor its initials are readable.
    for (name, bytes) in ts::read_store_files(&staff.database_path()) {
        let found = ts::find_markers(&bytes, &[signed.as_str().to_owned(), "TKP1".to_owned()]);
        assert!(found.is_empty(), "{name} reveals {found:?}");
    }
    let fake = Fake::default();
    block(staff.sign_in(&fake, "0912345678", "123456")).unwrap();
    let r = run(&staff, &fake).unwrap();
    assert_eq!(r.scans_sent, 1);
    assert_eq!(staff.pending_staff_scans().unwrap(), 0);
    assert_eq!(run(&staff, &fake).unwrap().scans_sent, 0);
    fake.with(|s| {
        assert_eq!(s.scans.len(), 1);
        assert_eq!(s.scans[0].id, scan.id);
        assert_eq!(s.scans[0].checkpoint, 42);
    });
}
