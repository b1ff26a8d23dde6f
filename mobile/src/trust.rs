//! The trusted issuer keys and revocations: core's built-in list, the data folder's `trust.json` (keys
//! added by hand) and `trust-from-server.json` (as the CLI keeps them, cli/src/context.rs, so a data
//! folder means the same to both), and the keys and revocations the last sync pulled into the sealed
//! store (`Engine::feed_trust_list`). Public keys and revoked ids only: nothing personal. Goes once the
//! engine owns the trust store (issue 8).

use std::path::Path;

use tokhai_core::{Engine, KeyError, TrustList, TrustStore};

use crate::error::TokhaiError;

const TRUST_FILE: &str = "trust.json";
const FEED_TRUST_FILE: &str = "trust-from-server.json";

fn bad_trust(e: KeyError) -> TokhaiError {
    TokhaiError::invalid(&e)
}

fn bad_json() -> TokhaiError {
    TokhaiError::invalid_msg(
        "trust_list_invalid",
        "Danh sách khóa tin cậy không hợp lệ.",
        "The trust list is invalid.",
    )
}

fn unreadable(name: &str) -> TokhaiError {
    TokhaiError::storage_msg(
        "trust_list_unreadable",
        format!("Không đọc hoặc ghi được danh sách khóa tin cậy ({name})."),
        format!("The trust list ({name}) cannot be read or written."),
    )
}

fn read(dir: &Path, name: &str) -> Result<Option<TrustList>, TokhaiError> {
    match std::fs::read_to_string(dir.join(name)) {
        Ok(json) => Ok(Some(TrustStore::from_json(&json).map_err(bad_trust)?.to_list())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(_) => Err(unreadable(name)),
    }
}

/// The trust in force for the data folder `dir` and its engine.
pub(crate) fn load(dir: &Path, engine: &Engine) -> Result<TrustStore, TokhaiError> {
    let mut trust = TrustStore::builtin().map_err(bad_trust)?;
    for name in [TRUST_FILE, FEED_TRUST_FILE] {
        if let Some(list) = read(dir, name)? {
            trust.merge(list).map_err(bad_trust)?;
        }
    }
    trust.merge(engine.feed_trust_list()?).map_err(bad_trust)?;
    Ok(trust)
}

/// Adds the trust list `json` to the data folder's `trust.json`; returns how many keys it held.
pub(crate) fn add(dir: &Path, json: &str) -> Result<u32, TokhaiError> {
    let list: TrustList = serde_json::from_str(json).map_err(|_| bad_json())?;
    let added = u32::try_from(list.keys.len()).unwrap_or(u32::MAX);
    let mut trust = match read(dir, TRUST_FILE)? {
        Some(list) => TrustStore::from_list(list).map_err(bad_trust)?,
        None => TrustStore::new(),
    };
    trust.merge(list).map_err(bad_trust)?;
    let text = serde_json::to_string_pretty(&trust.to_list()).map_err(|_| bad_json())?;
    std::fs::write(dir.join(TRUST_FILE), text).map_err(|_| unreadable(TRUST_FILE))?;
    Ok(added)
}
