//! Timings of the pure domain functions: unit lists (first parse and search), form validation, the visit
//! rules over a long history. A bench binary that prints a table (`cargo bench -p tokhai-core --bench
//! domain`), not a timed test: nothing here asserts a speed.

#![allow(clippy::print_stdout, reason = "a bench binary reports on stdout")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "bench set-up"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use cpu_time::ThreadTime;
use tokhai_core::{
    AddressForm, CheckpointId, CheckpointKind, CheckpointRef, DeclarationForm, FixedClock, Phone, Relation,
    SearchOptions, UnitLevel, UnitScheme, ValidationContext, Visit, VisitEnd, VisitId, VisitPolicy,
    plan_check_in, units, validate,
};

/// One line of the table: wall-clock median and 99th percentile of one call, and the median CPU time
/// of the calling thread (what the call costs, whatever else the machine is doing).
struct Timing {
    p50: Duration,
    p99: Duration,
    cpu_p50: Option<Duration>,
}

/// Runs `f` `n` times.
fn measure(n: usize, mut f: impl FnMut()) -> Timing {
    let mut wall = Vec::with_capacity(n);
    let mut cpu = Vec::with_capacity(n);
    for _ in 0..n {
        let cpu_start = ThreadTime::now();
        let start = Instant::now();
        f();
        wall.push(start.elapsed());
        cpu.push(cpu_start.elapsed());
    }
    wall.sort();
    cpu.sort();
    Timing {
        p50: wall[n / 2],
        p99: wall[(n * 99 / 100).min(n - 1)],
        cpu_p50: Some(cpu[n / 2]),
    }
}

/// A one-off duration (first use of a list).
fn once(d: Duration) -> Timing {
    Timing {
        p50: d,
        p99: d,
        cpu_p50: None,
    }
}

fn row(what: &str, t: Timing) {
    let cpu = t
        .cpu_p50
        .map_or_else(|| "—".to_owned(), |c| format!("{:.1}", c.as_secs_f64() * 1e6));
    println!(
        "| {what:<52} | {:>10.1} | {:>10.1} | {cpu:>10} |",
        t.p50.as_secs_f64() * 1e6,
        t.p99.as_secs_f64() * 1e6,
    );
}

fn main() {
    println!("| operation | p50 (µs) | p99 (µs) | CPU p50 (µs) |");
    println!("|---|---:|---:|---:|");

    let start = Instant::now();
    black_box(units(UnitScheme::V2025).provinces().count());
    let first_2025 = start.elapsed();
    let start = Instant::now();
    black_box(units(UnitScheme::V2021).provinces().count());
    let first_2021 = start.elapsed();
    row("parse embedded 2025 list (first use, once)", once(first_2025));
    row("parse embedded 2021 list (first use, once)", once(first_2021));

    let all = SearchOptions::default();
    let provinces = SearchOptions {
        level: Some(UnitLevel::Province),
        ..Default::default()
    };
    let hcm = SearchOptions {
        within: Some(tokhai_core::UnitKey {
            level: UnitLevel::Province,
            code: 79,
        }),
        ..Default::default()
    };
    for (scheme, query, options, label) in [
        (
            UnitScheme::V2025,
            "ha tinh",
            provinces,
            "search 2025 provinces \"ha tinh\"",
        ),
        (
            UnitScheme::V2025,
            "hoan kiem",
            all,
            "search 2025 all units \"hoan kiem\"",
        ),
        (
            UnitScheme::V2021,
            "an",
            all,
            "search 2021 all units \"an\" (many hits)",
        ),
        (
            UnitScheme::V2021,
            "phường 1",
            hcm,
            "search 2021 within HCM \"phường 1\"",
        ),
        (UnitScheme::V2021, "zzzz", all, "search 2021 all units, no hit"),
        (
            UnitScheme::V2021,
            "q1",
            all,
            "search 2021 all units \"q1\" (glued kind)",
        ),
        (
            UnitScheme::V2021,
            "hanoi",
            all,
            "search 2021 all units \"hanoi\" (no spaces)",
        ),
        (
            UnitScheme::V2025,
            "x. bat trang",
            all,
            "search 2025 all units \"x. bat trang\"",
        ),
    ] {
        let list = units(scheme);
        row(
            label,
            measure(200, || {
                black_box(list.search(black_box(query), &options));
            }),
        );
    }

    let clock = FixedClock::new(Utc.with_ymd_and_hms(2025, 8, 1, 2, 0, 0).unwrap());
    let holder = Phone::parse("0987654321").unwrap();
    let ctx = ValidationContext::new(&clock, Relation::Myself).with_holder_phone(&holder);
    let form = DeclarationForm {
        full_name: "nguyễn văn an".into(),
        id_number: "001090012345".into(),
        birth_year: "1990".into(),
        sex: "nam".into(),
        address: AddressForm {
            province: "01".into(),
            ward: "70".into(),
            street: "12 Hàng Bạc".into(),
            ..Default::default()
        },
        phone: "0912 345 678".into(),
        travel: vec!["Đà Nẵng".into()],
        chronic_conditions: vec!["tiểu đường".into()],
        ..Default::default()
    };
    assert!(validate(&form, &ctx).is_ok());
    row(
        "validate a complete declaration form",
        measure(2000, || {
            black_box(validate(black_box(&form), &ctx).ok());
        }),
    );
    row(
        "parse a phone number",
        measure(2000, || {
            black_box(Phone::parse(black_box("(+84) 912-345-678")).ok());
        }),
    );

    let checkpoint = |id| CheckpointRef {
        id: CheckpointId(id),
        parent: None,
        name: "Chợ Hàng Da".into(),
        kind: CheckpointKind::Market,
        ward: 70,
        street: "1 Hàng Da".into(),
        default_stay_minutes: Some(60),
    };
    let t0 = Utc.with_ymd_and_hms(2025, 7, 1, 0, 0, 0).unwrap();
    let mut visits: Vec<Visit> = (0..500)
        .map(|i| Visit {
            id: VisitId::random(),
            checkpoint: checkpoint(i % 7),
            checked_in_at: t0 + chrono::Duration::hours(i as i64),
            checked_out_at: Some(t0 + chrono::Duration::hours(i as i64) + chrono::Duration::minutes(30)),
            end: VisitEnd::CheckedOut,
            edited: false,
            person: None,
        })
        .collect();
    visits.last_mut().unwrap().checked_out_at = None;
    visits.last_mut().unwrap().end = VisitEnd::Open;
    let now = t0 + chrono::Duration::hours(500);
    let policy = VisitPolicy::default();
    row(
        "plan a check-in over 500 visits",
        measure(2000, || {
            black_box(plan_check_in(
                black_box(&visits),
                checkpoint(9),
                VisitId::random(),
                now,
                &policy,
            ));
        }),
    );
}
