//! The check-in/check-out rules, as pure functions over the visits the store holds and "now".
//!
//! Each function returns plain values (`CheckInPlan`, `VisitChange`) that the engine writes in one
//! transaction; nothing here reads a clock or a database. The rules:
//! - **One open visit at a time.** A check-in closes every open visit: at the new check-in time, or at
//!   the visit's automatic check-out time if that came earlier (then it ends as `Auto`).
//! - **Repeat scans.** Scanning the checkpoint of the open visit again within the repeat window (5 min by
//!   default) is not a new visit: the plan names the existing one and nothing is written.
//! - **One-tap check-out** of the open visit, at "now"; when its stay has already elapsed, at the
//!   automatic check-out time instead (what would have happened had the app been running). No open
//!   visit → an error.
//! - **Automatic check-out** after the checkpoint's default stay, or 4 h when it names none.
//! - **Edits** of a visit's times are refused when a time lies in the future, when check-out precedes
//!   check-in, when a closed visit loses its check-out, or when the visit would overlap another one. An
//!   edited check-out becomes a normal check-out (`CheckedOut`), and `edited` is set.
//! - **History** is newest first.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::model::{CheckpointRef, Visit, VisitEnd};
use crate::i18n::{Localized, Msg};
use crate::ids::VisitId;

/// Default window within which a second scan of the same checkpoint is the same visit, in minutes.
pub const DEFAULT_REPEAT_SCAN_MINUTES: i64 = 5;
/// Default stay after which an open visit is checked out automatically, in minutes.
pub const DEFAULT_STAY_MINUTES: i64 = 4 * 60;

/// The knobs of the visit rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPolicy {
    /// A scan of the open visit's checkpoint within this time after its check-in is the same visit.
    pub repeat_scan_window: Duration,
    /// The stay used when the checkpoint names none.
    pub default_stay: Duration,
}

impl Default for VisitPolicy {
    fn default() -> Self {
        Self {
            repeat_scan_window: Duration::minutes(DEFAULT_REPEAT_SCAN_MINUTES),
            default_stay: Duration::minutes(DEFAULT_STAY_MINUTES),
        }
    }
}

impl VisitPolicy {
    /// How long a visit at `checkpoint` may stay open: its own default stay, or the policy's.
    pub fn stay_at(&self, checkpoint: &CheckpointRef) -> Duration {
        match checkpoint.default_stay_minutes {
            Some(minutes) if minutes > 0 => Duration::minutes(i64::from(minutes)),
            _ => self.default_stay,
        }
    }

    /// When `visit` is (or was) checked out automatically if still open.
    pub fn auto_check_out_at(&self, visit: &Visit) -> DateTime<Utc> {
        visit
            .checked_in_at
            .checked_add_signed(self.stay_at(&visit.checkpoint))
            .unwrap_or(visit.checked_in_at)
    }
}

/// The new state of an existing visit's mutable fields, to be written as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitChange {
    /// Which visit.
    pub visit: VisitId,
    /// Its check-in time.
    pub checked_in_at: DateTime<Utc>,
    /// Its check-out time.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub end: VisitEnd,
    /// Whether the times were corrected by hand.
    pub edited: bool,
}

impl VisitChange {
    /// Applies the change to `visit`; returns false (and changes nothing) when it is another visit.
    pub fn apply(&self, visit: &mut Visit) -> bool {
        if visit.id != self.visit {
            return false;
        }
        visit.checked_in_at = self.checked_in_at;
        visit.checked_out_at = self.checked_out_at;
        visit.end = self.end;
        visit.edited = self.edited;
        true
    }
}

/// What a scan of a checkpoint leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "plan", rename_all = "snake_case")]
pub enum CheckInPlan {
    /// The open visit's checkpoint scanned again within the repeat window: show that visit, write nothing.
    Repeat {
        /// The existing visit.
        visit: VisitId,
    },
    /// A new visit. Write the `close` changes and insert `visit` in one transaction.
    New {
        /// Changes that close the visits open until now.
        close: Vec<VisitChange>,
        /// The new, open visit.
        visit: Visit,
    },
}

/// Why a visit operation is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VisitError {
    /// Check-out with no open visit.
    #[error("no open visit")]
    NoOpenVisit,
    /// The visit to edit does not exist.
    #[error("unknown visit")]
    UnknownVisit,
    /// An edited time lies in the future.
    #[error("time in the future")]
    InFuture,
    /// The edited check-out precedes the check-in.
    #[error("check-out before check-in")]
    CheckOutBeforeCheckIn,
    /// A closed visit must keep a check-out time.
    #[error("check-out time required")]
    CheckOutRequired,
    /// The edited visit would overlap another visit.
    #[error("overlaps another visit")]
    Overlap,
}

impl Localized for VisitError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoOpenVisit => "no_open_visit",
            Self::UnknownVisit => "unknown_visit",
            Self::InFuture => "visit_time_in_future",
            Self::CheckOutBeforeCheckIn => "check_out_before_check_in",
            Self::CheckOutRequired => "check_out_required",
            Self::Overlap => "visit_overlap",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::NoOpenVisit => Msg::new("Bạn chưa check-in ở đâu.", "You are not checked in anywhere."),
            Self::UnknownVisit => Msg::new("Không tìm thấy lượt ghé này.", "This visit was not found."),
            Self::InFuture => Msg::new(
                "Thời gian không được ở tương lai.",
                "A time cannot be in the future.",
            ),
            Self::CheckOutBeforeCheckIn => Msg::new(
                "Giờ ra phải sau giờ vào.",
                "The check-out time must be after the check-in time.",
            ),
            Self::CheckOutRequired => Msg::new(
                "Lượt ghé đã kết thúc cần có giờ ra.",
                "A finished visit needs a check-out time.",
            ),
            Self::Overlap => Msg::new(
                "Khoảng thời gian này trùng với một lượt ghé khác.",
                "These times overlap another visit.",
            ),
        }
    }
}

/// The open visit (the newest, should the store hold several).
pub fn open_visit(visits: &[Visit]) -> Option<&Visit> {
    visits
        .iter()
        .filter(|v| is_open(v))
        .max_by_key(|v| (v.checked_in_at, v.id))
}

fn is_open(visit: &Visit) -> bool {
    visit.end == VisitEnd::Open && visit.checked_out_at.is_none()
}

/// Closes an open visit at `now` with `end`, or at its automatic check-out time if that came first.
fn close(visit: &Visit, now: DateTime<Utc>, end: VisitEnd, policy: &VisitPolicy) -> VisitChange {
    let auto = policy.auto_check_out_at(visit);
    let (at, end) = if auto <= now {
        (auto, VisitEnd::Auto)
    } else {
        (now, end)
    };
    VisitChange {
        visit: visit.id,
        checked_in_at: visit.checked_in_at,
        // A check-in dated after "now" (a clock set back) is closed at its own start, never before it.
        checked_out_at: Some(at.max(visit.checked_in_at)),
        end,
        edited: visit.edited,
    }
}

/// What scanning `checkpoint` at `now` does. `id` is the id the new visit gets, if there is one.
pub fn plan_check_in(
    visits: &[Visit],
    checkpoint: CheckpointRef,
    id: VisitId,
    now: DateTime<Utc>,
    policy: &VisitPolicy,
) -> CheckInPlan {
    if let Some(open) = open_visit(visits) {
        let since = now.signed_duration_since(open.checked_in_at);
        if open.checkpoint.id == checkpoint.id
            && since >= Duration::zero()
            && since <= policy.repeat_scan_window
        {
            return CheckInPlan::Repeat { visit: open.id };
        }
    }
    let close = visits
        .iter()
        .filter(|v| is_open(v))
        .map(|v| close(v, now, VisitEnd::NextCheckIn, policy))
        .collect();
    let visit = Visit {
        id,
        checkpoint,
        checked_in_at: now,
        checked_out_at: None,
        end: VisitEnd::Open,
        edited: false,
        person: None,
    };
    CheckInPlan::New { close, visit }
}

/// One-tap check-out at `now`: the changes that close the open visit (and any other left open).
pub fn plan_check_out(
    visits: &[Visit],
    now: DateTime<Utc>,
    policy: &VisitPolicy,
) -> Result<Vec<VisitChange>, VisitError> {
    let changes: Vec<VisitChange> = visits
        .iter()
        .filter(|v| is_open(v))
        .map(|v| close(v, now, VisitEnd::CheckedOut, policy))
        .collect();
    if changes.is_empty() {
        Err(VisitError::NoOpenVisit)
    } else {
        Ok(changes)
    }
}

/// The open visits whose stay has elapsed at `now`, each closed at its automatic check-out time.
pub fn due_auto_check_outs(visits: &[Visit], now: DateTime<Utc>, policy: &VisitPolicy) -> Vec<VisitChange> {
    visits
        .iter()
        .filter(|v| is_open(v) && policy.auto_check_out_at(v) <= now)
        .map(|v| close(v, now, VisitEnd::Auto, policy))
        .collect()
}

/// When the next automatic check-out falls due (for the engine to schedule a wake-up), if any visit is open.
pub fn next_auto_check_out(visits: &[Visit], policy: &VisitPolicy) -> Option<DateTime<Utc>> {
    visits
        .iter()
        .filter(|v| is_open(v))
        .map(|v| policy.auto_check_out_at(v))
        .min()
}

/// New times for a visit, as the visitor corrected them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitEdit {
    /// Check-in time.
    pub checked_in_at: DateTime<Utc>,
    /// Check-out time; `None` keeps an open visit open (a closed visit must keep one).
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// Checks an edit of visit `id` made at `now` and returns the change to write.
pub fn plan_edit(
    visits: &[Visit],
    id: VisitId,
    edit: VisitEdit,
    now: DateTime<Utc>,
) -> Result<VisitChange, VisitError> {
    let visit = visits
        .iter()
        .find(|v| v.id == id)
        .ok_or(VisitError::UnknownVisit)?;
    let VisitEdit {
        checked_in_at: start,
        checked_out_at: out,
    } = edit;
    if start > now || out.is_some_and(|out| out > now) {
        return Err(VisitError::InFuture);
    }
    if out.is_some_and(|out| out < start) {
        return Err(VisitError::CheckOutBeforeCheckIn);
    }
    if out.is_none() && !is_open(visit) {
        return Err(VisitError::CheckOutRequired);
    }
    let end_of = |v: &Visit| v.checked_out_at.unwrap_or(now).max(v.checked_in_at);
    let new_end = out.unwrap_or(now);
    let overlaps = visits.iter().filter(|v| v.id != id).any(|other| {
        let (a, b) = (other.checked_in_at, end_of(other));
        // Visits that only touch (one ends when the next begins) do not overlap.
        if a == b {
            start < a && a < new_end
        } else {
            start < b && a < new_end
        }
    });
    if overlaps {
        return Err(VisitError::Overlap);
    }
    let out_changed = out != visit.checked_out_at;
    if !out_changed && start == visit.checked_in_at {
        // Nothing changed: the visit stays exactly as it is.
        return Ok(VisitChange {
            visit: id,
            checked_in_at: visit.checked_in_at,
            checked_out_at: visit.checked_out_at,
            end: visit.end,
            edited: visit.edited,
        });
    }
    let end = match (out, visit.end) {
        (None, _) => VisitEnd::Open,
        // A corrected automatic check-out, a check-out added by hand, or a moved check-out: the visitor's own.
        (Some(_), VisitEnd::Open | VisitEnd::Auto) => VisitEnd::CheckedOut,
        (Some(_), _) if out_changed => VisitEnd::CheckedOut,
        (Some(_), end) => end,
    };
    Ok(VisitChange {
        visit: id,
        checked_in_at: start,
        checked_out_at: out,
        end,
        edited: true,
    })
}

/// The visits, newest check-in first; among equal check-ins, the open or later-ending one first.
pub fn visit_history(visits: &[Visit]) -> Vec<&Visit> {
    let mut sorted: Vec<&Visit> = visits.iter().collect();
    // `None` (still open) sorts after every `Some`, so in this descending order it comes first.
    sorted.sort_by_key(|v| {
        std::cmp::Reverse((
            v.checked_in_at,
            v.checked_out_at.is_none(),
            v.checked_out_at,
            v.id,
        ))
    });
    sorted
}
