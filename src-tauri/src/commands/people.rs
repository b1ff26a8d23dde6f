//! The family and their declarations, the unit pickers, personal codes.

use serde::{Deserialize, Serialize};
use tauri::State;
use tokhai_core::render::{personal_card_pdf, qr_svg};
use tokhai_core::sync_client::Trigger;
use tokhai_core::{
    DeclarationForm, Freshness, Msg, PersonId, PersonalStatus, Relation, SearchOptions, UnitKey, UnitLevel,
    UnitScheme, units,
};

use super::id;
use crate::error::AppError;
use crate::state::AppState;

/// One person on the device, as the family screen lists them.
#[derive(Debug, Serialize)]
pub(crate) struct PersonView {
    id: PersonId,
    relation: Relation,
    relation_label: Msg,
    /// From their newest declaration.
    name: Option<String>,
    freshness: Freshness,
}

#[tauri::command(async)]
pub(crate) fn persons(state: State<'_, AppState>) -> Result<Vec<PersonView>, AppError> {
    let engine = state.engine()?;
    engine
        .persons()?
        .into_iter()
        .map(|p| {
            Ok(PersonView {
                id: p.id,
                relation: p.relation,
                relation_label: p.relation.label(),
                name: engine.latest_declaration(p.id)?.map(|r| r.declaration.full_name),
                freshness: engine.freshness(p.id)?,
            })
        })
        .collect()
}

#[tauri::command(async)]
pub(crate) fn declaration_form(
    state: State<'_, AppState>,
    person: String,
) -> Result<Option<DeclarationForm>, AppError> {
    Ok(state.engine()?.declaration_form(id(&person)?)?)
}

/// `declare`'s request: an existing person (`None` adds one with `relation`) and the form.
#[derive(Debug, Deserialize)]
pub(crate) struct DeclareRequest {
    person: Option<String>,
    relation: Relation,
    form: DeclarationForm,
}

/// Saves a declaration (a new person and their first one, or a person's next one); returns the person.
#[tauri::command(async)]
pub(crate) fn declare(state: State<'_, AppState>, request: DeclareRequest) -> Result<PersonId, AppError> {
    let engine = state.engine()?;
    let person = match request.person.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            let person = id(p)?;
            engine.declare(person, &request.form)?;
            person
        }
        None => engine.declare_new(request.relation, &request.form)?.0.id,
    };
    state.trigger_sync(Trigger::LocalWrite);
    Ok(person)
}

/// Checks a form without saving it (errors come back like `declare`'s).
#[tauri::command(async)]
pub(crate) fn check_declaration(
    state: State<'_, AppState>,
    relation: Relation,
    form: DeclarationForm,
) -> Result<(), AppError> {
    state.engine()?.check_declaration(relation, &form)?;
    Ok(())
}

#[tauri::command(async)]
pub(crate) fn remove_person(state: State<'_, AppState>, person: String) -> Result<(), AppError> {
    state.engine()?.remove_person(id(&person)?)?;
    state.trigger_sync(Trigger::LocalWrite);
    Ok(())
}

/// One unit found by the picker.
#[derive(Debug, Serialize)]
pub(crate) struct UnitHit {
    code: u32,
    name: String,
    full_name: String,
}

/// Provinces (no `province`) or the wards of `province`, as typed, with or without diacritics (the 2025
/// list, the one new declarations use).
#[tauri::command(async)]
pub(crate) fn search_units(query: String, province: Option<u32>) -> Vec<UnitHit> {
    let list = units(UnitScheme::V2025);
    let options = match province {
        None => SearchOptions {
            level: Some(UnitLevel::Province),
            within: None,
            limit: 12,
        },
        Some(code) => SearchOptions {
            level: Some(UnitLevel::Ward),
            within: Some(UnitKey {
                level: UnitLevel::Province,
                code,
            }),
            limit: 12,
        },
    };
    list.search(&query, &options)
        .into_iter()
        .map(|hit| UnitHit {
            code: hit.unit.code(),
            name: hit.unit.name().to_owned(),
            full_name: list.full_name(hit.unit),
        })
        .collect()
}

/// A personal code as the QR screen shows it.
#[derive(Debug, Serialize)]
pub(crate) struct PersonalView {
    text: String,
    svg: String,
    signed: bool,
    status: PersonalStatus,
    status_label: Msg,
    initials: String,
    birth_year: Option<u16>,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// The person's personal code: the server-signed one once a sync fetched it, the pending one before.
#[tauri::command(async)]
pub(crate) fn personal_code(state: State<'_, AppState>, person: String) -> Result<PersonalView, AppError> {
    let engine = state.engine()?;
    let person = id(&person)?;
    let pending = engine.personal_code(person)?;
    let payload = pending.payload().clone();
    let (text, signed, expires_at) = match engine.signed_personal_code(person)? {
        Some(s) => (s.code, true, s.expires_at),
        None => (pending.as_str().to_owned(), false, payload.expires_at),
    };
    Ok(PersonalView {
        svg: qr_svg(&text)?,
        text,
        signed,
        status: payload.status,
        status_label: payload.status.label(),
        initials: payload.initials,
        birth_year: payload.birth_year,
        expires_at,
    })
}

/// Writes the printable card (PDF) of the person's code; returns where.
#[tauri::command(async)]
pub(crate) fn save_personal_card(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    person: String,
) -> Result<String, AppError> {
    let engine = state.engine()?;
    let code = engine.personal_code(id(&person)?)?;
    let pdf = personal_card_pdf(&code)?;
    super::save_file(&app, &state, "tokhai-card.pdf", &pdf)
}
