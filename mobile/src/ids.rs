//! Arguments as they cross the boundary: ids as the text core prints (their `Display`) and calendar days
//! as `YYYY-MM-DD`, parsed back here. Text that is no id or day is `Invalid` (`bad_id`, `bad_day`).

use std::str::FromStr;

use tokhai_core::{EpisodeId, PersonId, VisitId};

use crate::error::TokhaiError;

fn parse<T: FromStr>(text: &str) -> Result<T, TokhaiError> {
    text.trim()
        .parse()
        .map_err(|_| TokhaiError::invalid_msg("bad_id", "Mã định danh không hợp lệ.", "The id is not valid."))
}

pub(crate) fn person(text: &str) -> Result<PersonId, TokhaiError> {
    parse(text)
}

pub(crate) fn episode(text: &str) -> Result<EpisodeId, TokhaiError> {
    parse(text)
}

#[allow(dead_code)] // visit edits come with the app's visit screen
pub(crate) fn visit(text: &str) -> Result<VisitId, TokhaiError> {
    parse(text)
}

/// A calendar day as `YYYY-MM-DD`.
pub(crate) fn day(text: &str) -> Result<chrono::NaiveDate, TokhaiError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        TokhaiError::invalid_msg(
            "bad_day",
            "Ngày không hợp lệ; hãy viết theo dạng NNNN-TT-NN (ví dụ 2026-05-20).",
            "The day is not valid; write it as YYYY-MM-DD (e.g. 2026-05-20).",
        )
    })
}

/// An optional calendar day (none or blank: today, as core decides).
pub(crate) fn maybe_day(text: Option<&str>) -> Result<Option<chrono::NaiveDate>, TokhaiError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => day(t).map(Some),
    }
}
