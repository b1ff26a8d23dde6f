//! `/v1/admin`: the audit log, the retention purge on demand, key rotation.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Admin, ApiQuery};
use crate::feed::ts;
use crate::retention;
use crate::state::AppState;

/// Paging of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AuditQuery {
    /// Entries after this id (default 0).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// At most this many (1–1000, default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AuditView {
    /// Entry id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Officer account.
    pub officer: i64,
    /// Case.
    pub case_id: Option<i64>,
    /// What was read.
    pub action: String,
    /// Stated purpose.
    pub purpose: String,
    /// Rows of personal data returned.
    pub rows: i64,
}

/// Reads the audit log of officers' reads of personal data.
#[utoipa::path(get, path = "/v1/admin/audit", tag = "admin", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = [AuditView]), (status = 403, body = ErrorBody)))]
pub(super) async fn audit_log(
    State(state): State<AppState>,
    _admin: Admin,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditView>>> {
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) || q.after.is_some_and(|a| a < 0) {
        return Err(ApiError::InvalidParameter);
    }
    let rows = state.store().audit_log(q.after.unwrap_or(0), limit).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditView {
                id: r.id,
                at: ts(r.at),
                officer: r.officer_id,
                case_id: r.case_id,
                action: r.action,
                purpose: r.purpose,
                rows: r.rows,
            })
            .collect(),
    ))
}

/// What a purge removed.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Purged {
    /// Visits.
    pub visits: u64,
    /// Declarations.
    pub declarations: u64,
    /// Daily reports.
    pub reports: u64,
    /// Quarantine episodes.
    pub episodes: u64,
    /// Expired codes, captchas and sessions.
    pub expired: u64,
}

/// Runs the retention purge now.
#[utoipa::path(post, path = "/v1/admin/purge", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Purged), (status = 403, body = ErrorBody)))]
pub(super) async fn purge(State(state): State<AppState>, _admin: Admin) -> ApiResult<Json<Purged>> {
    let c = retention::purge_now(&state).await?;
    Ok(Json(Purged {
        visits: c.visits,
        declarations: c.declarations,
        reports: c.reports,
        episodes: c.episodes,
        expired: c.expired,
    }))
}

/// The new signing key.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Rotated {
    /// Its id.
    pub key_id: u32,
}

/// Rotates the issuing key (the old one stays published for the overlap period).
#[utoipa::path(post, path = "/v1/admin/keys/rotate", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Rotated), (status = 403, body = ErrorBody)))]
pub(super) async fn rotate_keys(State(state): State<AppState>, _admin: Admin) -> ApiResult<Json<Rotated>> {
    let key_id = state.rotate_keys().await?;
    Ok(Json(Rotated { key_id }))
}
