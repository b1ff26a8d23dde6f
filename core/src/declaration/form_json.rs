//! Reading a [`DeclarationForm`] from a JSON file (`tokhai declare --file`, format in
//! `docs/declaration-file.md`): every key must be one the form knows, at every depth, so that a misspelt or
//! guessed key (`"name"` for `"full_name"`, `"feverr"`) is refused by name instead of silently dropped.

use serde_json::Value;
use thiserror::Error;

use super::form::DeclarationForm;
use crate::i18n::{Localized, Msg};

/// Why a declaration file could not be read. Never holds the file's values, only its key names.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormFileError {
    /// Not JSON at all.
    #[error("not valid JSON at line {line}, column {column}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A key the form does not have, with its path (`"name"`, `"symptoms.feverr"`).
    #[error("unknown key {0}")]
    UnknownKey(String),
    /// A known key with a value of the wrong type (`"symptoms": "yes"`), with its path.
    #[error("wrong type for {0}")]
    WrongType(String),
}

impl Localized for FormFileError {
    fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "form_json_invalid",
            Self::UnknownKey(_) => "form_unknown_key",
            Self::WrongType(_) => "form_wrong_type",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Syntax { line, column } => Msg::owned(
                format!("Tệp tờ khai không phải JSON hợp lệ (dòng {line}, cột {column})."),
                format!("The form file is not valid JSON (line {line}, column {column})."),
            ),
            Self::UnknownKey(key) => Msg::owned(
                format!(
                    "Tệp tờ khai có khóa không được hỗ trợ: \"{key}\". Các khóa hợp lệ và một tệp mẫu: \
                     docs/declaration-file.md."
                ),
                format!(
                    "The form file has an unknown key: \"{key}\". The valid keys and an example file: \
                     docs/declaration-file.md."
                ),
            ),
            Self::WrongType(key) => Msg::owned(
                format!(
                    "Giá trị của \"{key}\" trong tệp tờ khai không đúng kiểu (xem docs/declaration-file.md)."
                ),
                format!(
                    "The value of \"{key}\" in the form file has the wrong type (see docs/declaration-file.md)."
                ),
            ),
        }
    }
}

impl DeclarationForm {
    /// Reads a form from JSON, refusing any key the form does not have (the first one found, by path).
    pub fn from_json(text: &str) -> Result<Self, FormFileError> {
        let value: Value = serde_json::from_str(text).map_err(|e| FormFileError::Syntax {
            line: e.line(),
            column: e.column(),
        })?;
        // The keys the form knows are exactly those it writes: every field is serialised.
        let known = serde_json::to_value(Self::default()).unwrap_or(Value::Null);
        if let Some(key) = unknown_key(&value, &known, "") {
            return Err(FormFileError::UnknownKey(key));
        }
        serde_path_to_error::deserialize(value).map_err(|e| FormFileError::WrongType(e.path().to_string()))
    }
}

/// The first key of `value` (an object, recursively) that `known` does not have, as a dotted path.
fn unknown_key(value: &Value, known: &Value, path: &str) -> Option<String> {
    let (Value::Object(given), Value::Object(known)) = (value, known) else {
        return None;
    };
    given.iter().find_map(|(key, v)| {
        let at = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match known.get(key) {
            None => Some(at),
            Some(k) => unknown_key(v, k, &at),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_are_read_and_numbers_may_be_unquoted() {
        let form = DeclarationForm::from_json(
            r#"{"full_name": "an", "birth_year": 1990, "address": {"province": "79", "ward": 26743},
                "symptoms": {"cough": true}, "exposure": {}, "travel": ["Đà Nẵng"], "pregnant": null}"#,
        )
        .unwrap();
        assert_eq!(form.birth_year, "1990");
        assert_eq!(form.address.ward, "26743");
        assert!(form.symptoms.cough);
        assert_eq!(
            DeclarationForm::from_json("{}").unwrap(),
            DeclarationForm::default()
        );
    }

    #[test]
    fn an_unknown_key_is_refused_by_its_path() {
        let err =
            DeclarationForm::from_json(r#"{"name": "Nguyễn Văn An", "birth_year": "1990"}"#).unwrap_err();
        assert_eq!(err, FormFileError::UnknownKey("name".into()));
        assert_eq!(err.code(), "form_unknown_key");
        assert!(err.msg().en.contains("\"name\""), "{}", err.msg().en);
        assert!(!err.msg().en.contains("Nguyễn"), "no values in messages");
        assert_eq!(
            DeclarationForm::from_json(r#"{"symptoms": {"feverr": true}}"#).unwrap_err(),
            FormFileError::UnknownKey("symptoms.feverr".into())
        );
        assert_eq!(
            DeclarationForm::from_json(r#"{"address": {"city": "HCM"}}"#).unwrap_err(),
            FormFileError::UnknownKey("address.city".into())
        );
    }

    #[test]
    fn wrong_types_and_bad_json_name_where() {
        assert_eq!(
            DeclarationForm::from_json(r#"{"symptoms": {"cough": "yes"}}"#).unwrap_err(),
            FormFileError::WrongType("symptoms.cough".into())
        );
        assert_eq!(
            DeclarationForm::from_json("{ \"full_name\": ")
                .unwrap_err()
                .code(),
            "form_json_invalid"
        );
        assert!(matches!(
            DeclarationForm::from_json("[1]").unwrap_err(),
            FormFileError::WrongType(_)
        ));
    }
}
