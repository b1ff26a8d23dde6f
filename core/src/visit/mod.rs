//! Visits: check-in at a checkpoint, check-out, and the rules that keep one visit open at a time.
//!
//! - `model.rs`: the checkpoint reference a visit needs, and the visit itself.

mod model;

pub use model::{CheckpointKind, CheckpointRef, Visit, VisitEnd};
