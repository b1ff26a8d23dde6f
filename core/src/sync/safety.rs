//! Area safety levels (feed kind `safety_level`, published by health officers): readable on the device,
//! with the ward's name and the level in words.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::declaration::UnitScheme;
use crate::engine::{Engine, EngineError};
use crate::i18n::Msg;
use crate::units::units;

/// One ward's safety level, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaSafety {
    /// Ward code (2025 list).
    pub ward: u32,
    /// "Phường Bến Thành, Thành phố Hồ Chí Minh" (empty for a code this build's list lacks).
    pub place: String,
    /// 1 (low) … 4 (very high).
    pub level: u8,
    /// The level in words.
    pub words: Msg,
    /// Since when.
    pub updated_at: DateTime<Utc>,
}

/// The words of a level (the four levels of the Government's Resolution 128/NQ-CP).
pub fn safety_level_words(level: u8) -> Msg {
    match level {
        1 => Msg::new("Cấp 1 — nguy cơ thấp (xanh)", "Level 1 — low risk (green)"),
        2 => Msg::new(
            "Cấp 2 — nguy cơ trung bình (vàng)",
            "Level 2 — medium risk (yellow)",
        ),
        3 => Msg::new("Cấp 3 — nguy cơ cao (cam)", "Level 3 — high risk (orange)"),
        4 => Msg::new("Cấp 4 — nguy cơ rất cao (đỏ)", "Level 4 — very high risk (red)"),
        _ => Msg::new("Cấp không xác định", "Unknown level"),
    }
}

impl Engine {
    /// Every ward's safety level the last sync brought, highest level first, then by place.
    pub fn area_safety(&self) -> Result<Vec<AreaSafety>, EngineError> {
        let list = units(UnitScheme::V2025);
        let mut out: Vec<AreaSafety> = self
            .safety_levels()?
            .into_iter()
            .filter_map(|l| {
                let ward = u32::try_from(l.ward).ok()?;
                let level = u8::try_from(l.level).ok()?;
                Some(AreaSafety {
                    ward,
                    place: list.ward(ward).map(|w| list.full_name(w)).unwrap_or_default(),
                    level,
                    words: safety_level_words(level),
                    updated_at: l.updated_at,
                })
            })
            .collect();
        out.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.place.cmp(&b.place)));
        Ok(out)
    }
}
