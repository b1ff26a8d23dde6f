//! `/v1/me/…` for people without a smartphone, on the web portal (ADR 0021): the people of the account
//! (the holder and dependants), a declaration from the form's answers (validated by core's rules, stored
//! like an upload), the printable personal QR card, and the account's own visits.
//!
//! The server holds no list of persons: the people of an account are the persons of its declarations.
//! The holder's person id on the web is derived from the account (a keyed hash), so that it is the same
//! in every browser; a dependant gets a random id at their first declaration.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokhai_core::{
    DeclarationForm, DeclarationRecord, Freshness, FreshnessPolicy, PersonId, Phone, Relation,
    VIETNAM_UTC_OFFSET_MINUTES, ValidationContext, freshness, local_day, personal_payload_of, validate,
};
use utoipa::{IntoParams, ToSchema};

use tokhai_core::protocol::{ItemKind, RefusalCode};

use super::records::{RowError, declaration_row};
use crate::codes;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Session};
use crate::state::AppState;
use crate::store::{AccountRow, DeclarationRow};

/// The account holder's person id on the web: the same for the account in every browser.
fn holder_person(state: &AppState, account: &AccountRow) -> PersonId {
    let tag = state
        .inner()
        .sealer
        .lookup("web_holder_person", &account.id.to_be_bytes());
    let mut bytes = [0u8; 16];
    for (b, t) in bytes.iter_mut().zip(tag) {
        *b = t;
    }
    PersonId::from_uuid(uuid::Builder::from_random_bytes(bytes).into_uuid())
}

fn person_bytes(p: PersonId) -> Vec<u8> {
    p.as_uuid().as_bytes().to_vec()
}

/// When the person's declaration goes stale, and whether it still is fresh at `now`: core's rule
/// (`tokhai_core::freshness`, a declaration dated ahead of the clock counts as made now).
fn stale_at(record: &DeclarationRecord, now: DateTime<Utc>) -> (DateTime<Utc>, bool) {
    let records = std::slice::from_ref(record);
    match freshness(records, record.person, now, &FreshnessPolicy::default()) {
        Freshness::Fresh { stale_at, .. } => (stale_at, true),
        Freshness::Stale { since, .. } => (since, false),
        Freshness::Missing => (now, false),
    }
}

/// The newest declaration of each person of the account, opened.
pub(super) async fn people_of(
    state: &AppState,
    account: &AccountRow,
) -> ApiResult<Vec<(DeclarationRow, DeclarationRecord)>> {
    let rows = state
        .store()
        .latest_declarations_per_person(&[account.id])
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let plain = state.inner().sealer.open("declarations", &row.id, &row.sealed)?;
        let record: DeclarationRecord = serde_json::from_slice(&plain).map_err(|_| ApiError::Internal)?;
        out.push((row, record));
    }
    Ok(out)
}

/// One person of the account, with their current declaration.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct PersonView {
    /// The person's id (send it back to declare again or to print the card).
    pub person: String,
    /// The account holder (else a dependant).
    pub holder: bool,
    /// Full name as declared (capitals).
    pub full_name: String,
    /// Year of birth.
    pub birth_year: u16,
    /// When the current declaration was made.
    pub declared_at: DateTime<Utc>,
    /// When it goes stale (a new declaration is needed after this, for the card too).
    pub stale_at: DateTime<Utc>,
    /// Still fresh by the server's clock (a card can be printed).
    pub fresh: bool,
    /// Any symptom declared.
    pub has_symptoms: bool,
    /// The current declaration as a form, to prefill the next one.
    #[schema(value_type = Object)]
    pub form: DeclarationForm,
}

/// The people of the account: the holder (once they declared) first, then dependants by name.
#[utoipa::path(get, path = "/v1/me/people", tag = "citizen", security(("bearer" = [])),
    responses((status = 200, body = Vec<PersonView>), (status = 401, body = ErrorBody)))]
pub(super) async fn people(
    State(state): State<AppState>,
    session: Session,
) -> ApiResult<Json<Vec<PersonView>>> {
    let holder = person_bytes(holder_person(&state, &session.account));
    let now = state.now();
    let mut list: Vec<PersonView> = people_of(&state, &session.account)
        .await?
        .into_iter()
        .map(|(row, record)| {
            let (stale_at, fresh) = stale_at(&record, now);
            PersonView {
                person: record.person.to_string(),
                holder: row.person_id == holder,
                full_name: record.declaration.full_name.clone(),
                birth_year: record.declaration.birth_year,
                declared_at: record.declared_at,
                stale_at,
                fresh,
                has_symptoms: row.has_symptoms,
                form: DeclarationForm::from(&record.declaration),
            }
        })
        .collect();
    list.sort_by(|a, b| {
        b.holder
            .cmp(&a.holder)
            .then_with(|| a.full_name.cmp(&b.full_name))
            .then_with(|| a.person.cmp(&b.person))
    });
    Ok(Json(list))
}

/// A declaration made on the web: the form's answers as typed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WebDeclaration {
    /// A person of this account (from `GET /v1/me/people`) to declare again for; absent for the holder's
    /// first declaration or (with `dependant`) a new dependant.
    pub person: Option<String>,
    /// A new dependant (a child, an elderly parent): their phone may be left blank for the holder's.
    #[serde(default)]
    pub dependant: bool,
    /// The answers (`tokhai_core::DeclarationForm`: every field a string, as typed).
    #[schema(value_type = Object)]
    pub form: DeclarationForm,
}

/// The stored declaration.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct WebDeclared {
    /// Whose (the person's id).
    pub person: String,
    /// The declaration's id.
    pub id: String,
    /// When it was made.
    pub declared_at: DateTime<Utc>,
    /// When it goes stale.
    pub stale_at: DateTime<Utc>,
    /// "accepted" (stored now) or "duplicate".
    pub status: String,
}

/// Declares for the account holder or a dependant: the form is validated by core's rules (every invalid
/// field at once: `error.field` and its message are the first one's, `error.errors` lists them all), the
/// record is built by core (a new version superseding the person's current one) and stored as an upload
/// stores it (sealed).
#[utoipa::path(post, path = "/v1/me/declarations", tag = "citizen", security(("bearer" = [])),
    request_body = WebDeclaration,
    responses((status = 201, body = WebDeclared), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "Not a person of this account", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn declare(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<WebDeclaration>,
) -> ApiResult<(StatusCode, Json<WebDeclared>)> {
    let account = &session.account;
    let holder = holder_person(&state, account);
    let people = people_of(&state, account).await?;
    let (person, previous) = match req.person.as_deref() {
        Some(text) => {
            let id: PersonId = text.parse().map_err(|_| ApiError::InvalidField("person"))?;
            // Only a person of this account (another account's person is not found, as if absent).
            let current = people
                .into_iter()
                .find(|(_, r)| r.person == id)
                .map(|(_, r)| r)
                .ok_or(ApiError::NotFound)?;
            (id, Some(current))
        }
        None if req.dependant => (PersonId::random(), None),
        None => {
            let current = people
                .into_iter()
                .find(|(_, r)| r.person == holder)
                .map(|(_, r)| r);
            (holder, current)
        }
    };
    let relation = if person == holder {
        Relation::Myself
    } else {
        Relation::Other
    };
    let phone_plain = state
        .inner()
        .sealer
        .open("accounts", &account.phone_hash, &account.phone_sealed)?;
    let holder_phone = std::str::from_utf8(&phone_plain)
        .ok()
        .and_then(|p| Phone::parse(p).ok())
        .ok_or(ApiError::Internal)?;
    let now = state.now();
    let ctx = ValidationContext {
        today: local_day(now, VIETNAM_UTC_OFFSET_MINUTES),
        relation,
        holder_phone: Some(&holder_phone),
    };
    let declaration = validate(&req.form, &ctx).map_err(ApiError::Declaration)?;
    // Codes carry minutes: a declaration on a whole minute keeps `declared_at` and the code's the same.
    let at = tokhai_core::floor_to_minute(now);
    let record = match &previous {
        Some(p) => p.update(declaration, at),
        None => DeclarationRecord::new(person, declaration, at),
    };
    let row = declaration_row(&state, account.id, &record).map_err(|e| match e {
        // The form passed core's rules today; what is left is the phone (a foreign number).
        RowError::Refused(RefusalCode::Invalid) => ApiError::InvalidField("phone"),
        RowError::Refused(_) => ApiError::InvalidField("declared_at"),
        RowError::Server => ApiError::Unavailable,
    })?;
    let result = state.store().upsert_declarations(vec![row]).await?;
    let item = super::sync::stored_one(&state, ItemKind::Declaration, record.id.to_string(), result)?;
    Ok((
        StatusCode::CREATED,
        Json(WebDeclared {
            person: person.to_string(),
            id: record.id.to_string(),
            declared_at: record.declared_at,
            stale_at: stale_at(&record, now).0,
            status: item.status.as_str().to_owned(),
        }),
    ))
}

/// Whose card, in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct CardQuery {
    /// A person of this account (`GET /v1/me/people`).
    #[param(format = Uuid)]
    pub person: String,
    /// "png" (default, 300 dpi) or "pdf".
    #[param(pattern = "^(png|pdf)$")]
    pub format: Option<String>,
}

/// The personal QR card to print (ID-1 size): the person's current declaration's code, signed now by the
/// server (the same code `POST /v1/sync/personal-code` signs for the app), for this account's people only.
#[utoipa::path(get, path = "/v1/me/card", tag = "citizen", security(("bearer" = [])), params(CardQuery),
    responses((status = 200, content_type = "image/png", body = Vec<u8>),
        (status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody),
        (status = 404, description = "Not a person of this account", body = ErrorBody),
        (status = 409, description = "The declaration is stale: declare again", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn card(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(q): ApiQuery<CardQuery>,
) -> ApiResult<Response> {
    let (format, mime) = match q.format.as_deref().unwrap_or("png") {
        "png" => (false, "image/png"),
        "pdf" => (true, "application/pdf"),
        _ => return Err(ApiError::InvalidParameter),
    };
    let id: PersonId = q.person.parse().map_err(|_| ApiError::InvalidParameter)?;
    let (row, record) = people_of(&state, &session.account)
        .await?
        .into_iter()
        .find(|(_, r)| r.person == id)
        .ok_or(ApiError::NotFound)?;
    let now = state.now();
    let (expires_at, fresh) = stale_at(&record, now);
    if !fresh {
        return Err(ApiError::Conflict);
    }
    let store = state.store();
    if !store
        .insert_pseudonym(&record.pseudonym.0, session.account.id, &row.id, state.now_ms())
        .await?
    {
        return Err(ApiError::Conflict);
    }
    let issued = (state.now_ms().max(state.keys().current().not_before) + 59_999).div_euclid(60_000) * 60_000;
    let payload = personal_payload_of(&record, false, crate::feed::ts(issued), expires_at);
    let code = codes::sign_personal(state.keys(), &payload)?;
    let bytes = codes::personal_card(&code, format)?;
    Ok((
        [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "no-store")],
        bytes,
    )
        .into_response())
}

/// One visit of the account: checked in from the app, or scanned by a checkpoint's staff from the card.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct MyVisit {
    /// The checkpoint's id.
    pub checkpoint: i64,
    /// The checkpoint's name (empty when it is no longer known).
    pub name: String,
    /// Arrival.
    pub checked_in_at: DateTime<Utc>,
    /// Departure, once known.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// "self" (the app) or "staff" (scanned from the personal code).
    pub source: String,
}

/// Most visits in one answer.
const MY_VISITS_MAX: usize = 500;

/// The account's own visits of the last 30 days, newest first: what staff scanned from the card, and
/// what the account's app uploaded.
#[utoipa::path(get, path = "/v1/me/visits", tag = "citizen", security(("bearer" = [])),
    responses((status = 200, body = Vec<MyVisit>), (status = 401, body = ErrorBody)))]
pub(super) async fn visits(State(state): State<AppState>, session: Session) -> ApiResult<Json<Vec<MyVisit>>> {
    let now = state.now_ms();
    let from = now - 30 * 86_400_000;
    let store = state.store();
    let mut rows = store
        .visits_of_subject(&session.account.subject, from, now + 60_000)
        .await?;
    rows.sort_by_key(|v| std::cmp::Reverse(v.checked_in_at));
    rows.truncate(MY_VISITS_MAX);
    let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for v in rows {
        let name = match names.get(&v.checkpoint_id) {
            Some(n) => n.clone(),
            None => {
                let n = store
                    .checkpoint(v.checkpoint_id)
                    .await?
                    .map(|c| c.info.name)
                    .unwrap_or_default();
                names.insert(v.checkpoint_id, n.clone());
                n
            }
        };
        out.push(MyVisit {
            checkpoint: v.checkpoint_id,
            name,
            checked_in_at: crate::feed::ts(v.checked_in_at),
            checked_out_at: v.checked_out_at.map(crate::feed::ts),
            source: v.source,
        });
    }
    Ok(Json(out))
}
