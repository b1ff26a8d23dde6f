//! The one error shape every front end receives (a Tauri command's `Err`, the portal's JSON, a test):
//! flat, serialisable, made from any `Localized` error in one place.

use serde::{Deserialize, Serialize};

use crate::i18n::{Localized, Msg};

/// What went wrong, for a person and for code: a stable `code` to branch on, the `message` in Vietnamese
/// and English, and, for a form, every invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicError {
    /// Stable `snake_case` code (`qr_expired`, `form_invalid`, `offline`…).
    pub code: String,
    /// The words to show.
    pub message: Msg,
    /// Invalid form fields (empty unless `code` is a form's).
    #[serde(default)]
    pub fields: Vec<FieldProblem>,
}

/// One invalid field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field's path in the form (`address.ward`, `dependants[0].birth_year`…).
    pub field: String,
    /// What is wrong, stable.
    pub code: String,
    /// In words.
    pub message: Msg,
}

impl PublicError {
    /// The public form of any localised error (no field list).
    pub fn from_localized(e: &dyn Localized) -> Self {
        Self {
            code: e.code().to_owned(),
            message: e.msg(),
            fields: Vec::new(),
        }
    }
}

impl std::fmt::Display for PublicError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for PublicError {}

impl From<&crate::declaration::ValidationErrors> for PublicError {
    fn from(errors: &crate::declaration::ValidationErrors) -> Self {
        Self {
            fields: errors
                .errors
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.clone(),
                    code: f.code().to_owned(),
                    message: f.msg(),
                })
                .collect(),
            ..Self::from_localized(errors)
        }
    }
}

#[cfg(feature = "store")]
impl From<crate::engine::EngineError> for PublicError {
    fn from(e: crate::engine::EngineError) -> Self {
        match &e {
            crate::engine::EngineError::Invalid(errors) => errors.into(),
            _ => Self::from_localized(&e),
        }
    }
}

#[cfg(feature = "sync")]
impl From<crate::sync::SyncError> for PublicError {
    fn from(e: crate::sync::SyncError) -> Self {
        match e {
            crate::sync::SyncError::Engine(inner) => inner.into(),
            other => Self::from_localized(&other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_error_lists_every_field_and_serialises_flat() {
        let form = crate::declaration::DeclarationForm::default();
        let clock = crate::clock::FixedClock::new(crate::test_support::mark_time());
        let ctx = crate::declaration::ValidationContext::new(&clock, crate::declaration::Relation::Myself);
        let errors = crate::declaration::validate(&form, &ctx).unwrap_err();
        let public = PublicError::from(&errors);
        assert_eq!(public.code, errors.code());
        assert_eq!(public.fields.len(), errors.errors.len());
        assert!(!public.fields.is_empty());
        let json = serde_json::to_value(&public).unwrap();
        assert!(json["message"]["vi"].is_string() && json["message"]["en"].is_string());
        assert!(json["fields"][0]["field"].is_string());
        let back: PublicError = serde_json::from_value(json).unwrap();
        assert_eq!(back, public);
    }
}
