//! Visits: check-in at a checkpoint, check-out, and the rules that keep one visit open at a time.
//!
//! - `model.rs`: the checkpoint reference a visit needs, and the visit itself.
//! - `rules.rs`: check-in (close the previous visit, repeat scans), one-tap and automatic check-out,
//!   edits of times, history; pure functions whose outputs (`CheckInPlan`, `VisitChange`) the engine
//!   writes in one transaction. `VisitPolicy` holds the knobs.
//! - `tests.rs`: table tests of the rules.

mod model;
mod rules;

#[cfg(test)]
mod tests;

pub use model::{CheckpointKind, CheckpointRef, Visit, VisitEnd, VisitState};
pub use rules::{
    CheckInPlan, DEFAULT_REPEAT_SCAN_MINUTES, DEFAULT_STAY_MINUTES, VisitChange, VisitEdit, VisitError,
    VisitPolicy, due_auto_check_outs, next_auto_check_out, open_visit, plan_check_in, plan_check_out,
    plan_edit, visit_history,
};
