//! Backend-neutral SQL values and rows: both backends bind `Value`s and return `Row`s, so the queries and
//! the row mapping of `SqlStore` are written once.

use super::StoreError;

/// One SQL parameter or column value.
#[derive(Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit integer (every integer column is BIGINT).
    I64(i64),
    /// A double.
    F64(f64),
    /// Text.
    Text(String),
    /// Bytes (hashes, sealed records, UUIDs).
    Bytes(Vec<u8>),
    /// A boolean.
    Bool(bool),
}

impl std::fmt::Debug for Value {
    /// Values may be personal data (sealed or not): only the type is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Null => "Null",
            Self::I64(_) => "I64(..)",
            Self::F64(_) => "F64(..)",
            Self::Text(_) => "Text(..)",
            Self::Bytes(_) => "Bytes(..)",
            Self::Bool(_) => "Bool(..)",
        })
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::I64(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::F64(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Self::Bytes(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Self::Bytes(v.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// Builds a `Vec<Value>` from expressions that convert into `Value`.
macro_rules! params {
    ($($v:expr),* $(,)?) => { vec![$($crate::store::Value::from($v)),*] };
}
pub(crate) use params;

/// One result row.
#[derive(Debug, Clone, Default)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value, StoreError> {
        self.0.get(i).ok_or(StoreError::Decode("column index"))
    }

    /// Integer column `i`.
    pub fn i64(&self, i: usize) -> Result<i64, StoreError> {
        match self.at(i)? {
            Value::I64(v) => Ok(*v),
            Value::Bool(b) => Ok(i64::from(*b)),
            _ => Err(StoreError::Decode("integer")),
        }
    }

    /// Nullable integer column `i`.
    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            _ => self.i64(i).map(Some),
        }
    }

    /// Double column `i` (nullable).
    pub fn opt_f64(&self, i: usize) -> Result<Option<f64>, StoreError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::F64(v) => Ok(Some(*v)),
            #[allow(clippy::cast_precision_loss)]
            Value::I64(v) => Ok(Some(*v as f64)),
            _ => Err(StoreError::Decode("double")),
        }
    }

    /// Boolean column `i` (SQLite stores booleans as integers).
    pub fn bool(&self, i: usize) -> Result<bool, StoreError> {
        match self.at(i)? {
            Value::Bool(b) => Ok(*b),
            Value::I64(v) => Ok(*v != 0),
            _ => Err(StoreError::Decode("boolean")),
        }
    }

    /// Text column `i`.
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.at(i)? {
            Value::Text(s) => Ok(s.clone()),
            _ => Err(StoreError::Decode("text")),
        }
    }

    /// Bytes column `i`.
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.at(i)? {
            Value::Bytes(b) => Ok(b.clone()),
            _ => Err(StoreError::Decode("bytes")),
        }
    }

    /// Nullable bytes column `i`.
    pub fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            _ => self.bytes(i).map(Some),
        }
    }
}
