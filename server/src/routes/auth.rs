//! `/v1/auth`: sign-in by phone number and one-time code; sessions; `/v1/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ClientAddr, Session, token_hash};
use crate::feed::ts;
use crate::phone;
use crate::state::AppState;
use crate::store::{AccountRow, NewOtp};

/// Codes live 5 minutes.
pub(super) const OTP_TTL_MS: i64 = 5 * 60_000;
/// A code is dead after 5 tries.
pub(super) const OTP_MAX_ATTEMPTS: i64 = 5;
/// Rate-limit window: 15 minutes.
pub(super) const OTP_WINDOW_MS: i64 = 15 * 60_000;
/// Sessions live 30 days.
pub(super) const SESSION_TTL_MS: i64 = 30 * 86_400_000;

/// Ask for a code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OtpRequest {
    /// Phone number (national or E.164 form).
    #[schema(example = "0912345678")]
    pub phone: String,
}

/// A code was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct OtpSent {
    /// Seconds the code stays valid.
    pub expires_in: i64,
}

/// Sign in with a code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// Phone number.
    pub phone: String,
    /// The 6-digit code.
    #[schema(example = "123456")]
    pub code: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionCreated {
    /// Bearer token for `Authorization: Bearer …`. Shown once; the server keeps only its hash.
    pub token: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// The account.
    pub account: Me,
}

/// The signed-in account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Account id.
    pub id: i64,
    /// The pseudonym in personal codes (base64url).
    pub subject: String,
    /// Roles: "citizen" always; "manager", "staff", "officer", "admin" as granted.
    pub roles: Vec<String>,
}

pub(crate) fn phone_hash(state: &AppState, e164: &str) -> Vec<u8> {
    state.inner().sealer.lookup("phone", e164.as_bytes())
}

/// Finds or creates the account of a normalised phone number.
pub(crate) async fn account_for(state: &AppState, e164: &str) -> ApiResult<AccountRow> {
    let hash = phone_hash(state, e164);
    if let Some(acc) = state.store().account_by_phone(&hash).await? {
        return Ok(acc);
    }
    let sealed = state.inner().sealer.seal("accounts", &hash, e164.as_bytes())?;
    let subject = state.inner().sealer.random::<16>()?.to_vec();
    Ok(state
        .store()
        .account_for_phone(&hash, sealed, subject, state.now_ms())
        .await?)
}

async fn me_of(state: &AppState, acc: &AccountRow) -> ApiResult<Me> {
    let store = state.store();
    let mut roles = vec!["citizen".to_owned()];
    if !store.checkpoints_managed_by(acc.id).await?.is_empty() {
        roles.push("manager".into());
    }
    if !store.staff_roots(&acc.phone_hash).await?.is_empty() {
        roles.push("staff".into());
    }
    if !store.scopes(acc.id).await?.is_empty() {
        roles.push("officer".into());
    }
    if acc.is_admin {
        roles.push("admin".into());
    }
    Ok(Me {
        id: acc.id,
        subject: URL_SAFE_NO_PAD.encode(&acc.subject),
        roles,
    })
}

fn six_digits(state: &AppState) -> ApiResult<String> {
    // Rejection sampling keeps the code uniform over 000000–999999.
    loop {
        let n = u32::from_be_bytes(state.inner().sealer.random::<4>()?);
        if n < 4_294_000_000 {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

fn code_hash(state: &AppState, phone_hash: &[u8], code: &str) -> Vec<u8> {
    let mut v = phone_hash.to_vec();
    v.extend_from_slice(code.as_bytes());
    state.inner().sealer.lookup("otp", &v)
}

/// Sends a one-time code by SMS.
#[utoipa::path(post, path = "/v1/auth/otp", tag = "auth", request_body = OtpRequest,
    responses((status = 202, body = OtpSent), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(super) async fn request_otp(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<OtpRequest>,
) -> ApiResult<(StatusCode, Json<OtpSent>)> {
    // One-time codes go by SMS: core's phone check refuses a landline with its own message.
    let e164 = phone::normalize_mobile(&req.phone)?;
    let now = state.now_ms();
    let sealer = &state.inner().sealer;
    let phash = phone_hash(&state, &e164);
    let chash = sealer.lookup("client", client.to_string().as_bytes());
    let limits = state.config().otp_limits;
    let counts = state
        .store()
        .otp_counts(&phash, &chash, now - OTP_WINDOW_MS)
        .await?;
    if counts.phone >= limits.per_phone || counts.client >= limits.per_client || counts.total >= limits.global
    {
        return Err(ApiError::RateLimited(
            u64::try_from(OTP_WINDOW_MS / 1000).unwrap_or(900),
        ));
    }
    let code = six_digits(&state)?;
    state
        .store()
        .insert_otp(NewOtp {
            phone_hash: phash.clone(),
            client_hash: chash,
            code_hash: code_hash(&state, &phash, &code),
            created_at: now,
            expires_at: now + OTP_TTL_MS,
        })
        .await?;
    let text =
        format!("Ma xac thuc tokhai: {code}. Het han sau 5 phut. / tokhai code: {code}, valid 5 minutes.");
    state
        .inner()
        .sms
        .send(&e164, &text)
        .await
        .map_err(ApiError::from)?;
    state.inner().metrics.otp_sent();
    Ok((
        StatusCode::ACCEPTED,
        Json(OtpSent {
            expires_in: OTP_TTL_MS / 1000,
        }),
    ))
}

/// Signs in with the code: returns a session token.
#[utoipa::path(post, path = "/v1/auth/session", tag = "auth", request_body = SessionRequest,
    responses((status = 201, body = SessionCreated), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_session(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SessionRequest>,
) -> ApiResult<(StatusCode, Json<SessionCreated>)> {
    let e164 = phone::normalize(&req.phone).ok_or(ApiError::InvalidPhone)?;
    if req.code.len() != 6 || !req.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::InvalidField("code"));
    }
    let now = state.now_ms();
    let phash = phone_hash(&state, &e164);
    let store = state.store();
    let otp = store.latest_otp(&phash).await?.ok_or(ApiError::OtpDead)?;
    // Count the try first: at most OTP_MAX_ATTEMPTS comparisons ever happen for one code.
    if !store.otp_take_attempt(otp.id, OTP_MAX_ATTEMPTS, now).await? {
        return Err(ApiError::OtpDead);
    }
    let mut msg = phash.clone();
    msg.extend_from_slice(req.code.as_bytes());
    if !state.inner().sealer.lookup_matches("otp", &msg, &otp.code_hash) {
        return Err(ApiError::OtpWrong);
    }
    if !store.otp_mark_used(otp.id).await? {
        return Err(ApiError::OtpDead);
    }
    let account = account_for(&state, &e164).await?;
    let token = format!(
        "tk_{}",
        URL_SAFE_NO_PAD.encode(state.inner().sealer.random::<32>()?)
    );
    let expires_at = now + SESSION_TTL_MS;
    store
        .insert_session(&token_hash(&token), account.id, now, expires_at)
        .await?;
    let me = me_of(&state, &account).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionCreated {
            token,
            expires_at: ts(expires_at),
            account: me,
        }),
    ))
}

/// Ends the session.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub(super) async fn logout(State(state): State<AppState>, session: Session) -> ApiResult<StatusCode> {
    state.store().delete_session(&session.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account and its roles.
#[utoipa::path(get, path = "/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub(super) async fn me(State(state): State<AppState>, session: Session) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, &session.account).await?))
}
