//! The sync run on the engine: sign-in, upload (plan → send → merge → record, batch by batch), pull
//! (page by page, each page stored with its cursor in one transaction), exposure matching, the personal
//! code's signature, and the status the UI shows. Every store change is one transaction; the network
//! calls happen between them, never inside one.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::backoff::{BackoffPolicy, Jitter};
use super::exposure::{Alert, match_exposures};
use super::merge::{Merge, merge};
use super::plan::{Batch, Covered, MAX_BATCH, plan_batches};
use super::scans::scan_batch;
use super::skew::ClockCheck;
use super::status::{FlaggedVisit, Persisted, Refusal, SyncError, SyncFailure, SyncStatus, refusal_msg};
use super::transport::{Transport, TransportError};
use crate::engine::{Engine, EngineError, EngineEvent, StaffScan};
use crate::i18n::Localized as _;
use crate::ids::CheckpointId;
use crate::protocol::AccountDeleted;
use crate::protocol::{
    DirectoryEntry, ExposureEntry, FeedKind, ItemKind, ItemStatus, RevocationEntry, SafetyLevelEntry,
    SignedCode, UploadBatch,
};
use crate::qr::{FallbackCode, TrustList, TrustedKey};
use crate::store::{Slot, Tx};
use crate::visit::{CheckpointKind, CheckpointRef, VisitEnd};

/// Tunables of a sync run.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Items per upload (1–500).
    pub max_batch: usize,
    /// Feed entries per pull page (1–1000).
    pub pull_limit: u32,
    /// Delays after failures.
    pub backoff: BackoffPolicy,
    /// The periodic sync after a success.
    pub period: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            max_batch: MAX_BATCH,
            pull_limit: 500,
            backoff: BackoffPolicy::default(),
            period: Duration::minutes(15),
        }
    }
}

/// What one sync run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Upload requests sent.
    pub batches: usize,
    /// Outbox entries the server confirmed.
    pub sent: usize,
    /// Outbox entries the server refused.
    pub refused: usize,
    /// Visits where the server's version (closed by the checkpoint) was taken.
    pub kept: usize,
    /// Feed entries pulled.
    pub pulled: usize,
    /// Pulled entries of a known kind whose body this build could not read (kept, never used; counted in
    /// `SyncStatus::skipped_entries`). Entries of kinds it does not know are ignored, not counted.
    pub skipped_entries: usize,
    /// New exposure alerts.
    pub new_alerts: usize,
    /// Personal codes signed by the server in this run.
    pub signed_codes: usize,
    /// The device clock as judged by the server's answer.
    pub clock: Option<ClockCheck>,
    /// Entries still pending afterwards.
    pub pending: usize,
    /// Staff scans the server received (or refused: sent once, never again).
    pub scans_sent: usize,
    /// Whether pulled entries changed the trusted keys or revocations.
    pub trust_changed: bool,
}

/// The session kept in the store (sealed).
#[derive(Clone, Serialize, Deserialize)]
struct Session {
    token: String,
    expires_at: DateTime<Utc>,
}

/// Signed personal codes by pseudonym (sealed).
type SignedCodes = BTreeMap<String, SignedCode>;

fn pseudonym_key(p: &crate::qr::Pseudonym) -> String {
    p.0.iter().map(|b| format!("{b:02x}")).collect()
}

impl Engine {
    // ---- sign-in ----

    /// Asks the server to text a one-time code to `phone`.
    pub async fn request_sign_in_code<T: Transport>(
        &self,
        transport: &T,
        phone: &str,
    ) -> Result<(), SyncError> {
        Ok(transport.request_otp(phone).await?)
    }

    /// Exchanges `phone` and the one-time `code` for a session token, kept sealed in the store.
    pub async fn sign_in<T: Transport>(
        &self,
        transport: &T,
        phone: &str,
        code: &str,
    ) -> Result<DateTime<Utc>, SyncError> {
        let created = transport.create_session(phone, code).await?;
        let session = Session {
            token: created.token,
            expires_at: created.expires_at,
        };
        self.write(|tx| Ok(tx.put_slot(Slot::Session, &session)?))?;
        self.emit(EngineEvent::SyncStatusChanged);
        Ok(created.expires_at)
    }

    /// Ends the session: on the server when it answers, on the device always.
    pub async fn sign_out<T: Transport>(&self, transport: &T) -> Result<(), SyncError> {
        let session: Option<Session> = self.read(|tx| Ok(tx.get_slot(Slot::Session)?))?;
        self.write(|tx| Ok(tx.clear_slot(Slot::Session)?))?;
        if let Some(s) = session {
            // The token is gone from the device either way; a server that is unreachable lets it expire.
            let _ = transport.logout(&s.token).await;
        }
        self.emit(EngineEvent::SyncStatusChanged);
        Ok(())
    }

    /// Asks the server to delete this account's data there (`DELETE /v1/me`: declarations, visits,
    /// quarantine records, signed personal codes, sessions); the answer says what the server keeps and
    /// why. The session and the signed personal codes leave the device too (the server no longer knows
    /// them); the device's own records stay until `wipe`.
    pub async fn delete_server_account<T: Transport>(
        &self,
        transport: &T,
    ) -> Result<AccountDeleted, SyncError> {
        let session: Option<Session> = self.read(|tx| Ok(tx.get_slot(Slot::Session)?))?;
        let Some(session) = session.filter(|s| s.expires_at > self.now()) else {
            return Err(SyncError::NotSignedIn);
        };
        match transport.delete_account(&session.token).await {
            Ok(answer) => {
                self.write(|tx| {
                    tx.clear_slot(Slot::Session)?;
                    Ok(tx.clear_slot(Slot::PersonalCodes)?)
                })?;
                Ok(answer)
            }
            Err(TransportError::Status { status: 401, .. }) => {
                self.write(|tx| Ok(tx.clear_slot(Slot::Session)?))?;
                Err(SyncError::SessionExpired)
            }
            Err(e) => Err(e.into()),
        }
    }

    // ---- the run ----

    /// One sync run: uploads everything pending, pulls the feed, matches exposures, fetches the personal
    /// code's signature; records the outcome (success, or the error and the next attempt after backoff).
    pub async fn sync<T: Transport>(
        &self,
        transport: &T,
        options: &SyncOptions,
        jitter: &mut (dyn Jitter + Send),
    ) -> Result<SyncReport, SyncError> {
        // A stay that ran out is closed first, so that its check-out goes up with this run.
        self.settle()?;
        let mut report = SyncReport::default();
        let result = self.run(transport, options, &mut report).await;
        let now = self.now();
        let pending = self.pending_outbox_count()?;
        report.pending = pending;
        self.write(|tx| {
            let mut st: Persisted = tx.get_slot(Slot::Status)?.unwrap_or_default();
            if let Some(c) = report.clock {
                st.clock = Some(c);
            }
            match &result {
                Ok(()) => {
                    st.last_success = Some(now);
                    st.last_error = None;
                    st.failures = 0;
                    st.next_attempt = Some(now + options.period);
                }
                Err(e) => {
                    st.last_error = Some((e.code().to_owned(), now));
                    match e {
                        SyncError::NotSignedIn | SyncError::SessionExpired => st.next_attempt = None,
                        _ => {
                            st.failures = st.failures.saturating_add(1);
                            let delay = options.backoff.delay(st.failures, e.retry_after(), jitter);
                            st.next_attempt = Some(now + Duration::from_std(delay).unwrap_or(options.period));
                        }
                    }
                }
            }
            Ok(tx.put_slot(Slot::Status, &st)?)
        })?;
        if report.new_alerts > 0 {
            self.emit(EngineEvent::NewAlerts {
                count: report.new_alerts,
            });
        }
        if report.trust_changed {
            self.emit(EngineEvent::TrustChanged);
        }
        self.emit(EngineEvent::SyncStatusChanged);
        result.map(|()| report)
    }

    async fn run<T: Transport>(
        &self,
        transport: &T,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let session: Option<Session> = self.read(|tx| Ok(tx.get_slot(Slot::Session)?))?;
        let session = match session {
            Some(s) if s.expires_at <= self.now() => {
                self.write(|tx| Ok(tx.clear_slot(Slot::Session)?))?;
                Err(SyncError::SessionExpired)
            }
            Some(s) => Ok(s),
            None => Err(SyncError::NotSignedIn),
        };
        let uploaded = match &session {
            Ok(s) => match self.upload_all(transport, &s.token, options, report).await {
                Ok(()) => self.upload_scans(transport, &s.token, options, report).await,
                Err(e) => Err(e),
            },
            Err(_) if self.pending_outbox_count()? == 0 && self.pending_staff_scans()? == 0 => Ok(()),
            Err(SyncError::SessionExpired) => Err(SyncError::SessionExpired),
            Err(_) => Err(SyncError::NotSignedIn),
        };
        // The network itself failed: no point pulling now.
        if let Err(SyncError::Transport(e)) = &uploaded
            && e.is_transient()
        {
            return uploaded;
        }
        self.pull_all(transport, options, report).await?;
        report.new_alerts = self.refresh_alerts()?;
        uploaded?;
        if let Ok(s) = &session {
            report.signed_codes = self.sign_codes(transport, &s.token).await?;
        }
        Ok(())
    }

    async fn upload_all<T: Transport>(
        &self,
        transport: &T,
        token: &str,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let mut max_batch = options.max_batch;
        'plan: loop {
            let entries = self.pending_outbox(max_batch.saturating_mul(4).max(1))?;
            if entries.is_empty() {
                return self.probe_open_visit(transport, token, report).await;
            }
            let mut progressed = false;
            for mut batch in plan_batches(&entries, max_batch) {
                batch.body.client_time = Some(self.now());
                report.batches += 1;
                let answer = match transport.upload(token, &batch.body).await {
                    Ok(a) => a,
                    Err(TransportError::Status { status: 401, .. }) => {
                        self.write(|tx| Ok(tx.clear_slot(Slot::Session)?))?;
                        return Err(SyncError::SessionExpired);
                    }
                    // Over the server's body limit (large declarations): halve the batch and plan again.
                    Err(TransportError::Status { status: 413, .. }) if batch.covers.len() > 1 => {
                        max_batch = (batch.covers.len() / 2).max(1);
                        continue 'plan;
                    }
                    Err(e) => return Err(e.into()),
                };
                let m = merge(&batch, &answer);
                let clock = answer.clock_offset_ms.map(ClockCheck::from_offset);
                self.apply_merge(&batch, &m, clock, answer.server_time)?;
                progressed |= !m.done.is_empty() || !m.failed.is_empty();
                report.sent += m.done.len();
                report.refused += m.failed.len();
                report.kept += m.kept.len();
                if clock.is_some() {
                    report.clock = clock;
                }
            }
            if !progressed {
                // The server answered without a verdict on any item: try again on the next run.
                return Ok(());
            }
        }
    }

    /// With nothing left to upload and a visit still open on the device, sends that visit once more (as
    /// is: a duplicate to the server) to learn the server's state of it: a manager's "check out
    /// everyone" after the visit was uploaded comes back `kept` with the server's version, which the
    /// device takes. Not counted as a batch.
    async fn probe_open_visit<T: Transport>(
        &self,
        transport: &T,
        token: &str,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let Some(open) = self.open_visit()? else {
            return Ok(());
        };
        let batch = Batch {
            covers: vec![Covered {
                kind: ItemKind::Visit,
                id: *open.id.as_uuid(),
                entries: vec![],
            }],
            body: UploadBatch {
                visits: vec![open],
                client_time: Some(self.now()),
                ..UploadBatch::default()
            },
        };
        let answer = match transport.upload(token, &batch.body).await {
            Ok(a) => a,
            Err(TransportError::Status { status: 401, .. }) => {
                self.write(|tx| Ok(tx.clear_slot(Slot::Session)?))?;
                return Err(SyncError::SessionExpired);
            }
            Err(e) => return Err(e.into()),
        };
        let m = merge(&batch, &answer);
        self.apply_merge(&batch, &m, None, answer.server_time)?;
        report.kept += m.kept.len();
        Ok(())
    }

    /// Records an answer in one transaction: done, failed, visits taken from the server, clock flags.
    fn apply_merge(
        &self,
        batch: &Batch,
        m: &Merge,
        clock: Option<ClockCheck>,
        server_time: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.write(|tx| {
            tx.mark_sent(&m.done)?;
            for (id, code) in &m.failed {
                tx.mark_failed(*id, code)?;
            }
            // The server's version of a visit it kept or refused (ADR 0008): taken when the device still
            // holds what it sent (nothing newer was recorded meanwhile), so that the device and the server
            // agree on whether the person is still there. Never reopens a visit that a later check-in
            // closed (the device keeps one open visit). No outbox entry: the server has this version.
            for (id, state) in &m.server_versions {
                let sent = batch.body.visits.iter().find(|v| v.id == *id);
                let Some(mut v) = tx.visit(*id)? else {
                    continue;
                };
                if sent != Some(&v) {
                    continue;
                }
                if state.checked_out_at.is_none() && tx.last_visit()?.map(|l| l.id) != Some(*id) {
                    continue;
                }
                state.apply_to(&mut v);
                tx.put_visit(&v)?;
            }
            let taken: std::collections::HashSet<_> = m.server_versions.iter().map(|(id, _)| *id).collect();
            for id in m.kept.iter().filter(|id| !taken.contains(id)) {
                // The manager's "check out everyone" stands (ADR 0008). An older server's answer does not
                // carry its check-out time: the time of the answer is the latest it can be, capped at the
                // 24 hours the server assumes at most. No outbox entry: the server has this version.
                if let Some(mut v) = tx.visit(*id)?
                    && v.checked_out_at.is_none()
                {
                    let out = server_time
                        .min(v.checked_in_at + Duration::hours(24))
                        .max(v.checked_in_at);
                    v.checked_out_at = Some(out);
                    v.end = VisitEnd::ByCheckpoint;
                    tx.put_visit(&v)?;
                }
            }
            if let Some(ClockCheck::Off { offset_ms }) = clock {
                let refused_visits = m
                    .refused
                    .iter()
                    .filter(|(k, ..)| *k == ItemKind::Visit)
                    .map(|(_, id, _)| crate::ids::VisitId::from_uuid(*id));
                for v in m.visits.iter().copied().chain(refused_visits) {
                    tx.flag_visit(v, offset_ms)?;
                }
            }
            Ok(())
        })
    }

    async fn pull_all<T: Transport>(
        &self,
        transport: &T,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let mut cursor: Option<String> = self.read(|tx| Ok(tx.get_slot(Slot::Cursor)?))?;
        loop {
            let page = transport
                .pull(cursor.as_deref(), options.pull_limit.clamp(1, 1000))
                .await?;
            // An entry of a kind this build does not know is ignored (new kinds may come within v1); one
            // of a known kind whose body it cannot read is stored as it came (a later build may read it)
            // and counted, never silently dropped: a renamed field must not switch alerts off unseen.
            let skipped = page.items.iter().filter(|e| e.decode().is_err()).count();
            // The cursor is saved in the same transaction as the entries it covers.
            self.write(|tx| {
                for e in page.items.iter().filter(|e| e.kind.is_known()) {
                    tx.put_feed(e.kind.as_str(), &e.key, &e.body.to_string())?;
                }
                if skipped > 0 {
                    let mut st: Persisted = tx.get_slot(Slot::Status)?.unwrap_or_default();
                    st.skipped_entries = st
                        .skipped_entries
                        .saturating_add(u64::try_from(skipped).unwrap_or(u64::MAX));
                    tx.put_slot(Slot::Status, &st)?;
                }
                report.trust_changed |= page
                    .items
                    .iter()
                    .any(|e| e.kind == FeedKind::IssuerKey || e.kind == FeedKind::Revocation);
                Ok(tx.put_slot(Slot::Cursor, &page.cursor)?)
            })?;
            report.pulled += page.items.len();
            report.skipped_entries += skipped;
            let more = page.more && !page.items.is_empty();
            cursor = Some(page.cursor);
            if !more {
                return Ok(());
            }
        }
    }

    /// Matches every local visit against the stored exposure windows; stores the alerts (one per window
    /// and visit); returns how many are new.
    pub fn refresh_alerts(&self) -> Result<usize, EngineError> {
        let now = self.now();
        let retention = self.policy().retention.period;
        self.write(|tx| {
            let visits = tx.visits()?;
            let windows = feed_of::<ExposureEntry>(tx, &FeedKind::Exposure)?;
            let mut new = 0;
            for a in match_exposures(&visits, &windows, now, retention) {
                if tx.put_alert(a.window, a.visit, &a)? {
                    new += 1;
                }
            }
            // Alerts leave with the retention period, like the visits they are about.
            for (id, a) in tx.alerts_with_ids::<Alert>()? {
                if a.visit_to <= now - retention {
                    tx.delete_alert(&id)?;
                }
            }
            Ok(new)
        })
    }

    async fn sign_codes<T: Transport>(&self, transport: &T, token: &str) -> Result<usize, SyncError> {
        let Some(me) = self.account_holder()? else {
            return Ok(0);
        };
        let Ok(payload) = self.personal_payload(me.id) else {
            return Ok(0);
        };
        if self.signed_code_for(&payload)?.is_some() {
            return Ok(0);
        }
        let key = pseudonym_key(&payload.pseudonym);
        let now = self.now();
        let Ok(pending) = self.pending_personal_code(me.id) else {
            return Ok(0);
        };
        match transport.sign_personal(token, pending.as_str()).await {
            Ok(signed) => {
                self.write(|tx| {
                    let mut codes: SignedCodes = tx.get_slot(Slot::PersonalCodes)?.unwrap_or_default();
                    codes.retain(|_, c| c.expires_at > now);
                    codes.insert(key.clone(), signed.clone());
                    Ok(tx.put_slot(Slot::PersonalCodes, &codes)?)
                })?;
                self.emit(EngineEvent::DeclarationChanged { person: me.id });
                Ok(1)
            }
            // Not (yet) matching a declaration the server holds: the pending code stays in use.
            Err(TransportError::Status { status, .. }) if (400..500).contains(&status) && status != 429 => {
                Ok(0)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The server-signed code for `payload` (the current declaration), when a sync fetched one that
    /// is still valid and says what the pending code says (the same status).
    pub(crate) fn signed_code_for(
        &self,
        payload: &crate::qr::PersonalPayload,
    ) -> Result<Option<crate::qr::PersonalCode>, EngineError> {
        let key = pseudonym_key(&payload.pseudonym);
        let now = self.now();
        let codes: SignedCodes = self
            .read(|tx| Ok(tx.get_slot(Slot::PersonalCodes)?))?
            .unwrap_or_default();
        Ok(codes
            .get(&key)
            .filter(|c| c.expires_at > now)
            .and_then(|c| crate::qr::signed_personal_from_server(&c.code).ok())
            .filter(|c| c.payload().pseudonym == payload.pseudonym && c.payload().status == payload.status))
    }

    async fn upload_scans<T: Transport>(
        &self,
        transport: &T,
        token: &str,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        loop {
            let pending: Vec<StaffScan> =
                self.read(|tx| Ok(tx.pending_staff_scans(options.max_batch.max(1))?))?;
            if pending.is_empty() {
                return Ok(());
            }
            let body = scan_batch(&pending);
            report.batches += 1;
            let answer = match transport.upload_scans(token, &body).await {
                Ok(a) => a,
                Err(TransportError::Status { status: 401, .. }) => {
                    self.write(|tx| Ok(tx.clear_slot(Slot::Session)?))?;
                    return Err(SyncError::SessionExpired);
                }
                Err(e) => return Err(e.into()),
            };
            // Every scan with a verdict is done: received, or refused for good (not staff here, a code the
            // server does not know); sending it again changes nothing. Unanswered ones stay queued.
            let done: Vec<uuid::Uuid> = pending
                .iter()
                .map(|s| *s.id.as_uuid())
                .filter(|id| answer.items.iter().any(|i| i.id == id.to_string()))
                .collect();
            let refused = answer
                .items
                .iter()
                .filter(|i| i.status == ItemStatus::Refused)
                .count();
            let marked = self.write(|tx| Ok(tx.mark_staff_scans_sent(&done)?))?;
            report.scans_sent += marked;
            report.refused += refused;
            if marked == 0 {
                return Ok(());
            }
        }
    }

    // ---- what the UI reads ----

    /// The status for the UI: pending, refused, session, last success and error, next attempt, clock.
    pub fn sync_status(&self) -> Result<SyncStatus, EngineError> {
        self.read(|tx| {
            let st: Persisted = tx.get_slot(Slot::Status)?.unwrap_or_default();
            let session: Option<Session> = tx.get_slot(Slot::Session)?;
            let failed = tx.failed()?;
            let refused = if failed.is_empty() {
                Vec::new()
            } else {
                let kinds: BTreeMap<_, _> = tx
                    .outbox()?
                    .into_iter()
                    .map(|(e, _)| (e.id, e.event.kind()))
                    .collect();
                failed
                    .into_iter()
                    .map(|(id, code)| Refusal {
                        entry: id.to_string(),
                        change: kinds.get(&id).copied().unwrap_or_default().to_owned(),
                        message: refusal_msg(&code),
                        code,
                    })
                    .collect()
            };
            Ok(SyncStatus {
                pending: tx.pending_count()?,
                refused,
                signed_in: session.is_some(),
                session_expires_at: session.map(|s| s.expires_at),
                last_success: st.last_success,
                last_error: st.last_error.as_ref().map(|(code, _)| SyncFailure {
                    code: code.clone(),
                    message: error_words(code),
                }),
                last_error_at: st.last_error.map(|(_, at)| at),
                next_attempt: st.next_attempt,
                clock: st.clock,
                flagged_visits: tx.visit_flags()?.len(),
                skipped_entries: st.skipped_entries,
                alerts: tx.alerts::<Alert>()?.len(),
            })
        })
    }

    /// Exposure alerts, oldest first.
    pub fn alerts(&self) -> Result<Vec<Alert>, EngineError> {
        self.read(|tx| Ok(tx.alerts()?))
    }

    /// Visits flagged as recorded under a wrong clock, with the offset (server − device, ms).
    pub fn flagged_visits(&self) -> Result<Vec<FlaggedVisit>, EngineError> {
        Ok(self
            .read(|tx| Ok(tx.visit_flags()?))?
            .into_iter()
            .map(|(visit, offset_ms)| FlaggedVisit { visit, offset_ms })
            .collect())
    }

    /// Issuer keys and revoked checkpoints from the feed (part of `trust_store`).
    pub fn feed_trust_list(&self) -> Result<TrustList, EngineError> {
        self.read(feed_trust)
    }

    /// The active checkpoint a fallback code (typed when the QR cannot be scanned) names, from the
    /// pulled directory; `None` when unknown or deactivated.
    pub(crate) fn directory_checkpoint(
        &self,
        code: FallbackCode,
    ) -> Result<Option<CheckpointRef>, EngineError> {
        let id = code.id().0;
        self.read(|tx| {
            Ok(feed_of::<DirectoryEntry>(tx, &FeedKind::Checkpoint)?
                .into_iter()
                .find(|d| d.id == id && d.active)
                .map(|d| directory_ref(&d)))
        })
    }

    /// The active checkpoint a fallback code names, from the pulled directory; `None` when the code is
    /// mistyped, unknown or deactivated.
    pub fn checkpoint_by_fallback(&self, code: &str) -> Result<Option<CheckpointRef>, EngineError> {
        match FallbackCode::parse(code) {
            Ok(code) => self.directory_checkpoint(code),
            Err(_) => Ok(None),
        }
    }

    /// Every ward's safety level the feed holds, by ward code.
    pub fn safety_levels(&self) -> Result<Vec<SafetyLevelEntry>, EngineError> {
        self.read(|tx| feed_of::<SafetyLevelEntry>(tx, &FeedKind::SafetyLevel))
    }

    /// A ward's safety level from the feed.
    pub fn safety_level(&self, ward: u32) -> Result<Option<SafetyLevelEntry>, EngineError> {
        self.read(|tx| {
            Ok(feed_of::<SafetyLevelEntry>(tx, &FeedKind::SafetyLevel)?
                .into_iter()
                .find(|l| l.ward == i64::from(ward)))
        })
    }

    /// The server-signed personal code of `person`'s current declaration, once fetched by a sync.
    pub fn signed_personal_code(
        &self,
        person: crate::ids::PersonId,
    ) -> Result<Option<SignedCode>, EngineError> {
        let payload = self.personal_payload(person)?;
        let key = pseudonym_key(&payload.pseudonym);
        let now = self.now();
        self.read(|tx| {
            let codes: SignedCodes = tx.get_slot(Slot::PersonalCodes)?.unwrap_or_default();
            Ok(codes.get(&key).filter(|c| c.expires_at > now).cloned())
        })
    }
}

/// The issuer keys and revocations the feed holds.
pub(crate) fn feed_trust(tx: &Tx<'_>) -> Result<TrustList, EngineError> {
    let keys = feed_of::<TrustedKey>(tx, &FeedKind::IssuerKey)?;
    let revoked = feed_of::<RevocationEntry>(tx, &FeedKind::Revocation)?
        .into_iter()
        .map(|r| CheckpointId(r.checkpoint))
        .collect();
    Ok(TrustList {
        keys,
        revoked_checkpoints: revoked,
        revoked_personal: Vec::new(),
    })
}

fn error_words(code: &str) -> crate::i18n::Msg {
    super::status::error_msg(code)
        .unwrap_or_else(|| crate::i18n::Msg::new("Đồng bộ không thành công.", "Sync failed."))
}

/// Stored feed bodies of `kind` that this build can read (the others were counted when pulled:
/// `SyncStatus::skipped_entries`; never fatal).
fn feed_of<T: serde::de::DeserializeOwned>(tx: &Tx<'_>, kind: &FeedKind) -> Result<Vec<T>, EngineError> {
    Ok(tx
        .feed(kind.as_str())?
        .iter()
        .filter_map(|b| serde_json::from_str(b).ok())
        .collect())
}

fn directory_ref(d: &DirectoryEntry) -> CheckpointRef {
    let kind =
        serde_json::from_value(serde_json::Value::String(d.kind.clone())).unwrap_or(CheckpointKind::Other);
    CheckpointRef {
        id: CheckpointId(d.id),
        parent: d.parent.map(CheckpointId),
        name: d.name.clone(),
        kind,
        ward: u32::try_from(d.ward).unwrap_or(0),
        street: d.street.clone(),
        default_stay_minutes: d.default_stay_minutes.and_then(|m| u16::try_from(m).ok()),
    }
}
