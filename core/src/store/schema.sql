-- The current schema, used to create a new store in one step. Existing stores reach the same schema
-- through migrations/; `schema::tests` proves that every historical version upgrades to exactly this.
-- When you add migrations/000N_*.sql, apply the same change here.

CREATE TABLE meta (
    name  TEXT PRIMARY KEY NOT NULL,
    value ANY NOT NULL
) STRICT;

CREATE TABLE persons (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    id      BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    doc_tag BLOB UNIQUE CHECK (doc_tag IS NULL OR length(doc_tag) = 32),
    body    BLOB NOT NULL
) STRICT;

CREATE TABLE declarations (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    id     BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    person BLOB NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    body   BLOB NOT NULL
) STRICT;

CREATE INDEX declarations_by_person ON declarations (person, seq);

CREATE TABLE visits (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    id   BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    body BLOB NOT NULL
) STRICT;

CREATE TABLE outbox (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    id   BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    body BLOB NOT NULL
) STRICT;

CREATE TABLE quarantine_episodes (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    id     BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    person BLOB NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    body   BLOB NOT NULL
) STRICT;

CREATE INDEX quarantine_episodes_by_person ON quarantine_episodes (person);

CREATE TABLE daily_reports (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    id      BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    episode BLOB NOT NULL REFERENCES quarantine_episodes (id) ON DELETE CASCADE,
    day_tag BLOB NOT NULL UNIQUE CHECK (length(day_tag) = 32),
    body    BLOB NOT NULL
) STRICT;

CREATE INDEX daily_reports_by_episode ON daily_reports (episode);

-- Sync client (migration 0003; comments there).
CREATE TABLE sync_state (
    id   BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    body BLOB NOT NULL
) STRICT;

CREATE TABLE outbox_failed (
    id   BLOB PRIMARY KEY NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    code TEXT NOT NULL
) STRICT;

-- The sealed feed and staff scans (migration 0005; comments there).
CREATE TABLE feed (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       BLOB NOT NULL UNIQUE CHECK (length(id) = 32),
    kind_tag BLOB NOT NULL CHECK (length(kind_tag) = 32),
    body     BLOB NOT NULL
) STRICT;

CREATE INDEX feed_by_kind ON feed (kind_tag, seq);

CREATE TABLE staff_scans (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    id   BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    body BLOB NOT NULL
) STRICT;

CREATE TABLE alerts (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    id   BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    tag  BLOB NOT NULL UNIQUE CHECK (length(tag) = 32),
    body BLOB NOT NULL
) STRICT;

CREATE TABLE visit_flags (
    id        BLOB PRIMARY KEY NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    offset_ms INTEGER NOT NULL
) STRICT;
