use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::calendar::VIETNAM_UTC_OFFSET_MINUTES;
use crate::clock::{Clock, FixedClock};
use crate::i18n::Localized;
use crate::ids::{PersonId, ReportId};

fn may(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 5, d).unwrap()
}

/// An instant given as Vietnam local time (UTC+7) on May `d` 2021 (`d` may run past 31 into June).
fn vn(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 5, 1, 0, 0, 0).unwrap()
        + Duration::days(i64::from(d) - 1)
        + Duration::hours(i64::from(h))
        + Duration::minutes(i64::from(m))
        - Duration::hours(7)
}

/// Home quarantine from 20 to 26 May 2021 (7 days), Vietnam's calendar.
fn episode() -> QuarantineEpisode {
    QuarantineEpisode::new(
        PersonId::random(),
        QuarantineKind::Home,
        Some("  Nhà   riêng "),
        may(20),
        may(26),
        VIETNAM_UTC_OFFSET_MINUTES,
    )
    .unwrap()
}

fn report(episode: &QuarantineEpisode, day: NaiveDate, at: DateTime<Utc>) -> DailyReport {
    DailyReport {
        id: ReportId::random(),
        episode: episode.id,
        day,
        reported_at: at,
        updated_at: None,
        temperature_decidegrees: Some(368),
        symptoms: Default::default(),
        note: None,
    }
}

fn statuses(e: &QuarantineEpisode, reports: &[DailyReport], now: DateTime<Utc>) -> Vec<DayStatus> {
    day_statuses(e, reports, now, &HealthPolicy::default())
        .iter()
        .map(|s| s.status)
        .collect()
}

#[test]
fn vn_helper_is_local_time() {
    assert_eq!(vn(20, 7, 0), Utc.with_ymd_and_hms(2021, 5, 20, 0, 0, 0).unwrap());
    assert_eq!(vn(32, 7, 0), Utc.with_ymd_and_hms(2021, 6, 1, 0, 0, 0).unwrap());
}

#[test]
fn episodes_start_extend_and_end_early() {
    let e = episode();
    assert_eq!(e.place.as_deref(), Some("Nhà riêng"));
    assert_eq!((e.last_day(), e.days().count()), (may(26), 7));
    assert!(!e.is_active(vn(19, 23, 59)) && e.is_active(vn(20, 0, 0)) && e.is_active(vn(26, 23, 59)));
    assert!(!e.is_over(vn(26, 23, 59)) && e.is_over(vn(27, 0, 0)));

    let p = PersonId::random();
    let long = "x".repeat(201);
    let new = |start, end, offset, place| {
        QuarantineEpisode::new(p, QuarantineKind::Facility, place, start, end, offset)
    };
    assert_eq!(
        new(may(20), may(19), 420, None).unwrap_err(),
        EpisodeError::EndBeforeStart
    );
    assert!(new(may(20), may(20), 420, None).is_ok(), "a one-day episode");
    let far = may(20) + Duration::days(MAX_EPISODE_DAYS);
    assert_eq!(new(may(20), far, 420, None).unwrap_err(), EpisodeError::TooLong);
    assert!(new(may(20), far - Duration::days(1), 420, None).is_ok());
    assert_eq!(
        new(may(20), may(26), 15 * 60, None).unwrap_err(),
        EpisodeError::UtcOffset
    );
    assert_eq!(
        new(may(20), may(26), 420, Some("a\nb")).unwrap_err(),
        EpisodeError::Place
    );
    assert_eq!(
        new(may(20), may(26), 420, Some(long.as_str())).unwrap_err(),
        EpisodeError::Place
    );
    assert_eq!(new(may(20), may(26), 420, Some("  ")).unwrap().place, None);

    // Extension.
    assert_eq!(e.extend(may(26)).unwrap_err(), EpisodeError::ExtensionNotLater);
    assert_eq!(e.extend(may(25)).unwrap_err(), EpisodeError::ExtensionNotLater);
    let longer = e.extend(may(30)).unwrap();
    assert_eq!(
        (longer.id, longer.expected_end, longer.days().count()),
        (e.id, may(30), 11)
    );
    assert_eq!(e.extend(far).unwrap_err(), EpisodeError::TooLong);

    // Early end.
    assert_eq!(e.end_early(may(19)).unwrap_err(), EpisodeError::EndOutsideEpisode);
    assert_eq!(e.end_early(may(27)).unwrap_err(), EpisodeError::EndOutsideEpisode);
    let short = e.end_early(may(22)).unwrap();
    assert_eq!((short.last_day(), short.days().count()), (may(22), 3));
    assert_eq!(short.end_early(may(21)).unwrap_err(), EpisodeError::AlreadyEnded);
    assert_eq!(short.extend(may(30)).unwrap_err(), EpisodeError::AlreadyEnded);
}

#[test]
fn day_statuses_across_days() {
    use DayStatus::*;
    let e = episode();
    let reports = vec![
        report(&e, may(20), vn(20, 9, 0)),
        // Reported half an hour after midnight: late.
        report(&e, may(21), vn(22, 0, 30)),
        // Another episode's report is ignored.
        report(&episode(), may(22), vn(22, 9, 0)),
    ];
    let cases = [
        (
            vn(19, 23, 59),
            [
                Upcoming, Upcoming, Upcoming, Upcoming, Upcoming, Upcoming, Upcoming,
            ],
        ),
        (
            vn(20, 0, 0),
            [Due, Upcoming, Upcoming, Upcoming, Upcoming, Upcoming, Upcoming],
        ),
        (
            vn(20, 9, 0),
            [Done, Upcoming, Upcoming, Upcoming, Upcoming, Upcoming, Upcoming],
        ),
        (
            vn(21, 12, 0),
            [Done, Due, Upcoming, Upcoming, Upcoming, Upcoming, Upcoming],
        ),
        (
            vn(23, 10, 0),
            [Done, DoneLate, Late, Due, Upcoming, Upcoming, Upcoming],
        ),
        (
            vn(23, 23, 59),
            [Done, DoneLate, Late, Due, Upcoming, Upcoming, Upcoming],
        ),
        // The grace period of the 22nd ends at midnight after the 23rd.
        (
            vn(24, 0, 0),
            [Done, DoneLate, Missed, Late, Due, Upcoming, Upcoming],
        ),
        (
            vn(30, 0, 0),
            [Done, DoneLate, Missed, Missed, Missed, Missed, Missed],
        ),
        // 21 days after the 22nd ended, its missing report can no longer be told from a purged one.
        (
            vn(23 + 21, 0, 0),
            [Done, DoneLate, Expired, Missed, Missed, Missed, Missed],
        ),
    ];
    for (now, want) in cases {
        // Only the reports made by then exist then.
        let made: Vec<DailyReport> = reports.iter().filter(|r| r.reported_at <= now).cloned().collect();
        assert_eq!(statuses(&e, &made, now), want, "{now}");
    }
    let states = day_statuses(&e, &reports, vn(23, 10, 0), &HealthPolicy::default());
    assert_eq!(states[0].day, may(20));
    assert_eq!(states[0].report, Some(reports[0].id));
    assert_eq!(states[2].report, None);

    // Ending early drops the later days.
    let short = e.end_early(may(21)).unwrap();
    assert_eq!(statuses(&short, &reports, vn(23, 10, 0)), [Done, DoneLate]);
    // A longer grace period keeps a day late for longer.
    let generous = HealthPolicy {
        grace: Duration::hours(48),
        ..Default::default()
    };
    let s = day_statuses(&e, &reports, vn(24, 0, 0), &generous);
    assert_eq!(s[2].status, Late);
}

#[test]
fn days_follow_the_episode_offset_not_utc_or_the_device() {
    use DayStatus::*;
    // 18:00 UTC on 19 May is already 01:00 on 20 May in Vietnam: the first day is due, although it is
    // still the 19th in UTC (and in a device set to, say, Paris or New York).
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2021, 5, 19, 18, 0, 0).unwrap());
    let e = episode();
    assert_eq!(statuses(&e, &[], clock.now())[..2], [Due, Upcoming]);
    // The same instant for an episode kept in UTC: nothing has begun.
    let utc = QuarantineEpisode {
        utc_offset_minutes: 0,
        ..episode()
    };
    assert_eq!(statuses(&utc, &[], clock.now())[0], Upcoming);
    // A report filed at 16:30 UTC on 20 May (23:30 in Vietnam) counts for the 20th, on time; at 17:30 UTC
    // (00:30 on the 21st in Vietnam) it is late for the 20th.
    let on_time = report(&e, may(20), Utc.with_ymd_and_hms(2021, 5, 20, 16, 30, 0).unwrap());
    let late = report(&e, may(20), Utc.with_ymd_and_hms(2021, 5, 20, 17, 30, 0).unwrap());
    clock.set(vn(21, 12, 0));
    assert_eq!(statuses(&e, &[on_time], clock.now())[0], Done);
    assert_eq!(statuses(&e, &[late], clock.now())[0], DoneLate);
    // A person quarantined abroad at UTC−5: days end at 05:00 UTC.
    let ny = QuarantineEpisode {
        utc_offset_minutes: -5 * 60,
        ..episode()
    };
    let s = statuses(&ny, &[], Utc.with_ymd_and_hms(2021, 5, 21, 4, 59, 0).unwrap());
    assert_eq!(s[..2], [Due, Upcoming]);
    let s = statuses(&ny, &[], Utc.with_ymd_and_hms(2021, 5, 21, 5, 0, 0).unwrap());
    assert_eq!(s[..2], [Late, Due]);
}

#[test]
fn reminders() {
    let e = episode();
    let p = HealthPolicy::default();
    let done20 = report(&e, may(20), vn(20, 9, 0));
    let cases = [
        (vn(1, 0, 0), vec![], Some(vn(20, 8, 0))),
        (vn(20, 7, 0), vec![], Some(vn(20, 8, 0))),
        // Strictly after now: at 08:00 the next one is 20:00.
        (vn(20, 8, 0), vec![], Some(vn(20, 20, 0))),
        (vn(20, 9, 0), vec![], Some(vn(20, 20, 0))),
        (vn(20, 9, 0), vec![done20.clone()], Some(vn(21, 8, 0))),
        (vn(20, 21, 0), vec![], Some(vn(21, 8, 0))),
        (vn(26, 12, 0), vec![], Some(vn(26, 20, 0))),
        // None after the last reminder of the last day, or after the episode.
        (vn(26, 21, 0), vec![], None),
        (vn(40, 0, 0), vec![], None),
    ];
    for (now, reports, want) in cases {
        assert_eq!(next_reminder(&e, &reports, now, &p), want, "{now}");
    }
    // Everything reported: no reminder.
    let all: Vec<_> = e.days().map(|d| report(&e, d, vn(20, 9, 0))).collect();
    assert_eq!(next_reminder(&e, &all, vn(20, 9, 0), &p), None);
    // Ended early on the 21st: nothing after it.
    let short = e.end_early(may(21)).unwrap();
    assert_eq!(next_reminder(&short, &[], vn(21, 21, 0), &p), None);
    // Reminder times are a knob, in any order; the episode's offset places them.
    let times = ["20:00", "08:00", "12:30"]
        .map(|t| NaiveTime::parse_from_str(t, "%H:%M").unwrap())
        .to_vec();
    let custom = HealthPolicy {
        reminder_times: times,
        ..Default::default()
    };
    assert_eq!(
        next_reminder(&e, &[], vn(20, 9, 0), &custom),
        Some(vn(20, 12, 30))
    );
    let utc = QuarantineEpisode {
        utc_offset_minutes: 0,
        ..episode()
    };
    assert_eq!(
        next_reminder(&utc, &[], Utc.with_ymd_and_hms(2021, 5, 20, 7, 0, 0).unwrap(), &p),
        Some(Utc.with_ymd_and_hms(2021, 5, 20, 8, 0, 0).unwrap())
    );
    assert_eq!(
        next_reminder(
            &e,
            &[],
            vn(20, 9, 0),
            &HealthPolicy {
                reminder_times: vec![],
                ..p
            }
        ),
        None
    );
}

#[test]
fn temperatures() {
    let cases = [
        ("36.8", Ok(368)),
        ("37,5", Ok(375)),
        (" 37.5 °C ", Ok(375)),
        ("37°C", Ok(370)),
        ("37 c", Ok(370)),
        ("38", Ok(380)),
        ("37.25", Ok(373)),
        ("37.95", Ok(380)),
        ("34", Ok(340)),
        ("43.0", Ok(430)),
        ("33.9", Err(ReportError::TemperatureRange)),
        ("43.1", Err(ReportError::TemperatureRange)),
        ("98.6", Err(ReportError::TemperatureRange)),
        ("0", Err(ReportError::TemperatureRange)),
        ("abc", Err(ReportError::TemperatureFormat)),
        ("37..5", Err(ReportError::TemperatureFormat)),
        ("-37", Err(ReportError::TemperatureFormat)),
        ("3 7", Err(ReportError::TemperatureFormat)),
        ("1e2", Err(ReportError::TemperatureFormat)),
        ("37.123", Err(ReportError::TemperatureFormat)),
        ("99999", Err(ReportError::TemperatureFormat)),
        ("", Err(ReportError::TemperatureFormat)),
        (".5", Err(ReportError::TemperatureFormat)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_temperature(text), want, "{text:?}");
    }
}

#[test]
fn reports_are_checked_and_one_per_day() {
    let e = episode();
    let p = HealthPolicy::default();
    let input = |day: Option<NaiveDate>, t: &str| ReportInput {
        day,
        temperature: t.into(),
        ..Default::default()
    };
    let plan = |reports: &[DailyReport], i: &ReportInput, now| {
        plan_report(&e, reports, i, ReportId::random(), now, &p)
    };

    // Refusals.
    assert_eq!(
        plan(&[], &input(Some(may(19)), ""), vn(20, 9, 0)),
        Err(ReportError::DayOutsideEpisode)
    );
    assert_eq!(
        plan(&[], &input(Some(may(27)), ""), vn(27, 9, 0)),
        Err(ReportError::DayOutsideEpisode)
    );
    assert_eq!(
        plan(&[], &input(Some(may(21)), ""), vn(20, 23, 59)),
        Err(ReportError::DayInFuture)
    );
    assert_eq!(
        plan(&[], &input(Some(may(20)), ""), vn(22, 0, 0)),
        Err(ReportError::TooLate)
    );
    assert_eq!(
        plan(&[], &input(None, "45"), vn(20, 9, 0)),
        Err(ReportError::TemperatureRange)
    );
    assert_eq!(
        plan(&[], &input(None, "hot"), vn(20, 9, 0)),
        Err(ReportError::TemperatureFormat)
    );
    let bad_note = ReportInput {
        note: "a\u{1}b".into(),
        ..Default::default()
    };
    assert_eq!(plan(&[], &bad_note, vn(20, 9, 0)), Err(ReportError::Text));
    let long_note = ReportInput {
        note: "x".repeat(501),
        ..Default::default()
    };
    assert_eq!(plan(&[], &long_note, vn(20, 9, 0)), Err(ReportError::Text));
    // Before the episode, "today" is outside it.
    assert_eq!(
        plan(&[], &input(None, ""), vn(19, 9, 0)),
        Err(ReportError::DayOutsideEpisode)
    );

    // The day defaults to today in Vietnam: 17:30 UTC on the 20th is the 21st.
    let first = plan(
        &[],
        &input(None, "37,2"),
        Utc.with_ymd_and_hms(2021, 5, 20, 17, 30, 0).unwrap(),
    )
    .unwrap();
    let ReportPlan::Insert(r) = &first else {
        panic!("expected an insert")
    };
    assert_eq!(
        (r.day, r.temperature_decidegrees, r.updated_at, r.episode),
        (may(21), Some(372), None, e.id)
    );
    // Yesterday within the grace period is accepted (and will show as done late).
    let late = plan(&[], &input(Some(may(20)), ""), vn(21, 10, 0)).unwrap();
    assert_eq!(late.report().temperature_decidegrees, None);
    let s = day_statuses(&e, std::slice::from_ref(late.report()), vn(21, 10, 0), &p);
    assert_eq!(s[0].status, DayStatus::DoneLate);

    // A second report for the same day replaces the first: same id, first time kept, updated_at set.
    let morning = plan(&[], &input(Some(may(22)), "36,9"), vn(22, 8, 0))
        .unwrap()
        .report()
        .clone();
    let mut evening = ReportInput {
        day: Some(may(22)),
        temperature: "38.1".into(),
        ..Default::default()
    };
    evening.symptoms.fever = true;
    evening.symptoms.other = Some("  đau   đầu ".into());
    evening.note = "  đo lúc 20h \n\n  uống thuốc hạ sốt \n".into();
    let replaced = plan(std::slice::from_ref(&morning), &evening, vn(23, 1, 0)).unwrap();
    let ReportPlan::Replace(r) = &replaced else {
        panic!("expected a replacement")
    };
    assert_eq!(
        (r.id, r.reported_at, r.updated_at),
        (morning.id, morning.reported_at, Some(vn(23, 1, 0)))
    );
    assert_eq!(r.temperature_decidegrees, Some(381));
    assert!(r.symptoms.fever);
    assert_eq!(r.symptoms.other.as_deref(), Some("đau đầu"));
    assert_eq!(r.note.as_deref(), Some("đo lúc 20h\n\nuống thuốc hạ sốt"));
    // The day stays done on time: the first submission decides.
    let s = day_statuses(&e, std::slice::from_ref(r), vn(23, 2, 0), &p);
    assert_eq!(s[2].status, DayStatus::Done);
}

#[test]
fn codes_are_distinct_and_bilingual() {
    fn check(items: &[&dyn Localized]) {
        let codes: std::collections::HashSet<_> = items.iter().map(|i| i.code()).collect();
        assert_eq!(codes.len(), items.len());
        for i in items {
            assert!(
                !i.msg().vi.is_empty() && !i.msg().en.is_empty() && i.msg().vi != i.msg().en,
                "{}",
                i.code()
            );
        }
    }
    use DayStatus::*;
    check(&[&Upcoming, &Due, &Done, &DoneLate, &Late, &Missed, &Expired]);
    use EpisodeError::*;
    check(&[
        &EndBeforeStart,
        &TooLong,
        &UtcOffset,
        &Place,
        &ExtensionNotLater,
        &AlreadyEnded,
        &EndOutsideEpisode,
    ]);
    use ReportError::*;
    check(&[
        &DayOutsideEpisode,
        &DayInFuture,
        &TooLate,
        &TemperatureFormat,
        &TemperatureRange,
        &Text,
    ]);
}

#[test]
fn report_serde_reads_records_without_updated_at() {
    let e = episode();
    let r = report(&e, may(20), vn(20, 9, 0));
    let mut json = serde_json::to_value(&r).unwrap();
    json.as_object_mut().unwrap().remove("updated_at");
    assert_eq!(serde_json::from_value::<DailyReport>(json).unwrap(), r);
}

proptest! {
    #[test]
    fn arbitrary_report_input_never_panics(t in any::<String>(), note in any::<String>(), other in any::<Option<String>>(), minutes in -100_000i64..100_000) {
        let _ = parse_temperature(&t);
        let e = episode();
        let input = ReportInput { day: None, temperature: t, note, symptoms: crate::declaration::Symptoms { other, ..Default::default() } };
        let now = vn(20, 0, 0) + Duration::minutes(minutes);
        if let Ok(plan) = plan_report(&e, &[], &input, ReportId::random(), now, &HealthPolicy::default()) {
            let r = plan.report();
            prop_assert!(r.day >= e.start && r.day <= e.last_day());
            prop_assert!(r.temperature_decidegrees.is_none_or(|t| TEMPERATURE_RANGE_DECIDEGREES.contains(&t)));
        }
    }

    #[test]
    fn statuses_are_ordered_in_time(minutes in -10_000i64..60_000, reported in prop::collection::vec(0usize..7, 0..7)) {
        let e = episode();
        let now = vn(20, 0, 0) + Duration::minutes(minutes);
        let days: Vec<NaiveDate> = e.days().collect();
        let reports: Vec<DailyReport> = reported.iter().map(|&i| report(&e, days[i], crate::calendar::day_start(days[i], 420) + Duration::hours(9))).collect();
        let s = statuses(&e, &reports, now);
        prop_assert_eq!(s.len(), 7);
        // At most one day is due; upcoming days come after every other.
        prop_assert!(s.iter().filter(|s| **s == DayStatus::Due).count() <= 1);
        if let Some(first_upcoming) = s.iter().position(|s| *s == DayStatus::Upcoming) {
            prop_assert!(s[first_upcoming..].iter().all(|s| *s == DayStatus::Upcoming || s.is_done()));
        }
        let reminder = next_reminder(&e, &reports, now, &HealthPolicy::default());
        prop_assert!(reminder.is_none_or(|r| r > now && e.is_active(r)));
    }
}

// ---- one open episode per person (issue 9) ----

/// Day `n` counted from 1 May 2021 (past 31 into June).
fn may_on(n: i64) -> NaiveDate {
    may(1) + Duration::days(n - 1)
}

fn order(person: PersonId, kind: QuarantineKind, from: NaiveDate, to: NaiveDate) -> QuarantineEpisode {
    QuarantineEpisode::new(person, kind, None, from, to, VIETNAM_UTC_OFFSET_MINUTES).unwrap()
}

#[test]
fn a_second_start_extends_the_open_episode() {
    let first = episode();
    let now = vn(22, 9, 0);
    // A new 14-day home order on the 22nd, at a facility now.
    let second = order(first.person, QuarantineKind::Facility, may(22), may_on(35));
    let plan = plan_start(std::slice::from_ref(&first), second, now).unwrap();
    let StartPlan::Extended(e) = &plan else {
        panic!("a second episode was opened: {plan:?}");
    };
    assert_eq!(e.id, first.id, "the open episode keeps its id (and its reports)");
    assert_eq!((e.start, e.expected_end), (may(20), may_on(35)));
    assert_eq!(e.kind, QuarantineKind::Facility);
    assert_eq!(e.place, first.place, "no new place given: the old one stays");
    // An order ending earlier does not shorten the quarantine (ending early is `end_early`).
    let short = order(first.person, QuarantineKind::Home, may(21), may(23));
    let StartPlan::Extended(e) = plan_start(std::slice::from_ref(&first), short, now).unwrap() else {
        panic!("not extended");
    };
    assert_eq!((e.start, e.expected_end), (may(20), may(26)));
    // Back to back with the open one (starts the day after its last day): extended too.
    let next = order(first.person, QuarantineKind::Home, may(27), may(30));
    let plan = plan_start(std::slice::from_ref(&first), next, now).unwrap();
    assert_eq!(plan.episode().id, first.id);
    assert_eq!(plan.episode().expected_end, may(30));
}

#[test]
fn a_start_after_a_gap_or_over_an_earlier_episode_is_refused() {
    let first = episode();
    let now = vn(22, 9, 0);
    let later = order(first.person, QuarantineKind::Home, may(29), may_on(40));
    let err = plan_start(std::slice::from_ref(&first), later, now).unwrap_err();
    assert_eq!(err, EpisodeError::OpenEpisode(may(26)));
    assert_eq!(err.code(), "episode_open");
    assert!(err.msg().vi.contains("2021-05-26") && err.msg().en.contains("2021-05-26"));
    // Ended early on the 22nd: a new one from the 22nd would share that day; from the 23rd it is new.
    let ended = first.end_early(may(22)).unwrap();
    let again = order(first.person, QuarantineKind::Home, may(22), may(30));
    assert_eq!(
        plan_start(std::slice::from_ref(&ended), again, now).unwrap_err(),
        EpisodeError::OverlapsEarlier(may(22))
    );
    let after = order(first.person, QuarantineKind::Home, may(23), may(30));
    assert!(matches!(
        plan_start(std::slice::from_ref(&ended), after, vn(23, 8, 0)).unwrap(),
        StartPlan::New(_)
    ));
    // Someone else's episodes do not count.
    let other = order(PersonId::random(), QuarantineKind::Home, may(21), may(30));
    assert!(matches!(
        plan_start(std::slice::from_ref(&first), other, now).unwrap(),
        StartPlan::New(_)
    ));
    // Over (last day passed, never ended early): a later start is a new episode.
    let next = order(first.person, QuarantineKind::Home, may_on(40), may_on(45));
    assert!(matches!(
        plan_start(std::slice::from_ref(&first), next, vn(40, 8, 0)).unwrap(),
        StartPlan::New(_)
    ));
}

#[test]
fn reports_go_to_the_episode_of_their_day() {
    let person = PersonId::random();
    let old = order(person, QuarantineKind::Home, may(1), may(7));
    let open = order(person, QuarantineKind::Home, may(20), may(26));
    let all = [old.clone(), open.clone()];
    let now = vn(22, 9, 0);
    let pick = |day| current_episode(&all, person, day, now).map(|e| e.id);
    assert_eq!(pick(may(22)), Some(open.id));
    assert_eq!(pick(may(3)), Some(old.id));
    // A day in no episode: the open one (which the report rules then refuse with a clear message).
    assert_eq!(pick(may(15)), Some(open.id));
    assert_eq!(open_episode(&all, person, now).map(|e| e.id), Some(open.id));
    assert_eq!(open_episode(&all, person, vn(27, 0, 0)), None);
    assert_eq!(current_episode(&all, PersonId::random(), may(22), now), None);
}

#[test]
fn each_refusal_names_its_field_and_only_due_or_late_days_are_reportable() {
    assert_eq!(ReportError::TemperatureRange.field(), "temperature");
    assert_eq!(ReportError::TemperatureFormat.field(), "temperature");
    assert_eq!(ReportError::TooLate.field(), "day");
    assert_eq!(ReportError::DayInFuture.field(), "day");
    assert_eq!(ReportError::Text.field(), "note");
    assert_eq!(EpisodeError::EndBeforeStart.field(), "expected_end");
    assert_eq!(EpisodeError::TooLong.field(), "expected_end");
    assert_eq!(EpisodeError::Place.field(), "place");
    let d = NaiveDate::from_ymd_opt(2026, 5, 20).unwrap();
    assert_eq!(EpisodeError::OpenEpisode(d).field(), "start");
    let reportable: Vec<DayStatus> = [
        DayStatus::Upcoming,
        DayStatus::Due,
        DayStatus::Done,
        DayStatus::DoneLate,
        DayStatus::Late,
        DayStatus::Missed,
        DayStatus::Expired,
    ]
    .into_iter()
    .filter(|s| s.is_reportable())
    .collect();
    assert_eq!(reportable, [DayStatus::Due, DayStatus::Late]);
}
