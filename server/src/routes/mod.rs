//! The HTTP API: `router` and its layers, and the OpenAPI document generated from the handlers.
//!
//! - `auth.rs`: one-time codes, sessions, `/v1/me`.
//! - `registry.rs`: captcha, checkpoint registration/edit/sub-checkpoints/deactivation, posters, staff, keys.
//! - `manager.rs`: arrivals and departures, occupancy, "check out everyone", check-out share.
//! - `sync.rs` (+ `records.rs`): uploads, staff scans, the download feed, personal-code signatures.
//! - `citizen.rs`: the web portal's people without a smartphone: their people, web declarations, the card.
//! - `officer.rs`: cases, tracing and export, exposure windows, quarantine, aggregates, safety levels.
//! - `admin.rs`: audit log, purge, key rotation.
//! - `replica.rs`: freshness headers of officers' reads (which may come from a standby).
//! - `ops.rs`: health, readiness, metrics, OpenAPI.

mod admin;
pub(crate) mod auth;
mod citizen;
mod manager;
mod officer;
mod ops;
mod public;
mod quarantine;
mod records;
mod registry;
mod replica;
mod sync;

use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::ApiError;
use crate::state::AppState;

pub use auth::{Me, OtpRequest, OtpSent, SessionCreated, SessionRequest};

/// The `snake_case` name of a serde enum value.
pub(crate) fn enum_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // The portal's pages: the session cookie (and a CSRF token on every request that changes state).
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("tokhai_session"))),
        );
    }
}

/// The answers every operation of a kind can give, added where a handler's list leaves them out (issue
/// 14, item 14): 401 on every operation that needs a session (no, an expired or a revoked token), 404 on
/// every operation on one thing by id, 422 on every operation with parameters or a body (the extractors
/// refuse a malformed one), 413 on every operation with a body (over `--max-body-bytes`). Each with the
/// JSON error body.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in &mut openapi.paths.paths {
            let by_id = path.contains('{');
            let path_params = by_id || item.parameters.as_ref().is_some_and(|p| !p.is_empty());
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut op.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description).into());
                };
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add("401", "`unauthorized`: no session, or an expired or revoked one");
                }
                let params = path_params || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                if params || op.request_body.is_some() {
                    add(
                        "422",
                        "A malformed parameter or body, or a refused value (`error.field` names it)",
                    );
                }
                if by_id {
                    add("404", "`not_found`: no such thing, or not yours to see");
                }
                if op.request_body.is_some() {
                    add("413", "`payload_too_large`: the body is over the server's limit");
                }
            }
        }
    }
}

/// The OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "tokhai-server", description = "tokhai sync and registry API (see docs/api.md)"),
    modifiers(&BearerAuth, &CommonResponses),
    paths(
        ops::healthz, ops::readyz, ops::metrics, ops::openapi,
        auth::request_otp, auth::create_session, auth::logout, auth::me, auth::delete_me,
        registry::new_captcha, registry::register, registry::list_mine, registry::get_one, registry::edit,
        registry::add_child, registry::deactivate, registry::poster, registry::public_keys,
        registry::add_staff, registry::remove_staff, registry::list_staff,
        manager::visits, manager::occupancy, manager::checkout_all, manager::stats,
        sync::upload, sync::upload_scans, sync::pull, sync::personal_code,
        citizen::people, citizen::declare, citizen::card, citizen::visits,
        quarantine::list, quarantine::start, quarantine::report,
        officer::create_case, officer::trace, officer::publish_exposure, officer::quarantine,
        officer::aggregates, officer::set_safety_level,
        admin::audit_log, admin::purge, admin::rotate_keys,
        public::list_units, public::safety_levels,
        crate::web::session::sign_in, crate::web::session::current, crate::web::session::sign_out,
        crate::web::session::sign_out_everywhere,
    ),
    // The feed entry bodies travel inside `FeedEntry.body`: listed here so that the document names them.
    components(schemas(tokhai_core::protocol::ErrorBody, tokhai_core::protocol::ErrorDetail,
        tokhai_core::protocol::FieldProblemBody,
        tokhai_core::protocol::DirectoryEntry, tokhai_core::protocol::RevocationEntry,
        tokhai_core::protocol::ExposureEntry, tokhai_core::protocol::SafetyLevelEntry,
        tokhai_core::protocol::FeedKind, tokhai_core::protocol::RefusalCode,
        tokhai_core::protocol::DayStatusCode, tokhai_core::protocol::EpisodeDay))
)]
pub struct ApiDoc;

/// The service: every route under its layers. Tests call this directly.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let fresh = || middleware::from_fn_with_state(state.clone(), replica::freshness);
    let v1 = Router::new()
        .route("/auth/otp", post(auth::request_otp))
        .route("/auth/session", post(auth::create_session))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me).delete(auth::delete_me))
        .route("/me/people", get(citizen::people))
        .route("/me/declarations", post(citizen::declare))
        .route("/me/card", get(citizen::card))
        .route("/me/visits", get(citizen::visits))
        .route("/me/quarantine", get(quarantine::list).post(quarantine::start))
        .route("/me/reports", post(quarantine::report))
        .route("/captcha", post(registry::new_captcha))
        .route("/checkpoints", post(registry::register).get(registry::list_mine))
        .route("/checkpoints/{id}", get(registry::get_one).put(registry::edit))
        .route("/checkpoints/{id}/children", post(registry::add_child))
        .route("/checkpoints/{id}/deactivate", post(registry::deactivate))
        .route("/checkpoints/{id}/poster", get(registry::poster))
        .route(
            "/checkpoints/{id}/staff",
            post(registry::add_staff).get(registry::list_staff),
        )
        .route("/checkpoints/{id}/staff/remove", post(registry::remove_staff))
        .route("/checkpoints/{id}/visits", get(manager::visits))
        .route("/checkpoints/{id}/occupancy", get(manager::occupancy))
        .route("/checkpoints/{id}/checkout-all", post(manager::checkout_all))
        .route("/checkpoints/{id}/stats", get(manager::stats))
        .route("/keys", get(registry::public_keys))
        .route("/sync/upload", post(sync::upload))
        .route("/sync/scans", post(sync::upload_scans))
        .route("/sync/pull", get(sync::pull))
        .route("/sync/personal-code", post(sync::personal_code))
        .route("/cases", post(officer::create_case))
        .route("/cases/{id}/trace", get(officer::trace).layer(fresh()))
        .route("/cases/{id}/exposures", post(officer::publish_exposure))
        .route("/officer/quarantine", get(officer::quarantine).layer(fresh()))
        .route("/officer/aggregates", get(officer::aggregates).layer(fresh()))
        .route("/officer/safety-levels", put(officer::set_safety_level))
        .route("/admin/audit", get(admin::audit_log))
        .route("/admin/purge", post(admin::purge))
        .route("/admin/keys/rotate", post(admin::rotate_keys))
        .route("/units", get(public::list_units))
        .route("/safety-levels", get(public::safety_levels))
        .route(
            "/web/session",
            post(crate::web::session::sign_in).get(crate::web::session::current),
        )
        .route("/web/logout", post(crate::web::session::sign_out))
        .route("/web/logout-all", post(crate::web::session::sign_out_everywhere));
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .nest("/v1", v1)
        // Pages of the web portal outside `/v1/` (embedded at compile time), JSON errors inside.
        .fallback(crate::web::fallback)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        // Outside the body limit and the timeout, so that their answers get error bodies too.
        .layer(middleware::from_fn(error_bodies))
        .layer(middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The matched route template only: paths and queries may carry ids, never logged raw.
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("-", MatchedPath::as_str)
                .to_owned();
            tracing::info_span!("http", method = %req.method(), route = %route)
        }))
        .layer(CatchPanicLayer::custom(|_| ApiError::Internal.into_response()))
        .with_state(state)
}

/// Records metrics per matched route.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let resp = next.run(req).await;
    state.inner().metrics.request(
        &method,
        &route,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

/// The router of the separate metrics address (`--metrics-listen`): `/metrics` only, no token.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(state): State<AppState>| async move { ops::metrics_text(&state) }),
        )
        .fallback(|| async { ApiError::NotFound })
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Headers on every answer: nothing is cached (answers carry personal data and tokens; the rest is
/// cheap to ask again), and no browser guesses a type other than the one declared (posters included).
async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    resp
}

/// Gives every error response a JSON error body, including those made by layers (body limit, timeout).
async fn error_bodies(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        return ApiError::from_status(status).into_response();
    }
    resp
}

pub(crate) use registry::register_for_admin;

/// The account of a phone number (created if needed), for `admin` commands.
pub(crate) async fn account_for_admin(
    state: &AppState,
    e164: &str,
) -> Result<crate::store::AccountRow, ApiError> {
    auth::account_for(state, e164).await
}
