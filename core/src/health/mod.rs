//! The daily health log of people in quarantine.
//!
//! - `model.rs`: quarantine episodes and daily reports.

mod model;

pub use model::{DailyReport, QuarantineEpisode, QuarantineKind};
