//! The device clock against the server's (pure). Visits recorded under a clock off by more than
//! `MAX_CLOCK_OFFSET_MS` are flagged; the server itself refuses items dated more than 10 minutes ahead
//! of its clock or older than the retention period.

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

/// The largest tolerated difference between the device's clock and the server's: 10 minutes.
pub const MAX_CLOCK_OFFSET_MS: i64 = 10 * 60_000;

/// What the last sync learnt about the device clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockCheck {
    /// Within 10 minutes of the server's.
    Fine {
        /// Server minus device, in milliseconds.
        offset_ms: i64,
    },
    /// Off by more than 10 minutes: what was recorded under it is flagged.
    Off {
        /// Server minus device, in milliseconds (positive: the device is behind).
        offset_ms: i64,
    },
}

impl ClockCheck {
    /// Judges an offset (server time − device time).
    pub fn from_offset(offset_ms: i64) -> Self {
        if offset_ms.unsigned_abs() > MAX_CLOCK_OFFSET_MS.unsigned_abs() {
            Self::Off { offset_ms }
        } else {
            Self::Fine { offset_ms }
        }
    }

    /// Whether visits recorded now must be flagged.
    pub fn is_off(self) -> bool {
        matches!(self, Self::Off { .. })
    }

    /// Server minus device, in milliseconds.
    pub fn offset_ms(self) -> i64 {
        match self {
            Self::Fine { offset_ms } | Self::Off { offset_ms } => offset_ms,
        }
    }

    /// What to tell the person.
    pub fn msg(self) -> Msg {
        match self {
            Self::Fine { .. } => Msg::new("Đồng hồ của máy đúng.", "The device clock is right."),
            Self::Off { offset_ms } => {
                let minutes = offset_ms.unsigned_abs() / 60_000;
                if offset_ms > 0 {
                    Msg::owned(
                        format!("Đồng hồ của máy chậm {minutes} phút: hãy chỉnh lại giờ."),
                        format!("The device clock is {minutes} minutes behind: please set the time."),
                    )
                } else {
                    Msg::owned(
                        format!("Đồng hồ của máy nhanh {minutes} phút: hãy chỉnh lại giờ."),
                        format!("The device clock is {minutes} minutes ahead: please set the time."),
                    )
                }
            }
        }
    }
}
