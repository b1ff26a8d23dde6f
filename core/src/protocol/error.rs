//! The body of every error answer (`docs/protocol/sync.md` §2): `{"error": {"code", "vi", "en", …}}`.

use serde::{Deserialize, Serialize};

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// An error's code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code (`tokhai_core::ApiCode`; a client keeps one it does not know as text).
    pub code: String,
    /// Message in Vietnamese (never personal data).
    #[serde(default)]
    pub vi: String,
    /// Message in English.
    #[serde(default)]
    pub en: String,
    /// The field at fault (`invalid_field`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every invalid field of a declaration form (`invalid_field` from `POST /v1/me/declarations`), in
    /// form order; `field` and the message are the first one's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblemBody>>,
    /// The existing case (`case_exists`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<i64>,
}

/// One invalid field of a declaration form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblemBody {
    /// The field's path in the form (`full_name`, `address.ward`, `travel[2]`).
    pub field: String,
    /// Stable code of what is wrong (`required`, `unknown_ward`, …).
    pub code: String,
    /// Message in Vietnamese.
    pub vi: String,
    /// Message in English.
    pub en: String,
}
