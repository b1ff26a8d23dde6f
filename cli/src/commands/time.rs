//! Times and days as a person types them, in the computer's time zone.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use tokhai_core::{Clock, VIETNAM_UTC_OFFSET_MINUTES, local_day};

use crate::error::CliError;

/// "HH:MM" (today), "YYYY-MM-DD HH:MM", or RFC 3339.
pub(crate) fn parse_time(text: &str, clock: &dyn Clock) -> Result<DateTime<Utc>, CliError> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    let naive = if let Ok(time) = NaiveTime::parse_from_str(t, "%H:%M") {
        Some(clock.now().with_timezone(&Local).date_naive().and_time(time))
    } else {
        ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    };
    naive
        .and_then(|n| Local.from_local_datetime(&n).earliest())
        .map(|dt| dt.with_timezone(&Utc))
        .ok_or_else(|| {
            CliError::usage(
                "bad_time",
                format!("Không hiểu thời điểm \"{t}\": hãy viết HH:MM hoặc YYYY-MM-DD HH:MM."),
                format!("Cannot read the time \"{t}\": write HH:MM or YYYY-MM-DD HH:MM."),
            )
        })
}

/// "YYYY-MM-DD" or "DD/MM/YYYY"; `None` (blank) is today in Vietnam.
pub(crate) fn parse_day(text: Option<&str>, clock: &dyn Clock) -> Result<NaiveDate, CliError> {
    let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(today(clock));
    };
    ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| {
            CliError::usage(
                "bad_day",
                format!("Không hiểu ngày \"{t}\": hãy viết YYYY-MM-DD."),
                format!("Cannot read the day \"{t}\": write YYYY-MM-DD."),
            )
        })
}

/// Today's calendar day in Vietnam (the days quarantine is counted in).
pub(crate) fn today(clock: &dyn Clock) -> NaiveDate {
    local_day(clock.now(), VIETNAM_UTC_OFFSET_MINUTES)
}
