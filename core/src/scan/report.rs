//! The JSON line `tokhai scan --json` prints for each file:
//! `{"file": "...", "decode_ms": 1.23, "codes": [{"text": "...", "bytes_hex": "...", "corners": [[x,y],...]}], "error": null}`.

use serde::{Deserialize, Serialize};

use super::error::ScanError;
use super::file::ImageScan;
use crate::i18n::Localized;

/// One file's scan result as printed by `tokhai scan --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// The file as named on the command line.
    pub file: String,
    /// Decode time alone in milliseconds (after loading and grayscale conversion); 0 on error.
    pub decode_ms: f64,
    /// Every code found.
    pub codes: Vec<ReportCode>,
    /// `null`, or the stable code of the error (`scan_undecodable_image`, `scan_io`, ...).
    pub error: Option<String>,
}

/// One code in a `ScanReport`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCode {
    /// The content as text.
    pub text: String,
    /// The content's bytes in lower-case hex.
    pub bytes_hex: String,
    /// Outer corners in the file's raw pixel coordinates: top-left, top-right, bottom-right, bottom-left.
    pub corners: [[f32; 2]; 4],
}

impl ScanReport {
    /// The report of one file's scan result.
    pub fn new(file: impl Into<String>, result: &Result<ImageScan, ScanError>) -> Self {
        let file = file.into();
        match result {
            Ok(scan) => Self {
                file,
                decode_ms: (scan.decode_ms * 1000.0).round() / 1000.0,
                codes: scan
                    .codes
                    .iter()
                    .map(|c| ReportCode {
                        text: c.text.clone(),
                        bytes_hex: hex(&c.bytes),
                        corners: c.corners.map(|[x, y]| [round1(x), round1(y)]),
                    })
                    .collect(),
                error: None,
            },
            Err(e) => Self {
                file,
                decode_ms: 0.0,
                codes: Vec::new(),
                error: Some(e.code().to_owned()),
            },
        }
    }

    /// The report as one line of JSON (no trailing newline).
    pub fn to_json_line(&self) -> String {
        // Serialising plain strings, numbers and arrays cannot fail; the fallback keeps the line well-formed.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"error\":\"scan_report\"}"))
    }
}

fn round1(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(
            DIGITS.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
        ));
        s.push(char::from(
            DIGITS.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_report_line() {
        let r = ScanReport::new("a.png", &Err(ScanError::UndecodableImage));
        assert_eq!(
            r.to_json_line(),
            r#"{"file":"a.png","decode_ms":0.0,"codes":[],"error":"scan_undecodable_image"}"#
        );
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }
}
