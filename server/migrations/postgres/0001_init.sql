-- tokhai-server schema, version 1 (PostgreSQL). Times are Unix milliseconds (BIGINT), days are days since
-- 1970-01-01 (BIGINT), ids of client records are 16-byte UUIDs (BYTEA). Personal data is only ever stored
-- sealed (`*_sealed`, `sealed`) with keyed-hash look-up columns (`*_hash`).

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    phone_hash BYTEA NOT NULL UNIQUE,
    phone_sealed BYTEA NOT NULL,
    subject BYTEA NOT NULL UNIQUE,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE officer_scopes (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    province BIGINT NOT NULL,
    ward BIGINT NOT NULL,
    PRIMARY KEY (account_id, province, ward)
);

CREATE TABLE otp_challenges (
    id BIGSERIAL PRIMARY KEY,
    phone_hash BYTEA NOT NULL,
    client_hash BYTEA NOT NULL,
    code_hash BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX otp_by_phone ON otp_challenges (phone_hash, created_at);
CREATE INDEX otp_by_client ON otp_challenges (client_hash, created_at);
CREATE INDEX otp_by_time ON otp_challenges (created_at);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE captchas (
    id BYTEA PRIMARY KEY,
    answer_hash BYTEA NOT NULL,
    expires_at BIGINT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE checkpoints (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES checkpoints(id),
    root_id BIGINT NOT NULL,
    manager_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    phone_hash BYTEA NOT NULL,
    phone_sealed BYTEA NOT NULL,
    scheme TEXT NOT NULL,
    province BIGINT NOT NULL,
    district BIGINT,
    ward BIGINT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    street TEXT NOT NULL,
    description TEXT NOT NULL,
    default_stay_minutes BIGINT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX checkpoints_by_root ON checkpoints (root_id);
CREATE INDEX checkpoints_by_manager ON checkpoints (manager_id);

CREATE TABLE checkpoint_staff (
    root_id BIGINT NOT NULL REFERENCES checkpoints(id),
    phone_hash BYTEA NOT NULL,
    phone_sealed BYTEA NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (root_id, phone_hash)
);
CREATE INDEX staff_by_phone ON checkpoint_staff (phone_hash);

-- Issuing keys (ids from 1 upward, never reused); `created_at` is the key's not-before and `retired_at`
-- its not-after: the period in which it may issue codes (docs/protocol/qr.md §7).
CREATE TABLE issuer_keys (
    key_id BIGINT PRIMARY KEY,
    public_key BYTEA NOT NULL,
    sealed_private BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

-- Download feed: every change clients pull (issuer keys, revocations, directory, exposure windows, safety
-- levels). `seq` is the server-issued cursor. Writers take a transaction-level advisory lock before taking a
-- sequence value, so sequence order is commit order (see docs/protocol/sync.md).
CREATE TABLE feed (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    item_key TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE declarations (
    id BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    person_id BYTEA NOT NULL,
    declared_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    province BIGINT NOT NULL,
    ward BIGINT NOT NULL,
    has_symptoms BOOLEAN NOT NULL,
    id_hash BYTEA NOT NULL,
    phone_hash BYTEA NOT NULL,
    sealed BYTEA NOT NULL
);
CREATE INDEX declarations_by_account ON declarations (account_id, declared_at);
CREATE INDEX declarations_by_time ON declarations (declared_at);
CREATE INDEX declarations_by_id_hash ON declarations (id_hash);

-- Pseudonyms of personal codes the server signed, and whose they are (for staff scans and cases).
CREATE TABLE pseudonyms (
    pseudonym BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    declaration_id BYTEA NOT NULL,
    signed_at BIGINT NOT NULL
);
CREATE INDEX pseudonyms_by_time ON pseudonyms (signed_at);

CREATE TABLE visits (
    id BYTEA PRIMARY KEY,
    account_id BIGINT,
    subject BYTEA NOT NULL,
    checkpoint_id BIGINT NOT NULL,
    checked_in_at BIGINT NOT NULL,
    checked_out_at BIGINT,
    ends_at BIGINT NOT NULL,
    end_kind TEXT NOT NULL,
    edited BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX visits_by_checkpoint ON visits (checkpoint_id, checked_in_at);
CREATE INDEX visits_by_subject ON visits (subject, checked_in_at);
CREATE INDEX visits_by_time ON visits (ends_at);
CREATE INDEX visits_open ON visits (checkpoint_id) WHERE checked_out_at IS NULL;

CREATE TABLE episodes (
    id BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    person_id BYTEA NOT NULL,
    kind TEXT NOT NULL,
    province BIGINT NOT NULL,
    ward BIGINT NOT NULL,
    start_day BIGINT NOT NULL,
    expected_end_day BIGINT NOT NULL,
    ended_on BIGINT,
    utc_offset_minutes BIGINT NOT NULL,
    sealed BYTEA NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX episodes_by_area ON episodes (province, ward);

CREATE TABLE reports (
    id BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    episode_id BYTEA NOT NULL,
    day BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    has_symptoms BOOLEAN NOT NULL,
    sealed BYTEA NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX reports_by_episode ON reports (episode_id, day);

CREATE TABLE cases (
    id BIGSERIAL PRIMARY KEY,
    officer_id BIGINT NOT NULL REFERENCES accounts(id),
    subject BYTEA NOT NULL,
    province BIGINT NOT NULL,
    ward BIGINT NOT NULL,
    test_day BIGINT NOT NULL,
    onset_day BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE exposures (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    checkpoint_id BIGINT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    advice TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE safety_levels (
    ward BIGINT PRIMARY KEY,
    province BIGINT NOT NULL,
    level BIGINT NOT NULL,
    officer_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    officer_id BIGINT NOT NULL,
    case_id BIGINT,
    action TEXT NOT NULL,
    purpose TEXT NOT NULL,
    row_count BIGINT NOT NULL
);
CREATE INDEX audit_by_time ON audit_log (at);
