//! The Ministry of Health domestic declaration form (tờ khai y tế nội địa).
//!
//! - `model.rs`: the validated declaration and its parts (what is stored and sent).
//! - `form.rs`: the raw form as a person typed it (`DeclarationForm`, serde).
//! - `validate.rs`: `validate(form, ctx)`: the clean declaration or every invalid field; the rules chosen.
//! - `fields.rs`: parsers of single fields (name, ID number, year of birth, e-mail, …).
//! - `countries.rs`: ISO 3166-1 alpha-2 codes for the nationality.
//! - `errors.rs`: `FieldError`, `FieldErrorKind`, `ValidationErrors` (codes and bilingual messages).
//! - `record.rs`: versions of a person's declaration (update = a new version that supersedes the old),
//!   the newest version, and freshness (when the app must ask for a new declaration).
//! - `personal.rs`: the personal QR code's payload of a declaration (initials, birth year, status).
//! - `tests.rs`: table tests of every field, dependants, updates and freshness.

mod countries;
mod errors;
mod fields;
mod form;
mod form_json;
mod model;
mod personal;
mod record;
mod validate;

#[cfg(test)]
mod tests;

pub use errors::{FieldError, FieldErrorKind, ValidationErrors};
pub(crate) use fields::clean_line;
pub use form::{AddressForm, DeclarationForm};
pub use form_json::FormFileError;
pub use model::{
    Address, ChronicCondition, Declaration, DeclarationRecord, Exposure, IdNumber, Person, Relation, Sex,
    Symptoms, UnitScheme,
};
pub use personal::personal_payload_of;
pub use record::{DEFAULT_FRESHNESS_HOURS, Freshness, FreshnessPolicy, freshness, newest_declaration};
pub use validate::{ID_REQUIRED_FROM_AGE, MAX_AGE_YEARS, ValidationContext, validate};
