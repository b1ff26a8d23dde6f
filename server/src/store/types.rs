//! The rows the store reads and writes. Personal data only appears sealed (`*_sealed`, `sealed`) or as a
//! keyed hash (`*_hash`); times are Unix milliseconds, days are days since 1970-01-01.

/// Unix time in milliseconds.
pub type Millis = i64;

/// An account (every signed-in phone number has one).
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    /// Account id.
    pub id: i64,
    /// Keyed hash of the E.164 phone number.
    pub phone_hash: Vec<u8>,
    /// The sealed phone number.
    pub phone_sealed: Vec<u8>,
    /// Random 16-byte pseudonym used in visits and personal codes.
    pub subject: Vec<u8>,
    /// Administrator.
    pub is_admin: bool,
    /// Creation time.
    pub created_at: Millis,
}

/// Where a health officer may look: a whole province (`ward == 0`) or one ward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// Province code.
    pub province: i64,
    /// Ward code, or 0 for the whole province.
    pub ward: i64,
}

impl Scope {
    /// Whether this scope covers `(province, ward)`.
    pub fn covers(&self, province: i64, ward: i64) -> bool {
        self.province == province && (self.ward == 0 || self.ward == ward)
    }
}

/// A new one-time-code challenge.
#[derive(Debug, Clone)]
pub struct NewOtp {
    /// Keyed hash of the phone number.
    pub phone_hash: Vec<u8>,
    /// Keyed hash of the client address.
    pub client_hash: Vec<u8>,
    /// Keyed hash of the code.
    pub code_hash: Vec<u8>,
    /// When it was sent.
    pub created_at: Millis,
    /// When it stops working.
    pub expires_at: Millis,
}

/// A stored challenge.
#[derive(Debug, Clone)]
pub struct OtpRow {
    /// Challenge id.
    pub id: i64,
    /// Keyed hash of the code.
    pub code_hash: Vec<u8>,
    /// When it stops working.
    pub expires_at: Millis,
    /// Wrong and right tries so far.
    pub attempts: i64,
    /// Already used to sign in.
    pub used: bool,
}

/// One counter a request is limited by (`AccountStore::take_limits`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitTake {
    /// What is counted: a tag and a keyed hash (of a phone number, a client address), or a fixed name.
    pub bucket: Vec<u8>,
    /// The start of the fixed window counted in.
    pub window_start: Millis,
    /// At most this many in the window.
    pub max: i64,
}

/// A checkpoint, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointRow {
    /// Checkpoint id (the `CheckpointId` in codes).
    pub id: i64,
    /// Enclosing checkpoint.
    pub parent_id: Option<i64>,
    /// Top of the tree (the building); itself for a top-level checkpoint.
    pub root_id: i64,
    /// Managing account.
    pub manager_id: i64,
    /// Public data of the place.
    pub info: CheckpointInfo,
    /// Keyed hash of the registered phone.
    pub phone_hash: Vec<u8>,
    /// The sealed registered phone.
    pub phone_sealed: Vec<u8>,
    /// Not deactivated.
    pub active: bool,
    /// Registration time.
    pub created_at: Millis,
    /// Last edit.
    pub updated_at: Millis,
}

/// The public description of a checkpoint (posted on the door, in the directory).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointInfo {
    /// Name.
    pub name: String,
    /// Kind (`CheckpointKind` in snake_case).
    pub kind: String,
    /// Unit scheme: "v2025" or "v2021".
    pub scheme: String,
    /// Province code.
    pub province: i64,
    /// District code (2021 scheme).
    pub district: Option<i64>,
    /// Ward code.
    pub ward: i64,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Street address.
    pub street: String,
    /// Description.
    pub description: String,
    /// Usual stay in minutes.
    pub default_stay_minutes: Option<i64>,
}

/// A new checkpoint.
#[derive(Debug, Clone)]
pub struct NewCheckpoint {
    /// Enclosing checkpoint.
    pub parent_id: Option<i64>,
    /// Managing account.
    pub manager_id: i64,
    /// Public data.
    pub info: CheckpointInfo,
    /// Keyed hash of the registered phone.
    pub phone_hash: Vec<u8>,
    /// The sealed registered phone.
    pub phone_sealed: Vec<u8>,
    /// Now.
    pub now: Millis,
}

/// A staff phone number of a checkpoint tree.
#[derive(Debug, Clone)]
pub struct StaffRow {
    /// The tree.
    pub root_id: i64,
    /// Keyed hash of the phone.
    pub phone_hash: Vec<u8>,
    /// Sealed phone.
    pub phone_sealed: Vec<u8>,
    /// When added.
    pub added_at: Millis,
}

/// An issuing key.
#[derive(Debug, Clone)]
pub struct IssuerKeyRow {
    /// Key id (published; carried in codes; from 1 upward).
    pub key_id: i64,
    /// Ed25519 public key.
    pub public_key: Vec<u8>,
    /// Sealed PKCS#8 private key.
    pub sealed_private: Vec<u8>,
    /// When created: the start of the period in which it may issue codes.
    pub created_at: Millis,
    /// When it stopped signing: the end of that period (codes issued before it stay valid).
    pub retired_at: Option<Millis>,
}

/// One entry of the download feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// The cursor position of this entry.
    pub seq: i64,
    /// What it is ("issuer_key", "revocation", "checkpoint", "exposure", "safety_level").
    pub kind: String,
    /// Which item (later entries with the same kind and key replace earlier ones).
    pub key: String,
    /// JSON body.
    pub body: String,
}

/// A visit as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    /// Client-generated id (16 bytes).
    pub id: Vec<u8>,
    /// Uploading account (None for a staff scan of someone without an account).
    pub account_id: Option<i64>,
    /// Who visited (16-byte pseudonym).
    pub subject: Vec<u8>,
    /// Where.
    pub checkpoint_id: i64,
    /// Arrival.
    pub checked_in_at: Millis,
    /// Departure.
    pub checked_out_at: Option<Millis>,
    /// Departure or, while open, the assumed end (for overlap queries).
    pub ends_at: Millis,
    /// How it ended (`VisitEnd` in snake_case).
    pub end_kind: String,
    /// Times corrected by hand.
    pub edited: bool,
    /// "self" (the visitor's app) or "staff" (a scan by checkpoint staff).
    pub source: String,
    /// When the server received it.
    pub received_at: Millis,
    /// Who on the uploading device checked in (the device's person id, as in `DeclarationRow::person_id`);
    /// `None` for staff scans and visits from older apps.
    pub person_id: Option<Vec<u8>>,
    /// For a staff scan, the staff account that uploaded it (the id is bound to it and to the
    /// checkpoint); `None` for the person's own uploads.
    pub scanned_by: Option<i64>,
}

/// One interval of a person's contact with the followed visits at one checkpoint: one overlapping pair
/// of visits (`contact::overlap_ms` and `contact::contact_start` for the pair). A person's intervals may
/// overlap each other; `contact::accumulate` merges them before adding up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPart {
    /// Who was met (16-byte pseudonym).
    pub subject: Vec<u8>,
    /// Where (the other person's checkpoint).
    pub checkpoint_id: i64,
    /// Length of the interval.
    pub overlap_ms: Millis,
    /// Its start: the later of (followed check-in − buffer, other check-in).
    pub first_contact: Millis,
}

/// What happened to one uploaded item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// Stored for the first time.
    Inserted,
    /// Already stored, identical.
    Duplicate,
    /// Replaced an earlier version.
    Updated,
    /// The server kept its version (e.g. the manager already checked everyone out).
    Kept,
    /// The id belongs to someone else.
    Conflict,
}

/// A declaration as stored.
#[derive(Debug, Clone)]
pub struct DeclarationRow {
    /// Client id (16 bytes).
    pub id: Vec<u8>,
    /// Uploading account.
    pub account_id: i64,
    /// Person on the device (16 bytes).
    pub person_id: Vec<u8>,
    /// Declared at.
    pub declared_at: Millis,
    /// Received at.
    pub received_at: Millis,
    /// Province of residence.
    pub province: i64,
    /// Ward of residence.
    pub ward: i64,
    /// Any symptom declared.
    pub has_symptoms: bool,
    /// Keyed hash of the ID number.
    pub id_hash: Vec<u8>,
    /// Keyed hash of the phone.
    pub phone_hash: Vec<u8>,
    /// The sealed `DeclarationRecord`.
    pub sealed: Vec<u8>,
}

/// A quarantine episode as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeRow {
    /// Client id.
    pub id: Vec<u8>,
    /// Uploading account.
    pub account_id: i64,
    /// Person.
    pub person_id: Vec<u8>,
    /// `QuarantineKind` in snake_case.
    pub kind: String,
    /// Province (from the person's declaration).
    pub province: i64,
    /// Ward.
    pub ward: i64,
    /// First day.
    pub start_day: i64,
    /// Expected last day.
    pub expected_end_day: i64,
    /// Ended on.
    pub ended_on: Option<i64>,
    /// Offset that defines the episode's days.
    pub utc_offset_minutes: i64,
    /// Sealed `QuarantineEpisode` (place).
    pub sealed: Vec<u8>,
    /// Received at.
    pub received_at: Millis,
}

/// A daily report as stored.
#[derive(Debug, Clone)]
pub struct ReportRow {
    /// Client id.
    pub id: Vec<u8>,
    /// Uploading account.
    pub account_id: i64,
    /// Episode.
    pub episode_id: Vec<u8>,
    /// Day reported on.
    pub day: i64,
    /// Submitted at.
    pub reported_at: Millis,
    /// Any symptom.
    pub has_symptoms: bool,
    /// Sealed `DailyReport`.
    pub sealed: Vec<u8>,
    /// Received at.
    pub received_at: Millis,
}

/// An episode and its latest reported day, for quarantine monitoring.
#[derive(Debug, Clone)]
pub struct EpisodeStatus {
    /// The episode.
    pub episode: EpisodeRow,
    /// The last day reported on, if any.
    pub last_report_day: Option<i64>,
    /// Reports with symptoms.
    pub symptomatic_reports: i64,
}

/// A confirmed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// Case id.
    pub id: i64,
    /// Registering officer.
    pub officer_id: i64,
    /// The person (subject pseudonym).
    pub subject: Vec<u8>,
    /// Province of the case.
    pub province: i64,
    /// Ward of the case.
    pub ward: i64,
    /// Day of the positive test.
    pub test_day: i64,
    /// Day symptoms started.
    pub onset_day: Option<i64>,
    /// Registered at.
    pub created_at: Millis,
}

/// An exposure window to publish.
#[derive(Debug, Clone)]
pub struct ExposureRow {
    /// Id (assigned on insert).
    pub id: i64,
    /// The case it comes from.
    pub case_id: i64,
    /// Where.
    pub checkpoint_id: i64,
    /// From.
    pub starts_at: Millis,
    /// To.
    pub ends_at: Millis,
    /// Advice for people who were there.
    pub advice: String,
    /// Published at.
    pub created_at: Millis,
}

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Entry id (assigned on insert).
    pub id: i64,
    /// When.
    pub at: Millis,
    /// Which officer (for `scope_grant`/`scope_revoke`: the officer whose scope changed).
    pub officer_id: i64,
    /// Under which case.
    pub case_id: Option<i64>,
    /// What was read or done ("trace", "trace_export_csv", "quarantine_monitoring", "case_create"; the
    /// administrator's "scope_grant" and "scope_revoke", with the scope in `purpose`).
    pub action: String,
    /// The stated purpose.
    pub purpose: String,
    /// Rows of personal data returned.
    pub rows: i64,
}

/// Counts per day and ward.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AggregateRow {
    /// Day (days since 1970-01-01 in local time).
    pub day: i64,
    /// Province.
    pub province: i64,
    /// Ward.
    pub ward: i64,
    /// Declarations made.
    pub declarations: i64,
    /// Declarations with symptoms.
    pub with_symptoms: i64,
    /// Check-ins.
    pub check_ins: i64,
    /// Checkpoints with at least one check-in.
    pub active_checkpoints: i64,
}

/// What deleting an account's data removed (`AccountStore::delete_account_data`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountDeletion {
    /// Health declarations.
    pub declarations: u64,
    /// Visits (uploaded by the account, or scanned by staff from its personal code).
    pub visits: u64,
    /// Quarantine episodes.
    pub episodes: u64,
    /// Daily health reports.
    pub reports: u64,
    /// Personal-code pseudonyms the server signed.
    pub pseudonyms: u64,
    /// Sessions (every device is signed out).
    pub sessions: u64,
    /// Whether the account itself (phone number, pseudonymous subject) was removed: not while it manages
    /// checkpoints or is (or was) an officer or administrator.
    pub account_removed: bool,
}

/// How much the retention purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeCounts {
    /// Visits.
    pub visits: u64,
    /// Declarations.
    pub declarations: u64,
    /// Daily reports.
    pub reports: u64,
    /// Quarantine episodes.
    pub episodes: u64,
    /// Expired challenges, captchas and sessions.
    pub expired: u64,
}

/// What a standby has replayed (`OfficerStore::freshness`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// The commit time, on the primary, of the last transaction it replayed (None: none yet).
    pub replayed_at: Option<Millis>,
    /// Whether it has replayed everything it received from the primary.
    pub caught_up: bool,
    /// Now (the standby's clock) minus `replayed_at`, in milliseconds: how far behind it is at most
    /// (when the primary is idle this grows although nothing is missing; `caught_up` says so).
    pub lag_ms: Option<i64>,
}
