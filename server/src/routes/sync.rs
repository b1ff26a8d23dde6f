//! `/v1/sync`: batch uploads (declarations, visits, quarantine episodes, daily reports) idempotent by
//! client-generated ids with a status per item; staff uploads of scanned personal codes; the download feed
//! with server-issued cursors; the signature of the user's personal code. Wire format:
//! `docs/protocol/sync.md`; the bodies are the shared `tokhai_core::protocol` types (the client's too).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::DateTime;
use serde::Deserialize;
use tokhai_core::protocol::{
    FeedEntry, FeedKind, ItemKind, ItemResult, ItemStatus, PullResult, RefusalCode, ScanBatch, SignRequest,
    SignedCode, UploadBatch, UploadResult,
};
use tokhai_core::{DeclarationRecord, TrustStore, Visit, VisitState};
use utoipa::IntoParams;

use super::records::{RowError, declaration_row, episode_row, report_row, visit_row};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Session};
use crate::state::AppState;
use crate::store::{Millis, Upsert, VisitRow};
use crate::{codes, keys};

/// Most items in one upload.
pub(super) const MAX_BATCH: usize = 500;
/// Items dated further ahead than this are refused (device clock far off).
pub(super) const FUTURE_TOLERANCE_MS: Millis = 10 * 60_000;
/// How long a staff device may scan offline before uploading: older scans are refused (`too_old`), so a
/// manager cannot back-date a visit of someone's code by weeks (issue 14, item 7). Staff devices sync
/// whenever they are online; three days covers a long weekend without a connection.
pub(super) const STAFF_SCAN_MAX_AGE_MS: Millis = 3 * 86_400_000;

pub(crate) fn refused(kind: ItemKind, id: String, code: RefusalCode) -> ItemResult {
    ItemResult::refused(kind, id, code)
}

pub(crate) fn outcome(kind: ItemKind, id: String, u: Upsert) -> ItemResult {
    let status = match u {
        Upsert::Inserted => ItemStatus::Accepted,
        Upsert::Duplicate => ItemStatus::Duplicate,
        Upsert::Updated => ItemStatus::Updated,
        Upsert::Kept => ItemStatus::Kept,
        Upsert::Conflict => return refused(kind, id, RefusalCode::Conflict),
    };
    ItemResult::with_status(kind, id, status)
}

/// The outcome of storing one record a web page sent (one at a time, not a device's batch): counted like
/// a device's upload; a refusal (`conflict`) is the request's 409.
pub(crate) fn stored_one(
    state: &AppState,
    kind: ItemKind,
    id: String,
    results: Vec<Upsert>,
) -> Result<ItemResult, crate::error::ApiError> {
    use crate::error::ApiError;
    let name = kind.as_str().to_owned();
    let item = outcome(kind, id, results.into_iter().next().ok_or(ApiError::Internal)?);
    if item.status == ItemStatus::Refused {
        return Err(ApiError::Conflict);
    }
    state.inner().metrics.sync_item(&name, item.status.as_str());
    Ok(item)
}

/// The server's version of a stored visit, for the answer.
fn visit_state(r: &VisitRow) -> Option<VisitState> {
    Some(VisitState {
        checked_in_at: DateTime::from_timestamp_millis(r.checked_in_at)?,
        checked_out_at: match r.checked_out_at {
            Some(t) => Some(DateTime::from_timestamp_millis(t)?),
            None => None,
        },
        end: serde_json::from_value(serde_json::Value::String(r.end_kind.clone())).ok()?,
        edited: r.edited,
    })
}

/// Whether `t` is plausible now: not before the retention window, not in the future.
pub(crate) fn plausible(state: &AppState, t: Millis) -> Result<(), RefusalCode> {
    let now = state.now_ms();
    if t > now + FUTURE_TOLERANCE_MS {
        Err(RefusalCode::InFuture)
    } else if t < now - state.config().retention.num_milliseconds() {
        Err(RefusalCode::TooOld)
    } else {
        Ok(())
    }
}

/// Uploads a batch. Safe to retry: items are idempotent by id.
#[utoipa::path(post, path = "/v1/sync/upload", tag = "sync", security(("bearer" = [])), request_body = UploadBatch,
    responses((status = 200, body = UploadResult), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn upload(
    State(state): State<AppState>,
    session: Session,
    ApiJson(batch): ApiJson<UploadBatch>,
) -> ApiResult<Json<UploadResult>> {
    let total = batch.declarations.len() + batch.visits.len() + batch.episodes.len() + batch.reports.len();
    if total > MAX_BATCH {
        return Err(ApiError::InvalidField("batch"));
    }
    let store = state.store();
    let account = &session.account;
    let mut items = Vec::with_capacity(total);

    // Declarations.
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for d in &batch.declarations {
        match declaration_row(&state, account.id, d) {
            Ok(row) => {
                rows.push(row);
                ids.push(d.id.to_string());
            }
            Err(RowError::Refused(code)) => {
                items.push(refused(ItemKind::Declaration, d.id.to_string(), code))
            }
            Err(RowError::Server) => return Err(ApiError::Unavailable),
        }
    }
    if !rows.is_empty() {
        for (id, u) in ids.into_iter().zip(store.upsert_declarations(rows).await?) {
            items.push(outcome(ItemKind::Declaration, id, u));
        }
    }

    // Episodes take their area from the newest declaration.
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    if !batch.episodes.is_empty() {
        let area = store
            .latest_declaration(account.id)
            .await?
            .map(|d| (d.province, d.ward));
        for e in &batch.episodes {
            match episode_row(&state, account.id, area, e) {
                Ok(row) => {
                    rows.push(row);
                    ids.push(e.id.to_string());
                }
                Err(RowError::Refused(code)) => {
                    items.push(refused(ItemKind::Episode, e.id.to_string(), code))
                }
                Err(RowError::Server) => return Err(ApiError::Unavailable),
            }
        }
    }
    if !rows.is_empty() {
        for (id, u) in ids.into_iter().zip(store.upsert_episodes(rows).await?) {
            items.push(outcome(ItemKind::Episode, id, u));
        }
    }

    // Visits.
    // One query for every checkpoint of the batch: known ids and their usual stay.
    let mut wanted: Vec<i64> = batch
        .visits
        .iter()
        .filter_map(|v| i64::try_from(v.checkpoint.id.0).ok())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let stays: HashMap<u64, (Option<i64>, Option<Millis>)> = store
        .checkpoint_stays(&wanted)
        .await?
        .into_iter()
        .filter_map(|(id, stay, revoked)| u64::try_from(id).ok().map(|id| (id, (stay, revoked))))
        .collect();
    // Only the manager's "check out everyone" ends a visit `by_checkpoint`: a device may send that end
    // back once the server holds it, never introduce it (it would count in the manager's check-out share).
    let claimed: Vec<Vec<u8>> = batch
        .visits
        .iter()
        .filter(|v| v.end == tokhai_core::VisitEnd::ByCheckpoint)
        .map(|v| v.id.as_uuid().as_bytes().to_vec())
        .collect();
    let closed_by_checkpoint: std::collections::HashSet<Vec<u8>> = if claimed.is_empty() {
        Default::default()
    } else {
        store
            .visits_by_ids(&claimed)
            .await?
            .into_iter()
            .filter(|r| r.account_id == Some(account.id) && r.end_kind == "by_checkpoint")
            .map(|r| r.id)
            .collect()
    };
    let mut rows: Vec<VisitRow> = Vec::new();
    let mut ids = Vec::new();
    for v in &batch.visits {
        let cp = v.checkpoint.id.0;
        let own_end = v.end == tokhai_core::VisitEnd::ByCheckpoint
            && !closed_by_checkpoint.contains(v.id.as_uuid().as_bytes().as_slice());
        match stays.get(&cp).copied() {
            None => items.push(refused(
                ItemKind::Visit,
                v.id.to_string(),
                RefusalCode::UnknownCheckpoint,
            )),
            // A visit that starts after the checkpoint was deactivated is refused.
            Some((_, Some(revoked))) if v.checked_in_at.timestamp_millis() >= revoked => {
                items.push(refused(
                    ItemKind::Visit,
                    v.id.to_string(),
                    RefusalCode::CheckpointRevoked,
                ));
            }
            Some(_) if own_end => {
                items.push(refused(ItemKind::Visit, v.id.to_string(), RefusalCode::Invalid))
            }
            Some((stay, _)) => match visit_row(&state, Some(account.id), &account.subject, "self", stay, v) {
                Ok(row) => {
                    rows.push(row);
                    ids.push(v.id.to_string());
                }
                Err(code) => items.push(refused(ItemKind::Visit, v.id.to_string(), code)),
            },
        }
    }
    let (rows, ids) = without_repeats(&state, account, rows, ids, &mut items).await?;
    if !rows.is_empty() {
        for (id, u) in ids.into_iter().zip(store.upsert_visits(rows).await?) {
            items.push(outcome(ItemKind::Visit, id, u));
        }
    }

    // Visits kept or refused: the answer carries the server's version (if this account has one), so
    // that the device takes it and both agree on whether the person is still there (ADR 0008).
    let wanted: Vec<(usize, Vec<u8>)> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.kind == ItemKind::Visit && matches!(i.status, ItemStatus::Kept | ItemStatus::Refused)
        })
        .filter_map(|(n, i)| {
            uuid::Uuid::parse_str(&i.id)
                .ok()
                .map(|u| (n, u.as_bytes().to_vec()))
        })
        .collect();
    if !wanted.is_empty() {
        let ids: Vec<Vec<u8>> = wanted.iter().map(|(_, id)| id.clone()).collect();
        let stored: HashMap<Vec<u8>, VisitRow> = store
            .visits_by_ids(&ids)
            .await?
            .into_iter()
            .filter(|r| r.account_id == Some(account.id))
            .map(|r| (r.id.clone(), r))
            .collect();
        for (n, id) in wanted {
            if let (Some(item), Some(row)) = (items.get_mut(n), stored.get(&id)) {
                item.visit = visit_state(row);
            }
        }
    }

    // Reports need an episode of this account.
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    let mut owners: HashMap<Vec<u8>, bool> = HashMap::new();
    for r in &batch.reports {
        let ep = r.episode.as_uuid().as_bytes().to_vec();
        if !owners.contains_key(&ep) {
            let mine = store.episode_owner(&ep).await? == Some(account.id);
            owners.insert(ep.clone(), mine);
        }
        if owners.get(&ep) != Some(&true) {
            items.push(refused(
                ItemKind::Report,
                r.id.to_string(),
                RefusalCode::UnknownEpisode,
            ));
            continue;
        }
        match report_row(&state, account.id, r) {
            Ok(row) => {
                rows.push(row);
                ids.push(r.id.to_string());
            }
            Err(RowError::Refused(code)) => items.push(refused(ItemKind::Report, r.id.to_string(), code)),
            Err(RowError::Server) => return Err(ApiError::Unavailable),
        }
    }
    if !rows.is_empty() {
        for (id, u) in ids.into_iter().zip(store.upsert_reports(rows).await?) {
            items.push(outcome(ItemKind::Report, id, u));
        }
    }

    let metrics = &state.inner().metrics;
    for i in &items {
        metrics.sync_item(i.kind.as_str(), i.status.as_str());
    }
    let now = state.now();
    Ok(Json(UploadResult {
        items,
        server_time: now,
        clock_offset_ms: batch.client_time.map(|c| (now - c).num_milliseconds()),
    }))
}

/// Whether two visits of one person at one checkpoint cover the same time: they arrive at the same
/// moment, or both are closed and overlap.
fn same_time(a: &VisitRow, b: &VisitRow) -> bool {
    a.checked_in_at == b.checked_in_at
        || matches!((a.checked_out_at, b.checked_out_at),
            (Some(ao), Some(bo)) if a.checked_in_at < bo && b.checked_in_at < ao)
}

/// Refuses (`overlapping`) a visit of the account that repeats another of the same person at the same
/// checkpoint under another id: one arriving at the same moment as a stored one, or overlapping an
/// earlier one of the batch (issue 14, item 6: a hundred copies of one visit made a 10-minute contact
/// count as 1,000 minutes; tracing merges a person's intervals anyway). An open visit and a later
/// check-in at the same place are not refused: the device closes the first when the second begins.
async fn without_repeats(
    state: &AppState,
    account: &crate::store::AccountRow,
    rows: Vec<VisitRow>,
    ids: Vec<String>,
    items: &mut Vec<ItemResult>,
) -> ApiResult<(Vec<VisitRow>, Vec<String>)> {
    if rows.is_empty() {
        return Ok((rows, ids));
    }
    let mut times: Vec<Millis> = rows.iter().map(|r| r.checked_in_at).collect();
    times.sort_unstable();
    times.dedup();
    let mut known: Vec<VisitRow> = state
        .store()
        .visits_of_subject_at(&account.subject, &times)
        .await?
        .into_iter()
        .filter(|v| v.account_id == Some(account.id))
        .collect();
    let (mut kept_rows, mut kept_ids) = (Vec::with_capacity(rows.len()), Vec::with_capacity(ids.len()));
    for (row, id) in rows.into_iter().zip(ids) {
        let repeat = known.iter().any(|k| {
            k.id != row.id
                && k.checkpoint_id == row.checkpoint_id
                && k.person_id == row.person_id
                && same_time(k, &row)
        });
        if repeat {
            items.push(refused(ItemKind::Visit, id, RefusalCode::Overlapping));
        } else {
            known.push(row.clone());
            kept_rows.push(row);
            kept_ids.push(id);
        }
    }
    Ok((kept_rows, kept_ids))
}

/// Uploads personal codes scanned by checkpoint staff (for visitors without a smartphone).
#[utoipa::path(post, path = "/v1/sync/scans", tag = "sync", security(("bearer" = [])), request_body = ScanBatch,
    responses((status = 200, body = UploadResult), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn upload_scans(
    State(state): State<AppState>,
    session: Session,
    ApiJson(batch): ApiJson<ScanBatch>,
) -> ApiResult<Json<UploadResult>> {
    if batch.scans.len() > MAX_BATCH {
        return Err(ApiError::InvalidField("scans"));
    }
    let store = state.store();
    let staff_roots = store.staff_roots(&session.account.phone_hash).await?;
    // Since when this account is staff of each tree (a scan from before that is not theirs to upload).
    let mut staff_since: HashMap<i64, Option<Millis>> = HashMap::new();
    let trust =
        TrustStore::from_list(keys::trust_list(store.as_ref()).await?).map_err(|_| ApiError::Internal)?;
    let clock = state.inner().clock.as_ref();
    let mut items = Vec::new();
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for s in &batch.scans {
        let id = s.id.to_string();
        let cp = match i64::try_from(s.checkpoint) {
            Ok(cid) => store.checkpoint(cid).await?,
            Err(_) => None,
        };
        let Some(cp) = cp else {
            items.push(refused(ItemKind::Scan, id, RefusalCode::UnknownCheckpoint));
            continue;
        };
        let since = if cp.manager_id == session.account.id {
            Some(cp.created_at)
        } else if staff_roots.contains(&cp.root_id) {
            match staff_since.get(&cp.root_id) {
                Some(known) => *known,
                None => {
                    let added = store
                        .staff(cp.root_id)
                        .await?
                        .into_iter()
                        .find(|st| st.phone_hash == session.account.phone_hash)
                        .map(|st| st.added_at);
                    staff_since.insert(cp.root_id, added);
                    added
                }
            }
        } else {
            None
        };
        let scanned = s.scanned_at.timestamp_millis();
        let Some(since) = since else {
            items.push(refused(ItemKind::Scan, id, RefusalCode::NotStaff));
            continue;
        };
        // Back-dating is bounded by the staff device's offline window and by when the account became
        // staff here; a scan after the checkpoint's deactivation is refused.
        if scanned < state.now_ms() - STAFF_SCAN_MAX_AGE_MS {
            items.push(refused(ItemKind::Scan, id, RefusalCode::TooOld));
            continue;
        }
        if scanned < since {
            items.push(refused(ItemKind::Scan, id, RefusalCode::NotStaff));
            continue;
        }
        if !cp.active && scanned >= cp.updated_at {
            items.push(refused(ItemKind::Scan, id, RefusalCode::CheckpointRevoked));
            continue;
        }
        let pseudonym = match trust.verify_personal(&s.code, clock) {
            // A code is not scanned before it was issued.
            Ok(v) if scanned + FUTURE_TOLERANCE_MS < v.payload().issued_at.timestamp_millis() => {
                items.push(refused(ItemKind::Scan, id, RefusalCode::Invalid));
                continue;
            }
            Ok(v) => v.payload().pseudonym.0,
            Err(e) => {
                items.push(refused(ItemKind::Scan, id, RefusalCode::from(&e)));
                continue;
            }
        };
        let owner = match store.pseudonym_account(&pseudonym).await? {
            Some(a) => store.account(a).await?,
            None => None,
        };
        let Some(owner) = owner else {
            items.push(refused(ItemKind::Scan, id, RefusalCode::UnknownCode));
            continue;
        };
        let subject = owner.subject;
        let visit = Visit {
            id: s.id,
            checkpoint: tokhai_core::CheckpointRef {
                id: tokhai_core::CheckpointId(s.checkpoint),
                parent: None,
                name: String::new(),
                kind: tokhai_core::CheckpointKind::Other,
                ward: 0,
                street: String::new(),
                default_stay_minutes: None,
            },
            checked_in_at: s.scanned_at,
            checked_out_at: s.checked_out_at,
            end: if s.checked_out_at.is_some() {
                tokhai_core::VisitEnd::CheckedOut
            } else {
                tokhai_core::VisitEnd::Open
            },
            edited: false,
            person: None,
        };
        match visit_row(
            &state,
            None,
            &subject,
            "staff",
            cp.info.default_stay_minutes,
            &visit,
        ) {
            Ok(mut row) => {
                // Bound to the scanning staff account (and, by `merge_visit`, to this checkpoint).
                row.scanned_by = Some(session.account.id);
                rows.push(row);
                ids.push(id);
            }
            Err(code) => items.push(refused(ItemKind::Scan, id, code)),
        }
    }
    if !rows.is_empty() {
        for (id, u) in ids.into_iter().zip(store.upsert_visits(rows).await?) {
            items.push(outcome(ItemKind::Scan, id, u));
        }
    }
    for i in &items {
        state
            .inner()
            .metrics
            .sync_item(i.kind.as_str(), i.status.as_str());
    }
    Ok(Json(UploadResult {
        items,
        server_time: state.now(),
        clock_offset_ms: None,
    }))
}

/// Where to continue a download.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PullQuery {
    /// The `cursor` of the previous answer (`c1.` and a number); absent or empty for a first download.
    #[param(pattern = "^(c1\\.[0-9]{1,18})?$")]
    pub cursor: Option<String>,
    /// At most this many entries (1–1000, default 500).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

fn parse_cursor(c: Option<&str>) -> ApiResult<i64> {
    match c {
        None | Some("") => Ok(0),
        Some(c) => c
            .strip_prefix("c1.")
            // Digits only, as the document's pattern says (`parse` would also take a sign).
            .filter(|n| (1..=18).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .ok_or(ApiError::InvalidParameter),
    }
}

/// Downloads what changed since `cursor`: issuer keys, revocations, the checkpoint directory, exposure
/// windows and area safety levels.
#[utoipa::path(get, path = "/v1/sync/pull", tag = "sync", params(PullQuery),
    responses((status = 200, body = PullResult), (status = 422, body = ErrorBody)))]
pub(super) async fn pull(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> ApiResult<Json<PullResult>> {
    let after = parse_cursor(q.cursor.as_deref())?;
    let limit = q.limit.unwrap_or(500);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::InvalidParameter);
    }
    let rows = state.store().feed_since(after, limit + 1).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    let items: Vec<FeedEntry> = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|r| FeedEntry {
            seq: r.seq,
            kind: FeedKind::parse(&r.kind),
            key: r.key,
            body: serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    let last = items.last().map_or(after, |i| i.seq);
    Ok(Json(PullResult {
        items,
        cursor: format!("c1.{last}"),
        more,
        server_time: state.now(),
    }))
}

/// Longest validity of a personal code after its declaration.
const PERSONAL_MAX_DAYS: i64 = 30;

fn initials_fit(name: &str, initials: &str) -> bool {
    // Each initial is the first letter of a later word of the name, in order.
    let firsts: Vec<String> = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_uppercase().collect())
        .collect();
    let mut words = firsts.iter();
    initials.chars().all(|c| {
        let c: String = c.to_uppercase().collect();
        words.any(|f| *f == c)
    })
}

/// Signs the account's personal code once its declaration has reached the server: the pending code's
/// payload must match a declaration of this account (declared-at, birth year, initials, status).
#[utoipa::path(post, path = "/v1/sync/personal-code", tag = "sync", security(("bearer" = [])), request_body = SignRequest,
    responses((status = 200, body = SignedCode), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn personal_code(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<SignRequest>,
) -> ApiResult<Json<SignedCode>> {
    let pending =
        tokhai_core::decode_personal_code(&req.pending).map_err(|_| ApiError::InvalidField("pending"))?;
    if pending.claimed_key().is_some() {
        return Err(ApiError::InvalidField("pending"));
    }
    let p = pending.payload_unverified().clone();
    let declared = p.declared_at.timestamp_millis();
    let store = state.store();
    // The declaration this code belongs to: one of this account's, carrying the code's pseudonym and
    // made in the code's declared-at minute.
    let mut found = None;
    for row in store.declarations_of(session.account.id).await? {
        if row.declared_at.div_euclid(60_000) != declared.div_euclid(60_000) {
            continue;
        }
        let plain = state.inner().sealer.open("declarations", &row.id, &row.sealed)?;
        let record: DeclarationRecord = serde_json::from_slice(&plain).map_err(|_| ApiError::Internal)?;
        if record.pseudonym == p.pseudonym {
            found = Some((row, record));
            break;
        }
    }
    let (row, record) = found.ok_or(ApiError::NotFound)?;
    // The pseudonym is this account's only if it was derived from the id of this account's declaration
    // (which the pending code does not show): someone who read it off another person's screen and
    // uploaded it in a declaration of their own cannot have it signed (issue 14, item 11).
    if record.pseudonym != tokhai_core::Pseudonym::of_declaration(&record.id) {
        return Err(ApiError::InvalidField("pseudonym"));
    }
    let d = &record.declaration;
    // A code that names nobody (no initials, no birth year) would pass for anyone's.
    if p.birth_year != Some(d.birth_year) {
        return Err(ApiError::InvalidField("birth_year"));
    }
    if p.initials.trim().is_empty() || !initials_fit(&d.full_name, &p.initials) {
        return Err(ApiError::InvalidField("initials"));
    }
    if row.has_symptoms && p.status == tokhai_core::PersonalStatus::NoSymptoms {
        return Err(ApiError::InvalidField("status"));
    }
    if p.expires_at.timestamp_millis() > declared + PERSONAL_MAX_DAYS * 86_400_000 {
        return Err(ApiError::InvalidField("expires_at"));
    }
    let now = state.now_ms();
    if !store
        .insert_pseudonym(&p.pseudonym.0, session.account.id, &row.id, now)
        .await?
    {
        return Err(ApiError::Conflict);
    }
    let issued = (now.max(state.keys().current().not_before) + 59_999).div_euclid(60_000) * 60_000;
    let expires_at = p.expires_at;
    let signed = codes::sign_personal(
        state.keys(),
        &tokhai_core::PersonalPayload {
            issued_at: crate::feed::ts(issued),
            ..p
        },
    )?;
    Ok(Json(SignedCode {
        code: signed.as_str().to_owned(),
        expires_at,
    }))
}
