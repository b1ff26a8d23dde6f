//! Records of sync: what a run did, the status the app shows, exposure alerts, and what the server
//! deleted with the account (core's `SyncReport`, `SyncStatus`, `Alert`, `AccountDeleted`).

use std::time::SystemTime;

use tokhai_core::sync_client as sync;

/// What one sync run did (core's `SyncReport`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncReport {
    /// Upload requests sent.
    pub batches: u64,
    /// Changes the server confirmed.
    pub sent: u64,
    /// Changes the server refused (see `sync_status().refused`).
    pub refused: u64,
    /// Visits where the server's version (closed by the checkpoint) was taken.
    pub kept: u64,
    /// Feed entries pulled.
    pub pulled: u64,
    /// New exposure alerts: post a notification.
    pub new_alerts: u64,
    /// Personal codes the server signed in this run.
    pub signed_codes: u64,
    /// Server minus device clock, in milliseconds, as judged by the server's answer.
    pub clock_offset_ms: Option<i64>,
    /// Whether the device clock is off by more than core's limit (what it recorded is flagged).
    pub clock_off: bool,
    /// Changes still waiting afterwards.
    pub pending: u64,
}

fn n(v: usize) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

impl From<&sync::SyncReport> for SyncReport {
    fn from(r: &sync::SyncReport) -> Self {
        Self {
            batches: n(r.batches),
            sent: n(r.sent),
            refused: n(r.refused),
            kept: n(r.kept),
            pulled: n(r.pulled),
            new_alerts: n(r.new_alerts),
            signed_codes: n(r.signed_codes),
            clock_offset_ms: r.clock.map(sync::ClockCheck::offset_ms),
            clock_off: r.clock.is_some_and(sync::ClockCheck::is_off),
            pending: n(r.pending),
        }
    }
}

/// One change the server refused (core's `Refusal`); it is not sent again.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Refusal {
    /// The outbox entry.
    pub entry: String,
    /// The kind of change (`visit_checked_in`…).
    pub change: String,
    /// The server's code (`in_future`, `too_old`, `invalid`…).
    pub code: String,
    /// The code in Vietnamese.
    pub message_vi: String,
    /// The code in English.
    pub message_en: String,
}

/// Sync status for the app (core's `SyncStatus`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncStatus {
    /// Changes waiting to reach the server.
    pub pending: u64,
    /// Changes the server refused.
    pub refused: Vec<Refusal>,
    /// Whether a session is kept.
    pub signed_in: bool,
    /// When the session ends.
    pub session_expires_at: Option<SystemTime>,
    /// The last sync that went through.
    pub last_success: Option<SystemTime>,
    /// The last error's code, when the last attempt failed.
    pub last_error: Option<String>,
    /// …in Vietnamese.
    pub last_error_vi: Option<String>,
    /// …in English.
    pub last_error_en: Option<String>,
    /// When it failed.
    pub last_error_at: Option<SystemTime>,
    /// When the next automatic attempt is due.
    pub next_attempt: Option<SystemTime>,
    /// Server minus device clock at the last sync, in milliseconds.
    pub clock_offset_ms: Option<i64>,
    /// Visits flagged as recorded under a wrong clock.
    pub flagged_visits: u64,
    /// Exposure alerts on this device.
    pub alerts: u64,
}

impl From<sync::SyncStatus> for SyncStatus {
    fn from(s: sync::SyncStatus) -> Self {
        let (last_error, last_error_vi, last_error_en) = match s.last_error {
            Some((code, msg)) => (Some(code), Some(msg.vi.into_owned()), Some(msg.en.into_owned())),
            None => (None, None, None),
        };
        Self {
            pending: n(s.pending),
            refused: s
                .refused
                .into_iter()
                .map(|r| Refusal {
                    entry: r.entry,
                    change: r.change,
                    code: r.code,
                    message_vi: r.message.vi.into_owned(),
                    message_en: r.message.en.into_owned(),
                })
                .collect(),
            signed_in: s.signed_in,
            session_expires_at: s.session_expires_at.map(Into::into),
            last_success: s.last_success.map(Into::into),
            last_error,
            last_error_vi,
            last_error_en,
            last_error_at: s.last_error_at.map(Into::into),
            next_attempt: s.next_attempt.map(Into::into),
            clock_offset_ms: s.clock.map(sync::ClockCheck::offset_ms),
            flagged_visits: n(s.flagged_visits),
            alerts: n(s.alerts),
        }
    }
}

/// An exposure alert (core's `Alert`): a visit overlapped a window an officer published.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Alert {
    /// The exposure window's id.
    pub window: i64,
    /// The visit it matched.
    pub visit_id: String,
    /// Where.
    pub checkpoint_id: u64,
    /// The place's name as the visit recorded it.
    pub place: String,
    /// The overlap's start.
    pub overlap_from: SystemTime,
    /// The overlap's end.
    pub overlap_to: SystemTime,
    /// The overlap in whole minutes.
    pub overlap_minutes: i64,
    /// The calendar day of the overlap (Vietnam time), `YYYY-MM-DD`.
    pub day: String,
    /// The health office's advice.
    pub advice: String,
    /// The alert in Vietnamese (times in Vietnam time).
    pub message_vi: String,
    /// The alert in English.
    pub message_en: String,
}

impl From<&sync::Alert> for Alert {
    fn from(a: &sync::Alert) -> Self {
        let msg = a.msg();
        Self {
            window: a.window,
            visit_id: a.visit.to_string(),
            checkpoint_id: a.checkpoint.0,
            place: a.place.clone(),
            overlap_from: a.overlap_from.into(),
            overlap_to: a.overlap_to.into(),
            overlap_minutes: a.overlap_minutes,
            day: a.day.to_string(),
            advice: a.advice.clone(),
            message_vi: msg.vi.into_owned(),
            message_en: msg.en.into_owned(),
        }
    }
}

/// What the server deleted with the account, and what it keeps (core's `AccountDeleted`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct AccountDeleted {
    /// Declarations deleted.
    pub declarations: u64,
    /// Visits deleted.
    pub visits: u64,
    /// Quarantine episodes deleted.
    pub episodes: u64,
    /// Daily reports deleted.
    pub reports: u64,
    /// Whether the account itself is gone.
    pub account_removed: bool,
    /// What the server keeps, why and for how long, in Vietnamese (one line per kind).
    pub kept_vi: Vec<String>,
    /// The same in English.
    pub kept_en: Vec<String>,
}

impl From<sync::AccountDeleted> for AccountDeleted {
    fn from(a: sync::AccountDeleted) -> Self {
        Self {
            declarations: a.deleted.declarations,
            visits: a.deleted.visits,
            episodes: a.deleted.episodes,
            reports: a.deleted.reports,
            account_removed: a.account_removed,
            kept_vi: a.kept.iter().map(|k| k.vi.clone()).collect(),
            kept_en: a.kept.iter().map(|k| k.en.clone()).collect(),
        }
    }
}
