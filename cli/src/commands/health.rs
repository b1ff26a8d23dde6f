//! `tokhai health start|report|status|extend|end`: the daily health log of a person in quarantine.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use tokhai_core::{
    DayState, DayStatus, Engine, Msg, NewEpisode, Person, QuarantineEpisode, QuarantineKind, ReportInput,
    VIETNAM_UTC_OFFSET_MINUTES,
};

use super::declare::symptoms;
use super::people;
use super::time::parse_day;
use crate::args::{
    HealthCommand, HealthDayArgs, HealthReportArgs, HealthStartArgs, PersonArg, QuarantineFlag,
};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::when;

/// Default length of a quarantine episode, in days.
const DEFAULT_DAYS: u32 = 14;

pub(crate) fn run(ctx: &Ctx, command: &HealthCommand) -> Result<(), CliError> {
    match command {
        HealthCommand::Start(args) => start(ctx, args),
        HealthCommand::Report(args) => report(ctx, args),
        HealthCommand::Status(args) => status(ctx, args),
        HealthCommand::Extend(args) => change_end(ctx, args, true),
        HealthCommand::End(args) => change_end(ctx, args, false),
    }
}

fn start(ctx: &Ctx, args: &HealthStartArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let person = people::select(&engine, &args.person)?;
    let start = parse_day(args.from.as_deref(), ctx.clock())?;
    let expected_end = match (&args.until, args.days) {
        (Some(until), _) => parse_day(Some(until), ctx.clock())?,
        (None, days) => start + Duration::days(i64::from(days.unwrap_or(DEFAULT_DAYS).max(1)) - 1),
    };
    let started = engine.start_quarantine(NewEpisode {
        person: person.id,
        kind: match args.kind {
            QuarantineFlag::Facility => QuarantineKind::Facility,
            QuarantineFlag::Home => QuarantineKind::Home,
            QuarantineFlag::Area => QuarantineKind::LockedDownArea,
        },
        place: args.place.clone().filter(|p| !p.trim().is_empty()),
        start,
        expected_end,
        utc_offset_minutes: VIETNAM_UTC_OFFSET_MINUTES,
    })?;
    let episode = started.episode;
    if ctx.out.json {
        return ctx.out.json(&episode);
    }
    if started.extended {
        ctx.out.say(&Msg::owned(
            format!(
                "✓ Đã có đợt cách ly đang diễn ra: đợt đó được gia hạn ({}, từ {} đến {}), không mở đợt thứ hai. \
                 Hãy báo cáo sức khỏe mỗi ngày (`tokhai health report`).",
                episode.kind.label().vi,
                episode.start,
                episode.expected_end
            ),
            format!(
                "A quarantine was already open: it now covers the new order ({}, from {} to {}); no second \
                 one was opened. Report your health every day (`tokhai health report`).",
                episode.kind.label().en,
                episode.start,
                episode.expected_end
            ),
        ));
        return Ok(());
    }
    ctx.out.say(&Msg::owned(
        format!(
            "✓ Bắt đầu {} từ {} đến {}. Hãy báo cáo sức khỏe mỗi ngày (`tokhai health report`).",
            episode.kind.label().vi,
            episode.start,
            episode.expected_end
        ),
        format!(
            "{} from {} to {}. Report your health every day (`tokhai health report`).",
            episode.kind.label().en,
            episode.start,
            episode.expected_end
        ),
    ));
    Ok(())
}

/// The person's episode for `day` (today when `None`): core's choice (`Engine::current_episode`).
fn current(engine: &Engine, person: &Person, day: Option<NaiveDate>) -> Result<QuarantineEpisode, CliError> {
    engine.current_episode(person.id, day)?.ok_or_else(|| {
        CliError::usage(
            "no_episode",
            "Chưa có đợt cách ly nào; bắt đầu bằng `tokhai health start`.",
            "No quarantine episode yet; start one with `tokhai health start`.",
        )
    })
}

fn report(ctx: &Ctx, args: &HealthReportArgs) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let person = people::select(&engine, &args.person)?;
    let day = match &args.day {
        Some(d) => Some(parse_day(Some(d), ctx.clock())?),
        None => None,
    };
    let episode = current(&engine, &person, day)?;
    let report = engine.report_day(
        episode.id,
        &ReportInput {
            day,
            temperature: args.temperature.clone().unwrap_or_default(),
            symptoms: symptoms(&args.symptoms, args.other_symptom.clone()),
            note: args.note.clone().unwrap_or_default(),
        },
    )?;
    if ctx.out.json {
        return ctx.out.json(&report);
    }
    ctx.out.say(&Msg::owned(
        format!("✓ Đã ghi báo cáo sức khỏe ngày {}.", report.day),
        format!("Health report for {} recorded.", report.day),
    ));
    if report.symptoms.any() {
        ctx.out.say(&Msg::new(
            "Bạn có triệu chứng: hãy báo ngay cho cán bộ y tế phụ trách hoặc gọi đường dây nóng.",
            "You reported symptoms: tell your health officer now or call the hotline.",
        ));
    }
    Ok(())
}

#[derive(Serialize)]
struct Status {
    episode: QuarantineEpisode,
    days: Vec<DayState>,
    next_reminder: Option<chrono::DateTime<chrono::Utc>>,
}

fn status(ctx: &Ctx, args: &PersonArg) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let person = people::select(&engine, args)?;
    let episode = current(&engine, &person, None)?;
    let days = engine.day_statuses(episode.id)?;
    let next_reminder = engine.next_reminder(episode.id)?;
    let out = &ctx.out;
    if out.json {
        return out.json(&Status {
            episode,
            days,
            next_reminder,
        });
    }
    let end = episode.ended_on.unwrap_or(episode.expected_end);
    out.say(&Msg::owned(
        format!("{}: {} → {}", episode.kind.label().vi, episode.start, end),
        format!("{}: {} → {}", episode.kind.label().en, episode.start, end),
    ));
    for d in &days {
        let mark = match d.status {
            DayStatus::Done | DayStatus::DoneLate => "✓",
            DayStatus::Due | DayStatus::Late => "!",
            DayStatus::Missed => "✗",
            DayStatus::Upcoming | DayStatus::Expired => "·",
        };
        out.line(&format!("  {mark} {}  {}", d.day, out.text(&d.status.label())));
    }
    if let Some(t) = next_reminder {
        out.say(&Msg::owned(
            format!("Nhắc tiếp theo: {}", when(t)),
            format!("Next reminder: {}", when(t)),
        ));
    }
    Ok(())
}

fn change_end(ctx: &Ctx, args: &HealthDayArgs, extend: bool) -> Result<(), CliError> {
    let engine = ctx.engine()?;
    let person = people::select(&engine, &args.person)?;
    let episode = current(&engine, &person, None)?;
    let day = parse_day(args.day.as_deref(), ctx.clock())?;
    let changed = if extend {
        engine.extend_quarantine(episode.id, day)?
    } else {
        engine.end_quarantine(episode.id, day)?
    };
    if ctx.out.json {
        return ctx.out.json(&changed);
    }
    let end = changed.ended_on.unwrap_or(changed.expected_end);
    ctx.out.say(&Msg::owned(
        format!("✓ Ngày cách ly cuối cùng: {end}"),
        format!("Last day of quarantine: {end}"),
    ));
    Ok(())
}
