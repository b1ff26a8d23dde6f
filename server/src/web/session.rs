//! Browser sessions of the web portal (ADR 0021): the same one-time-code accounts as the app, the token in an
//! `HttpOnly`, `SameSite=Strict` cookie (`Secure` in production mode or behind a TLS proxy), never readable
//! by the page's scripts; and a CSRF token the page sends as `X-CSRF-Token` on every state-changing request.
//!
//! The CSRF token is a keyed hash of the session (HMAC under the database's look-up key): it is valid for
//! that session only, dies with it, and needs no storage. `GET /v1/web/session` hands it to a page (a
//! second tab, a reload); other sites cannot read that answer (no CORS) nor send the cookie (`Strict`).

use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Mode;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ClientAddr, Session, token_hash};
use crate::feed::ts;
use crate::routes::auth::{Me, SessionRequest, me_of, open_session};
use crate::state::AppState;

/// The cookie's name.
pub(crate) const COOKIE: &str = "tokhai_session";
/// The header that carries the CSRF token.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";
/// A browser session lasts 12 hours (an office day); the app's bearer tokens last 30 days.
pub(crate) const BROWSER_TTL_MS: i64 = 12 * 3_600_000;

/// A browser session: the CSRF token and the account; the session token itself stays in the cookie.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WebSession {
    /// Send as `X-CSRF-Token` with every POST, PUT and DELETE.
    pub csrf: String,
    /// When the session ends.
    pub expires_at: Option<DateTime<Utc>>,
    /// The account and its roles.
    pub account: Me,
}

/// How many sessions "sign out everywhere" ended.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SignedOut {
    /// Sessions ended (browsers and devices).
    pub sessions: u64,
}

/// The session token in the request's cookie, if any.
pub(crate) fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|t| !t.is_empty() && t.len() <= 128)
}

/// The CSRF token of a session.
pub(crate) fn csrf_for(state: &AppState, token_hash: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(state.inner().sealer.lookup("csrf", token_hash))
}

/// A cookie-authenticated request that changes state must come from the portal's own pages: the
/// session's CSRF token in `X-CSRF-Token`, and not a cross-site request.
pub(crate) fn check_csrf(state: &AppState, parts: &Parts, token_hash: &[u8]) -> ApiResult<()> {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let site = parts.headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| s != "same-origin" && s != "none") {
        return Err(ApiError::CsrfRefused);
    }
    let sent = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| URL_SAFE_NO_PAD.decode(v.trim()).ok())
        .ok_or(ApiError::CsrfRefused)?;
    if state.inner().sealer.lookup_matches("csrf", token_hash, &sent) {
        Ok(())
    } else {
        Err(ApiError::CsrfRefused)
    }
}

/// Whether the cookie gets `Secure`: in production mode (served behind TLS), or when a proxy says the
/// request came over HTTPS (the flag only ever narrows where the cookie goes).
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config().mode == Mode::Production
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn cookie(value: &str, max_age_secs: i64, secure: bool) -> Option<HeaderValue> {
    let flags = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{flags}"
    ))
    .ok()
}

fn with_cookie(mut resp: Response, value: Option<HeaderValue>) -> Response {
    if let Some(v) = value {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Signs a browser in with the one-time code (`POST /v1/auth/otp` first): sets the session cookie and
/// answers the CSRF token.
#[utoipa::path(post, path = "/v1/web/session", tag = "web", request_body = SessionRequest,
    responses((status = 201, body = WebSession), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SessionRequest>,
) -> ApiResult<Response> {
    let opened = open_session(&state, client, &req, BROWSER_TTL_MS).await?;
    let body = WebSession {
        csrf: csrf_for(&state, &token_hash(&opened.token)),
        expires_at: Some(ts(opened.expires_at)),
        account: opened.account,
    };
    let set = cookie(&opened.token, BROWSER_TTL_MS / 1000, secure(&state, &headers));
    Ok(with_cookie(
        (StatusCode::CREATED, Json(body)).into_response(),
        set,
    ))
}

/// The browser's session: the account and the CSRF token (for a second tab or a reloaded page).
#[utoipa::path(get, path = "/v1/web/session", tag = "web", security(("cookie" = []), ("bearer" = [])),
    responses((status = 200, body = WebSession), (status = 401, body = ErrorBody)))]
pub(crate) async fn current(State(state): State<AppState>, session: Session) -> ApiResult<Response> {
    let body = WebSession {
        csrf: csrf_for(&state, &session.token_hash),
        expires_at: None,
        account: me_of(&state, &session.account).await?,
    };
    Ok(with_cookie(Json(body).into_response(), None))
}

/// Signs this browser out (the session ends on the server; the cookie is cleared).
#[utoipa::path(post, path = "/v1/web/logout", tag = "web", security(("cookie" = []), ("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
) -> ApiResult<Response> {
    state.store().delete_session(&session.token_hash).await?;
    let clear = cookie("", 0, secure(&state, &headers));
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), clear))
}

/// Signs the account out everywhere: every browser and every device with a token of this account.
#[utoipa::path(post, path = "/v1/web/logout-all", tag = "web", security(("cookie" = []), ("bearer" = [])),
    responses((status = 200, body = SignedOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn sign_out_everywhere(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
) -> ApiResult<Response> {
    let sessions = state.store().delete_sessions_of(session.account.id).await?;
    let clear = cookie("", 0, secure(&state, &headers));
    Ok(with_cookie(Json(SignedOut { sessions }).into_response(), clear))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; tokhai_session=tk_abc ; b=2"),
        );
        assert_eq!(cookie_token(&h), Some("tk_abc"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("tokhai_sessionx=1; tokhai_session="),
        );
        assert_eq!(cookie_token(&h), None);
        assert_eq!(cookie_token(&HeaderMap::new()), None);
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let c = cookie("tk_x", 60, false).unwrap();
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        assert!(
            cookie("tk_x", 60, true)
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
    }
}
