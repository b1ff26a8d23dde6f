//! The engine's tunable rules: the domain's policies, with the directive's defaults.

use crate::declaration::FreshnessPolicy;
use crate::health::HealthPolicy;
use crate::retention::RetentionPolicy;
use crate::visit::VisitPolicy;

/// How long things last, gathered for the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// When a declaration asks to be renewed (default 24 h).
    pub freshness: FreshnessPolicy,
    /// Repeat-scan window and default stay before automatic check-out (5 min, 4 h).
    pub visits: VisitPolicy,
    /// Daily reports: grace period, reminder times.
    pub health: HealthPolicy,
    /// What the purge deletes (21 days by default).
    pub retention: RetentionPolicy,
}
