//! What the device tells and keeps: exposure alerts and safety levels from the pulled feed, the
//! person's export, the wipe, and `next_wakeup` for a background scheduler.

use std::sync::{Arc, PoisonError};
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use crate::Tokhai;
use crate::error::{TokhaiError, guard};
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
    /// The open visit's automatic check-out is due (call `visits()` then, which applies it).
    AutoCheckOut,
    /// A quarantine health report is due: post the reminder.
    HealthReminder,
    /// The next sync attempt (after a success: the period; after a failure: the backoff).
    Sync,
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

    /// The earliest time something falls due without the person opening the app: the open visit's
    /// automatic check-out, a health report's reminder (anyone on the device in quarantine), or the
    /// next sync attempt. None when nothing is scheduled.
    pub fn next_wakeup(&self) -> Result<Option<NextWakeup>, TokhaiError> {
        guard(|| {
            let engine = self.engine()?;
            let mut due: Vec<(DateTime<Utc>, WakeupReason)> = Vec::new();
            if let Some(at) = engine.next_auto_check_out()? {
                due.push((at, WakeupReason::AutoCheckOut));
            }
            for person in engine.persons()? {
                if let Some(episode) = engine.current_episode(person.id, None)?
                    && let Some(at) = engine.next_reminder(episode.id)?
                {
                    due.push((at, WakeupReason::HealthReminder));
                }
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
