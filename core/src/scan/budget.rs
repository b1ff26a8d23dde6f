//! Bounding the work of one scan. Work is counted in deterministic units (about 10 ns each on the
//! reference machine: a pixel of a prepared image, a sampled point of a grid fit) so that what a scan finds
//! does not depend on how busy the machine is; a wall-clock deadline is the backstop.
//!
//! A last step (the rxing fallback) can have part of the allowance set aside for it: until it is released,
//! the ladder sees the allowance and the deadline that much smaller, so that it cannot use up what the
//! last step needs.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The work allowance of one scan.
#[derive(Debug)]
pub(crate) struct Budget {
    deadline: Instant,
    max_work: Cell<u64>,
    cap: u64,
    used: Cell<u64>,
    reserved_work: Cell<u64>,
    reserved_wall: Cell<Duration>,
}

impl Budget {
    pub(crate) fn new(wall: Duration, max_work: u64) -> Self {
        let now = Instant::now();
        Self {
            deadline: now.checked_add(wall).unwrap_or(now),
            max_work: Cell::new(max_work),
            cap: max_work.saturating_mul(GRANT_CAP),
            used: Cell::new(0),
            reserved_work: Cell::new(0),
            reserved_wall: Cell::new(Duration::ZERO),
        }
    }

    /// Records `units` of work.
    pub(crate) fn spend(&self, units: u64) {
        self.used.set(self.used.get().saturating_add(units));
    }

    /// Raises the allowance by `units` (for each code read), up to `GRANT_CAP` times the first.
    pub(crate) fn grant(&self, units: u64) {
        self.max_work
            .set(self.max_work.get().saturating_add(units).min(self.cap));
    }

    /// Sets aside `units` of work and `wall` of the time for a last step (see [`Budget::release`]).
    #[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
    pub(crate) fn reserve(&self, units: u64, wall: Duration) {
        self.reserved_work.set(units);
        self.reserved_wall.set(wall);
    }

    /// Hands what [`Budget::reserve`] set aside back, for the last step to use.
    #[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
    pub(crate) fn release(&self) {
        self.reserve(0, Duration::ZERO);
    }

    /// Whether the allowance is used up (work or time), the reserve not counted as available.
    pub(crate) fn exhausted(&self) -> bool {
        self.used.get().saturating_add(self.reserved_work.get()) >= self.max_work.get()
            || self.past_deadline()
    }

    /// Whether the wall-clock deadline (less any reserved time) has passed.
    pub(crate) fn past_deadline(&self) -> bool {
        Instant::now()
            .checked_add(self.reserved_wall.get())
            .is_none_or(|t| t >= self.deadline)
    }

    /// Work used so far.
    pub(crate) fn used(&self) -> u64 {
        self.used.get()
    }
}

/// Grants for codes read raise the allowance to at most this many times the first.
const GRANT_CAP: u64 = 4;

#[cfg(all(test, any(feature = "scan-rxing", feature = "scan-zxing")))]
mod tests {
    use super::*;

    #[test]
    fn a_reserve_is_kept_from_the_ladder_and_handed_back() {
        let b = Budget::new(Duration::from_secs(60), 100);
        b.reserve(30, Duration::from_secs(1));
        b.spend(69);
        assert!(!b.exhausted());
        b.spend(1);
        assert!(b.exhausted());
        b.release();
        assert!(!b.exhausted());
        b.spend(30);
        assert!(b.exhausted());
        assert!(!b.past_deadline());
        b.reserve(0, Duration::from_secs(61));
        assert!(b.past_deadline());
    }

    #[test]
    fn grants_raise_the_allowance_up_to_the_cap() {
        let b = Budget::new(Duration::from_secs(60), 100);
        b.spend(100);
        assert!(b.exhausted());
        b.grant(50);
        assert!(!b.exhausted());
        b.grant(1000);
        b.spend(299);
        assert!(!b.exhausted());
        b.spend(1);
        assert!(b.exhausted());
    }
}
