//! The time the engine reads, given by the platform: phones pass none and get the system clock; tests and
//! a platform that keeps its own trusted time (a network-time source, say) pass a `Clock`.

use std::fmt;

use chrono::{DateTime, Utc};
use tokhai_core::SystemClock;

/// What a platform implements to give the engine its time.
#[uniffi::export(callback_interface)]
pub trait Clock: Send + Sync {
    /// The current instant, in milliseconds since 1970-01-01 UTC.
    fn now_ms(&self) -> i64;
}

/// Core's clock on top of the callback.
pub(crate) struct Platform(pub(crate) Box<dyn Clock>);

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Platform(<clock callback>)")
    }
}

impl tokhai_core::Clock for Platform {
    /// An instant outside chrono's range (a platform bug) reads as the system's clock rather than
    /// stopping every dated record.
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0.now_ms())
            .unwrap_or_else(|| tokhai_core::Clock::now(&SystemClock))
    }
}
