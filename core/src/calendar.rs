//! Calendar days at a fixed UTC offset. The product's days are Vietnam's (UTC+07:00, no daylight saving),
//! whatever zone the device or its clock is set to: a "day" never comes from the device's local zone.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

/// Vietnam's offset from UTC, in minutes (+07:00 all year).
pub const VIETNAM_UTC_OFFSET_MINUTES: i32 = 7 * 60;

/// Whether `minutes` is a real UTC offset (within ±14 h).
pub fn is_valid_utc_offset(minutes: i32) -> bool {
    (-14 * 60..=14 * 60).contains(&minutes)
}

/// The offset to use: `minutes` when it is real, Vietnam's otherwise.
fn offset(minutes: i32) -> Duration {
    Duration::minutes(i64::from(if is_valid_utc_offset(minutes) {
        minutes
    } else {
        VIETNAM_UTC_OFFSET_MINUTES
    }))
}

/// The calendar day of `instant` at `offset_minutes` from UTC.
pub fn local_day(instant: DateTime<Utc>, offset_minutes: i32) -> NaiveDate {
    let utc = instant.naive_utc();
    // Only the extreme ends of chrono's range overflow; they keep their UTC day.
    utc.checked_add_signed(offset(offset_minutes))
        .unwrap_or(utc)
        .date()
}

/// The instant that `time` on `day` is at `offset_minutes` from UTC.
pub fn local_instant(day: NaiveDate, time: NaiveTime, offset_minutes: i32) -> DateTime<Utc> {
    let local = day.and_time(time);
    local
        .checked_sub_signed(offset(offset_minutes))
        .unwrap_or(local)
        .and_utc()
}

/// The instant `day` begins (00:00) at `offset_minutes` from UTC.
pub fn day_start(day: NaiveDate, offset_minutes: i32) -> DateTime<Utc> {
    local_instant(day, NaiveTime::MIN, offset_minutes)
}

/// The instant `day` ends (00:00 of the next day) at `offset_minutes` from UTC.
pub fn day_end(day: NaiveDate, offset_minutes: i32) -> DateTime<Utc> {
    let start = day_start(day, offset_minutes);
    start.checked_add_signed(Duration::days(1)).unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_follow_the_offset_not_utc() {
        // 17:30 UTC on 20 May is 00:30 on 21 May in Vietnam.
        let instant = Utc.with_ymd_and_hms(2021, 5, 20, 17, 30, 0).unwrap();
        let may = |d| NaiveDate::from_ymd_opt(2021, 5, d).unwrap();
        assert_eq!(local_day(instant, VIETNAM_UTC_OFFSET_MINUTES), may(21));
        assert_eq!(local_day(instant, 0), may(20));
        assert_eq!(local_day(instant, -5 * 60), may(20));
        assert_eq!(
            day_start(may(21), VIETNAM_UTC_OFFSET_MINUTES),
            Utc.with_ymd_and_hms(2021, 5, 20, 17, 0, 0).unwrap()
        );
        assert_eq!(
            day_end(may(21), VIETNAM_UTC_OFFSET_MINUTES),
            Utc.with_ymd_and_hms(2021, 5, 21, 17, 0, 0).unwrap()
        );
        let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        assert_eq!(
            local_instant(may(21), eight, VIETNAM_UTC_OFFSET_MINUTES),
            Utc.with_ymd_and_hms(2021, 5, 21, 1, 0, 0).unwrap()
        );
        // A nonsense offset falls back to Vietnam's rather than failing.
        assert!(!is_valid_utc_offset(15 * 60));
        assert_eq!(local_day(instant, 99_999), may(21));
    }
}
