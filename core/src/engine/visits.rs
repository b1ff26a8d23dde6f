//! Check in, check out (one tap), automatic check-out, visit history and edits: the domain's plans
//! (`visit::rules`) written with their outbox entries in one transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{EngineError, Missing};
use super::facade::Engine;
use crate::declaration::Relation;
use crate::ids::{PersonId, VisitId};
use crate::store::{OutboxEvent, Tx};
use crate::visit::{
    CheckInPlan, CheckpointRef, Visit, VisitChange, VisitEdit, VisitEnd, due_auto_check_outs,
    next_auto_check_out, plan_check_in, plan_check_out, plan_edit, visit_history,
};

/// What a check-in did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    /// The visit now open (for a repeat scan, the one that already was).
    pub visit: Visit,
    /// The previous visit, closed by this check-in (by the next check-in, or automatically if its stay
    /// had run out).
    pub closed: Option<Visit>,
    /// The scan repeated the open visit's checkpoint within a few minutes: nothing new was recorded.
    pub repeat: bool,
}

/// The visits that may be open. The engine keeps one open visit at a time and a visit is only ever
/// opened by a check-in, so only the most recently checked-in visit can be open: reading it alone keeps
/// a check-in O(1) whatever the history holds.
fn open_visits(tx: &Tx<'_>) -> Result<Vec<Visit>, EngineError> {
    Ok(tx
        .last_visit()?
        .filter(|v| v.end == VisitEnd::Open && v.checked_out_at.is_none())
        .into_iter()
        .collect())
}

/// The account holder on this device (`Relation::Myself`), if they have been added.
fn holder(tx: &Tx<'_>) -> Result<Option<PersonId>, EngineError> {
    Ok(tx
        .persons()?
        .into_iter()
        .find(|p| p.relation == Relation::Myself)
        .map(|p| p.id))
}

/// Applies `changes` to `visits`, stores each changed visit and queues `event` for it.
fn apply(
    tx: &Tx<'_>,
    visits: &[Visit],
    changes: &[VisitChange],
    event: fn(Visit) -> OutboxEvent,
    now: DateTime<Utc>,
) -> Result<Vec<Visit>, EngineError> {
    let mut changed = Vec::with_capacity(changes.len());
    for change in changes {
        let mut visit = visits
            .iter()
            .find(|v| v.id == change.visit)
            .cloned()
            .ok_or(EngineError::NotFound(Missing::Visit))?;
        if change.apply(&mut visit) {
            save(tx, &visit, event(visit.clone()), now)?;
            changed.push(visit);
        }
    }
    Ok(changed)
}

fn save(tx: &Tx<'_>, visit: &Visit, event: OutboxEvent, now: DateTime<Utc>) -> Result<(), EngineError> {
    tx.put_visit(visit)?;
    tx.enqueue(event, now)?;
    Ok(())
}

impl Engine {
    /// Checks in at `checkpoint` (from a verified checkpoint code), closing the open visit if any. A
    /// repeat scan of the open visit's checkpoint within the repeat window records nothing.
    pub fn check_in(&self, checkpoint: CheckpointRef) -> Result<CheckIn, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let open = open_visits(tx)?;
            match plan_check_in(&open, checkpoint, VisitId::random(), now, &self.policy().visits) {
                CheckInPlan::Repeat { visit } => {
                    let visit = open
                        .into_iter()
                        .find(|v| v.id == visit)
                        .ok_or(EngineError::NotFound(Missing::Visit))?;
                    Ok(CheckIn {
                        visit,
                        closed: None,
                        repeat: true,
                    })
                }
                CheckInPlan::New { close, mut visit } => {
                    // A check-in from this device is the account holder's: the visit says so, so that
                    // tracing names the holder and not a dependant declared on the same device.
                    visit.person = holder(tx)?;
                    let closed = apply(tx, &open, &close, OutboxEvent::VisitCheckedOut, now)?;
                    save(tx, &visit, OutboxEvent::VisitCheckedIn(visit.clone()), now)?;
                    Ok(CheckIn {
                        visit,
                        closed: closed.into_iter().next(),
                        repeat: false,
                    })
                }
            }
        })
    }

    /// One-tap check-out of the open visit (at its automatic check-out time if that has passed).
    /// Nothing open is `Rejected(Visit(NoOpenVisit))`.
    pub fn check_out(&self) -> Result<Visit, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let open = open_visits(tx)?;
            let changes = plan_check_out(&open, now, &self.policy().visits)?;
            let closed = apply(tx, &open, &changes, OutboxEvent::VisitCheckedOut, now)?;
            closed
                .into_iter()
                .next()
                .ok_or(EngineError::NotFound(Missing::Visit))
        })
    }

    /// Closes the open visit if its stay (the checkpoint's default, or the policy's 4 h) has run out;
    /// front ends call it on start and at `next_auto_check_out`. Returns the visit it closed.
    pub fn auto_check_out(&self) -> Result<Option<Visit>, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let open = open_visits(tx)?;
            let changes = due_auto_check_outs(&open, now, &self.policy().visits);
            Ok(apply(tx, &open, &changes, OutboxEvent::VisitCheckedOut, now)?
                .into_iter()
                .next())
        })
    }

    /// When the open visit will be checked out automatically, if one is open.
    pub fn next_auto_check_out(&self) -> Result<Option<DateTime<Utc>>, EngineError> {
        let open = self.read(open_visits)?;
        Ok(next_auto_check_out(&open, &self.policy().visits))
    }

    /// The open visit, if any.
    pub fn open_visit(&self) -> Result<Option<Visit>, EngineError> {
        Ok(self.read(open_visits)?.into_iter().next())
    }

    /// Every kept visit, newest first (sorted after opening: times are sealed).
    pub fn visits(&self) -> Result<Vec<Visit>, EngineError> {
        let visits = self.read(|tx| Ok(tx.visits()?))?;
        Ok(visit_history(&visits).into_iter().cloned().collect())
    }

    /// Corrects a visit's times by hand. Refused when they lie in the future, end before they start or
    /// overlap another visit.
    pub fn edit_visit(&self, id: VisitId, edit: VisitEdit) -> Result<Visit, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let visits = tx.visits()?;
            let change = plan_edit(&visits, id, edit, now)?;
            let before = visits
                .iter()
                .find(|v| v.id == id)
                .cloned()
                .ok_or(EngineError::NotFound(Missing::Visit))?;
            let mut after = before.clone();
            change.apply(&mut after);
            if after != before {
                save(tx, &after, OutboxEvent::VisitEdited(after.clone()), now)?;
            }
            Ok(after)
        })
    }
}
