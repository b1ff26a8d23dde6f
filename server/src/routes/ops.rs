//! Operations: `/healthz` (the process answers), `/readyz` (the database answers, not draining), `/metrics`
//! (Prometheus), `/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
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

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, content_type = "text/plain", body = String)))]
pub(super) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.inner().metrics.encode(),
    )
}

/// This API's OpenAPI document.
#[utoipa::path(get, path = "/openapi.json", tag = "ops", responses((status = 200, content_type = "application/json", body = Object)))]
pub(super) async fn openapi() -> impl IntoResponse {
    Json(super::ApiDoc::openapi())
}
