//! What changed, told to the front ends (ADR 0018): the engine calls every subscribed listener after the
//! transaction that made the change committed, on the calling thread, outside the store's lock. An event
//! names what to read again; it carries no personal data beyond what the front end reads anyway.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{EpisodeId, PersonId};
use crate::visit::Visit;

/// One change the engine made (or noticed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EngineEvent {
    /// Visits were added, closed or edited: read `visits()` / `open_visit()` again.
    VisitsChanged,
    /// A person's declaration was saved (their personal code changes too).
    DeclarationChanged {
        /// Whose.
        person: PersonId,
    },
    /// Persons were added or removed.
    PersonsChanged,
    /// A quarantine episode or a daily report was saved.
    HealthChanged {
        /// Whose.
        person: PersonId,
    },
    /// The open visit's stay ran out and the engine checked it out.
    AutoCheckedOut {
        /// The visit as closed.
        visit: Visit,
    },
    /// A daily health report is due (a reminder time passed with the day not reported).
    ReminderDue {
        /// The episode.
        episode: EpisodeId,
        /// The reminder time that passed.
        at: DateTime<Utc>,
    },
    /// The sync status changed (a run started or ended, a sign-in, a sign-out).
    SyncStatusChanged,
    /// A sync found new exposure alerts.
    NewAlerts {
        /// How many.
        count: usize,
    },
    /// The trusted issuer keys changed (added by hand or pulled).
    TrustChanged,
    /// A checkpoint's staff device recorded a scan.
    StaffScanRecorded,
    /// Data was removed (retention purge).
    Purged,
}

impl EngineEvent {
    /// Whether the change queued something for the server: the sync trigger (a debounced sync) follows.
    pub fn queues_upload(&self) -> bool {
        matches!(
            self,
            Self::VisitsChanged
                | Self::DeclarationChanged { .. }
                | Self::HealthChanged { .. }
                | Self::AutoCheckedOut { .. }
                | Self::StaffScanRecorded
        )
    }
}

/// Receives the engine's events (a Tauri window, a uniffi callback, the sync scheduler).
pub trait EngineListener: Send + Sync {
    /// Called after the change committed. Keep it short: it runs on the thread that made the change.
    fn on_event(&self, event: &EngineEvent);
}

impl<F: Fn(&EngineEvent) + Send + Sync> EngineListener for F {
    fn on_event(&self, event: &EngineEvent) {
        self(event);
    }
}

/// A subscription's handle, to unsubscribe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subscription(pub u64);

/// The subscribed listeners.
#[derive(Default)]
pub(crate) struct Listeners {
    next: Mutex<u64>,
    list: Mutex<Vec<(u64, Arc<dyn EngineListener>)>>,
}

impl std::fmt::Debug for Listeners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Listeners(..)")
    }
}

impl Listeners {
    pub(crate) fn add(&self, listener: Arc<dyn EngineListener>) -> Subscription {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        *next += 1;
        let id = *next;
        self.list
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((id, listener));
        Subscription(id)
    }

    pub(crate) fn remove(&self, sub: Subscription) -> bool {
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        let before = list.len();
        list.retain(|(id, _)| *id != sub.0);
        list.len() != before
    }

    pub(crate) fn emit(&self, event: &EngineEvent) {
        // Copied out, so that a listener may subscribe or unsubscribe without a deadlock.
        let list: Vec<Arc<dyn EngineListener>> = self
            .list
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(_, l)| Arc::clone(l))
            .collect();
        for l in list {
            l.on_event(event);
        }
    }
}
