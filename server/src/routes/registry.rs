//! `/v1/captcha`, `/v1/checkpoints`, `/v1/keys`: the checkpoint registry, its signed codes and posters, and
//! the managers' views (arrivals and departures, occupancy, "check out everyone", check-out share, staff).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokhai_core::{CheckpointKind, UnitScheme};
use utoipa::{IntoParams, ToSchema};

use super::auth::{account_for, phone_hash, take_captcha_allowance};
use crate::codes;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ClientAddr, Session};
use crate::feed::ts;
use crate::keys;
use crate::phone;
use crate::state::AppState;
use crate::store::{CheckpointInfo, CheckpointRow, NewCheckpoint, StaffRow};
use crate::{captcha, routes::enum_text};

const CAPTCHA_TTL_MS: i64 = 10 * 60_000;

/// A captcha to solve before registering.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Captcha {
    /// Captcha id (send it back with the answer).
    pub id: String,
    /// PNG image, base64.
    pub image_png: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// Creates a captcha (an image of five characters).
///
/// At most 200 per client address in 15 minutes by default (`--captchas-per-client`; 429 with
/// `Retry-After` beyond that): registration and sign-ins past an address's free allowance need them (ADR 0015).
#[utoipa::path(post, path = "/v1/captcha", tag = "registry", responses(
    (status = 201, body = Captcha),
    (status = 429, description = "Too many captchas from this address", body = ErrorBody),
))]
pub(super) async fn new_captcha(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
) -> ApiResult<(StatusCode, Json<Captcha>)> {
    let sealer = &state.inner().sealer;
    take_captcha_allowance(&state, client).await?;
    let id = URL_SAFE_NO_PAD.encode(sealer.random::<16>()?);
    // One draw almost always suffices (27 spare bytes); a few more make a failure impossible in practice.
    let mut answer = None;
    for _ in 0..4 {
        answer = captcha::answer_from(&sealer.random::<{ captcha::DRAW }>()?);
        if answer.is_some() {
            break;
        }
    }
    // Lazily: turning an `Error` into an `ApiError` logs it, and most requests have an answer.
    let answer = answer.ok_or_else(|| ApiError::from(crate::error::Error::Render))?;
    let seed = u64::from_le_bytes(sealer.random::<8>()?);
    let png = captcha::render_png(&answer, seed).map_err(ApiError::from)?;
    let expires = state.now_ms() + CAPTCHA_TTL_MS;
    let hash = sealer.lookup("captcha", format!("{id}:{answer}").as_bytes());
    state
        .store()
        .insert_captcha(id.as_bytes(), &hash, expires)
        .await?;
    state.remember_captcha(&id, &answer);
    Ok((
        StatusCode::CREATED,
        Json(Captcha {
            id,
            image_png: STANDARD.encode(png),
            expires_at: ts(expires),
        }),
    ))
}

/// The public description of a checkpoint.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckpointFields {
    /// Name of the place, floor, department or room.
    #[schema(example = "Chợ Bến Thành - cổng Bắc")]
    pub name: String,
    /// Kind of place.
    #[schema(value_type = String, example = "market")]
    pub kind: CheckpointKind,
    /// Unit scheme of the codes below.
    #[schema(value_type = String, example = "v2025")]
    pub scheme: UnitScheme,
    /// Province code.
    #[schema(minimum = 1, maximum = 999)]
    pub province: u32,
    /// District code (2021 scheme only).
    pub district: Option<u32>,
    /// Ward code.
    #[schema(minimum = 1, maximum = 99999)]
    pub ward: u32,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Street address.
    pub street: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Usual stay in minutes (visits still open after it are closed automatically on the device).
    pub default_stay_minutes: Option<u16>,
}

/// Registration of a checkpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RegisterCheckpoint {
    /// The captcha id.
    pub captcha_id: String,
    /// The characters in the captcha image.
    pub captcha_answer: String,
    /// The registered phone number: it signs in as the checkpoint's manager.
    pub phone: String,
    /// Name of the place.
    pub name: String,
    /// Kind of place.
    #[schema(value_type = String, example = "market")]
    pub kind: CheckpointKind,
    /// Unit scheme of the codes below.
    #[schema(value_type = String, example = "v2025")]
    pub scheme: UnitScheme,
    /// Province code.
    #[schema(minimum = 1, maximum = 999)]
    pub province: u32,
    /// District code (2021 scheme only).
    pub district: Option<u32>,
    /// Ward code.
    #[schema(minimum = 1, maximum = 99999)]
    pub ward: u32,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Street address.
    pub street: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Usual stay in minutes.
    pub default_stay_minutes: Option<u16>,
}

impl RegisterCheckpoint {
    fn fields(&self) -> CheckpointFields {
        CheckpointFields {
            name: self.name.clone(),
            kind: self.kind,
            scheme: self.scheme,
            province: self.province,
            district: self.district,
            ward: self.ward,
            latitude: self.latitude,
            longitude: self.longitude,
            street: self.street.clone(),
            description: self.description.clone(),
            default_stay_minutes: self.default_stay_minutes,
        }
    }
}

/// A checkpoint, as its manager sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CheckpointView {
    /// Checkpoint id.
    pub id: i64,
    /// Enclosing checkpoint.
    pub parent: Option<i64>,
    /// Building (top of the tree).
    pub root: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Unit scheme.
    pub scheme: String,
    /// Province.
    pub province: i64,
    /// District.
    pub district: Option<i64>,
    /// Ward.
    pub ward: i64,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Street.
    pub street: String,
    /// Description.
    pub description: String,
    /// Usual stay.
    pub default_stay_minutes: Option<i64>,
    /// Code typed in when the QR cannot be scanned.
    pub fallback_code: String,
    /// Not deactivated.
    pub active: bool,
    /// The signed checkpoint code (the QR content).
    pub code: String,
    /// Registration time.
    pub created_at: DateTime<Utc>,
}

fn view(state: &AppState, cp: &CheckpointRow) -> ApiResult<CheckpointView> {
    Ok(CheckpointView {
        id: cp.id,
        parent: cp.parent_id,
        root: cp.root_id,
        name: cp.info.name.clone(),
        kind: cp.info.kind.clone(),
        scheme: cp.info.scheme.clone(),
        province: cp.info.province,
        district: cp.info.district,
        ward: cp.info.ward,
        latitude: cp.info.latitude,
        longitude: cp.info.longitude,
        street: cp.info.street.clone(),
        description: cp.info.description.clone(),
        default_stay_minutes: cp.info.default_stay_minutes,
        fallback_code: codes::fallback(cp.id),
        active: cp.active,
        code: codes::checkpoint_code(state.keys(), cp)?.as_str().to_owned(),
        created_at: ts(cp.created_at),
    })
}

fn text_field(value: &str, field: &'static str, min: usize, max: usize) -> ApiResult<String> {
    let t = value.trim();
    let n = t.chars().count();
    if n < min || n > max || !tokhai_core::is_plain_text(t, false) {
        return Err(ApiError::InvalidField(field));
    }
    Ok(t.to_owned())
}

/// A sub-checkpoint (floor, department, room) lies in its building: same unit list, same province.
fn same_province(child: &CheckpointInfo, parent: &CheckpointInfo) -> ApiResult<()> {
    if child.scheme == parent.scheme && child.province == parent.province {
        Ok(())
    } else {
        Err(ApiError::ProvinceOfParent)
    }
}

/// Checks the fields; the unit codes against the unit list of their scheme.
fn info_of(f: &CheckpointFields) -> ApiResult<CheckpointInfo> {
    if let Some(e) = tokhai_core::units(f.scheme)
        .check_address(f.province, f.district, f.ward)
        .first()
    {
        return Err(ApiError::InvalidField(match e.level() {
            tokhai_core::UnitLevel::Province => "province",
            tokhai_core::UnitLevel::District => "district",
            tokhai_core::UnitLevel::Ward => "ward",
        }));
    }
    if f.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        return Err(ApiError::InvalidField("latitude"));
    }
    if f.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        return Err(ApiError::InvalidField("longitude"));
    }
    if f.default_stay_minutes.is_some_and(|m| m == 0 || m > 1440) {
        return Err(ApiError::InvalidField("default_stay_minutes"));
    }
    Ok(CheckpointInfo {
        name: text_field(&f.name, "name", 1, 200)?,
        kind: enum_text(&f.kind),
        scheme: enum_text(&f.scheme),
        province: i64::from(f.province),
        district: f.district.map(i64::from),
        ward: i64::from(f.ward),
        latitude: f.latitude,
        longitude: f.longitude,
        street: text_field(&f.street, "street", 1, 300)?,
        description: text_field(&f.description, "description", 0, 1000)?,
        default_stay_minutes: f.default_stay_minutes.map(i64::from),
    })
}

/// Takes the captcha `id` (single use: consumed whatever the answer) and checks the typed `answer`.
pub(crate) async fn check_captcha(state: &AppState, id: &str, answer: &str) -> ApiResult<()> {
    let stored = state
        .store()
        .take_captcha(id.as_bytes(), state.now_ms())
        .await?
        .ok_or(ApiError::CaptchaFailed)?;
    let typed = format!("{id}:{}", captcha::normalize_answer(answer));
    if state
        .inner()
        .sealer
        .lookup_matches("captcha", typed.as_bytes(), &stored)
    {
        Ok(())
    } else {
        Err(ApiError::CaptchaFailed)
    }
}

/// Registers a checkpoint. The registered phone number becomes (or already is) the manager's account:
/// signing in with it by one-time code gives the manager views.
#[utoipa::path(post, path = "/v1/checkpoints", tag = "registry", request_body = RegisterCheckpoint,
    responses((status = 201, body = CheckpointView), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn register(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterCheckpoint>,
) -> ApiResult<(StatusCode, Json<CheckpointView>)> {
    let info = info_of(&req.fields())?;
    codes::check_fits(state.keys(), &info, state.now_ms())?;
    let e164 = phone::normalize(&req.phone).ok_or(ApiError::InvalidPhone)?;
    let now = state.now_ms();
    let sealer = &state.inner().sealer;
    check_captcha(&state, &req.captcha_id, &req.captcha_answer).await?;
    let manager = account_for(&state, &e164).await?;
    let phash = phone_hash(&state, &e164);
    let new = NewCheckpoint {
        parent_id: None,
        manager_id: manager.id,
        info,
        phone_sealed: sealer.seal("checkpoints", &phash, e164.as_bytes())?,
        phone_hash: phash,
        now,
    };
    let cp = state.store().insert_checkpoint(new).await?;
    Ok((StatusCode::CREATED, Json(view(&state, &cp)?)))
}

/// Registers a checkpoint for `e164` without a captcha, for the `admin register-checkpoint` command (the
/// caller audits it): the same checks as `POST /v1/checkpoints`. (id, fallback code, signed code, manager
/// account.)
pub(crate) async fn register_for_admin(
    state: &AppState,
    fields: serde_json::Value,
    e164: &str,
) -> ApiResult<(i64, String, String, i64)> {
    let fields: CheckpointFields =
        serde_json::from_value(fields).map_err(|_| ApiError::InvalidField("kind"))?;
    let info = info_of(&fields)?;
    codes::check_fits(state.keys(), &info, state.now_ms())?;
    let manager = account_for(state, e164).await?;
    let phash = phone_hash(state, e164);
    let new = NewCheckpoint {
        parent_id: None,
        manager_id: manager.id,
        info,
        phone_sealed: state
            .inner()
            .sealer
            .seal("checkpoints", &phash, e164.as_bytes())?,
        phone_hash: phash,
        now: state.now_ms(),
    };
    let cp = state.store().insert_checkpoint(new).await?;
    let v = view(state, &cp)?;
    Ok((cp.id, v.fallback_code, v.code, manager.id))
}

/// A checkpoint the session's account manages (else `forbidden`).
pub(crate) async fn managed(state: &AppState, session: &Session, id: i64) -> ApiResult<CheckpointRow> {
    let cp = state.store().checkpoint(id).await?.ok_or(ApiError::NotFound)?;
    if cp.manager_id != session.account.id {
        return Err(ApiError::Forbidden);
    }
    Ok(cp)
}

/// The checkpoint and everything below it.
pub(crate) async fn subtree(state: &AppState, cp: &CheckpointRow) -> ApiResult<Vec<i64>> {
    let tree = state.store().checkpoint_tree(cp.root_id).await?;
    let mut ids = vec![cp.id];
    let mut i = 0;
    while let Some(&p) = ids.get(i) {
        ids.extend(tree.iter().filter(|c| c.parent_id == Some(p)).map(|c| c.id));
        i += 1;
    }
    Ok(ids)
}

/// The checkpoints the signed-in account manages.
#[utoipa::path(get, path = "/v1/checkpoints", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = [CheckpointView]), (status = 401, body = ErrorBody)))]
pub(super) async fn list_mine(
    State(state): State<AppState>,
    session: Session,
) -> ApiResult<Json<Vec<CheckpointView>>> {
    let rows = state.store().checkpoints_managed_by(session.account.id).await?;
    Ok(Json(
        rows.iter().map(|c| view(&state, c)).collect::<ApiResult<_>>()?,
    ))
}

/// One managed checkpoint.
#[utoipa::path(get, path = "/v1/checkpoints/{id}", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")),
    responses((status = 200, body = CheckpointView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_one(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CheckpointView>> {
    let cp = managed(&state, &session, id).await?;
    Ok(Json(view(&state, &cp)?))
}

/// Edits a managed checkpoint (its code is re-signed with the new data).
#[utoipa::path(put, path = "/v1/checkpoints/{id}", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")), request_body = CheckpointFields,
    responses((status = 200, body = CheckpointView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn edit(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(fields): ApiJson<CheckpointFields>,
) -> ApiResult<Json<CheckpointView>> {
    let cp = managed(&state, &session, id).await?;
    if !cp.active {
        return Err(ApiError::Conflict);
    }
    let info = info_of(&fields)?;
    // The same rule as registration: what does not fit in a code is refused before anything is saved.
    codes::check_fits(state.keys(), &info, state.now_ms())?;
    // A sub-checkpoint stays in its building's province; a building keeps its sub-checkpoints' province.
    if let Some(parent) = cp.parent_id {
        let parent = state
            .store()
            .checkpoint(parent)
            .await?
            .ok_or(ApiError::NotFound)?;
        same_province(&info, &parent.info)?;
    }
    let children = state.store().checkpoint_tree(cp.id).await?;
    for child in children.iter().filter(|c| c.parent_id == Some(cp.id) && c.active) {
        same_province(&child.info, &info)?;
    }
    let cp = state
        .store()
        .update_checkpoint_info(id, info, state.now_ms())
        .await?;
    Ok(Json(view(&state, &cp)?))
}

/// Adds a sub-checkpoint (floor, department, room) under a managed checkpoint.
#[utoipa::path(post, path = "/v1/checkpoints/{id}/children", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Parent checkpoint id")), request_body = CheckpointFields,
    responses((status = 201, body = CheckpointView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add_child(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(fields): ApiJson<CheckpointFields>,
) -> ApiResult<(StatusCode, Json<CheckpointView>)> {
    let parent = managed(&state, &session, id).await?;
    if !parent.active {
        return Err(ApiError::Conflict);
    }
    let new = NewCheckpoint {
        parent_id: Some(parent.id),
        manager_id: parent.manager_id,
        info: {
            let info = info_of(&fields)?;
            same_province(&info, &parent.info)?;
            codes::check_fits(state.keys(), &info, state.now_ms())?;
            info
        },
        phone_hash: parent.phone_hash.clone(),
        phone_sealed: parent.phone_sealed.clone(),
        now: state.now_ms(),
    };
    let cp = state.store().insert_checkpoint(new).await?;
    Ok((StatusCode::CREATED, Json(view(&state, &cp)?)))
}

/// Deactivated checkpoints.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Deactivated {
    /// The checkpoint and its sub-checkpoints, now on the revocation list.
    pub revoked: Vec<i64>,
}

/// Deactivates a checkpoint and its sub-checkpoints; their codes go on the revocation list.
#[utoipa::path(post, path = "/v1/checkpoints/{id}/deactivate", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")),
    responses((status = 200, body = Deactivated), (status = 403, body = ErrorBody)))]
pub(super) async fn deactivate(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Deactivated>> {
    managed(&state, &session, id).await?;
    let revoked = state.store().deactivate_checkpoint(id, state.now_ms()).await?;
    Ok(Json(Deactivated { revoked }))
}

/// Poster format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PosterQuery {
    /// "pdf" (default, A4) or "png" (A4 at 150 dpi).
    #[serde(default)]
    #[param(pattern = "^(pdf|png)$")]
    pub format: Option<String>,
}

/// The A4 poster to print: the signed code as a QR symbol, the name, the fallback code.
#[utoipa::path(get, path = "/v1/checkpoints/{id}/poster", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id"), PosterQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 200, content_type = "image/png", body = Vec<u8>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn poster(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PosterQuery>,
) -> ApiResult<Response> {
    let cp = managed(&state, &session, id).await?;
    let (format, mime) = match q.format.as_deref().unwrap_or("pdf") {
        "pdf" => (codes::PosterFormat::Pdf, "application/pdf"),
        "png" => (codes::PosterFormat::Png, "image/png"),
        _ => return Err(ApiError::InvalidParameter),
    };
    let code = codes::checkpoint_code(state.keys(), &cp)?;
    let parent = match cp.parent_id {
        Some(p) => state.store().checkpoint(p).await?,
        None => None,
    };
    let bytes = codes::poster(&code, &cp, parent.as_ref(), format)?;
    Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}

/// The trust list: every issuing key with the period in which it may issue codes, and the revoked
/// checkpoints (`tokhai_core::TrustList`; the sync feed delivers the same changes incrementally).
#[utoipa::path(get, path = "/v1/keys", tag = "registry",
    responses((status = 200, description = "A TrustList (docs/protocol/qr.md §7)", body = Object)))]
pub(super) async fn public_keys(State(state): State<AppState>) -> ApiResult<Json<tokhai_core::TrustList>> {
    Ok(Json(keys::trust_list(state.store().as_ref()).await?))
}

/// A staff phone number to add or remove.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StaffPhone {
    /// Phone number.
    pub phone: String,
}

/// A staff member, as the manager sees them.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct StaffView {
    /// The phone number with all but the last three digits hidden.
    pub phone_masked: String,
    /// Added at.
    pub added_at: DateTime<Utc>,
}

async fn managed_root(state: &AppState, session: &Session, id: i64) -> ApiResult<CheckpointRow> {
    let cp = managed(state, session, id).await?;
    if cp.parent_id.is_some() {
        // Staff belong to the whole building.
        return managed(state, session, cp.root_id).await;
    }
    Ok(cp)
}

/// Adds a staff phone number to a checkpoint tree: staff may upload scans of personal codes there.
#[utoipa::path(post, path = "/v1/checkpoints/{id}/staff", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")), request_body = StaffPhone,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add_staff(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<StaffPhone>,
) -> ApiResult<StatusCode> {
    let root = managed_root(&state, &session, id).await?;
    let e164 = phone::normalize(&req.phone).ok_or(ApiError::InvalidPhone)?;
    let phash = phone_hash(&state, &e164);
    let sealed = state
        .inner()
        .sealer
        .seal("checkpoint_staff", &phash, e164.as_bytes())?;
    state
        .store()
        .add_staff(StaffRow {
            root_id: root.id,
            phone_hash: phash,
            phone_sealed: sealed,
            added_at: state.now_ms(),
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a staff phone number.
#[utoipa::path(post, path = "/v1/checkpoints/{id}/staff/remove", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")), request_body = StaffPhone,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn remove_staff(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<StaffPhone>,
) -> ApiResult<StatusCode> {
    let root = managed_root(&state, &session, id).await?;
    let e164 = phone::normalize(&req.phone).ok_or(ApiError::InvalidPhone)?;
    if state
        .store()
        .remove_staff(root.id, &phone_hash(&state, &e164))
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The staff of a checkpoint tree.
#[utoipa::path(get, path = "/v1/checkpoints/{id}/staff", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Checkpoint id")),
    responses((status = 200, body = [StaffView]), (status = 403, body = ErrorBody)))]
pub(super) async fn list_staff(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<StaffView>>> {
    let root = managed_root(&state, &session, id).await?;
    let mut out = Vec::new();
    for s in state.store().staff(root.id).await? {
        let phone = state
            .inner()
            .sealer
            .open("checkpoint_staff", &s.phone_hash, &s.phone_sealed)?;
        let phone = String::from_utf8_lossy(&phone).into_owned();
        let tail: String = phone
            .chars()
            .rev()
            .take(3)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        out.push(StaffView {
            phone_masked: format!("•••••••{tail}"),
            added_at: ts(s.added_at),
        });
    }
    Ok(Json(out))
}
