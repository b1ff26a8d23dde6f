//! The daily health log: one report per calendar day of an episode, the status of each day, reminders.
//!
//! Days are the episode's calendar days at its UTC offset (Vietnam's, +07:00), never the device's zone.
//! Decisions:
//! - **One report per day.** A second report for the same day *replaces* the first: same [`ReportId`] (so
//!   the server sees an update, not a second report), new answers, the first `reported_at` kept (it decides
//!   done vs. done late) and `updated_at` set. A report is accepted while its day is reportable: from the
//!   day's start until the grace period after its end; never for a future day or outside the episode.
//! - **Day status** for each day of the episode: upcoming (not begun), due (today, no report), done
//!   (reported on the day), done late (reported within the grace period after it), late (no report, past
//!   the day, still within grace: still reportable), missed (no report, grace over), expired (no report
//!   and past the retention period: any report would have been purged, so "missed" cannot be told).
//! - **Reminders** at fixed local times (08:00 and 20:00 by default) on each day of the episode whose
//!   report is not done; none before the episode starts or after it ends.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{DailyReport, QuarantineEpisode};
use crate::calendar::{day_end, day_start, local_day, local_instant};
use crate::declaration::{Symptoms, clean_line};
use crate::i18n::{Localized, Msg};
use crate::ids::ReportId;
use crate::retention::RetentionPolicy;

/// Plausible body temperatures, in tenths of a degree Celsius (34.0–43.0 °C).
pub const TEMPERATURE_RANGE_DECIDEGREES: std::ops::RangeInclusive<u16> = 340..=430;
/// Longest note, in characters.
pub const REPORT_NOTE_MAX: usize = 500;
/// Longest "other symptoms" text, in characters.
pub const REPORT_OTHER_SYMPTOMS_MAX: usize = 200;
/// Default grace period after a day ends during which its report is still accepted, in hours.
pub const DEFAULT_GRACE_HOURS: i64 = 24;

/// The knobs of the daily log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthPolicy {
    /// How long after a day ends its report is still accepted (and the day shows as late, not missed).
    pub grace: Duration,
    /// Local times of day at which to remind a person whose report for the day is not done.
    pub reminder_times: Vec<NaiveTime>,
    /// The retention period, so that days whose reports would have been purged show as expired.
    pub retention: RetentionPolicy,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        Self {
            grace: Duration::hours(DEFAULT_GRACE_HOURS),
            reminder_times: [8, 20]
                .into_iter()
                .filter_map(|h| NaiveTime::from_hms_opt(h, 0, 0))
                .collect(),
            retention: RetentionPolicy::default(),
        }
    }
}

/// The state of one day of an episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// The day has not begun.
    Upcoming,
    /// Today; not reported yet.
    Due,
    /// Reported on the day.
    Done,
    /// Reported after the day, within the grace period.
    DoneLate,
    /// Past, not reported, still reportable (grace period).
    Late,
    /// Past the grace period without a report.
    Missed,
    /// Past the retention period without a report on the device (purged or never made).
    Expired,
}

impl DayStatus {
    /// The status as people read it.
    pub fn label(self) -> Msg {
        match self {
            Self::Upcoming => Msg::new("Chưa đến", "Upcoming"),
            Self::Due => Msg::new("Cần báo cáo hôm nay", "Due today"),
            Self::Done => Msg::new("Đã báo cáo", "Reported"),
            Self::DoneLate => Msg::new("Đã báo cáo muộn", "Reported late"),
            Self::Late => Msg::new("Quá hạn, vẫn có thể báo cáo", "Late, still reportable"),
            Self::Missed => Msg::new("Bỏ lỡ", "Missed"),
            Self::Expired => Msg::new("Quá thời hạn lưu giữ", "Past retention"),
        }
    }
}

impl DayStatus {
    /// Whether a report exists for the day.
    pub fn is_done(self) -> bool {
        matches!(self, Self::Done | Self::DoneLate)
    }

    /// Whether a report for the day is accepted now and none exists yet (today, or a late day still in
    /// its grace period): the days a front end offers to report.
    pub fn is_reportable(self) -> bool {
        matches!(self, Self::Due | Self::Late)
    }
}

impl Localized for DayStatus {
    fn code(&self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Due => "due",
            Self::Done => "done",
            Self::DoneLate => "done_late",
            Self::Late => "late",
            Self::Missed => "missed",
            Self::Expired => "expired",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Upcoming => Msg::new("Chưa đến ngày", "Not yet"),
            Self::Due => Msg::new("Cần khai báo hôm nay", "Report due today"),
            Self::Done => Msg::new("Đã khai báo", "Reported"),
            Self::DoneLate => Msg::new("Đã khai báo muộn", "Reported late"),
            Self::Late => Msg::new("Quá hạn, vẫn có thể khai báo", "Overdue, still reportable"),
            Self::Missed => Msg::new("Đã bỏ lỡ", "Missed"),
            Self::Expired => Msg::new("Đã quá thời hạn lưu trữ", "Past the retention period"),
        }
    }
}

/// One day of an episode and its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayState {
    /// The calendar day (episode's offset).
    pub day: NaiveDate,
    /// Its status at "now".
    pub status: DayStatus,
    /// Its report, if any.
    pub report: Option<ReportId>,
}

/// The reports of `episode`, one per day: the first submitted when the store holds several.
fn report_for<'a>(
    episode: &QuarantineEpisode,
    reports: &'a [DailyReport],
    day: NaiveDate,
) -> Option<&'a DailyReport> {
    reports
        .iter()
        .filter(|r| r.episode == episode.id && r.day == day)
        .min_by_key(|r| (r.reported_at, r.id))
}

/// The status of every day of `episode` at `now`, first day first.
pub fn day_statuses(
    episode: &QuarantineEpisode,
    reports: &[DailyReport],
    now: DateTime<Utc>,
    policy: &HealthPolicy,
) -> Vec<DayState> {
    let offset = episode.utc_offset_minutes;
    episode
        .days()
        .map(|day| {
            let report = report_for(episode, reports, day);
            let end = day_end(day, offset);
            let status = match report {
                Some(r) if r.reported_at < end => DayStatus::Done,
                Some(_) => DayStatus::DoneLate,
                None if now < day_start(day, offset) => DayStatus::Upcoming,
                None if now < end => DayStatus::Due,
                None if end.checked_add_signed(policy.grace).is_some_and(|g| now < g) => DayStatus::Late,
                None if policy.retention.day_expired(day, offset, now) => DayStatus::Expired,
                None => DayStatus::Missed,
            };
            DayState {
                day,
                status,
                report: report.map(|r| r.id),
            }
        })
        .collect()
}

/// The next reminder strictly after `now`: the first reminder time on a day of the episode, today or
/// later, whose report is not done. `None` when the episode is over or everything is reported.
pub fn next_reminder(
    episode: &QuarantineEpisode,
    reports: &[DailyReport],
    now: DateTime<Utc>,
    policy: &HealthPolicy,
) -> Option<DateTime<Utc>> {
    let offset = episode.utc_offset_minutes;
    let today = local_day(now, offset);
    let mut times = policy.reminder_times.clone();
    times.sort();
    episode
        .days()
        .filter(|d| *d >= today && report_for(episode, reports, *d).is_none())
        .find_map(|day| {
            times
                .iter()
                .map(|t| local_instant(day, *t, offset))
                .find(|at| *at > now)
        })
}

/// A daily report as the person fills it in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    /// The day reported on; blank means today (episode's offset).
    pub day: Option<NaiveDate>,
    /// Body temperature as typed ("37.5", "37,5", "37.5 °C"); blank when not measured.
    pub temperature: String,
    /// Symptoms today.
    pub symptoms: Symptoms,
    /// A note.
    pub note: String,
}

/// Why a report is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The day is not one of the episode's days.
    #[error("day outside the quarantine")]
    DayOutsideEpisode,
    /// The day has not begun.
    #[error("day in the future")]
    DayInFuture,
    /// The grace period after the day is over.
    #[error("too late to report this day")]
    TooLate,
    /// The temperature is not a number.
    #[error("temperature is not a number")]
    TemperatureFormat,
    /// The temperature is outside 34.0–43.0 °C.
    #[error("temperature out of range")]
    TemperatureRange,
    /// The note or "other symptoms" text is too long or holds control characters.
    #[error("invalid text")]
    Text,
}

impl ReportError {
    /// The field of the report form the refusal belongs to (`day`, `temperature`, `note`): where a
    /// front end shows it.
    pub fn field(self) -> &'static str {
        match self {
            Self::DayOutsideEpisode | Self::DayInFuture | Self::TooLate => "day",
            Self::TemperatureFormat | Self::TemperatureRange => "temperature",
            Self::Text => "note",
        }
    }
}

impl Localized for ReportError {
    fn code(&self) -> &'static str {
        match self {
            Self::DayOutsideEpisode => "report_day_outside_episode",
            Self::DayInFuture => "report_day_in_future",
            Self::TooLate => "report_too_late",
            Self::TemperatureFormat => "temperature_format",
            Self::TemperatureRange => "temperature_range",
            Self::Text => "report_text",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::DayOutsideEpisode => Msg::new(
                "Ngày này không thuộc thời gian cách ly.",
                "This day is not part of the quarantine.",
            ),
            Self::DayInFuture => Msg::new(
                "Chưa thể khai báo cho ngày sau.",
                "You cannot report for a future day.",
            ),
            Self::TooLate => Msg::new(
                "Đã quá hạn khai báo cho ngày này.",
                "It is too late to report for this day.",
            ),
            Self::TemperatureFormat => Msg::new(
                "Nhiệt độ phải là một số, ví dụ 36,8.",
                "The temperature is a number, e.g. 36.8.",
            ),
            Self::TemperatureRange => Msg::new(
                "Nhiệt độ phải từ 34,0 đến 43,0 °C; vui lòng đo lại.",
                "The temperature must be between 34.0 and 43.0 °C; please measure again.",
            ),
            Self::Text => Msg::owned(
                format!(
                    "Ghi chú tối đa {REPORT_NOTE_MAX} ký tự, triệu chứng khác tối đa {REPORT_OTHER_SYMPTOMS_MAX} ký tự."
                ),
                format!(
                    "A note has at most {REPORT_NOTE_MAX} characters, other symptoms at most {REPORT_OTHER_SYMPTOMS_MAX}."
                ),
            ),
        }
    }
}

/// Parses a temperature in °C ("37.5", "37,5", "37.5°C", "37") into tenths of a degree, checking the range.
pub fn parse_temperature(text: &str) -> Result<u16, ReportError> {
    let t = text.trim();
    let t = t.strip_suffix(['C', 'c']).unwrap_or(t).trim_end();
    let t = t.strip_suffix('°').unwrap_or(t).trim_end();
    let (whole, tenths) = match t.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let digits =
        |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole, 3) || !(tenths.is_empty() || digits(tenths, 2)) {
        return Err(ReportError::TemperatureFormat);
    }
    let whole: u16 = whole.parse().map_err(|_| ReportError::TemperatureFormat)?;
    // Round to the nearest tenth: "37.25" → 37.3.
    let hundredths: u16 = match tenths.len() {
        0 => 0,
        1 => {
            tenths
                .parse::<u16>()
                .map_err(|_| ReportError::TemperatureFormat)?
                * 10
        }
        _ => tenths.parse().map_err(|_| ReportError::TemperatureFormat)?,
    };
    let value = whole * 10 + (hundredths + 5) / 10;
    if TEMPERATURE_RANGE_DECIDEGREES.contains(&value) {
        Ok(value)
    } else {
        Err(ReportError::TemperatureRange)
    }
}

/// What to write for a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "plan", content = "report", rename_all = "snake_case")]
pub enum ReportPlan {
    /// The first report for its day.
    Insert(DailyReport),
    /// A new version of the day's report (same id).
    Replace(DailyReport),
}

impl ReportPlan {
    /// The report to write.
    pub fn report(&self) -> &DailyReport {
        match self {
            Self::Insert(r) | Self::Replace(r) => r,
        }
    }
}

/// Checks a report made at `now` and says what to write. `id` is used when it is the day's first report.
pub fn plan_report(
    episode: &QuarantineEpisode,
    reports: &[DailyReport],
    input: &ReportInput,
    id: ReportId,
    now: DateTime<Utc>,
    policy: &HealthPolicy,
) -> Result<ReportPlan, ReportError> {
    let offset = episode.utc_offset_minutes;
    let day = input.day.unwrap_or_else(|| local_day(now, offset));
    if day < episode.start || day > episode.last_day() {
        return Err(ReportError::DayOutsideEpisode);
    }
    if now < day_start(day, offset) {
        return Err(ReportError::DayInFuture);
    }
    if day_end(day, offset)
        .checked_add_signed(policy.grace)
        .is_none_or(|g| now >= g)
    {
        return Err(ReportError::TooLate);
    }
    let temperature = match input.temperature.trim() {
        "" => None,
        t => Some(parse_temperature(t)?),
    };
    let note = clean_note(&input.note)?;
    let other = clean_line(
        input.symptoms.other.as_deref().unwrap_or(""),
        REPORT_OTHER_SYMPTOMS_MAX,
    )
    .map_err(|_| ReportError::Text)?;
    let symptoms = Symptoms {
        other,
        ..input.symptoms.clone()
    };
    let report = |id, reported_at, updated_at| DailyReport {
        id,
        episode: episode.id,
        day,
        reported_at,
        updated_at,
        temperature_decidegrees: temperature,
        symptoms: symptoms.clone(),
        note: note.clone(),
    };
    Ok(match report_for(episode, reports, day) {
        Some(first) => ReportPlan::Replace(report(first.id, first.reported_at, Some(now))),
        None => ReportPlan::Insert(report(id, now, None)),
    })
}

/// A note may span lines; each line is cleaned, blank lines at the ends dropped.
fn clean_note(raw: &str) -> Result<Option<String>, ReportError> {
    if raw.chars().nth(REPORT_NOTE_MAX.saturating_mul(4)).is_some() {
        return Err(ReportError::Text);
    }
    let mut lines = Vec::new();
    for line in raw.lines() {
        lines.push(
            clean_line(line, REPORT_NOTE_MAX)
                .map_err(|_| ReportError::Text)?
                .unwrap_or_default(),
        );
    }
    let text = lines.join("\n").trim_matches('\n').to_owned();
    if text.chars().count() > REPORT_NOTE_MAX {
        return Err(ReportError::Text);
    }
    Ok(Some(text).filter(|t| !t.is_empty()))
}
