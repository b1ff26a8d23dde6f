//! What the device tells and keeps: exposure alerts and safety levels from the pulled feed, the
//! person's export, the wipe, and `next_wakeup` for a background scheduler.

use std::sync::{Arc, PoisonError};
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use crate::Tokhai;
use crate::error::{TokhaiError, guard};
use crate::records::Visit;
use crate::sync_records::Alert;

/// A ward's safety level from the feed (1 low … 4 very high).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SafetyLevel {
    /// Province code.
    pub province: i64,
    /// Ward code (2025 list).
    pub ward: i64,
    /// 1 low … 4 very high.
    pub level: i64,
    /// Since when.
    pub updated_at: SystemTime,
}

/// Why the app should run next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum WakeupReason {
    /// The open visit's automatic check-out is due (call `wake()` then; any call that reads visits
    /// applies it too).
    AutoCheckOut,
    /// A quarantine health report's reminder time: call `wake()`, which says which reminders to post.
    HealthReminder,
    /// The next sync attempt (after a success: the period; after a failure: the backoff).
    Sync,
}

/// A health report's reminder that fell due.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReminderDue {
    /// The quarantine episode to report for (see `episodes`).
    pub episode_id: String,
    /// The reminder time that passed.
    pub at: SystemTime,
}

/// What `wake` did.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WakeReport {
    /// The visit checked out automatically because its stay ran out, if any.
    pub auto_checked_out: Option<Visit>,
    /// Reminders whose time passed since the last wake-up, each told once: post one notification.
    pub reminders_due: Vec<ReminderDue>,
    /// When to call `wake` (or sync) next.
    pub next: Option<NextWakeup>,
}

/// When a background scheduler should call back, and why.
#[derive(Debug, Clone, Copy, uniffi::Record)]
pub struct NextWakeup {
    /// The instant.
    pub at: SystemTime,
    /// What falls due then.
    pub reason: WakeupReason,
}

#[uniffi::export]
impl Tokhai {
    /// Exposure alerts on this device (a visit overlapped a published exposure window), oldest first.
    pub fn alerts(&self) -> Result<Vec<Alert>, TokhaiError> {
        guard(|| Ok(self.engine()?.alerts()?.iter().map(Alert::from).collect()))
    }

    /// A ward's safety level, once a sync pulled it.
    pub fn safety_level(&self, ward: u32) -> Result<Option<SafetyLevel>, TokhaiError> {
        guard(|| {
            Ok(self.engine()?.safety_level(ward)?.map(|l| SafetyLevel {
                province: l.province,
                ward: l.ward,
                level: l.level,
                updated_at: l.updated_at.into(),
            }))
        })
    }

    /// Everything the device holds about its people, opened, as the JSON document `tokhai export`
    /// writes (for the person to save or share; it is their own data).
    pub fn export_json(&self) -> Result<String, TokhaiError> {
        guard(|| {
            let export = self.engine()?.export()?;
            serde_json::to_string_pretty(&export).map_err(|_| TokhaiError::internal())
        })
    }

    /// Deletes everything on the device: every record, the database files, and the key in the platform
    /// key store. Every later call on this object answers `wiped`. Refused (`busy`) while another call,
    /// such as a sync, is running: cancel it and wipe again.
    pub fn wipe(&self) -> Result<(), TokhaiError> {
        guard(|| {
            let mut slot = self.engine.write().unwrap_or_else(PoisonError::into_inner);
            let Some(engine) = slot.take() else {
                return Err(TokhaiError::wiped());
            };
            match Arc::try_unwrap(engine) {
                Ok(engine) => Ok(engine.wipe()?),
                Err(engine) => {
                    *slot = Some(engine);
                    Err(TokhaiError::rejected_msg(
                        "busy",
                        "Đang có một thao tác khác (ví dụ đồng bộ). Hãy dừng nó rồi xóa lại.",
                        "Another call (a sync, say) is running. Stop it and wipe again.",
                    ))
                }
            }
        })
    }

    /// Does what fell due while the app was closed (the automatic check-out, health reminders since the
    /// last wake-up) and says what to tell the person and when to call back. A background scheduler
    /// calls it at `next_wakeup`; the app on start.
    pub fn wake(&self) -> Result<WakeReport, TokhaiError> {
        guard(|| {
            let report = self.engine()?.wake()?;
            Ok(WakeReport {
                auto_checked_out: report.auto_checked_out.as_ref().map(Visit::from),
                reminders_due: report
                    .reminders_due
                    .iter()
                    .map(|r| ReminderDue {
                        episode_id: r.episode.to_string(),
                        at: r.at.into(),
                    })
                    .collect(),
                next: self.next_wakeup()?,
            })
        })
    }

    /// The earliest time something falls due without the person opening the app: the open visit's
    /// automatic check-out, a health report's reminder (anyone on the device in quarantine), or the
    /// next sync attempt. None when nothing is scheduled.
    pub fn next_wakeup(&self) -> Result<Option<NextWakeup>, TokhaiError> {
        guard(|| {
            let engine = self.engine()?;
            // Core's own wake-ups (automatic check-out, health reminders), and the sync attempt the
            // platform's scheduler runs.
            let mut due: Vec<(DateTime<Utc>, WakeupReason)> = Vec::new();
            if let Some(w) = engine.next_wakeup()? {
                due.push((
                    w.at,
                    match w.reason {
                        tokhai_core::WakeReason::AutoCheckOut => WakeupReason::AutoCheckOut,
                        tokhai_core::WakeReason::HealthReminder => WakeupReason::HealthReminder,
                    },
                ));
            }
            if let Some(at) = engine.sync_status()?.next_attempt {
                due.push((at, WakeupReason::Sync));
            }
            Ok(due
                .into_iter()
                .min_by_key(|(at, _)| *at)
                .map(|(at, reason)| NextWakeup {
                    at: at.into(),
                    reason,
                }))
        })
    }
}
