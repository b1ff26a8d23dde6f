//! The checkpoint manager's views: arrivals and departures, live occupancy, "check out everyone", and the
//! share of visits that ended with a real check-out. Each covers the checkpoint and its sub-checkpoints.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::registry::{managed, subtree};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, Session};
use crate::feed::ts;
use crate::state::AppState;

/// A time range (default: the last 24 hours).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct Range {
    /// From (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// To (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

impl Range {
    fn millis(&self, now: i64) -> ApiResult<(i64, i64)> {
        let to = self.to.map_or(now + 60_000, |t| t.timestamp_millis());
        let from = self.from.map_or(to - 86_400_000, |t| t.timestamp_millis());
        if from >= to || to - from > 31 * 86_400_000 {
            return Err(ApiError::InvalidParameter);
        }
        Ok((from, to))
    }
}

/// One arrival (and departure, once known). No personal data: the visitor is not identified.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ArrivalView {
    /// Where (this checkpoint or a sub-checkpoint).
    pub checkpoint: i64,
    /// Arrival.
    pub checked_in_at: DateTime<Utc>,
    /// Departure.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// How the visit ended ("open", "checked_out", "auto", "next_check_in", "by_checkpoint").
    pub end: String,
    /// "self" or "staff".
    pub source: String,
}

/// Arrivals and departures.
#[utoipa::path(get, path = "/v1/checkpoints/{id}/visits", tag = "manager", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id"), Range),
    responses((status = 200, body = [ArrivalView]), (status = 403, body = ErrorBody)))]
pub(super) async fn visits(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(range): ApiQuery<Range>,
) -> ApiResult<Json<Vec<ArrivalView>>> {
    let cp = managed(&state, &session, id).await?;
    let (from, to) = range.millis(state.now_ms())?;
    let ids = subtree(&state, &cp).await?;
    let rows = state.store().visits_overlapping(&ids, from, to, 5000).await?;
    Ok(Json(
        rows.into_iter()
            .map(|v| ArrivalView {
                checkpoint: v.checkpoint_id,
                checked_in_at: ts(v.checked_in_at),
                checked_out_at: v.checked_out_at.map(ts),
                end: v.end_kind,
                source: v.source,
            })
            .collect(),
    ))
}

/// People checked in right now.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Occupancy {
    /// Open visits.
    pub present: i64,
}

/// Live occupancy.
#[utoipa::path(get, path = "/v1/checkpoints/{id}/occupancy", tag = "manager", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")),
    responses((status = 200, body = Occupancy), (status = 403, body = ErrorBody)))]
pub(super) async fn occupancy(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Occupancy>> {
    let cp = managed(&state, &session, id).await?;
    let ids = subtree(&state, &cp).await?;
    Ok(Json(Occupancy {
        present: state.store().occupancy(&ids).await?,
    }))
}

/// Visits closed by "check out everyone".
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CheckedOut {
    /// How many.
    pub closed: u64,
}

/// Checks out everyone still checked in (closing time).
#[utoipa::path(post, path = "/v1/checkpoints/{id}/checkout-all", tag = "manager", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")),
    responses((status = 200, body = CheckedOut), (status = 403, body = ErrorBody)))]
pub(super) async fn checkout_all(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CheckedOut>> {
    let cp = managed(&state, &session, id).await?;
    let ids = subtree(&state, &cp).await?;
    Ok(Json(CheckedOut {
        closed: state.store().check_out_all(&ids, state.now_ms()).await?,
    }))
}

/// How visits ended.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CheckoutStats {
    /// Visits that started in the range.
    pub visits: i64,
    /// Of those, ended by the visitor's own check-out.
    pub checked_out: i64,
    /// `checked_out / visits` (0 when there were none).
    pub share: f64,
}

/// The share of visits that ended with a real check-out.
#[utoipa::path(get, path = "/v1/checkpoints/{id}/stats", tag = "manager", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id"), Range),
    responses((status = 200, body = CheckoutStats), (status = 403, body = ErrorBody)))]
pub(super) async fn stats(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(range): ApiQuery<Range>,
) -> ApiResult<Json<CheckoutStats>> {
    let cp = managed(&state, &session, id).await?;
    let (from, to) = range.millis(state.now_ms())?;
    let ids = subtree(&state, &cp).await?;
    let (visits, checked_out) = state.store().checkout_share(&ids, from, to).await?;
    #[allow(clippy::cast_precision_loss)]
    let share = if visits == 0 {
        0.0
    } else {
        checked_out as f64 / visits as f64
    };
    Ok(Json(CheckoutStats {
        visits,
        checked_out,
        share,
    }))
}
