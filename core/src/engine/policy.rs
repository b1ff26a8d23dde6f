//! The engine's tunable rules, with the directive's defaults.

use chrono::Duration;

/// How long things last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A declaration older than this asks to be renewed (default 24 h).
    pub freshness: Duration,
    /// Records older than this are purged (default 21 days).
    pub retention: Duration,
    /// A visit still open after this (when the checkpoint names no default stay) is checked out
    /// automatically (default 4 h).
    pub default_stay: Duration,
    /// A scan of the checkpoint of the open visit within this time is the same visit (default 5 min).
    pub repeat_scan: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            freshness: Duration::hours(24),
            retention: Duration::days(21),
            default_stay: Duration::hours(4),
            repeat_scan: Duration::minutes(5),
        }
    }
}
