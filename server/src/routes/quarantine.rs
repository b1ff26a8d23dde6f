//! `/v1/me/quarantine` and `/v1/me/reports`: the daily health log on the web portal, for people without
//! a smartphone (ADR 0021). A person of the account (the holder or a dependant) records the quarantine
//! order they were given and files each day's report. The rules are core's (`plan_start`: one open
//! episode per person, a new order extends it; `plan_report`: one report per day, only while the day is
//! reportable; `day_statuses`); the results are stored by the upload's path (`records::episode_row`,
//! `records::report_row`: sealed, the episode's area from the person's newest declaration), so officers'
//! quarantine monitoring counts a web report exactly as an app's. The bodies are core's
//! (`tokhai_core::protocol::{QuarantineOrder, MyEpisode, WebReport, …}`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tokhai_core::protocol::{
    DayStatusCode, EpisodeDay, ItemKind, MyEpisode, MyQuarantine, QuarantineOrder, QuarantineStarted,
    RefusalCode, ReportFiled, WebReport,
};
use tokhai_core::{
    DailyReport, HealthPolicy, QuarantineEpisode, ReportId, ReportPlan, RetentionPolicy, StartPlan,
    VIETNAM_UTC_OFFSET_MINUTES, day_statuses, local_day, plan_report, plan_start,
};

use super::citizen::people_of;
use super::records::{RowError, episode_row, report_row};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, Session};
use crate::state::AppState;
use crate::store::AccountRow;

/// Core's policy for the log, with the server's retention period.
fn policy(state: &AppState) -> HealthPolicy {
    HealthPolicy {
        retention: RetentionPolicy {
            period: state.config().retention,
        },
        ..HealthPolicy::default()
    }
}

/// The account's episodes, opened.
async fn episodes(state: &AppState, account: &AccountRow) -> ApiResult<Vec<QuarantineEpisode>> {
    let rows = state.store().episodes_of(account.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let plain = state.inner().sealer.open("episodes", &row.id, &row.sealed)?;
        out.push(serde_json::from_slice(&plain).map_err(|_| ApiError::Internal)?);
    }
    Ok(out)
}

/// The account's daily reports, opened.
async fn reports(state: &AppState, account: &AccountRow) -> ApiResult<Vec<DailyReport>> {
    let rows = state.store().reports_of(account.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let plain = state.inner().sealer.open("reports", &row.id, &row.sealed)?;
        out.push(serde_json::from_slice(&plain).map_err(|_| ApiError::Internal)?);
    }
    Ok(out)
}

/// One episode with the state of each of its days at `now`.
fn view(
    name: String,
    episode: QuarantineEpisode,
    reports: &[DailyReport],
    now: chrono::DateTime<chrono::Utc>,
    policy: &HealthPolicy,
) -> MyEpisode {
    let states = day_statuses(&episode, reports, now, policy);
    let reported_at: HashMap<_, _> = reports
        .iter()
        .filter(|r| r.episode == episode.id)
        .map(|r| (r.id, r.reported_at))
        .collect();
    let mut reportable: Vec<_> = states
        .iter()
        .filter(|s| s.status.is_reportable())
        .map(|s| s.day)
        .collect();
    reportable.reverse();
    MyEpisode {
        full_name: name,
        open: episode.is_open(now),
        today: local_day(now, episode.utc_offset_minutes),
        reportable,
        days: states
            .iter()
            .map(|s| EpisodeDay {
                day: s.day,
                status: DayStatusCode::from(s.status),
                reported_at: s.report.and_then(|id| reported_at.get(&id).copied()),
            })
            .collect(),
        episode,
    }
}

/// Today by the server's clock, and the quarantine episodes of the account's people, open ones first,
/// then the newest first; each day's state by core's rules (`day_statuses`), and the days a report can be
/// made for now.
#[utoipa::path(get, path = "/v1/me/quarantine", tag = "citizen", security(("bearer" = [])),
    responses((status = 200, body = MyQuarantine), (status = 401, body = ErrorBody)))]
pub(super) async fn list(State(state): State<AppState>, session: Session) -> ApiResult<Json<MyQuarantine>> {
    let account = &session.account;
    let names: HashMap<_, _> = people_of(&state, account)
        .await?
        .into_iter()
        .map(|(_, r)| (r.person, r.declaration.full_name))
        .collect();
    let all = episodes(&state, account).await?;
    let reports = reports(&state, account).await?;
    let now = state.now();
    let policy = policy(&state);
    let mut out: Vec<MyEpisode> = all
        .into_iter()
        .filter_map(|e| {
            let name = names.get(&e.person)?.clone();
            Some(view(name, e, &reports, now, &policy))
        })
        .collect();
    out.sort_by(|a, b| {
        b.open
            .cmp(&a.open)
            .then_with(|| b.episode.start.cmp(&a.episode.start))
            .then_with(|| a.full_name.cmp(&b.full_name))
    });
    Ok(Json(MyQuarantine {
        today: local_day(now, VIETNAM_UTC_OFFSET_MINUTES),
        episodes: out,
    }))
}

/// Records a quarantine order for a person of the account: a new episode, or (while the person's
/// quarantine is open) that one extended (`plan_start`). Refusals name the field (`start`,
/// `expected_end`, `place`) with core's words.
#[utoipa::path(post, path = "/v1/me/quarantine", tag = "citizen", security(("bearer" = [])),
    request_body = QuarantineOrder,
    responses((status = 201, body = QuarantineStarted), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "Not a person of this account", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn start(
    State(state): State<AppState>,
    session: Session,
    ApiJson(order): ApiJson<QuarantineOrder>,
) -> ApiResult<(StatusCode, Json<QuarantineStarted>)> {
    let account = &session.account;
    let (row, _) = people_of(&state, account)
        .await?
        .into_iter()
        .find(|(_, r)| r.person == order.person)
        .ok_or(ApiError::NotFound)?;
    let episode = QuarantineEpisode::new(
        order.person,
        order.kind,
        order.place.as_deref(),
        order.start,
        order.expected_end,
        VIETNAM_UTC_OFFSET_MINUTES,
    )
    .map_err(ApiError::Episode)?;
    let theirs: Vec<QuarantineEpisode> = episodes(&state, account)
        .await?
        .into_iter()
        .filter(|e| e.person == order.person)
        .collect();
    let now = state.now();
    let plan = plan_start(&theirs, episode, now).map_err(ApiError::Episode)?;
    let extended = matches!(plan, StartPlan::Extended(_));
    let episode = plan.episode().clone();
    // The episode's area is the person's, from their newest declaration.
    let stored =
        episode_row(&state, account.id, Some((row.province, row.ward)), &episode).map_err(|e| match e {
            RowError::Refused(RefusalCode::InFuture) | RowError::Refused(RefusalCode::TooOld) => {
                ApiError::InvalidField("start")
            }
            RowError::Refused(_) => ApiError::InvalidField("expected_end"),
            RowError::Server => ApiError::Unavailable,
        })?;
    let result = state.store().upsert_episodes(vec![stored]).await?;
    super::sync::stored_one(&state, ItemKind::Episode, episode.id.to_string(), result)?;
    Ok((StatusCode::CREATED, Json(QuarantineStarted { episode, extended })))
}

/// Files a day's report (today unless `day` names a late day still in its grace period) for an episode
/// of the account, checked by core's rules (`plan_report`: refusals name `day`, `temperature` or `note`).
/// A day has one report, which never changes on the server (`docs/protocol/sync.md` §3): a second one for
/// a reported day is `409`.
#[utoipa::path(post, path = "/v1/me/reports", tag = "citizen", security(("bearer" = [])),
    request_body = WebReport,
    responses((status = 201, body = ReportFiled), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "Not an episode of this account", body = ErrorBody),
        (status = 409, description = "The day is reported already", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn report(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<WebReport>,
) -> ApiResult<(StatusCode, Json<ReportFiled>)> {
    let account = &session.account;
    let episode = episodes(&state, account)
        .await?
        .into_iter()
        .find(|e| e.id == req.episode)
        .ok_or(ApiError::NotFound)?;
    let mut theirs: Vec<DailyReport> = reports(&state, account)
        .await?
        .into_iter()
        .filter(|r| r.episode == episode.id)
        .collect();
    let now = state.now();
    let policy = policy(&state);
    let plan = plan_report(&episode, &theirs, &req.input(), ReportId::random(), now, &policy)
        .map_err(ApiError::Report)?;
    let ReportPlan::Insert(new) = plan else {
        return Err(ApiError::Conflict);
    };
    let row = report_row(&state, account.id, &new).map_err(|e| match e {
        RowError::Refused(_) => ApiError::InvalidField("note"),
        RowError::Server => ApiError::Unavailable,
    })?;
    let result = state.store().upsert_reports(vec![row]).await?;
    let item = super::sync::stored_one(&state, ItemKind::Report, new.id.to_string(), result)?;
    theirs.push(new.clone());
    let day_status = day_statuses(&episode, &theirs, now, &policy)
        .into_iter()
        .find(|s| s.day == new.day)
        .map_or(DayStatusCode::Done, |s| DayStatusCode::from(s.status));
    Ok((
        StatusCode::CREATED,
        Json(ReportFiled {
            id: new.id,
            episode: episode.id,
            day: new.day,
            reported_at: new.reported_at,
            status: item.status,
            day_status,
        }),
    ))
}
