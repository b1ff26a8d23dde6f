use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::calendar::VIETNAM_UTC_OFFSET_MINUTES;
use crate::declaration::{
    Address, Declaration, DeclarationRecord, Exposure, IdNumber, Sex, Symptoms, UnitScheme,
};
use crate::health::{DailyReport, QuarantineEpisode, QuarantineKind};
use crate::ids::{CheckpointId, PersonId, ReportId, VisitId};
use crate::visit::{CheckpointKind, CheckpointRef, Visit, VisitEnd};

/// Midnight UTC on May `d` 2021 (`d` may run past 31).
fn day(d: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 5, 1, 0, 0, 0).unwrap() + Duration::days(d - 1)
}

fn date(d: i64) -> NaiveDate {
    day(d).date_naive()
}

fn visit(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> Visit {
    Visit {
        id: VisitId::random(),
        checkpoint: CheckpointRef {
            id: CheckpointId(7),
            parent: None,
            name: "Chợ".into(),
            kind: CheckpointKind::Market,
            ward: 70,
            street: "1 Hàng Bạc".into(),
            default_stay_minutes: None,
        },
        checked_in_at: from,
        checked_out_at: to,
        end: if to.is_some() {
            VisitEnd::CheckedOut
        } else {
            VisitEnd::Open
        },
        edited: false,
        person: None,
    }
}

fn declaration() -> Declaration {
    Declaration {
        full_name: "NGUYỄN VĂN AN".into(),
        id_number: IdNumber::Cmnd("123456789".into()),
        birth_year: 1990,
        sex: Sex::Male,
        nationality: "VN".into(),
        address: Address {
            scheme: UnitScheme::V2025,
            province: 1,
            district: None,
            ward: 70,
            street: "12 Hàng Bạc".into(),
        },
        phone: "+84912345678".into(),
        email: None,
        travel: vec![],
        symptoms: Symptoms::default(),
        exposure: Exposure::default(),
        chronic_conditions: vec![],
        pregnant: None,
    }
}

#[test]
fn default_period_is_21_days() {
    let p = RetentionPolicy::default();
    assert_eq!(p.period, Duration::days(21));
    assert!(!p.expired(day(1), day(22) - Duration::seconds(1)));
    assert!(p.expired(day(1), day(22)));
    // Calendar days end at midnight in their offset: 1 May ends at 17:00 UTC in Vietnam.
    let vn_end = day(22) + Duration::hours(17);
    assert!(!p.day_expired(date(1), VIETNAM_UTC_OFFSET_MINUTES, vn_end - Duration::seconds(1)));
    assert!(p.day_expired(date(1), VIETNAM_UTC_OFFSET_MINUTES, vn_end));
    assert!(p.day_expired(date(1), 0, day(23)));
}

#[test]
fn visits_expire_by_their_end() {
    let now = day(30);
    let p = RetentionPolicy::default();
    // (check-in, check-out, expired at day 30?)
    let cases = [
        (day(1), Some(day(1) + Duration::hours(1)), true),
        (day(8), Some(day(8) + Duration::hours(23)), true),
        (day(8) + Duration::hours(20), Some(day(9)), true),
        // Checked in 22 days ago but out 21 days ago minus a minute: kept.
        (day(8), Some(day(9) + Duration::minutes(1)), false),
        (day(20), Some(day(20) + Duration::hours(1)), false),
        // Still open: by its check-in.
        (day(8), None, true),
        (day(10), None, false),
    ];
    let visits: Vec<Visit> = cases.iter().map(|(a, b, _)| visit(*a, *b)).collect();
    let expired = expired_visits(&visits, now, &p);
    for (v, (from, to, want)) in visits.iter().zip(cases) {
        assert_eq!(expired.contains(&v.id), want, "{from} – {to:?}");
    }
    // A shorter period purges more.
    let week = RetentionPolicy {
        period: Duration::days(7),
    };
    assert_eq!(expired_visits(&visits, now, &week).len(), visits.len());
}

#[test]
fn declarations_keep_the_newest_and_purge_old_versions_by_replacement_time() {
    let p = RetentionPolicy::default();
    let me = PersonId::random();
    let v1 = DeclarationRecord::new(me, declaration(), day(1));
    let v2 = v1.update(declaration(), day(5));
    let v3 = v2.update(declaration(), day(12));
    // A dependant who declared once, long ago: that only version is kept.
    let child = DeclarationRecord::new(PersonId::random(), declaration(), day(1));
    let records = vec![v3.clone(), child.clone(), v1.clone(), v2.clone()];

    let at = |now| {
        let mut ids = expired_declarations(&records, now, &p);
        ids.sort();
        ids
    };
    let sorted = |mut ids: Vec<_>| {
        ids.sort();
        ids
    };
    // v1 was current until day 5, v2 until day 12; v3 is the newest.
    assert_eq!(at(day(25)), Vec::<DeclarationId>::new());
    assert_eq!(at(day(26)), vec![v1.id]);
    assert_eq!(at(day(33)), sorted(vec![v1.id, v2.id]));
    assert_eq!(at(day(400)), sorted(vec![v1.id, v2.id]));

    // Two offline updates of v1: the losing head stopped being current when the winner was made.
    let a = v1.update(declaration(), day(3));
    let b = v1.update(declaration(), day(4));
    let forked = vec![v1.clone(), a.clone(), b.clone()];
    assert_eq!(expired_declarations(&forked, day(24), &p), vec![v1.id]);
    assert_eq!(
        sorted(expired_declarations(&forked, day(25), &p)),
        sorted(vec![v1.id, a.id])
    );
}

fn episode(start: i64, end: i64) -> QuarantineEpisode {
    QuarantineEpisode::new(
        PersonId::random(),
        QuarantineKind::Facility,
        None,
        date(start),
        date(end),
        VIETNAM_UTC_OFFSET_MINUTES,
    )
    .unwrap()
}

fn report(e: &QuarantineEpisode, d: i64) -> DailyReport {
    DailyReport {
        id: ReportId::random(),
        episode: e.id,
        day: date(d),
        reported_at: day(d) + Duration::hours(2),
        updated_at: None,
        temperature_decidegrees: Some(366),
        symptoms: Symptoms::default(),
        note: None,
    }
}

#[test]
fn reports_and_ended_episodes_expire_by_day() {
    let p = RetentionPolicy::default();
    let old = episode(1, 14);
    let running = episode(10, 40);
    let reports: Vec<DailyReport> = (1..=14)
        .map(|d| report(&old, d))
        .chain((10..=30).map(|d| report(&running, d)))
        .collect();
    // At midnight in Vietnam at the start of 1 June (31 May 17:00 UTC): days up to 10 May ended 21 days ago.
    let now = day(31) + Duration::hours(17);
    let expired = expired_reports(&[old.clone(), running.clone()], &reports, now, &p);
    let days: Vec<(EpisodeId, NaiveDate)> = reports
        .iter()
        .filter(|r| expired.contains(&r.id))
        .map(|r| (r.episode, r.day))
        .collect();
    let want: Vec<(EpisodeId, NaiveDate)> = (1..=10)
        .map(|d| (old.id, date(d)))
        .chain([(running.id, date(10))])
        .collect();
    assert_eq!(days, want);

    // The ended episode goes once its last day (14 May) is 21 days past; the running one stays.
    assert!(expired_episodes(&[old.clone(), running.clone()], &reports, now, &p).is_empty());
    let later = day(35) + Duration::hours(17);
    assert_eq!(
        expired_episodes(&[old.clone(), running.clone()], &reports, later, &p),
        vec![old.id]
    );

    // An episode ended early keeps until its last report's day is past the period too.
    let short = old.end_early(date(5)).unwrap();
    let after_short = day(26) + Duration::hours(17);
    assert!(expired_episodes(std::slice::from_ref(&short), &reports, after_short, &p).is_empty());
    assert!(expired_episodes(std::slice::from_ref(&short), &[], after_short, &p) == vec![short.id]);
}

#[test]
fn a_purge_plan_names_everything_past_the_period() {
    let p = RetentionPolicy::default();
    let now = day(40);
    let me = PersonId::random();
    let v1 = DeclarationRecord::new(me, declaration(), day(1));
    let v2 = v1.update(declaration(), day(2));
    let e = episode(1, 3);
    let reports = vec![report(&e, 1), report(&e, 3)];
    let old_visit = visit(day(1), Some(day(1) + Duration::hours(1)));
    let new_visit = visit(day(39), None);
    let plan = plan_purge(
        &[old_visit.clone(), new_visit],
        &[v1.clone(), v2],
        std::slice::from_ref(&e),
        &reports,
        now,
        &p,
    );
    assert_eq!(plan.visits, vec![old_visit.id]);
    assert_eq!(plan.declarations, vec![v1.id]);
    assert_eq!(plan.reports, reports.iter().map(|r| r.id).collect::<Vec<_>>());
    assert_eq!(plan.episodes, vec![e.id]);
    assert!(!plan.is_empty());
    assert!(plan_purge(&[], &[], &[], &[], now, &p).is_empty());
}
