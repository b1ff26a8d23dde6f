//! `/v1/cases`, `/v1/officer`: confirmed cases, tracing (F1/F2) with CSV and JSON export, exposure windows,
//! quarantine monitoring, aggregates, safety levels. Every read of personal data names a case and is
//! written to the audit log; officers see only their provinces/wards.

use std::collections::{BTreeSet, HashMap, HashSet};

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::contact::{ContactAcc, accumulate, csv_line};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Officer};
use crate::feed::ts;
use crate::phone;
use crate::state::AppState;
use crate::store::{
    AggregateRow, AuditRow, CaseRow, DeclarationRow, EpisodeStatus, ExposureRow, Millis, Scope,
};

const DAY_MS: i64 = 86_400_000;
/// Days before symptom onset (or the test) that a case counts as infectious.
const INFECTIOUS_DAYS_BEFORE: i64 = 2;
/// Contacts of the first level whose own visits are followed for F2.
const MAX_F1_FOLLOWED: usize = 500;

fn day_of(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_millis())
        .div_euclid(DAY_MS)
}

fn date_of(day: i64) -> NaiveDate {
    ts(day * DAY_MS).date_naive()
}

/// A purpose as core's rule wants it: a reason from its list and the officer's own words.
fn purpose_ok(p: &str) -> ApiResult<String> {
    Ok(tokhai_core::check_purpose(p)?)
}

/// Whether a refusal says something about the data (a scope, a case, a phone number) and so goes to the
/// audit log like a read: an officer probing whether a number has an account, or another area's cases,
/// leaves a trace.
fn audited_refusal(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::OutOfScope | ApiError::CaseRequired | ApiError::NotFound | ApiError::CaseExists(_)
    )
}

/// Writes a refusal of `action` to the audit log (action `…_refused:CODE`, no rows) when it is one that
/// [`audited_refusal`] names, and hands the result back.
async fn audit_refusal<T>(
    state: &AppState,
    officer: &Officer,
    case: Option<i64>,
    action: &str,
    purpose: &str,
    result: ApiResult<T>,
) -> ApiResult<T> {
    if let Err(e) = &result
        && audited_refusal(e)
    {
        let purpose = tokhai_core::check_purpose(purpose).unwrap_or_else(|_| "(no valid purpose)".into());
        let action = format!("{action}_refused:{}", e.api_code().as_str());
        audit(state, officer, case, &action, &purpose, 0).await?;
    }
    result
}

/// Who the case is: exactly one of these.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewCase {
    /// The person's phone number.
    pub phone: Option<String>,
    /// The pseudonym from their personal code (base64url).
    pub subject: Option<String>,
    /// Province of the case.
    pub province: u32,
    /// Ward of the case.
    pub ward: u32,
    /// Day of the positive test.
    pub test_date: NaiveDate,
    /// Day symptoms started, if any.
    pub symptom_onset: Option<NaiveDate>,
    /// Why this person is registered (audit): `REASON: details` (`docs/api.md`). The pattern is the
    /// portable form; the details may also begin or end with any letter (Vietnamese included).
    #[schema(
        pattern = r"^(case_investigation|contact_tracing|outbreak_response|quarantine_follow_up|data_correction): [A-Za-z][^\x00-\x1f\x7f-\x9f]{8,198}[A-Za-z0-9.]$"
    )]
    pub purpose: String,
}

/// A registered case.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CaseView {
    /// Case id.
    pub id: i64,
    /// Province.
    pub province: i64,
    /// Ward.
    pub ward: i64,
    /// Test day.
    pub test_date: NaiveDate,
    /// Onset day.
    pub symptom_onset: Option<NaiveDate>,
    /// Registered at.
    pub created_at: DateTime<Utc>,
}

fn case_view(c: &CaseRow) -> CaseView {
    CaseView {
        id: c.id,
        province: c.province,
        ward: c.ward,
        test_date: date_of(c.test_day),
        symptom_onset: c.onset_day.map(date_of),
        created_at: ts(c.created_at),
    }
}

async fn audit(
    state: &AppState,
    officer: &Officer,
    case: Option<i64>,
    action: &str,
    purpose: &str,
    rows: usize,
) -> ApiResult<()> {
    state
        .store()
        .append_audit(AuditRow {
            id: 0,
            at: state.now_ms(),
            officer_id: officer.account.id,
            case_id: case,
            action: action.to_owned(),
            purpose: purpose.to_owned(),
            rows: i64::try_from(rows).unwrap_or(i64::MAX),
        })
        .await?;
    Ok(())
}

/// Registers a confirmed case in the officer's area.
#[utoipa::path(post, path = "/v1/cases", tag = "officer", security(("bearer" = [])), request_body = NewCase,
    responses((status = 201, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "case_exists: the person has a case for this infection", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn create_case(
    State(state): State<AppState>,
    officer: Officer,
    ApiJson(req): ApiJson<NewCase>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    let result = create_case_in_area(&state, &officer, &req).await;
    audit_refusal(&state, &officer, None, "case_create", &req.purpose, result).await
}

/// The area of a case: the person's declared address (newest declaration) when the server holds one,
/// whatever the officer typed, so that an officer cannot open a case on someone elsewhere by typing their
/// own ward; without a declaration, the area typed. Tracing is bounded by the officer's scope anyway
/// (every checkpoint of a trace lies in it).
async fn case_area(state: &AppState, subject: &[u8], typed: (i64, i64)) -> ApiResult<(i64, i64)> {
    let store = state.store();
    let account = match store.account_by_subject(subject).await? {
        Some(a) => Some(a),
        None => match store.pseudonym_account(subject).await? {
            Some(id) => store.account(id).await?,
            None => None,
        },
    };
    let Some(account) = account else {
        return Ok(typed);
    };
    Ok(store
        .latest_declaration(account.id)
        .await?
        .map_or(typed, |d| (d.province, d.ward)))
}

async fn create_case_in_area(
    state: &AppState,
    officer: &Officer,
    req: &NewCase,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    let purpose = purpose_ok(&req.purpose)?;
    let today = tokhai_core::local_day(ts(state.now_ms()), tokhai_core::VIETNAM_UTC_OFFSET_MINUTES);
    tokhai_core::check_case(req.province, req.ward, req.test_date, req.symptom_onset, today)?;
    if !officer.covers(i64::from(req.province), i64::from(req.ward)) {
        return Err(ApiError::OutOfScope);
    }
    let store = state.store();
    let subject = match (&req.phone, &req.subject) {
        (Some(p), None) => {
            let e164 = phone::normalize(p).ok_or(ApiError::InvalidPhone)?;
            let hash = state.inner().sealer.lookup("phone", e164.as_bytes());
            store
                .account_by_phone(&hash)
                .await?
                .ok_or(ApiError::NotFound)?
                .subject
        }
        (None, Some(s)) => URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .filter(|s| s.len() == 16)
            .ok_or(ApiError::InvalidField("subject"))?,
        _ => return Err(ApiError::InvalidField("phone")),
    };
    let (province, ward) = case_area(state, &subject, (i64::from(req.province), i64::from(req.ward))).await?;
    if !officer.covers(province, ward) {
        return Err(ApiError::OutOfScope);
    }
    // One case per infection: a second registration is refused and names the case to use.
    let case = store
        .insert_case(
            CaseRow {
                id: 0,
                officer_id: officer.account.id,
                subject,
                province,
                ward,
                test_day: day_of(req.test_date),
                onset_day: req.symptom_onset.map(day_of),
                created_at: state.now_ms(),
            },
            tokhai_core::CASE_REINFECTION_DAYS,
        )
        .await?
        .map_err(ApiError::CaseExists)?;
    audit(state, officer, Some(case.id), "case_create", &purpose, 1).await?;
    Ok((StatusCode::CREATED, Json(case_view(&case))))
}

/// The first day a case counts as infectious.
fn infectious_start_day(case: &CaseRow) -> i64 {
    case.onset_day.unwrap_or(case.test_day).min(case.test_day) - INFECTIOUS_DAYS_BEFORE
}

/// A case in the officer's scope, or the refusal.
async fn case_in_scope(state: &AppState, officer: &Officer, id: i64) -> ApiResult<CaseRow> {
    let case = state.store().case(id).await?.ok_or(ApiError::CaseRequired)?;
    if !officer.covers(case.province, case.ward) {
        return Err(ApiError::OutOfScope);
    }
    Ok(case)
}

/// Tracing options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct TraceQuery {
    /// Why (written to the audit log): `REASON: details` (`docs/api.md`). The pattern is the portable
    /// form; the details may also begin or end with any letter (Vietnamese included).
    #[param(
        pattern = r"^(case_investigation|contact_tracing|outbreak_response|quarantine_follow_up|data_correction): [A-Za-z][^\x00-\x1f\x7f-\x9f]{8,198}[A-Za-z0-9.]$"
    )]
    pub purpose: String,
    /// Minutes added before and after each of the case's visits (default 15, at most 240).
    #[param(minimum = 0, maximum = 240)]
    pub buffer_minutes: Option<i64>,
    /// Count the whole building (all checkpoints of the tree) as the same place.
    #[serde(default)]
    pub building: bool,
    /// 1: F1 only; 2 (default): F1 and F2.
    #[param(minimum = 1, maximum = 2)]
    pub depth: Option<u8>,
    /// "json" (default) or "csv".
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

/// One contact.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ContactView {
    /// "F1" (met the case) or "F2" (met an F1 after that).
    pub level: String,
    /// Pseudonym (base64url).
    pub subject: String,
    /// Full name from the newest declaration, if any.
    pub name: Option<String>,
    /// Phone number of the account, if the person has one.
    pub phone: Option<String>,
    /// Minutes of overlap.
    pub overlap_minutes: i64,
    /// Checkpoints where they overlapped.
    pub checkpoints: Vec<i64>,
    /// Earliest contact.
    pub first_contact: DateTime<Utc>,
}

/// The tracing result.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct TraceResult {
    /// The case.
    pub case_id: i64,
    /// Infectious window start.
    pub from: DateTime<Utc>,
    /// Infectious window end.
    pub to: DateTime<Utc>,
    /// The case's visits in the window.
    pub index_visits: usize,
    /// Contacts, F1 first, longest overlap first.
    pub contacts: Vec<ContactView>,
    /// Checkpoints outside the officer's scope where the case (or an F1) was, or where contacts met:
    /// left out of this trace. Tracing there needs a scope granted by an administrator (audited).
    pub outside_scope_checkpoints: Vec<i64>,
}

/// How far from today an area query may look (days): a year back, for reports.
const AREA_QUERY_MAX_DAYS: i64 = 366;

/// Cap on contact intervals per tracing step.
const MAX_CONTACT_ROWS: i64 = 200_000;

/// Which checkpoints lie in the officer's scope, as far as asked so far (the checkpoints' areas are read
/// once each).
#[derive(Debug, Default)]
struct ScopeFilter {
    known: HashMap<i64, bool>,
    /// Checkpoints met that lie outside the scope (left out of the trace).
    outside: BTreeSet<i64>,
}

impl ScopeFilter {
    /// Reads the areas of the checkpoints not seen yet.
    async fn learn(
        &mut self,
        state: &AppState,
        officer: &Officer,
        ids: impl Iterator<Item = i64>,
    ) -> ApiResult<()> {
        let mut new: Vec<i64> = ids.filter(|id| !self.known.contains_key(id)).collect();
        new.sort_unstable();
        new.dedup();
        if new.is_empty() {
            return Ok(());
        }
        for id in &new {
            self.known.insert(*id, false);
        }
        for (id, province, ward) in state.store().checkpoint_areas(&new).await? {
            self.known.insert(id, officer.covers(province, ward));
        }
        Ok(())
    }

    /// Whether a checkpoint whose area was learnt lies in the scope (and notes it when not).
    fn allows(&mut self, id: i64) -> bool {
        let inside = self.known.get(&id).copied().unwrap_or(false);
        if !inside {
            self.outside.insert(id);
        }
        inside
    }
}

/// Contacts of the visits of `subjects`, each person followed from their own start time, in one query;
/// only contacts at checkpoints in the officer's scope count (the others are noted in `scope`).
#[allow(clippy::too_many_arguments)]
async fn contacts_of(
    state: &AppState,
    officer: &Officer,
    scope: &mut ScopeFilter,
    subjects: &HashMap<Vec<u8>, Millis>,
    to: Millis,
    buffer: Millis,
    building: bool,
    exclude: &HashSet<Vec<u8>>,
) -> ApiResult<HashMap<Vec<u8>, ContactAcc>> {
    let mut acc = HashMap::new();
    if subjects.is_empty() {
        return Ok(acc);
    }
    let list: Vec<(Vec<u8>, Millis)> = subjects.iter().map(|(s, &start)| (s.clone(), start)).collect();
    let mut parts = state
        .reads()
        .overlap_contacts(&list, to, state.now_ms(), buffer, building, MAX_CONTACT_ROWS)
        .await?;
    scope
        .learn(state, officer, parts.iter().map(|p| p.checkpoint_id))
        .await?;
    parts.retain(|p| scope.allows(p.checkpoint_id));
    accumulate(&mut acc, &parts, exclude);
    Ok(acc)
}

/// Name and phone number of each of `subjects` that has an account, in three queries whatever their
/// number. The name is that of the person who checked in (the visits' `person_id`, latest in
/// `[from, to)`), from that person's newest declaration: a parent's visit is named after the parent even
/// when the child declared on the same phone later. Visits that name nobody (older apps) fall back to
/// the account's newest declaration.
async fn identify_all(
    state: &AppState,
    subjects: &[Vec<u8>],
    from: Millis,
    to: Millis,
) -> ApiResult<HashMap<Vec<u8>, (Option<String>, Option<String>)>> {
    let store = state.reads();
    let sealer = &state.inner().sealer;
    let accounts = store.accounts_by_subjects(subjects).await?;
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    let persons: HashMap<Vec<u8>, Vec<u8>> = if accounts.is_empty() {
        HashMap::new()
    } else {
        let known: Vec<Vec<u8>> = accounts.iter().map(|a| a.subject.clone()).collect();
        store.visit_persons(&known, from, to).await?.into_iter().collect()
    };
    // Per account: the newest declaration of each person, and the newest of all.
    let mut per_person: HashMap<(i64, Vec<u8>), DeclarationRow> = HashMap::new();
    let mut newest: HashMap<i64, DeclarationRow> = HashMap::new();
    for d in store.latest_declarations_per_person(&ids).await? {
        let replace = newest.get(&d.account_id).is_none_or(|n| {
            (d.declared_at, std::cmp::Reverse(&d.id)) > (n.declared_at, std::cmp::Reverse(&n.id))
        });
        if replace {
            newest.insert(d.account_id, d.clone());
        }
        per_person.insert((d.account_id, d.person_id.clone()), d);
    }
    let mut out = HashMap::with_capacity(accounts.len());
    for acc in accounts {
        let phone = sealer.open("accounts", &acc.phone_hash, &acc.phone_sealed)?;
        let phone = String::from_utf8_lossy(&phone).into_owned();
        let declaration = match persons.get(&acc.subject) {
            Some(person) => per_person.get(&(acc.id, person.clone())),
            None => newest.get(&acc.id),
        };
        let name = match declaration {
            Some(d) => {
                let plain = sealer.open("declarations", &d.id, &d.sealed)?;
                serde_json::from_slice::<tokhai_core::DeclarationRecord>(&plain)
                    .ok()
                    .map(|r| r.declaration.full_name)
            }
            None => None,
        };
        out.insert(acc.subject, (name, Some(phone)));
    }
    Ok(out)
}

/// Traces the contacts of a case: F1 = overlapping visits at the same checkpoint (± buffer, optionally the
/// whole building) in the infectious window; F2 = those overlapping the F1s afterwards. Audited.
#[utoipa::path(get, path = "/v1/cases/{id}/trace", tag = "officer", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id"), TraceQuery),
    responses((status = 200, body = TraceResult), (status = 200, content_type = "text/csv", body = String),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn trace(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TraceQuery>,
) -> ApiResult<Response> {
    let result = trace_in_scope(&state, &officer, id, &q).await;
    audit_refusal(&state, &officer, Some(id), "trace", &q.purpose, result).await
}

async fn trace_in_scope(state: &AppState, officer: &Officer, id: i64, q: &TraceQuery) -> ApiResult<Response> {
    let state = state.clone();
    let purpose = purpose_ok(&q.purpose)?;
    let csv = match q.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        _ => return Err(ApiError::InvalidParameter),
    };
    let buffer_min = q.buffer_minutes.unwrap_or(15);
    if !(0..=240).contains(&buffer_min) {
        return Err(ApiError::InvalidParameter);
    }
    let buffer = buffer_min * 60_000;
    let depth = q.depth.unwrap_or(2);
    if !(1..=2).contains(&depth) {
        return Err(ApiError::InvalidParameter);
    }
    let case = case_in_scope(&state, officer, id).await?;
    let start_day = infectious_start_day(&case);
    let (from, to) = (start_day * DAY_MS, state.now_ms() + 60_000);

    let mut scope = ScopeFilter::default();
    let mut index = state.reads().visits_of_subject(&case.subject, from, to).await?;
    scope
        .learn(&state, officer, index.iter().map(|v| v.checkpoint_id))
        .await?;
    index.retain(|v| scope.allows(v.checkpoint_id));
    let mut exclude: HashSet<Vec<u8>> = [case.subject.clone()].into_iter().collect();
    let case_only: HashMap<Vec<u8>, Millis> = [(case.subject.clone(), from)].into_iter().collect();
    let f1 = contacts_of(
        &state, officer, &mut scope, &case_only, to, buffer, q.building, &exclude,
    )
    .await?;
    exclude.extend(f1.keys().cloned());
    // F2: whoever met an F1 after the F1 met the case (the F1s with the longest overlaps first).
    let mut followed: Vec<(&Vec<u8>, &ContactAcc)> = f1.iter().collect();
    followed.sort_by_key(|(_, c)| std::cmp::Reverse(c.overlap_ms));
    let follow = if depth == 2 { MAX_F1_FOLLOWED } else { 0 };
    let f1_starts: HashMap<Vec<u8>, Millis> = followed
        .into_iter()
        .take(follow)
        .map(|(s, c)| (s.clone(), c.first_contact - buffer))
        .collect();
    let f2 = contacts_of(
        &state, officer, &mut scope, &f1_starts, to, buffer, q.building, &exclude,
    )
    .await?;
    let mut contacts = Vec::with_capacity(f1.len() + f2.len());
    let everyone: Vec<Vec<u8>> = f1.keys().chain(f2.keys()).cloned().collect();
    let mut known = identify_all(&state, &everyone, from, to).await?;
    for (level, set) in [("F1", &f1), ("F2", &f2)] {
        let mut list: Vec<_> = set.iter().collect();
        list.sort_by(|a, b| b.1.overlap_ms.cmp(&a.1.overlap_ms).then(a.0.cmp(b.0)));
        for (subject, c) in list {
            let (name, phone) = known.remove(subject).unwrap_or_default();
            contacts.push(ContactView {
                level: level.to_owned(),
                subject: URL_SAFE_NO_PAD.encode(subject),
                name,
                phone,
                overlap_minutes: (c.overlap_ms + 59_999) / 60_000,
                checkpoints: c.checkpoints.iter().copied().collect(),
                first_contact: ts(c.first_contact),
            });
        }
    }
    let action = if csv { "trace_export_csv" } else { "trace" };
    audit(&state, officer, Some(case.id), action, &purpose, contacts.len()).await?;
    let result = TraceResult {
        case_id: case.id,
        from: ts(from),
        to: ts(to),
        index_visits: index.len(),
        contacts,
        outside_scope_checkpoints: scope.outside.into_iter().collect(),
    };
    if csv {
        let mut out = csv_line(&[
            "level".into(),
            "subject".into(),
            "name".into(),
            "phone".into(),
            "overlap_minutes".into(),
            "checkpoints".into(),
            "first_contact".into(),
        ]);
        for c in &result.contacts {
            out.push_str(&csv_line(&[
                c.level.clone(),
                c.subject.clone(),
                c.name.clone().unwrap_or_default(),
                c.phone.clone().unwrap_or_default(),
                c.overlap_minutes.to_string(),
                c.checkpoints
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
                c.first_contact.to_rfc3339(),
            ]));
        }
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response());
    }
    Ok(Json(result).into_response())
}

/// An exposure window to publish.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewExposure {
    /// Checkpoint.
    pub checkpoint: i64,
    /// From.
    pub starts_at: DateTime<Utc>,
    /// To.
    pub ends_at: DateTime<Utc>,
    /// Advice for people who were there.
    pub advice: String,
}

/// A published window.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ExposurePublished {
    /// Window id.
    pub id: i64,
}

/// Publishes an exposure window from a case (devices match it against their own visits).
#[utoipa::path(post, path = "/v1/cases/{id}/exposures", tag = "officer", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")), request_body = NewExposure,
    responses((status = 201, body = ExposurePublished), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn publish_exposure(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewExposure>,
) -> ApiResult<(StatusCode, Json<ExposurePublished>)> {
    let result = publish_exposure_in_scope(&state, &officer, id, req).await;
    let purpose = "outbreak_response: exposure window";
    audit_refusal(&state, &officer, Some(id), "exposure", purpose, result).await
}

async fn publish_exposure_in_scope(
    state: &AppState,
    officer: &Officer,
    id: i64,
    req: NewExposure,
) -> ApiResult<(StatusCode, Json<ExposurePublished>)> {
    let case = case_in_scope(state, officer, id).await?;
    tokhai_core::check_exposure_window(
        req.starts_at,
        req.ends_at,
        ts(state.now_ms()),
        ts(infectious_start_day(&case) * DAY_MS),
    )?;
    let (s, e) = (req.starts_at.timestamp_millis(), req.ends_at.timestamp_millis());
    let advice = req.advice.trim();
    // Advice reaches every device's screen and terminal: no control characters (a line break aside).
    if !(1..=1000).contains(&advice.chars().count()) || !tokhai_core::is_plain_text(advice, true) {
        return Err(ApiError::InvalidField("advice"));
    }
    let Some(checkpoint) = state.store().checkpoint(req.checkpoint).await? else {
        return Err(ApiError::InvalidField("checkpoint"));
    };
    // Every checkpoint an officer publishes for lies in their scope.
    if !officer.covers(checkpoint.info.province, checkpoint.info.ward) {
        return Err(ApiError::OutOfScope);
    }
    let row = state
        .store()
        .insert_exposure(ExposureRow {
            id: 0,
            case_id: case.id,
            checkpoint_id: req.checkpoint,
            starts_at: s,
            ends_at: e,
            advice: advice.to_owned(),
            created_at: state.now_ms(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(ExposurePublished { id: row.id })))
}

/// An area.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AreaQuery {
    /// Province code.
    pub province: i64,
    /// Ward code (absent: the whole province).
    pub ward: Option<i64>,
    /// Day (default today, UTC+7).
    pub day: Option<NaiveDate>,
    /// From (aggregates; default 14 days ago).
    pub from: Option<DateTime<Utc>>,
    /// To (aggregates; default now).
    pub to: Option<DateTime<Utc>>,
}

impl AreaQuery {
    fn scope(&self, officer: &Officer) -> ApiResult<Scope> {
        // Codes beyond u32 are in no list: they fail the same check as an unknown code.
        let code = |c: i64| u32::try_from(c).unwrap_or(u32::MAX);
        tokhai_core::check_area(code(self.province), self.ward.filter(|&w| w != 0).map(code))?;
        let scope = Scope {
            province: self.province,
            ward: self.ward.unwrap_or(0),
        };
        let allowed = if scope.ward == 0 {
            officer
                .scopes
                .iter()
                .any(|s| s.province == scope.province && s.ward == 0)
        } else {
            officer.covers(scope.province, scope.ward)
        };
        if allowed {
            Ok(scope)
        } else {
            Err(ApiError::OutOfScope)
        }
    }
}

/// One person in quarantine, by pseudonymous episode (no name or phone).
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct QuarantineView {
    /// Episode id.
    pub episode: String,
    /// "facility", "home" or "locked_down_area".
    pub kind: String,
    /// Ward.
    pub ward: i64,
    /// First day.
    pub start: NaiveDate,
    /// Expected last day.
    pub expected_end: NaiveDate,
    /// Last day reported on.
    pub last_report: Option<NaiveDate>,
    /// No report for the day asked about.
    pub missed: bool,
    /// Reports with symptoms so far.
    pub symptomatic_reports: i64,
}

/// One view per person (account and the device's person id): a person whose episodes overlap (uploaded
/// by apps older than the one-open-episode rule of `tokhai_core::plan_start`) is listed once, over the
/// union of those episodes' days, with the reports of all of them — a report that landed in the other
/// episode is not a missed day. The episode shown is the one started last. Sorted by start.
fn one_per_person(rows: Vec<EpisodeStatus>, day: i64) -> Vec<QuarantineView> {
    let mut people: HashMap<(i64, Vec<u8>), Vec<EpisodeStatus>> = HashMap::new();
    for r in rows {
        let key = (r.episode.account_id, r.episode.person_id.clone());
        people.entry(key).or_default().push(r);
    }
    let mut out: Vec<(i64, QuarantineView)> = people
        .into_values()
        .filter_map(|list| {
            let shown = list.iter().max_by(|a, b| {
                (a.episode.start_day, &a.episode.id).cmp(&(b.episode.start_day, &b.episode.id))
            })?;
            let start = list.iter().map(|s| s.episode.start_day).min()?;
            let last = list
                .iter()
                .map(|s| s.episode.ended_on.unwrap_or(s.episode.expected_end_day))
                .max()?;
            let last_report = list.iter().filter_map(|s| s.last_report_day).max();
            Some((
                start,
                QuarantineView {
                    episode: uuid::Uuid::from_slice(&shown.episode.id)
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                    kind: shown.episode.kind.clone(),
                    ward: shown.episode.ward,
                    start: date_of(start),
                    expected_end: date_of(last),
                    last_report: last_report.map(date_of),
                    missed: last_report.is_none_or(|d| d < day),
                    symptomatic_reports: list.iter().map(|s| s.symptomatic_reports).sum(),
                },
            ))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.episode.cmp(&b.1.episode)));
    out.into_iter().map(|(_, v)| v).collect()
}

/// Quarantine monitoring: people in quarantine in an area and whether they reported on the day.
#[utoipa::path(get, path = "/v1/officer/quarantine", tag = "officer", security(("bearer" = [])), params(AreaQuery),
    responses((status = 200, body = [QuarantineView]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn quarantine(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult<Json<Vec<QuarantineView>>> {
    let scope = q.scope(&officer)?;
    let today = (state.now_ms() + 7 * 3_600_000).div_euclid(DAY_MS);
    let day = q.day.map_or(today, day_of);
    // A day within a year of today: anything else is a typo (and far dates overflow date arithmetic).
    if (day - today).abs() > AREA_QUERY_MAX_DAYS {
        return Err(ApiError::InvalidParameter);
    }
    let rows = state.reads().quarantine_status(scope, day).await?;
    let out = one_per_person(rows, day);
    audit(
        &state,
        &officer,
        None,
        "quarantine_monitoring",
        "quarantine monitoring",
        out.len(),
    )
    .await?;
    Ok(Json(out))
}

/// Counts for one day and ward.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AggregateView {
    /// Day (UTC+7).
    pub day: NaiveDate,
    /// Province.
    pub province: i64,
    /// Ward.
    pub ward: i64,
    /// Declarations.
    pub declarations: i64,
    /// Declarations with symptoms.
    pub with_symptoms: i64,
    /// Check-ins.
    pub check_ins: i64,
    /// Checkpoints with check-ins.
    pub active_checkpoints: i64,
}

/// Aggregates per day and ward (no personal data).
#[utoipa::path(get, path = "/v1/officer/aggregates", tag = "officer", security(("bearer" = [])), params(AreaQuery),
    responses((status = 200, body = [AggregateView]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn aggregates(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult<Json<Vec<AggregateView>>> {
    let scope = q.scope(&officer)?;
    let now = state.now_ms();
    let to = q.to.map_or(now + 60_000, |t| t.timestamp_millis());
    let from = q.from.map_or(to - 14 * DAY_MS, |t| t.timestamp_millis());
    if from >= to || to - from > 92 * DAY_MS {
        return Err(ApiError::InvalidParameter);
    }
    if from < now - AREA_QUERY_MAX_DAYS * DAY_MS || to > now + DAY_MS {
        return Err(ApiError::InvalidParameter);
    }
    let rows = state.reads().aggregates(scope, from, to, 7 * 60).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r: AggregateRow| AggregateView {
                day: date_of(r.day),
                province: r.province,
                ward: r.ward,
                declarations: r.declarations,
                with_symptoms: r.with_symptoms,
                check_ins: r.check_ins,
                active_checkpoints: r.active_checkpoints,
            })
            .collect(),
    ))
}

/// A ward's safety level.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SafetyLevel {
    /// Province.
    pub province: i64,
    /// Ward.
    pub ward: i64,
    /// 1 low, 2 medium, 3 high, 4 very high.
    #[schema(minimum = 1, maximum = 4)]
    pub level: i64,
}

/// Publishes a ward's safety level (delivered to devices by the sync feed).
#[utoipa::path(put, path = "/v1/officer/safety-levels", tag = "officer", security(("bearer" = [])),
    request_body = SafetyLevel, responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn set_safety_level(
    State(state): State<AppState>,
    officer: Officer,
    ApiJson(req): ApiJson<SafetyLevel>,
) -> ApiResult<StatusCode> {
    if !(1..=4).contains(&req.level) {
        return Err(ApiError::InvalidField("level"));
    }
    // Codes beyond u32 are in no list: they fail the same check as an unknown code.
    let province = u32::try_from(req.province).unwrap_or(u32::MAX);
    let ward = u32::try_from(req.ward).unwrap_or(u32::MAX);
    tokhai_core::check_area(province, Some(ward))?;
    if !officer.covers(req.province, req.ward) {
        return Err(ApiError::OutOfScope);
    }
    state
        .store()
        .set_safety_level(
            req.province,
            req.ward,
            req.level,
            officer.account.id,
            state.now_ms(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
