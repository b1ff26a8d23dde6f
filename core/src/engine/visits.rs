//! Check in, check out (one tap), automatic check-out, visit history and edits: the domain's plans
//! (`visit::rules`) written with their outbox entries in one transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{EngineError, Missing, Rejection};
use super::events::EngineEvent;
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
    /// The visits of the dependants checked in with the holder (one each, same place and time).
    #[serde(default)]
    pub companions: Vec<Visit>,
    /// When the engine checks the visit out by itself unless the person does first.
    pub auto_check_out_at: Option<DateTime<Utc>>,
}

/// At most this many dependants check in with the holder at once.
pub const MAX_COMPANIONS: usize = 16;

/// The visits that may be open. The engine keeps one open visit at a time and a visit is only ever
/// opened by a check-in, so only the most recently checked-in visit can be open: reading it alone keeps
/// a check-in O(1) whatever the history holds.
///
/// A check-in with dependants stores their visits just before the holder's, so the open visits are among
/// the last `1 + MAX_COMPANIONS`: the holder's (the newest) and its companions (same time and place).
pub(super) fn open_visits(tx: &Tx<'_>) -> Result<Vec<Visit>, EngineError> {
    let recent = tx.recent_visits(1 + MAX_COMPANIONS)?;
    let Some(last) = recent.first() else {
        return Ok(Vec::new());
    };
    if last.end != VisitEnd::Open || last.checked_out_at.is_some() {
        return Ok(Vec::new());
    }
    let (at, place) = (last.checked_in_at, last.checkpoint.id);
    Ok(recent
        .iter()
        .take_while(|v| v.checked_in_at == at && v.checkpoint.id == place)
        .filter(|v| v.end == VisitEnd::Open && v.checked_out_at.is_none())
        .cloned()
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
    /// Checks in at `checkpoint`, closing the open visit if any. A repeat scan of the open visit's
    /// checkpoint within the repeat window records nothing. Front ends check in from a code
    /// (`check_in_code`, `check_in_codes`, `check_in_image`, `check_in_fallback`), never from a
    /// checkpoint they made up; this is for the engine, tools and tests holding a verified checkpoint.
    pub fn check_in(&self, checkpoint: CheckpointRef) -> Result<CheckIn, EngineError> {
        self.check_in_at(checkpoint, &[])
    }

    /// Checks the account holder in at `checkpoint`, with the dependants `companions` travelling with
    /// them (one visit each, closed together with the holder's).
    pub(crate) fn check_in_at(
        &self,
        checkpoint: CheckpointRef,
        companions: &[PersonId],
    ) -> Result<CheckIn, EngineError> {
        if companions.len() > MAX_COMPANIONS {
            return Err(Rejection::TooManyCompanions.into());
        }
        self.settle()?;
        let now = self.now();
        let result = self.write(|tx| {
            let open = open_visits(tx)?;
            let holder_open: Vec<Visit> = open.first().cloned().into_iter().collect();
            match plan_check_in(
                &holder_open,
                checkpoint,
                VisitId::random(),
                now,
                &self.policy().visits,
            ) {
                CheckInPlan::Repeat { visit } => {
                    let visit = open
                        .iter()
                        .find(|v| v.id == visit)
                        .cloned()
                        .ok_or(EngineError::NotFound(Missing::Visit))?;
                    let companions = open.into_iter().filter(|v| v.id != visit.id).collect();
                    // The open visit's own automatic check-out still stands: a repeat scan says when,
                    // as the first one did (the app shows it on the confirmation either way).
                    let auto_check_out_at = Some(self.policy().visits.auto_check_out_at(&visit));
                    Ok(CheckIn {
                        visit,
                        closed: None,
                        repeat: true,
                        companions,
                        auto_check_out_at,
                    })
                }
                CheckInPlan::New { mut visit, .. } => {
                    let persons = tx.persons()?;
                    let mut with = Vec::with_capacity(companions.len());
                    for id in companions {
                        match persons.iter().find(|p| p.id == *id) {
                            Some(p) if p.relation != Relation::Myself => {}
                            Some(_) => return Err(Rejection::CompanionIsHolder.into()),
                            None => return Err(EngineError::NotFound(Missing::Person)),
                        }
                        if !with.contains(id) {
                            with.push(*id);
                        }
                    }
                    // Every open visit (the holder's and its companions') closes at this check-in.
                    let close: Vec<VisitChange> = match plan_check_out(&open, now, &self.policy().visits) {
                        Ok(changes) => changes
                            .into_iter()
                            .map(|mut c| {
                                if c.end == VisitEnd::CheckedOut {
                                    c.end = VisitEnd::NextCheckIn;
                                }
                                c
                            })
                            .collect(),
                        Err(_) => Vec::new(),
                    };
                    let closed = apply(tx, &open, &close, OutboxEvent::VisitCheckedOut, now)?;
                    // The dependants' visits first: the holder's is the newest row (`open_visits`).
                    let mut companion_visits = Vec::with_capacity(with.len());
                    for id in with {
                        let v = Visit {
                            id: VisitId::random(),
                            person: Some(id),
                            ..visit.clone()
                        };
                        save(tx, &v, OutboxEvent::VisitCheckedIn(v.clone()), now)?;
                        companion_visits.push(v);
                    }
                    // A check-in from this device is the account holder's: the visit says so, so that
                    // tracing names the holder and not a dependant declared on the same device.
                    visit.person = holder(tx)?;
                    save(tx, &visit, OutboxEvent::VisitCheckedIn(visit.clone()), now)?;
                    Ok(CheckIn {
                        auto_check_out_at: Some(self.policy().visits.auto_check_out_at(&visit)),
                        visit,
                        closed: closed.into_iter().next(),
                        repeat: false,
                        companions: companion_visits,
                    })
                }
            }
        })?;
        if !result.repeat {
            self.emit(EngineEvent::VisitsChanged);
        }
        Ok(result)
    }

    /// One-tap check-out of the open visit (at its automatic check-out time if that has passed).
    /// Nothing open is `Rejected(Visit(NoOpenVisit))`.
    pub fn check_out(&self) -> Result<Visit, EngineError> {
        let now = self.now();
        let visit = self.write(|tx| {
            let open = open_visits(tx)?;
            let changes = plan_check_out(&open, now, &self.policy().visits)?;
            let closed = apply(tx, &open, &changes, OutboxEvent::VisitCheckedOut, now)?;
            closed
                .into_iter()
                .next()
                .ok_or(EngineError::NotFound(Missing::Visit))
        })?;
        self.emit(EngineEvent::VisitsChanged);
        Ok(visit)
    }

    /// Closes the open visit (with its companions) if its stay (the checkpoint's default, or the
    /// policy's 4 h) has run out. The engine does it by itself before every call that reads or changes
    /// visits and in `wake`; returns the holder's visit it closed.
    pub fn auto_check_out(&self) -> Result<Option<Visit>, EngineError> {
        let now = self.now();
        let closed = self.write(|tx| {
            let open = open_visits(tx)?;
            let changes = due_auto_check_outs(&open, now, &self.policy().visits);
            Ok(apply(tx, &open, &changes, OutboxEvent::VisitCheckedOut, now)?
                .into_iter()
                .next())
        })?;
        if let Some(v) = &closed {
            self.emit(EngineEvent::AutoCheckedOut { visit: v.clone() });
            self.emit(EngineEvent::VisitsChanged);
        }
        Ok(closed)
    }

    /// When the open visit will be checked out automatically, if one is open.
    pub fn next_auto_check_out(&self) -> Result<Option<DateTime<Utc>>, EngineError> {
        self.settle()?;
        let open = self.read(open_visits)?;
        Ok(next_auto_check_out(&open, &self.policy().visits))
    }

    /// The open visit, if any.
    pub fn open_visit(&self) -> Result<Option<Visit>, EngineError> {
        self.settle()?;
        Ok(self.read(open_visits)?.into_iter().next())
    }

    /// Every kept visit, newest first (sorted after opening: times are sealed).
    pub fn visits(&self) -> Result<Vec<Visit>, EngineError> {
        self.settle()?;
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
        .inspect(|_| self.emit(EngineEvent::VisitsChanged))
    }
}
