//! Phone numbers, through the domain module (`tokhai_core::Phone`): Vietnamese numbers to E.164.

use tokhai_core::{Phone, PhoneError};

use crate::error::ApiError;

/// The E.164 form of a phone number (`+84912345678`), or `None` when it is not a Vietnamese number.
pub(crate) fn normalize(input: &str) -> Option<String> {
    Phone::parse(input).ok().map(|p| p.as_e164().to_owned())
}

/// The E.164 form of a number that can receive a one-time code by SMS: a landline is refused with
/// its own error, anything else that is not a Vietnamese number as invalid.
pub(crate) fn normalize_mobile(input: &str) -> Result<String, ApiError> {
    match Phone::parse_mobile(input) {
        Ok(p) => Ok(p.as_e164().to_owned()),
        Err(PhoneError::NotMobile) => Err(ApiError::PhoneNotMobile),
        Err(_) => Err(ApiError::InvalidPhone),
    }
}
