use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::clock::{Clock, FixedClock};
use crate::i18n::Localized;
use crate::ids::{CheckpointId, VisitId};

/// 20 May 2021 at `h:m` UTC.
fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 5, 20, h, m, 0).unwrap()
}

fn checkpoint(id: u64, stay_minutes: Option<u16>) -> CheckpointRef {
    CheckpointRef {
        id: CheckpointId(id),
        parent: None,
        name: format!("Checkpoint {id}"),
        kind: CheckpointKind::Market,
        ward: 70,
        street: "1 Hàng Bạc".into(),
        default_stay_minutes: stay_minutes,
    }
}

/// A: no stay of its own (4 h); B: 60 min; C: a stay of 0 (ignored: 4 h).
fn a() -> CheckpointRef {
    checkpoint(1, None)
}
fn b() -> CheckpointRef {
    checkpoint(2, Some(60))
}
fn c() -> CheckpointRef {
    checkpoint(3, Some(0))
}

fn visit(cp: CheckpointRef, from: DateTime<Utc>, to: Option<DateTime<Utc>>, end: VisitEnd) -> Visit {
    Visit {
        id: VisitId::random(),
        checkpoint: cp,
        checked_in_at: from,
        checked_out_at: to,
        end,
        edited: false,
        person: None,
    }
}

fn open(cp: CheckpointRef, from: DateTime<Utc>) -> Visit {
    visit(cp, from, None, VisitEnd::Open)
}

fn policy() -> VisitPolicy {
    VisitPolicy::default()
}

/// Applies a check-in plan to the in-memory list, as the store would in one transaction.
fn apply_check_in(visits: &mut Vec<Visit>, plan: &CheckInPlan) {
    if let CheckInPlan::New { close, visit } = plan {
        apply(visits, close);
        visits.push(visit.clone());
    }
}

fn apply(visits: &mut [Visit], changes: &[VisitChange]) {
    for change in changes {
        let hits = visits
            .iter_mut()
            .map(|v| change.apply(v))
            .filter(|hit| *hit)
            .count();
        assert_eq!(hits, 1, "each change hits one visit");
    }
}

#[test]
fn policy_defaults_and_stays() {
    let p = policy();
    assert_eq!(p.repeat_scan_window, Duration::minutes(5));
    assert_eq!(p.default_stay, Duration::hours(4));
    assert_eq!(p.stay_at(&a()), Duration::hours(4));
    assert_eq!(p.stay_at(&b()), Duration::minutes(60));
    assert_eq!(p.stay_at(&c()), Duration::hours(4));
    assert_eq!(p.auto_check_out_at(&open(b(), at(8, 0))), at(9, 0));
}

#[test]
fn first_check_in_opens_a_visit() {
    let id = VisitId::random();
    let plan = plan_check_in(&[], a(), id, at(8, 0), &policy());
    let want = Visit {
        id,
        checkpoint: a(),
        checked_in_at: at(8, 0),
        checked_out_at: None,
        end: VisitEnd::Open,
        edited: false,
        person: None,
    };
    assert_eq!(
        plan,
        CheckInPlan::New {
            close: vec![],
            visit: want
        }
    );
}

#[test]
fn a_new_check_in_closes_the_previous_visit() {
    // (previous visit's checkpoint, its check-in, the new check-in, expected close time and end)
    let cases = [
        (a(), at(8, 0), at(9, 0), at(9, 0), VisitEnd::NextCheckIn),
        (a(), at(8, 0), at(11, 59), at(11, 59), VisitEnd::NextCheckIn),
        // The automatic check-out came first: the previous visit ends then.
        (a(), at(8, 0), at(12, 0), at(12, 0), VisitEnd::Auto),
        (a(), at(8, 0), at(13, 0), at(12, 0), VisitEnd::Auto),
        (b(), at(8, 0), at(8, 30), at(8, 30), VisitEnd::NextCheckIn),
        (b(), at(8, 0), at(10, 0), at(9, 0), VisitEnd::Auto),
        // A clock set back: never closed before its own check-in.
        (a(), at(9, 0), at(8, 30), at(9, 0), VisitEnd::NextCheckIn),
    ];
    for (cp, from, scan, closed_at, end) in cases {
        let previous = open(cp, from);
        let plan = plan_check_in(
            std::slice::from_ref(&previous),
            c(),
            VisitId::random(),
            scan,
            &policy(),
        );
        let CheckInPlan::New { close, visit } = plan else {
            panic!("expected a new visit")
        };
        assert_eq!(
            close,
            vec![VisitChange {
                visit: previous.id,
                checked_in_at: from,
                checked_out_at: Some(closed_at),
                end,
                edited: false
            }],
            "{from} → {scan}"
        );
        assert_eq!(
            (visit.checked_in_at, visit.end, visit.checkpoint.id),
            (scan, VisitEnd::Open, c().id)
        );
    }
}

#[test]
fn repeat_scans_within_the_window_are_the_same_visit() {
    let first = open(a(), at(8, 0));
    let visits = vec![first.clone()];
    let repeat = CheckInPlan::Repeat { visit: first.id };
    for (scan, is_repeat) in [
        (at(8, 0), true),
        (at(8, 3), true),
        (at(8, 5), true),
        (at(8, 6), false),
        (at(7, 59), false),
    ] {
        let plan = plan_check_in(&visits, a(), VisitId::random(), scan, &policy());
        assert_eq!(plan == repeat, is_repeat, "scan at {scan}");
    }
    // Another checkpoint within the window is a new visit that closes the first.
    let plan = plan_check_in(&visits, b(), VisitId::random(), at(8, 2), &policy());
    assert!(
        matches!(&plan, CheckInPlan::New { close, .. } if close.len() == 1 && close[0].visit == first.id)
    );
    // The window is a knob.
    let wide = VisitPolicy {
        repeat_scan_window: Duration::minutes(10),
        ..policy()
    };
    assert_eq!(
        plan_check_in(&visits, a(), VisitId::random(), at(8, 8), &wide),
        repeat
    );
    // After checking out, scanning again is a new visit with nothing to close.
    let closed = visit(a(), at(8, 0), Some(at(8, 2)), VisitEnd::CheckedOut);
    let plan = plan_check_in(&[closed], a(), VisitId::random(), at(8, 3), &policy());
    assert!(matches!(plan, CheckInPlan::New { close, .. } if close.is_empty()));
}

#[test]
fn one_tap_check_out() {
    assert_eq!(
        plan_check_out(&[], at(9, 0), &policy()),
        Err(VisitError::NoOpenVisit)
    );
    let done = visit(a(), at(7, 0), Some(at(7, 30)), VisitEnd::CheckedOut);
    assert_eq!(
        plan_check_out(std::slice::from_ref(&done), at(9, 0), &policy()),
        Err(VisitError::NoOpenVisit)
    );

    let o = open(a(), at(8, 0));
    let visits = [done, o.clone()];
    let change = |to, end| VisitChange {
        visit: o.id,
        checked_in_at: at(8, 0),
        checked_out_at: Some(to),
        end,
        edited: false,
    };
    assert_eq!(
        plan_check_out(&visits, at(9, 30), &policy()),
        Ok(vec![change(at(9, 30), VisitEnd::CheckedOut)])
    );
    // After the stay elapsed, the automatic check-out time is recorded (the visitor may correct it).
    assert_eq!(
        plan_check_out(&visits, at(13, 0), &policy()),
        Ok(vec![change(at(12, 0), VisitEnd::Auto)])
    );

    // Should the store ever hold two open visits, a check-out closes both.
    let other = open(b(), at(8, 30));
    let changes = plan_check_out(&[o.clone(), other.clone()], at(8, 45), &policy()).unwrap();
    assert_eq!(
        changes.iter().map(|c| c.visit).collect::<Vec<_>>(),
        vec![o.id, other.id]
    );
    assert_eq!(open_visit(&[o, other.clone()]).map(|v| v.id), Some(other.id));
}

#[test]
fn automatic_check_out_after_the_stay() {
    let long = open(a(), at(8, 0)); // due 12:00
    let short = open(b(), at(10, 0)); // due 11:00
    let closed = visit(c(), at(6, 0), Some(at(7, 0)), VisitEnd::CheckedOut);
    let visits = [long.clone(), short.clone(), closed];
    let due = |now| due_auto_check_outs(&visits, now, &policy());
    assert!(due(at(10, 59)).is_empty());
    assert_eq!(
        due(at(11, 30)),
        vec![VisitChange {
            visit: short.id,
            checked_in_at: at(10, 0),
            checked_out_at: Some(at(11, 0)),
            end: VisitEnd::Auto,
            edited: false,
        }]
    );
    let both = due(at(20, 0));
    assert_eq!(both.len(), 2);
    assert_eq!(both[0].checked_out_at, Some(at(12, 0)));
    assert!(both.iter().all(|c| c.end == VisitEnd::Auto));
    assert_eq!(next_auto_check_out(&visits, &policy()), Some(at(11, 0)));
    assert_eq!(next_auto_check_out(&[], &policy()), None);
    // A policy with a shorter default stay.
    let quick = VisitPolicy {
        default_stay: Duration::minutes(30),
        ..policy()
    };
    assert_eq!(due_auto_check_outs(&[long], at(8, 30), &quick).len(), 1);
}

/// Three visits on the morning of 20 May: 08:00–09:00 (A), 10:00–12:00 auto-closed (A), and 13:00 still open (B).
fn morning() -> Vec<Visit> {
    vec![
        visit(a(), at(8, 0), Some(at(9, 0)), VisitEnd::CheckedOut),
        visit(a(), at(10, 0), Some(at(14, 0)), VisitEnd::Auto),
        open(b(), at(14, 30)),
    ]
}

#[test]
fn edits_that_are_refused() {
    let visits = morning();
    let now = at(15, 0);
    let (first, auto, current) = (visits[0].id, visits[1].id, visits[2].id);
    let edit = |from, to| VisitEdit {
        checked_in_at: from,
        checked_out_at: to,
    };
    let cases = [
        (
            VisitId::random(),
            edit(at(8, 0), Some(at(8, 30))),
            VisitError::UnknownVisit,
        ),
        (first, edit(at(8, 0), Some(at(15, 1))), VisitError::InFuture),
        (first, edit(at(15, 1), Some(at(15, 2))), VisitError::InFuture),
        (current, edit(at(15, 1), None), VisitError::InFuture),
        (
            first,
            edit(at(9, 0), Some(at(8, 0))),
            VisitError::CheckOutBeforeCheckIn,
        ),
        (first, edit(at(8, 0), None), VisitError::CheckOutRequired),
        (first, edit(at(8, 0), Some(at(10, 1))), VisitError::Overlap),
        (auto, edit(at(8, 59), Some(at(11, 0))), VisitError::Overlap),
        (auto, edit(at(10, 0), Some(at(14, 31))), VisitError::Overlap),
        (first, edit(at(7, 0), Some(at(14, 45))), VisitError::Overlap),
        // The open visit runs until now: moving its check-in into the auto-closed one overlaps.
        (current, edit(at(13, 0), None), VisitError::Overlap),
    ];
    for (id, e, want) in cases {
        assert_eq!(plan_edit(&visits, id, e, now), Err(want), "{e:?}");
    }
}

#[test]
fn edits_that_are_accepted() {
    let visits = morning();
    let now = at(15, 0);
    let (first, auto, current) = (visits[0].id, visits[1].id, visits[2].id);
    let edit = |from, to| VisitEdit {
        checked_in_at: from,
        checked_out_at: to,
    };
    let change = |visit, from, to, end, edited| VisitChange {
        visit,
        checked_in_at: from,
        checked_out_at: to,
        end,
        edited,
    };
    let cases = [
        // An automatic check-out corrected: a normal check-out, edited.
        (
            auto,
            edit(at(10, 0), Some(at(11, 15))),
            change(auto, at(10, 0), Some(at(11, 15)), VisitEnd::CheckedOut, true),
        ),
        // Touching the neighbours is allowed.
        (
            auto,
            edit(at(9, 0), Some(at(14, 30))),
            change(auto, at(9, 0), Some(at(14, 30)), VisitEnd::CheckedOut, true),
        ),
        (
            first,
            edit(at(7, 30), Some(at(9, 0))),
            change(first, at(7, 30), Some(at(9, 0)), VisitEnd::CheckedOut, true),
        ),
        // The open visit's check-in moved: still open.
        (
            current,
            edit(at(14, 10), None),
            change(current, at(14, 10), None, VisitEnd::Open, true),
        ),
        // The open visit given a check-out by hand.
        (
            current,
            edit(at(14, 30), Some(at(14, 50))),
            change(current, at(14, 30), Some(at(14, 50)), VisitEnd::CheckedOut, true),
        ),
        // Nothing changed: nothing to mark.
        (
            auto,
            edit(at(10, 0), Some(at(14, 0))),
            change(auto, at(10, 0), Some(at(14, 0)), VisitEnd::Auto, false),
        ),
        // A zero-length visit is allowed (a check-out right after the check-in).
        (
            first,
            edit(at(8, 0), Some(at(8, 0))),
            change(first, at(8, 0), Some(at(8, 0)), VisitEnd::CheckedOut, true),
        ),
    ];
    for (id, e, want) in cases {
        assert_eq!(plan_edit(&visits, id, e, now), Ok(want), "{e:?}");
    }
    // Only the check-in moved on a visit closed by the next check-in: it keeps its end.
    let v = vec![visit(a(), at(8, 0), Some(at(9, 0)), VisitEnd::NextCheckIn)];
    let ch = plan_edit(&v, v[0].id, edit(at(8, 15), Some(at(9, 0))), now).unwrap();
    assert_eq!((ch.end, ch.edited), (VisitEnd::NextCheckIn, true));
}

#[test]
fn history_is_newest_first() {
    let visits = morning();
    let ids: Vec<VisitId> = visit_history(&visits).iter().map(|v| v.id).collect();
    assert_eq!(ids, vec![visits[2].id, visits[1].id, visits[0].id]);
    assert!(visit_history(&[]).is_empty());
}

#[test]
fn change_applies_only_to_its_visit() {
    let mut v = open(a(), at(8, 0));
    let mut other = open(a(), at(8, 0));
    let change = VisitChange {
        visit: v.id,
        checked_in_at: at(8, 0),
        checked_out_at: Some(at(9, 0)),
        end: VisitEnd::CheckedOut,
        edited: false,
    };
    assert!(change.apply(&mut v));
    assert_eq!((v.checked_out_at, v.end), (Some(at(9, 0)), VisitEnd::CheckedOut));
    let before = other.clone();
    assert!(!change.apply(&mut other));
    assert_eq!(other, before);
}

#[test]
fn errors_are_localized() {
    use VisitError::*;
    let all = [
        NoOpenVisit,
        UnknownVisit,
        InFuture,
        CheckOutBeforeCheckIn,
        CheckOutRequired,
        Overlap,
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(Localized::code).collect();
    assert_eq!(codes.len(), all.len());
    assert!(
        all.iter()
            .all(|e| !e.msg().vi.is_empty() && !e.msg().en.is_empty() && e.msg().vi != e.msg().en)
    );
}

#[test]
fn a_day_with_a_fixed_clock() {
    let clock = FixedClock::new(at(7, 0));
    let p = policy();
    let mut visits = Vec::new();
    // Market at 07:00, repeat scan at 07:02, café (60 min) at 07:40, forgot to check out.
    let plan = plan_check_in(&visits, a(), VisitId::random(), clock.now(), &p);
    apply_check_in(&mut visits, &plan);
    clock.advance(Duration::minutes(2));
    let repeat = plan_check_in(&visits, a(), VisitId::random(), clock.now(), &p);
    assert!(matches!(repeat, CheckInPlan::Repeat { .. }));
    clock.advance(Duration::minutes(38));
    let plan = plan_check_in(&visits, b(), VisitId::random(), clock.now(), &p);
    apply_check_in(&mut visits, &plan);
    clock.advance(Duration::hours(3));
    let due = due_auto_check_outs(&visits, clock.now(), &p);
    apply(&mut visits, &due);
    assert_eq!(
        plan_check_out(&visits, clock.now(), &p),
        Err(VisitError::NoOpenVisit)
    );
    let h = visit_history(&visits);
    assert_eq!(h.len(), 2);
    assert_eq!((h[0].checked_out_at, h[0].end), (Some(at(8, 40)), VisitEnd::Auto));
    assert_eq!(
        (h[1].checked_out_at, h[1].end),
        (Some(at(7, 40)), VisitEnd::NextCheckIn)
    );
}

#[derive(Debug, Clone)]
enum Op {
    Scan(u64),
    CheckOut,
    Auto,
    Wait(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..4).prop_map(Op::Scan),
        Just(Op::CheckOut),
        Just(Op::Auto),
        (0i64..400).prop_map(Op::Wait),
    ]
}

proptest! {
    /// Whatever the visitor does, at most one visit is open and no two visits overlap.
    #[test]
    fn one_open_visit_and_no_overlaps(ops in prop::collection::vec(op(), 1..60)) {
        let p = policy();
        let mut now = at(6, 0);
        let mut visits: Vec<Visit> = Vec::new();
        for op in ops {
            match op {
                Op::Scan(n) => {
                    let cp = [a(), b(), c()][usize::try_from(n - 1).unwrap()].clone();
                    let plan = plan_check_in(&visits, cp, VisitId::random(), now, &p);
                    apply_check_in(&mut visits, &plan);
                }
                Op::CheckOut => {
                    if let Ok(changes) = plan_check_out(&visits, now, &p) {
                        apply(&mut visits, &changes);
                    }
                }
                Op::Auto => {
                    let due = due_auto_check_outs(&visits, now, &p);
                    apply(&mut visits, &due);
                }
                Op::Wait(minutes) => now += Duration::minutes(minutes),
            }
            prop_assert!(visits.iter().filter(|v| v.end == VisitEnd::Open).count() <= 1);
            for v in &visits {
                prop_assert_eq!(v.end == VisitEnd::Open, v.checked_out_at.is_none());
                prop_assert!(v.checked_out_at.is_none_or(|out| out >= v.checked_in_at));
                prop_assert!(v.checked_out_at.is_none_or(|out| out <= p.auto_check_out_at(v)));
            }
            let h = visit_history(&visits);
            for pair in h.windows(2) {
                let (newer, older) = (pair[0], pair[1]);
                prop_assert!(older.checked_out_at.unwrap() <= newer.checked_in_at);
            }
        }
    }
}
