//! Check in, check out (one tap), automatic check-out, visit history and edits.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{EngineError, Missing};
use super::facade::Engine;
use super::provisional::{self as rules, CheckInPlan};
use crate::ids::VisitId;
use crate::store::{OutboxEvent, Tx};
use crate::visit::{CheckpointRef, Visit, VisitEnd};

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

impl Engine {
    /// Checks in at `checkpoint` (from a verified checkpoint code), closing the open visit if any.
    pub fn check_in(&self, checkpoint: CheckpointRef) -> Result<CheckIn, EngineError> {
        let now = self.now();
        let policy = *self.policy();
        self.write(|tx| {
            let last = tx.last_visit()?;
            match rules::check_in(last.as_ref(), checkpoint, now, &policy) {
                CheckInPlan::Repeat(visit) => Ok(CheckIn {
                    visit,
                    closed: None,
                    repeat: true,
                }),
                CheckInPlan::New { close, open } => {
                    if let Some(closed) = &close {
                        save(tx, closed, OutboxEvent::VisitCheckedOut(closed.clone()), now)?;
                    }
                    save(tx, &open, OutboxEvent::VisitCheckedIn(open.clone()), now)?;
                    Ok(CheckIn {
                        visit: open,
                        closed: close,
                        repeat: false,
                    })
                }
            }
        })
    }

    /// One-tap check-out of the open visit; `None` when nothing is open.
    pub fn check_out(&self) -> Result<Option<Visit>, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let Some(open) = tx.last_visit()?.filter(|v| v.end == VisitEnd::Open) else {
                return Ok(None);
            };
            let closed = rules::check_out(&open, now);
            save(tx, &closed, OutboxEvent::VisitCheckedOut(closed.clone()), now)?;
            Ok(Some(closed))
        })
    }

    /// Closes the open visit if its stay (the checkpoint's default, or the policy's) has run out; the
    /// front ends call this on start and now and then. Returns the visit it closed.
    pub fn auto_check_out(&self) -> Result<Option<Visit>, EngineError> {
        let now = self.now();
        let policy = *self.policy();
        self.write(|tx| {
            let Some(open) = tx.last_visit()?.filter(|v| v.end == VisitEnd::Open) else {
                return Ok(None);
            };
            let Some(closed) = rules::auto_close(&open, now, &policy) else {
                return Ok(None);
            };
            save(tx, &closed, OutboxEvent::VisitCheckedOut(closed.clone()), now)?;
            Ok(Some(closed))
        })
    }

    /// The open visit, if any.
    pub fn open_visit(&self) -> Result<Option<Visit>, EngineError> {
        self.read(|tx| Ok(tx.last_visit()?.filter(|v| v.end == VisitEnd::Open)))
    }

    /// Every kept visit, newest check-in first (sorted after opening: times are sealed).
    pub fn visits(&self) -> Result<Vec<Visit>, EngineError> {
        let mut visits = self.read(|tx| Ok(tx.visits()?))?;
        visits.sort_by_key(|v| std::cmp::Reverse(v.checked_in_at));
        Ok(visits)
    }

    /// Corrects a visit's times by hand. Refused when they lie in the future, end before they start or
    /// overlap another visit.
    pub fn edit_visit(
        &self,
        id: VisitId,
        checked_in_at: DateTime<Utc>,
        checked_out_at: Option<DateTime<Utc>>,
    ) -> Result<Visit, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let visit = tx.visit(id)?.ok_or(EngineError::NotFound(Missing::Visit))?;
            let others = tx.visits()?;
            let edited = rules::edit(&others, &visit, checked_in_at, checked_out_at, now)?;
            save(tx, &edited, OutboxEvent::VisitEdited(edited.clone()), now)?;
            Ok(edited)
        })
    }
}

fn save(tx: &Tx<'_>, visit: &Visit, event: OutboxEvent, now: DateTime<Utc>) -> Result<(), EngineError> {
    tx.put_visit(visit)?;
    tx.enqueue(event, now)?;
    Ok(())
}
