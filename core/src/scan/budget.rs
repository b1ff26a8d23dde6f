//! Bounding the work of one scan. Work is counted in deterministic units (about 10 ns each on the
//! reference machine: a pixel of a prepared image, a sampled point of a grid fit) so that what a scan finds
//! does not depend on how busy the machine is; a wall-clock deadline is the backstop.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The work allowance of one scan.
#[derive(Debug)]
pub(crate) struct Budget {
    deadline: Instant,
    max_work: u64,
    used: Cell<u64>,
}

impl Budget {
    pub(crate) fn new(wall: Duration, max_work: u64) -> Self {
        let now = Instant::now();
        Self {
            deadline: now.checked_add(wall).unwrap_or(now),
            max_work,
            used: Cell::new(0),
        }
    }

    /// Records `units` of work.
    pub(crate) fn spend(&self, units: u64) {
        self.used.set(self.used.get().saturating_add(units));
    }

    /// Whether the allowance is used up (work or time).
    pub(crate) fn exhausted(&self) -> bool {
        self.used.get() >= self.max_work || Instant::now() >= self.deadline
    }

    /// Work used so far.
    pub(crate) fn used(&self) -> u64 {
        self.used.get()
    }
}
