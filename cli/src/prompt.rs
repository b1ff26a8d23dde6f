//! Line-by-line questions on standard error, answers from standard input: works at a terminal and when
//! another program answers (tests, scripts). End of input is an error, never an endless loop.

use std::io::{BufRead, IsTerminal, Write};

use tokhai_core::Msg;

use crate::error::CliError;
use crate::output::Out;

/// Asks questions and reads answers.
pub(crate) struct Prompter<R> {
    input: R,
    out: Out,
}

impl<R: BufRead> Prompter<R> {
    pub(crate) fn new(input: R, out: Out) -> Self {
        Self { input, out }
    }

    /// Asks `question`; returns the trimmed answer ("" when the person just pressed Enter).
    /// `current` is shown in brackets and returned for an empty answer.
    pub(crate) fn ask(&mut self, question: &Msg, current: Option<&str>) -> Result<String, CliError> {
        self.out.flush();
        let mut stderr = std::io::stderr().lock();
        let _ = match current.filter(|c| !c.is_empty()) {
            Some(c) => write!(stderr, "{} [{c}]: ", self.out.text(question)),
            None => write!(stderr, "{}: ", self.out.text(question)),
        };
        let _ = stderr.flush();
        drop(stderr);
        let mut line = String::new();
        let n = self.input.read_line(&mut line).map_err(|e| {
            CliError::usage(
                "input_failed",
                format!("Không đọc được câu trả lời: {e}"),
                format!("Cannot read the answer: {e}"),
            )
        })?;
        if n == 0 {
            return Err(CliError::usage(
                "input_ended",
                "Đầu vào đã hết trước khi trả lời xong.",
                "The input ended before every question was answered.",
            ));
        }
        let answer = line.trim().to_owned();
        Ok(match (answer.is_empty(), current) {
            (true, Some(c)) => c.to_owned(),
            _ => answer,
        })
    }

    /// A yes/no question; `default` for an empty answer. Re-asks on anything else.
    pub(crate) fn yes_no(&mut self, question: &Msg, default: bool) -> Result<bool, CliError> {
        let hint = if default { "C/k · Y/n" } else { "c/K · y/N" };
        loop {
            let answer = self.ask(
                &Msg::owned(
                    format!("{} ({hint})", question.vi),
                    format!("{} ({hint})", question.en),
                ),
                None,
            )?;
            match parse_yes_no(&answer) {
                Some(v) => return Ok(v),
                None if answer.is_empty() => return Ok(default),
                None => self.out.note(&Msg::new(
                    "Hãy trả lời có (c) hoặc không (k).",
                    "Please answer yes (y) or no (n).",
                )),
            }
        }
    }

    /// Shows an error for the last answer.
    pub(crate) fn complain(&self, msg: &Msg) {
        self.out
            .note(&Msg::owned(format!("  ✗ {}", msg.vi), msg.en.to_string()));
    }

    /// Shows a note between questions (a heading, a list to choose from).
    pub(crate) fn out_note(&self, msg: &Msg) {
        self.out.note(msg);
    }
}

/// "có", "c", "yes", "y", "1", "true" → true; "không", "k", "no", "n", "0", "false" → false.
pub(crate) fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "c" | "có" | "co" | "y" | "yes" | "1" | "true" => Some(true),
        "k" | "không" | "khong" | "n" | "no" | "0" | "false" => Some(false),
        _ => None,
    }
}

/// Whether questions can be asked: standard input is a terminal.
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal()
}
