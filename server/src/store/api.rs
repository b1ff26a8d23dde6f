//! The `Store` trait: everything the server keeps, in four parts. `SqlStore` implements all of them on
//! SQLite and on PostgreSQL; the conformance suite (`tests/it/store.rs`) runs against both.

use async_trait::async_trait;

use super::StoreError;
use super::types::*;

type R<T> = Result<T, StoreError>;

/// Server metadata, accounts, one-time codes, sessions and captchas.
#[async_trait]
pub trait AccountStore: Send + Sync + std::fmt::Debug {
    /// "sqlite" or "postgres".
    fn kind(&self) -> &'static str;
    /// Whether the database answers.
    async fn ping(&self) -> R<()>;
    /// A metadata value.
    async fn meta(&self, key: &str) -> R<Option<Vec<u8>>>;
    /// Stores `value` under `key` unless a value is there already; returns the stored value.
    async fn meta_insert_or_get(&self, key: &str, value: Vec<u8>) -> R<Vec<u8>>;

    /// The account of a phone number, created (with `subject`) if it does not exist.
    async fn account_for_phone(
        &self,
        phone_hash: &[u8],
        phone_sealed: Vec<u8>,
        subject: Vec<u8>,
        now: Millis,
    ) -> R<AccountRow>;
    /// The account of a phone number.
    async fn account_by_phone(&self, phone_hash: &[u8]) -> R<Option<AccountRow>>;
    /// An account by id.
    async fn account(&self, id: i64) -> R<Option<AccountRow>>;
    /// An account by subject pseudonym.
    async fn account_by_subject(&self, subject: &[u8]) -> R<Option<AccountRow>>;
    /// The accounts of these subject pseudonyms (those that have one), in one query per 500.
    async fn accounts_by_subjects(&self, subjects: &[Vec<u8>]) -> R<Vec<AccountRow>>;
    /// Grants or removes the administrator role.
    async fn set_admin(&self, id: i64, admin: bool) -> R<()>;
    /// Replaces a health officer's scopes (empty: not an officer).
    async fn set_scopes(&self, id: i64, scopes: &[Scope]) -> R<()>;
    /// A health officer's scopes.
    async fn scopes(&self, id: i64) -> R<Vec<Scope>>;

    /// Deletes, in one transaction, everything the account uploaded (declarations, visits, episodes,
    /// reports, pseudonyms), its sessions and one-time codes, and the account itself unless it manages
    /// checkpoints or is (or was) an officer or administrator. Cases, exposure windows and the audit log
    /// are the health authority's records and stay.
    async fn delete_account_data(&self, account: &AccountRow) -> R<AccountDeletion>;
    /// Counts one request against every limit in `takes`, as one atomic step: either every counter is
    /// incremented (`None`), or none is and the index of the first that is full comes back. Concurrent
    /// calls never pass a limit together (a conditional upsert under the row's lock).
    async fn take_limits(&self, takes: &[LimitTake]) -> R<Option<usize>>;
    /// Records a sent code.
    async fn insert_otp(&self, otp: NewOtp) -> R<i64>;
    /// The newest code sent to a phone.
    async fn latest_otp(&self, phone_hash: &[u8]) -> R<Option<OtpRow>>;
    /// Counts one try against a challenge; false when the challenge is used, expired or out of tries.
    async fn otp_take_attempt(&self, id: i64, max_attempts: i64, now: Millis) -> R<bool>;
    /// Marks a challenge used; false if it already was (single use under concurrency).
    async fn otp_mark_used(&self, id: i64) -> R<bool>;

    /// Stores a session (the token's hash).
    async fn insert_session(
        &self,
        token_hash: &[u8],
        account_id: i64,
        now: Millis,
        expires_at: Millis,
    ) -> R<()>;
    /// The account of an unexpired session.
    async fn session_account(&self, token_hash: &[u8], now: Millis) -> R<Option<i64>>;
    /// Ends a session; false if there was none.
    async fn delete_session(&self, token_hash: &[u8]) -> R<bool>;
    /// Ends every session of an account ("sign out everywhere"); how many there were.
    async fn delete_sessions_of(&self, account_id: i64) -> R<u64>;

    /// Stores a captcha's answer hash.
    async fn insert_captcha(&self, id: &[u8], answer_hash: &[u8], expires_at: Millis) -> R<()>;
    /// Uses up a captcha (whatever the answer) and returns its answer hash if it was live.
    async fn take_captcha(&self, id: &[u8], now: Millis) -> R<Option<Vec<u8>>>;
}

/// Checkpoints, staff, issuing keys and the download feed.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Registers a checkpoint (and its directory feed entry).
    async fn insert_checkpoint(&self, new: NewCheckpoint) -> R<CheckpointRow>;
    /// A checkpoint.
    async fn checkpoint(&self, id: i64) -> R<Option<CheckpointRow>>;
    /// The usual stay (minutes) of each of these checkpoints that exists, and when it was deactivated if
    /// it was: (id, stay, deactivated at); absent ids do not exist.
    async fn checkpoint_stays(&self, ids: &[i64]) -> R<Vec<(i64, Option<i64>, Option<Millis>)>>;
    /// The area (province, ward) of each of these checkpoints that exists: (id, province, ward), in one
    /// query per 500.
    async fn checkpoint_areas(&self, ids: &[i64]) -> R<Vec<(i64, i64, i64)>>;
    /// Ids of deactivated checkpoints (the revocation list).
    async fn revoked_checkpoints(&self) -> R<Vec<i64>>;
    /// Checkpoints an account manages.
    async fn checkpoints_managed_by(&self, account_id: i64) -> R<Vec<CheckpointRow>>;
    /// All checkpoints of a tree (building).
    async fn checkpoint_tree(&self, root_id: i64) -> R<Vec<CheckpointRow>>;
    /// Edits the public data of a checkpoint (and its directory entry).
    async fn update_checkpoint_info(&self, id: i64, info: CheckpointInfo, now: Millis) -> R<CheckpointRow>;
    /// Deactivates a checkpoint and everything below it; returns the ids (now on the revocation list).
    async fn deactivate_checkpoint(&self, id: i64, now: Millis) -> R<Vec<i64>>;
    /// Adds a staff phone to a tree.
    async fn add_staff(&self, staff: StaffRow) -> R<()>;
    /// Removes a staff phone; false if it was not there.
    async fn remove_staff(&self, root_id: i64, phone_hash: &[u8]) -> R<bool>;
    /// Staff of a tree.
    async fn staff(&self, root_id: i64) -> R<Vec<StaffRow>>;
    /// Trees where a phone is staff.
    async fn staff_roots(&self, phone_hash: &[u8]) -> R<Vec<i64>>;

    /// All issuing keys.
    async fn issuer_keys(&self) -> R<Vec<IssuerKeyRow>>;
    /// Stores a new issuing key (and publishes its public half).
    async fn insert_issuer_key(&self, key: IssuerKeyRow) -> R<()>;
    /// Stops signing with a key (it stays published for verification until purged).
    async fn retire_issuer_key(&self, key_id: i64, at: Millis) -> R<()>;
    /// Feed entries after cursor `after`, oldest first.
    async fn feed_since(&self, after: i64, limit: i64) -> R<Vec<FeedItem>>;
}

/// Uploaded records: visits, declarations, quarantine episodes, daily reports.
#[async_trait]
pub trait SyncStore: Send + Sync {
    /// Stores visits idempotently by id; one outcome per row, in order.
    async fn upsert_visits(&self, rows: Vec<VisitRow>) -> R<Vec<Upsert>>;
    /// Visits at these checkpoints overlapping `[from, to)`.
    async fn visits_overlapping(
        &self,
        checkpoints: &[i64],
        from: Millis,
        to: Millis,
        limit: i64,
    ) -> R<Vec<VisitRow>>;
    /// Contacts of the visits of `subjects` (each person's visits starting in `[their start, to)`): every
    /// visit by someone else at the same place that overlaps one of them ± `buffer`, one interval per
    /// overlapping pair, in one query. The same place is the same checkpoint, or with `building` any
    /// checkpoint of the same tree. Nothing counts after `now`: a visit still open is assumed to last its
    /// usual stay, which may end in the future. At most `limit` rows.
    async fn overlap_contacts(
        &self,
        subjects: &[(Vec<u8>, Millis)],
        to: Millis,
        now: Millis,
        buffer: Millis,
        building: bool,
        limit: i64,
    ) -> R<Vec<ContactPart>>;
    /// The stored visits with these ids (those that exist), in one query per 500.
    async fn visits_by_ids(&self, ids: &[Vec<u8>]) -> R<Vec<VisitRow>>;
    /// A subject's visits starting in `[from, to)`.
    async fn visits_of_subject(&self, subject: &[u8], from: Millis, to: Millis) -> R<Vec<VisitRow>>;
    /// A subject's visits starting at one of these moments, in one query per 500.
    async fn visits_of_subject_at(&self, subject: &[u8], times: &[Millis]) -> R<Vec<VisitRow>>;
    /// Visits still open at these checkpoints.
    async fn occupancy(&self, checkpoints: &[i64]) -> R<i64>;
    /// Closes every open visit at these checkpoints ("check out everyone").
    async fn check_out_all(&self, checkpoints: &[i64], at: Millis) -> R<u64>;
    /// Of the visits starting in `[from, to)`: (all, ended by a real check-out).
    async fn checkout_share(&self, checkpoints: &[i64], from: Millis, to: Millis) -> R<(i64, i64)>;

    /// Stores declarations idempotently by id.
    async fn upsert_declarations(&self, rows: Vec<DeclarationRow>) -> R<Vec<Upsert>>;
    /// An account's newest declaration.
    async fn latest_declaration(&self, account_id: i64) -> R<Option<DeclarationRow>>;
    /// The newest declaration of each of these accounts (those that have one), in one query per 500;
    /// the same choice as `latest_declaration`.
    async fn latest_declarations(&self, account_ids: &[i64]) -> R<Vec<DeclarationRow>>;
    /// The newest declaration of each person of each of these accounts (`person_id` of the declaration),
    /// in one query per 500 accounts; ties as in `latest_declaration`.
    async fn latest_declarations_per_person(&self, account_ids: &[i64]) -> R<Vec<DeclarationRow>>;
    /// For each of these subjects, who on the device checked in at its latest visit in `[from, to)` that
    /// names a person (`VisitRow::person_id`): (subject, person id).
    async fn visit_persons(
        &self,
        subjects: &[Vec<u8>],
        from: Millis,
        to: Millis,
    ) -> R<Vec<(Vec<u8>, Vec<u8>)>>;
    /// An account's declarations, newest first.
    async fn declarations_of(&self, account_id: i64) -> R<Vec<DeclarationRow>>;
    /// Records that the server signed a personal code with this pseudonym for this account (idempotent;
    /// false if the pseudonym belongs to another account).
    async fn insert_pseudonym(
        &self,
        pseudonym: &[u8],
        account_id: i64,
        declaration_id: &[u8],
        at: Millis,
    ) -> R<bool>;
    /// The account a signed pseudonym belongs to.
    async fn pseudonym_account(&self, pseudonym: &[u8]) -> R<Option<i64>>;
    /// Accounts whose declarations carry this ID-number hash.
    async fn accounts_by_id_hash(&self, id_hash: &[u8]) -> R<Vec<i64>>;
    /// Stores quarantine episodes (updates allowed: an episode may end early).
    async fn upsert_episodes(&self, rows: Vec<EpisodeRow>) -> R<Vec<Upsert>>;
    /// The owner of an episode.
    async fn episode_owner(&self, id: &[u8]) -> R<Option<i64>>;
    /// Stores daily reports idempotently by id.
    async fn upsert_reports(&self, rows: Vec<ReportRow>) -> R<Vec<Upsert>>;
    /// An account's quarantine episodes, by first day then id.
    async fn episodes_of(&self, account_id: i64) -> R<Vec<EpisodeRow>>;
    /// An account's daily reports, by day then id.
    async fn reports_of(&self, account_id: i64) -> R<Vec<ReportRow>>;

    /// Whether migration 3 left declarations and episodes for the start-up step (`src/units.rs`).
    async fn ward_codes_pending(&self) -> R<bool>;
    /// Declarations whose ward column holds one of `wards` (the candidates of that step).
    async fn declarations_in_wards(&self, wards: &[i64]) -> R<Vec<DeclarationRow>>;
    /// Episodes whose ward column holds one of `wards`: (id, account, province, ward).
    async fn episodes_in_wards(&self, wards: &[i64]) -> R<Vec<(Vec<u8>, i64, i64, i64)>>;
    /// Writes that step's result in one transaction: declarations (id, ward, sealed body), episodes
    /// (id, ward); and deletes migration 3's marker.
    async fn finish_ward_codes(
        &self,
        declarations: Vec<(Vec<u8>, i64, Vec<u8>)>,
        episodes: Vec<(Vec<u8>, i64)>,
    ) -> R<()>;
}

/// Cases, exposure windows, safety levels, audit, aggregates and retention.
#[async_trait]
pub trait OfficerStore: Send + Sync {
    /// Registers a confirmed case, unless the same person (subject) has a case tested less than
    /// `same_infection_days` days before or after it: then `Err` with that case's id and nothing written.
    /// The check and the write happen under one lock, so two officers registering the same person at
    /// once make one case.
    async fn insert_case(&self, case: CaseRow, same_infection_days: i64) -> R<Result<CaseRow, i64>>;
    /// A case.
    async fn case(&self, id: i64) -> R<Option<CaseRow>>;
    /// The cases of a person (subject pseudonym), oldest first.
    async fn cases_of_subject(&self, subject: &[u8]) -> R<Vec<CaseRow>>;
    /// Publishes an exposure window.
    async fn insert_exposure(&self, row: ExposureRow) -> R<ExposureRow>;
    /// Publishes a ward's safety level (1–4).
    async fn set_safety_level(
        &self,
        province: i64,
        ward: i64,
        level: i64,
        officer_id: i64,
        now: Millis,
    ) -> R<()>;
    /// Every ward's published safety level: (province, ward, level, updated at), by province and ward.
    async fn safety_levels(&self) -> R<Vec<(i64, i64, i64, Millis)>>;
    /// Episodes active on `day` in a scope, with their last reported day.
    async fn quarantine_status(&self, scope: Scope, day: i64) -> R<Vec<EpisodeStatus>>;
    /// Grants (`grant`) or revokes one scope of an account and, when that changed anything, appends
    /// `audit` in the same transaction; whether it changed anything.
    async fn change_scope(&self, account_id: i64, scope: Scope, grant: bool, audit: AuditRow) -> R<bool>;
    /// Appends to the audit log.
    async fn append_audit(&self, row: AuditRow) -> R<i64>;
    /// Audit entries after id `after`, oldest first.
    async fn audit_log(&self, after: i64, limit: i64) -> R<Vec<AuditRow>>;
    /// Counts per local day and ward within a scope, for `[from, to)`.
    async fn aggregates(
        &self,
        scope: Scope,
        from: Millis,
        to: Millis,
        utc_offset_minutes: i64,
    ) -> R<Vec<AggregateRow>>;
    /// Deletes personal records older than `cutoff` and expired challenges, captchas and sessions. On
    /// PostgreSQL, visits go a day at a time: each day partition whose day ended before `cutoff` is
    /// dropped whole (ADR 0024); visits outside every day partition are deleted by row.
    async fn purge(&self, cutoff: Millis, now: Millis) -> R<PurgeCounts>;
    /// PostgreSQL: creates the visits' day partitions for the days from `from` to `to` that have none
    /// yet, moving those days' rows out of the default partition; returns how many it created. SQLite:
    /// nothing (0).
    async fn prepare_partitions(&self, from: Millis, to: Millis) -> R<u64>;
    /// How fresh this store's reads are: `Some` for a streaming-replication standby (what it has
    /// replayed), `None` for a primary or SQLite (always current).
    async fn freshness(&self) -> R<Option<Freshness>>;
}

/// The whole store.
pub trait Store: AccountStore + RegistryStore + SyncStore + OfficerStore {}

impl<T: AccountStore + RegistryStore + SyncStore + OfficerStore> Store for T {}
