//! What a visit records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;
use crate::ids::{CheckpointId, PersonId, VisitId};

/// Kinds of checkpoint, as the registry lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointKind {
    /// Cơ quan, văn phòng.
    Office,
    /// Trường học.
    School,
    /// Bệnh viện, phòng khám.
    Clinic,
    /// Chợ.
    Market,
    /// Siêu thị.
    Supermarket,
    /// Nhà hàng, quán ăn, cà phê.
    Restaurant,
    /// Khách sạn, nhà nghỉ.
    Lodging,
    /// Phương tiện giao thông công cộng.
    Transport,
    /// Nhà máy, xí nghiệp.
    Factory,
    /// Cơ sở tôn giáo.
    Worship,
    /// Sự kiện.
    Event,
    /// Khác.
    Other,
}

impl CheckpointKind {
    /// Every kind, in the order the registry lists them.
    pub const ALL: [Self; 12] = [
        Self::Office,
        Self::School,
        Self::Clinic,
        Self::Market,
        Self::Supermarket,
        Self::Restaurant,
        Self::Lodging,
        Self::Transport,
        Self::Factory,
        Self::Worship,
        Self::Event,
        Self::Other,
    ];

    /// The kind as people read it.
    pub fn label(self) -> Msg {
        match self {
            Self::Office => Msg::new("Cơ quan, văn phòng", "Office"),
            Self::School => Msg::new("Trường học", "School"),
            Self::Clinic => Msg::new("Bệnh viện, phòng khám", "Hospital or clinic"),
            Self::Market => Msg::new("Chợ", "Market"),
            Self::Supermarket => Msg::new("Siêu thị", "Supermarket"),
            Self::Restaurant => Msg::new("Nhà hàng, quán ăn, cà phê", "Restaurant or café"),
            Self::Lodging => Msg::new("Khách sạn, nhà nghỉ", "Hotel or lodging"),
            Self::Transport => Msg::new("Phương tiện giao thông công cộng", "Public transport vehicle"),
            Self::Factory => Msg::new("Nhà máy, xí nghiệp", "Factory"),
            Self::Worship => Msg::new("Cơ sở tôn giáo", "Place of worship"),
            Self::Event => Msg::new("Sự kiện", "Event"),
            Self::Other => Msg::new("Khác", "Other"),
        }
    }
}

/// What a visit needs to know of a checkpoint. It is made from a checkpoint code whose signature has
/// been verified (see the `qr` module), never from unchecked input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointRef {
    /// The checkpoint.
    pub id: CheckpointId,
    /// The enclosing checkpoint (building → floor/department → room), if any.
    pub parent: Option<CheckpointId>,
    /// Name shown to the visitor.
    pub name: String,
    /// Kind of place.
    pub kind: CheckpointKind,
    /// Ward code (2025 unit list); the app names the ward and province from its embedded list.
    pub ward: u32,
    /// Short street address.
    pub street: String,
    /// How long a visit usually lasts here; a visit still open after this is checked out automatically.
    pub default_stay_minutes: Option<u16>,
}

/// How a visit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitEnd {
    /// Still checked in.
    Open,
    /// The visitor tapped "check out".
    CheckedOut,
    /// Closed automatically after the checkpoint's default stay.
    Auto,
    /// Closed because the visitor checked in somewhere else.
    NextCheckIn,
    /// Closed by the checkpoint's manager ("check out everyone").
    ByCheckpoint,
}

impl VisitEnd {
    /// How the visit ended, as people read it.
    pub fn label(self) -> Msg {
        match self {
            Self::Open => Msg::new("Đang ở đây", "Checked in"),
            Self::CheckedOut => Msg::new("Đã check-out", "Checked out"),
            Self::Auto => Msg::new("Tự động check-out", "Checked out automatically"),
            Self::NextCheckIn => Msg::new("Kết thúc khi check-in nơi khác", "Ended by the next check-in"),
            Self::ByCheckpoint => Msg::new("Điểm kiểm soát check-out", "Checked out by the checkpoint"),
        }
    }
}

/// One visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// Client-generated id; also the idempotency key on the server.
    pub id: VisitId,
    /// Where.
    pub checkpoint: CheckpointRef,
    /// Arrival.
    pub checked_in_at: DateTime<Utc>,
    /// Departure, once known.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// How the visit ended (or `Open`).
    pub end: VisitEnd,
    /// Whether the visitor corrected the times by hand.
    pub edited: bool,
    /// Who checked in: the person on this device whose declaration names the visitor (the account
    /// holder for a check-in from the holder's phone). The server names a contact from this person's
    /// newest declaration, never from whichever declaration of the account is newest. `None` in visits
    /// recorded before this field existed and in staff scans (the scanned code names the declaration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
}

/// The server's version of a visit, as the sync upload answer carries it (`ItemResult::visit`): the
/// device takes it when the server kept or refused its own (ADR 0008).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitState {
    /// Arrival.
    pub checked_in_at: DateTime<Utc>,
    /// Departure, once known.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// How the visit ended (or `open`).
    pub end: VisitEnd,
    /// Whether the times were corrected by hand.
    pub edited: bool,
}

impl VisitState {
    /// `visit` with this state's times and end.
    pub fn apply_to(&self, visit: &mut Visit) {
        visit.checked_in_at = self.checked_in_at;
        visit.checked_out_at = self.checked_out_at;
        visit.end = self.end;
        visit.edited = self.edited;
    }
}
