//! `/v1/auth`: sign-in by phone number and one-time code; sessions; `/v1/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::registry::check_captcha;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ClientAddr, Session, token_hash};
use crate::feed::ts;
use crate::phone;
use crate::state::AppState;
use crate::store::{AccountRow, LimitTake, NewOtp};

/// Codes live 5 minutes.
pub(super) const OTP_TTL_MS: i64 = 5 * 60_000;
/// Tries at one phone's codes from one client address per hour: an attacker's wrong guesses use up their
/// own tries, not the victim's (issue 14, item 4).
pub(super) const OTP_TRIES_PER_ADDRESS: i64 = 5;
/// Tries at one code from all addresses: the bound on guessing it from many addresses (a code lives 5
/// minutes).
pub(super) const OTP_MAX_ATTEMPTS: i64 = 50;
/// Rate-limit window: fixed hours (`OtpLimits`, ADR 0015).
pub(super) const OTP_WINDOW_MS: i64 = 60 * 60_000;
/// Sessions live 30 days.
pub(super) const SESSION_TTL_MS: i64 = 30 * 86_400_000;

// The bodies are the protocol's (`tokhai_core::protocol`, one definition for client and server).
pub(crate) use tokhai_core::protocol::{AccountDeleted, DeletedCounts, KeptRecord};
pub use tokhai_core::protocol::{Me, OtpRequest, OtpSent, SessionCreated, SessionRequest};

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

pub(crate) async fn me_of(state: &AppState, acc: &AccountRow) -> ApiResult<Me> {
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

/// The start of the fixed window `now` falls in.
fn window_start(now: i64) -> i64 {
    now - now.rem_euclid(OTP_WINDOW_MS)
}

/// `RateLimited` until the window of `window` ends.
fn retry_at_window_end(window: i64, now: i64) -> ApiError {
    let secs = (window + OTP_WINDOW_MS - now).max(1_000).div_euclid(1_000);
    ApiError::RateLimited(u64::try_from(secs).unwrap_or(1))
}

/// Window of the captcha-image limit (`Config::captchas_per_client`): fixed quarter hours.
const CAPTCHA_WINDOW_MS: i64 = 15 * 60_000;

/// Counts one captcha image for `client` (each costs a render and a stored row). Counted in the store
/// like the one-time-code limits, so that the limit holds across server instances behind one load
/// balancer (ADR 0024); a refusal says when the window ends.
pub(super) async fn take_captcha_allowance(state: &AppState, client: std::net::IpAddr) -> ApiResult<()> {
    let now = state.now_ms();
    let window = now - now.rem_euclid(CAPTCHA_WINDOW_MS);
    let chash = state
        .inner()
        .sealer
        .lookup("client", client.to_string().as_bytes());
    let max = i64::from(state.config().captchas_per_client);
    let takes = [take(b"captcha-client:", &chash, window, max)];
    if state.store().take_limits(&takes).await?.is_some() {
        let secs = (window + CAPTCHA_WINDOW_MS - now).max(1_000).div_euclid(1_000);
        return Err(ApiError::RateLimited(u64::try_from(secs).unwrap_or(1)));
    }
    Ok(())
}

/// A counter of `tag` + `key` (a keyed hash) in `window`, at most `max`.
fn take(tag: &[u8], key: &[u8], window: i64, max: i64) -> LimitTake {
    let mut bucket = tag.to_vec();
    bucket.extend_from_slice(key);
    LimitTake {
        bucket,
        window_start: window,
        max,
    }
}

/// Sends a one-time code by SMS.
#[utoipa::path(post, path = "/v1/auth/otp", tag = "auth", request_body = OtpRequest,
    responses((status = 202, body = OtpSent),
        (status = 400, description = "The captcha answer is wrong or expired", body = ErrorBody),
        (status = 403, description = "`captcha_required`: ask again with a solved captcha", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, description = "This phone's limit (or the address's ceiling); see Retry-After", body = ErrorBody)))]
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
    let window = window_start(now);
    let solved = match (&req.captcha_id, &req.captcha_answer) {
        (Some(id), Some(answer)) => {
            check_captcha(&state, id, answer).await?;
            true
        }
        (None, None) => false,
        _ => return Err(ApiError::InvalidField("captcha_answer")),
    };
    // One address asking for one phone's codes: the only limit a captcha does not lift. Past the
    // phone's free allowance (from all addresses), a captcha is needed, up to the phone's ceiling: an
    // attacker asking for a victim's codes cannot lock the victim out.
    let mut phone_client = phash.clone();
    phone_client.extend_from_slice(&chash);
    let mut takes = vec![take(
        b"otp-phone-client:",
        &phone_client,
        window,
        limits.per_phone,
    )];
    if solved {
        takes.push(take(
            b"otp-phone-captcha:",
            &phash,
            window,
            limits.per_phone_captcha,
        ));
        takes.push(take(
            b"otp-client-captcha:",
            &chash,
            window,
            limits.per_client_captcha,
        ));
    } else {
        takes.push(take(b"otp-phone:", &phash, window, limits.per_phone));
        takes.push(take(b"otp-client:", &chash, window, limits.per_client));
        takes.push(take(b"otp-global", &[], window, limits.global));
    }
    match state.store().take_limits(&takes).await? {
        None => {}
        // A phone, a shared address (or everyone) past the free allowance: a captcha, not a lock.
        Some(i) if i > 0 && !solved => return Err(ApiError::CaptchaRequired),
        // This address's requests for this phone (index 0), or a ceiling even with captchas: wait.
        Some(_) => return Err(retry_at_window_end(window, now)),
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
    responses((status = 201, body = SessionCreated), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "Too many codes typed from this address; see Retry-After", body = ErrorBody)))]
pub(super) async fn create_session(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<SessionRequest>,
) -> ApiResult<(StatusCode, Json<SessionCreated>)> {
    let opened = open_session(&state, client, &req, SESSION_TTL_MS).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionCreated {
            token: opened.token,
            expires_at: ts(opened.expires_at),
            account: opened.account,
        }),
    ))
}

/// A session just opened: its token (shown once), expiry and account.
pub(crate) struct Opened {
    pub token: String,
    pub expires_at: i64,
    pub account: Me,
}

/// Checks a one-time code and opens a session of `ttl_ms` (the app's bearer tokens and the portal's
/// cookies alike).
pub(crate) async fn open_session(
    state: &AppState,
    client: std::net::IpAddr,
    req: &SessionRequest,
    ttl_ms: i64,
) -> ApiResult<Opened> {
    let e164 = phone::normalize(&req.phone).ok_or(ApiError::InvalidPhone)?;
    if req.code.len() != 6 || !req.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::InvalidField("code"));
    }
    let now = state.now_ms();
    let phash = phone_hash(state, &e164);
    let store = state.store();
    // Guessing across many phones from one address (each code has its own 5 tries).
    let chash = state
        .inner()
        .sealer
        .lookup("client", client.to_string().as_bytes());
    let window = window_start(now);
    let guesses = state.config().otp_limits.guesses_per_client;
    if store
        .take_limits(&[take(b"otp-guess:", &chash, window, guesses)])
        .await?
        .is_some()
    {
        return Err(retry_at_window_end(window, now));
    }
    // One answer for every failure (wrong, expired, used, out of tries, never sent): an outsider learns
    // nothing about whether this phone is signing in now.
    let otp = store.latest_otp(&phash).await?.ok_or(ApiError::OtpWrong)?;
    // This address's tries at this phone, then the code's own: at most OTP_MAX_ATTEMPTS comparisons
    // ever happen for one code, and another address's wrong guesses leave the owner's tries alone.
    let mut phone_client = phash.clone();
    phone_client.extend_from_slice(&chash);
    let tries = take(b"otp-try:", &phone_client, window, OTP_TRIES_PER_ADDRESS);
    if store.take_limits(&[tries]).await?.is_some() {
        return Err(ApiError::OtpWrong);
    }
    if !store.otp_take_attempt(otp.id, OTP_MAX_ATTEMPTS, now).await? {
        return Err(ApiError::OtpWrong);
    }
    let mut msg = phash.clone();
    msg.extend_from_slice(req.code.as_bytes());
    if !state.inner().sealer.lookup_matches("otp", &msg, &otp.code_hash) {
        return Err(ApiError::OtpWrong);
    }
    if !store.otp_mark_used(otp.id).await? {
        return Err(ApiError::OtpWrong);
    }
    let account = account_for(state, &e164).await?;
    let token = format!(
        "tk_{}",
        URL_SAFE_NO_PAD.encode(state.inner().sealer.random::<32>()?)
    );
    let expires_at = now + ttl_ms;
    store
        .insert_session(&token_hash(&token), account.id, now, expires_at)
        .await?;
    let account = me_of(state, &account).await?;
    Ok(Opened {
        token,
        expires_at,
        account,
    })
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

/// One kind of record kept after a deletion, in this build's words (`KeptRecord` on the wire).
struct Kept {
    what: &'static str,
    vi: &'static str,
    en: &'static str,
}

impl Kept {
    fn record(&self) -> KeptRecord {
        KeptRecord {
            what: self.what.to_owned(),
            vi: self.vi.to_owned(),
            en: self.en.to_owned(),
        }
    }
}

/// What the server keeps after a deletion (docs/protocol/sync.md §9).
const KEPT_ALWAYS: [Kept; 3] = [
    Kept {
        what: "cases",
        vi: "Ca bệnh do cán bộ y tế đăng ký về bạn (mã ẩn danh, khu vực, ngày xét nghiệm và khởi phát; không có \
             tên hay số điện thoại) và các khung phơi nhiễm công bố từ đó: hồ sơ của cơ quan y tế theo Luật \
             Phòng, chống bệnh truyền nhiễm, không phải dữ liệu bạn gửi. Khung phơi nhiễm tự xóa sau thời hạn \
             lưu giữ (21 ngày); ca bệnh được giữ đến khi cơ quan y tế xóa.",
        en: "Cases a health officer registered about you (a pseudonymous id, the area, test and onset dates; no \
             name or phone number) and the exposure windows published from them: the health authority's \
             records under the Law on Prevention and Control of Infectious Diseases, not data you sent. \
             Exposure windows go after the retention period (21 days); cases stay until the health \
             authority deletes them.",
    },
    Kept {
        what: "audit_log",
        vi: "Nhật ký truy cập của cán bộ (ai đã xem, khi nào, theo ca bệnh nào, mục đích; không chứa dữ liệu \
             của bạn): để giải trình việc xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP). Không bị xóa theo \
             thời hạn lưu giữ.",
        en: "The log of officers' reads (who read, when, under which case, for what purpose; none of your \
             data): the accountability record of personal-data processing (Decree 13/2023/ND-CP). Not \
             removed by the retention period.",
    },
    Kept {
        what: "staff_lists",
        vi: "Số điện thoại của bạn trong danh sách nhân viên của điểm kiểm soát (do người quản lý ở đó thêm, \
             đã mã hóa): người quản lý xóa khi bạn thôi làm ở đó.",
        en: "Your phone number in the staff list of a checkpoint (added by its manager, sealed): the manager \
             removes it when you no longer work there.",
    },
];

/// Kept when the account manages checkpoints or has an officer's or administrator's role.
const KEPT_ACCOUNT: Kept = Kept {
    what: "account",
    vi: "Tài khoản (số điện thoại đã mã hóa) vì còn quản lý điểm kiểm soát hoặc có vai trò cán bộ y tế/quản \
         trị: được xóa khi vai trò đó kết thúc (ngừng các điểm kiểm soát, hoặc quản trị viên thu hồi).",
    en: "The account (the sealed phone number), because it manages checkpoints or has an officer's or \
         administrator's role: deleted once that ends (deactivate the checkpoints, or ask an administrator).",
};

/// Deletes the signed-in account's data on the server: declarations, visits, quarantine episodes and
/// reports, signed personal codes, sessions, and the account unless it still has a role. The answer
/// says what was deleted and what the law requires keeping. The device's own copy is the device's
/// (`tokhai wipe`).
#[utoipa::path(delete, path = "/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = AccountDeleted), (status = 401, body = ErrorBody)))]
pub(super) async fn delete_me(
    State(state): State<AppState>,
    session: Session,
) -> ApiResult<Json<AccountDeleted>> {
    let d = state.store().delete_account_data(&session.account).await?;
    // Counts only: nothing that identifies the account.
    tracing::info!(
        declarations = d.declarations,
        visits = d.visits,
        account_removed = d.account_removed,
        "account data deleted on request"
    );
    let mut kept: Vec<KeptRecord> = KEPT_ALWAYS.iter().map(Kept::record).collect();
    if !d.account_removed {
        kept.push(KEPT_ACCOUNT.record());
    }
    Ok(Json(AccountDeleted {
        deleted: DeletedCounts {
            declarations: d.declarations,
            visits: d.visits,
            episodes: d.episodes,
            reports: d.reports,
            personal_codes: d.pseudonyms,
            sessions: d.sessions,
        },
        account_removed: d.account_removed,
        kept,
    }))
}
