//! Exposure matching on the device (pure): local visits × published exposure windows → alerts. No
//! visit leaves the device for this.
//!
//! Rules: a visit occupies `[checked_in_at, end)`, where `end` is its check-out, or for a visit still
//! open the checkpoint's usual stay (else the visit policy's 4 hours) but not past `now`; every visit
//! lasts at least one minute and at most 24 hours (as the server assumes). A window matches a visit at
//! its checkpoint or at the enclosing checkpoint (a window for a building covers its rooms) when the two
//! half-open intervals overlap by more than zero: touching edges do not count. Windows and visits that
//! ended before the retention period are ignored. Matching is a function of its inputs; alerts are
//! stored by (window, visit), so matching again yields the same alerts, never more.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::local_day;
use crate::i18n::{Msg, en_count};
use crate::ids::{CheckpointId, VisitId};
use crate::protocol::ExposureEntry;
use crate::visit::{DEFAULT_STAY_MINUTES, Visit};

/// One exposure alert: where, when, how long the visit overlapped the window, and the advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The exposure window.
    pub window: i64,
    /// The visit it matched.
    pub visit: VisitId,
    /// Where.
    pub checkpoint: CheckpointId,
    /// The place's name as the visit recorded it.
    pub place: String,
    /// The visit's interval as matched.
    pub visit_from: DateTime<Utc>,
    /// The visit's end as matched (assumed for a visit still open).
    pub visit_to: DateTime<Utc>,
    /// The overlap with the window.
    pub overlap_from: DateTime<Utc>,
    /// End of the overlap.
    pub overlap_to: DateTime<Utc>,
    /// The overlap in whole minutes (at least 1).
    pub overlap_minutes: i64,
    /// The calendar day of the overlap's start (Vietnam time).
    pub day: NaiveDate,
    /// The health office's advice.
    pub advice: String,
}

impl Alert {
    /// The alert in words, in each language once (the officer's advice is one text, so a front end shows
    /// one language at a time, not both side by side). Every time is Vietnam time, and says so.
    pub fn msg(&self) -> Msg {
        let offset = Duration::minutes(i64::from(crate::calendar::VIETNAM_UTC_OFFSET_MINUTES));
        let at = |t: DateTime<Utc>| (t + offset).format("%H:%M").to_string();
        let (from, day) = (at(self.overlap_from), self.day.format("%d/%m/%Y"));
        // An overlap that runs past midnight names the day it ends on too.
        let to = if local_day(
            self.overlap_to - Duration::seconds(1),
            crate::calendar::VIETNAM_UTC_OFFSET_MINUTES,
        ) == self.day
        {
            at(self.overlap_to)
        } else {
            (self.overlap_to + offset).format("%H:%M %d/%m/%Y").to_string()
        };
        let n = self.overlap_minutes;
        Msg::owned(
            format!(
                "Bạn đã ở {} ngày {day}, {from}–{to} (giờ Việt Nam, UTC+7), trùng {n} phút với thời gian có ca \
                 nhiễm ở đó. Khuyến cáo: {}",
                self.place, self.advice
            ),
            format!(
                "You were at {} on {day}, {from}–{to} (Vietnam time, UTC+7), {} while a case was there. \
                 Advice: {}",
                self.place,
                en_count(n, "minute", "minutes"),
                self.advice
            ),
        )
    }
}

/// The interval a visit occupies for matching.
pub fn visit_interval(visit: &Visit, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = visit.checked_in_at;
    let end = match visit.checked_out_at {
        Some(out) => out,
        None => {
            let stay = visit
                .checkpoint
                .default_stay_minutes
                .map_or(DEFAULT_STAY_MINUTES, i64::from);
            (start + Duration::minutes(stay)).min(now)
        }
    };
    let end = end
        .max(start + Duration::minutes(1))
        .min(start + Duration::hours(24));
    (start, end)
}

/// Matches `visits` against `windows` as of `now`, ignoring what ended more than `retention` ago.
pub fn match_exposures(
    visits: &[Visit],
    windows: &[ExposureEntry],
    now: DateTime<Utc>,
    retention: Duration,
) -> Vec<Alert> {
    let horizon = now - retention;
    let mut alerts = Vec::new();
    for w in windows
        .iter()
        .filter(|w| w.ends_at > horizon && w.ends_at > w.starts_at)
    {
        for v in visits {
            let at_place =
                v.checkpoint.id.0 == w.checkpoint || v.checkpoint.parent.map(|p| p.0) == Some(w.checkpoint);
            if !at_place {
                continue;
            }
            let (from, to) = visit_interval(v, now);
            if to <= horizon {
                continue;
            }
            let (o_from, o_to) = (from.max(w.starts_at), to.min(w.ends_at));
            if o_to <= o_from {
                continue;
            }
            let minutes = ((o_to - o_from).num_seconds() + 59) / 60;
            alerts.push(Alert {
                window: w.id,
                visit: v.id,
                checkpoint: v.checkpoint.id,
                place: v.checkpoint.name.clone(),
                visit_from: from,
                visit_to: to,
                overlap_from: o_from,
                overlap_to: o_to,
                overlap_minutes: minutes.max(1),
                day: local_day(o_from, crate::calendar::VIETNAM_UTC_OFFSET_MINUTES),
                advice: w.advice.clone(),
            });
        }
    }
    alerts.sort_by(|a, b| a.overlap_from.cmp(&b.overlap_from).then(a.window.cmp(&b.window)));
    alerts
}
