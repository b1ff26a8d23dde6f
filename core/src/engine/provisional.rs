//! PROVISIONAL visit rules, standing in until the domain branch's `visit::rules` lands on `main`; the
//! engine then calls those instead and this file goes. Kept minimal and in one place on purpose.

use chrono::{DateTime, Utc};

use super::error::Rejection;
use super::policy::Policy;
use crate::ids::VisitId;
use crate::visit::{CheckpointRef, Visit, VisitEnd};

/// What a check-in does.
pub(crate) enum CheckInPlan {
    /// A repeat scan of the open visit's checkpoint: nothing new.
    Repeat(Visit),
    /// Close `close` (if any) and open a new visit.
    New { close: Option<Visit>, open: Visit },
}

fn stay_of(visit: &Visit, policy: &Policy) -> chrono::Duration {
    visit
        .checkpoint
        .default_stay_minutes
        .map(|m| chrono::Duration::minutes(i64::from(m)))
        .unwrap_or(policy.default_stay)
}

/// Closes `open` automatically when its stay has run out by `now`.
pub(crate) fn auto_close(open: &Visit, now: DateTime<Utc>, policy: &Policy) -> Option<Visit> {
    let due = open.checked_in_at + stay_of(open, policy);
    (open.end == VisitEnd::Open && now >= due).then(|| Visit {
        checked_out_at: Some(due),
        end: VisitEnd::Auto,
        ..open.clone()
    })
}

pub(crate) fn check_in(
    open: Option<&Visit>,
    checkpoint: CheckpointRef,
    now: DateTime<Utc>,
    policy: &Policy,
) -> CheckInPlan {
    let open = open.filter(|v| v.end == VisitEnd::Open);
    if let Some(v) = open
        && v.checkpoint.id == checkpoint.id
        && now - v.checked_in_at < policy.repeat_scan
    {
        return CheckInPlan::Repeat(v.clone());
    }
    let close = open.map(|v| {
        auto_close(v, now, policy).unwrap_or_else(|| Visit {
            checked_out_at: Some(now),
            end: VisitEnd::NextCheckIn,
            ..v.clone()
        })
    });
    let new = Visit {
        id: VisitId::random(),
        checkpoint,
        checked_in_at: now,
        checked_out_at: None,
        end: VisitEnd::Open,
        edited: false,
    };
    CheckInPlan::New { close, open: new }
}

pub(crate) fn check_out(open: &Visit, now: DateTime<Utc>) -> Visit {
    Visit {
        checked_out_at: Some(now.max(open.checked_in_at)),
        end: VisitEnd::CheckedOut,
        ..open.clone()
    }
}

pub(crate) fn edit(
    others: &[Visit],
    visit: &Visit,
    checked_in_at: DateTime<Utc>,
    checked_out_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Visit, Rejection> {
    if checked_in_at > now || checked_out_at.is_some_and(|t| t > now) {
        return Err(Rejection::EditInFuture);
    }
    if checked_out_at.is_some_and(|t| t <= checked_in_at) {
        return Err(Rejection::EditEndsBeforeStart);
    }
    let end = checked_out_at.unwrap_or(now);
    for other in others.iter().filter(|o| o.id != visit.id) {
        let other_end = other.checked_out_at.unwrap_or(now);
        if checked_in_at < other_end && other.checked_in_at < end {
            return Err(Rejection::EditOverlaps);
        }
    }
    let closed = checked_out_at.is_some();
    Ok(Visit {
        checked_in_at,
        checked_out_at,
        end: if closed && visit.end == VisitEnd::Open {
            VisitEnd::CheckedOut
        } else {
            visit.end
        },
        edited: true,
        ..visit.clone()
    })
}

/// PROVISIONAL retention decisions (the domain branch's `retention` replaces them): a record is
/// expired when its last relevant instant or day is older than the retention period.
pub(crate) mod retention {
    use chrono::{DateTime, NaiveDate, Utc};

    use crate::declaration::DeclarationRecord;
    use crate::health::{DailyReport, QuarantineEpisode};
    use crate::store::OutboxEntry;
    use crate::visit::{Visit, VisitEnd};

    pub(crate) fn visit(v: &Visit, cutoff: DateTime<Utc>) -> bool {
        v.end != VisitEnd::Open && v.checked_out_at.unwrap_or(v.checked_in_at) < cutoff
    }

    pub(crate) fn declaration(d: &DeclarationRecord, cutoff: DateTime<Utc>) -> bool {
        d.declared_at < cutoff
    }

    pub(crate) fn episode(e: &QuarantineEpisode, cutoff: NaiveDate) -> bool {
        e.ended_on.unwrap_or(e.expected_end) < cutoff
    }

    pub(crate) fn report(r: &DailyReport, cutoff: NaiveDate) -> bool {
        r.day < cutoff
    }

    pub(crate) fn outbox(e: &OutboxEntry, sent: bool, cutoff: DateTime<Utc>) -> bool {
        sent || e.created_at < cutoff
    }
}
