//! What a visit records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CheckpointId, VisitId};

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
}
