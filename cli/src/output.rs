//! Printing: results on standard output, prompts and errors on standard error; Vietnamese first.

use std::io::Write;

use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use tokhai_core::{Localized, Msg};

use crate::args::LangChoice;
use crate::error::CliError;

/// Where and how results are printed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Out {
    pub(crate) lang: LangChoice,
    pub(crate) json: bool,
}

impl Out {
    /// `msg` in the chosen language(s): "tiếng Việt / English" for both.
    pub(crate) fn text(&self, msg: &Msg) -> String {
        match self.lang {
            LangChoice::Both if msg.vi == msg.en || msg.en.is_empty() => msg.vi.to_string(),
            LangChoice::Both => format!("{} / {}", msg.vi, msg.en),
            LangChoice::Vi => msg.vi.to_string(),
            LangChoice::En if msg.en.is_empty() => msg.vi.to_string(),
            LangChoice::En => msg.en.to_string(),
        }
    }

    /// A result line on standard output.
    pub(crate) fn say(&self, msg: &Msg) {
        self.line(&self.text(msg));
    }

    /// A plain line on standard output, with any control or bidirectional character in it shown as
    /// `\u{…}` (checkpoint names and the health office's advice come from elsewhere: an escape sequence
    /// or U+202E in them must not act on the terminal). A closed pipe (`tokhai export | head`) is not an
    /// error.
    pub(crate) fn line(&self, text: &str) {
        self.verbatim(&tokhai_core::escape_unsafe(text, true));
    }

    /// A line written as it is: only for the CLI's own terminal codes (the kiosk's colours and bell)
    /// around text already escaped, and for JSON (which escapes control characters itself).
    pub(crate) fn verbatim(&self, text: &str) {
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }

    /// A note on standard error (progress, hints), so standard output stays clean for scripts.
    pub(crate) fn note(&self, msg: &Msg) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}",
            tokhai_core::escape_unsafe(&self.text(msg), true)
        );
    }

    /// A value as pretty JSON on standard output.
    pub(crate) fn json<T: Serialize>(&self, value: &T) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(value).map_err(|e| {
            CliError::usage(
                "json_failed",
                format!("Không tạo được JSON: {e}"),
                format!("Cannot make JSON: {e}"),
            )
        })?;
        self.verbatim(&text);
        Ok(())
    }

    /// Reports an error on standard error (as JSON with `--json`), naming each invalid field.
    pub(crate) fn error(&self, err: &CliError) {
        let mut stderr = std::io::stderr().lock();
        if self.json {
            let body = serde_json::json!({
                "error": { "code": err.code(), "msg": err.msg(), "fields": err.validation() }
            });
            let _ = writeln!(stderr, "{body}");
            return;
        }
        let head = self.text(&Msg::new("Lỗi", "Error"));
        let safe = |text: String| tokhai_core::escape_unsafe(&text, true).into_owned();
        let _ = writeln!(stderr, "{head} [{}]: {}", err.code(), safe(self.text(&err.msg())));
        if let Some(errors) = err.validation() {
            for field in &errors.errors {
                let _ = writeln!(stderr, "  - {}: {}", field.field, safe(self.text(&field.msg())));
            }
        }
    }

    /// Flushes standard output (before a prompt on standard error).
    pub(crate) fn flush(&self) {
        let _ = std::io::stdout().flush();
    }
}

/// A time in the computer's zone, to the minute: "2026-11-25 08:30".
pub(crate) fn when(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// A duration in hours and minutes: "1 h 05 min".
pub(crate) fn span(minutes: i64) -> String {
    if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}
