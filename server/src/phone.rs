//! Phone numbers, through the domain module (`tokhai_core::Phone`): Vietnamese numbers to E.164.

use tokhai_core::Phone;

/// The E.164 form of a phone number (`+84912345678`), or `None` when it is not a Vietnamese number.
pub(crate) fn normalize(input: &str) -> Option<String> {
    Phone::parse(input).ok().map(|p| p.as_e164().to_owned())
}
