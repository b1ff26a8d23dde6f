//! Operations: `/healthz` (the process answers), `/readyz` (the database answers, not draining), `/metrics`
//! (Prometheus), `/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// Health.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Health {
    /// "ok".
    pub status: &'static str,
    /// "sqlite" or "postgres" (readyz only).
    pub database: Option<&'static str>,
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
pub(super) async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        database: None,
    })
}

/// Readiness: the database answers, and the instance is not draining (after SIGTERM it answers 503
/// while it finishes the requests it accepted, so that the load balancer sends new ones elsewhere).
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
pub(super) async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    if state.is_draining() {
        return Err(ApiError::Unavailable);
    }
    state.store().ping().await?;
    Ok(Json(Health {
        status: "ok",
        database: Some(state.store().kind()),
    }))
}

/// Prometheus metrics, for the operator: with `Authorization: Bearer <TOKHAI_METRICS_TOKEN>` (not served
/// on the API's address without a token configured; `--metrics-listen` serves them on an address of
/// their own). They tell how many traces ran, which is not the public's business.
#[utoipa::path(get, path = "/metrics", tag = "ops", security(("bearer" = [])),
    responses((status = 200, content_type = "application/openmetrics-text", body = String),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let Some(token) = state.config().metrics_token.as_deref() else {
        return Err(ApiError::NotFound);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as hashes: the time taken says nothing about the token.
    let digest = |t: &str| ring::digest::digest(&ring::digest::SHA256, t.trim().as_bytes());
    if digest(given).as_ref() != digest(token).as_ref() {
        return Err(ApiError::Unauthorized);
    }
    Ok(metrics_text(&state))
}

/// The metrics as Prometheus text.
pub(crate) fn metrics_text(state: &AppState) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.inner().metrics.encode(),
    )
        .into_response()
}

/// This API's OpenAPI document.
#[utoipa::path(get, path = "/openapi.json", tag = "ops", responses((status = 200, content_type = "application/json", body = Object)))]
pub(super) async fn openapi() -> impl IntoResponse {
    Json(super::ApiDoc::openapi())
}
