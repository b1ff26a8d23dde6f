-- 0003: the sync client (issue 5).
-- `sync_state`: named slots (download cursor, session token, sync status, signed personal codes), each
--   body sealed like every other row (AD: table, slot id, column).
-- `outbox_failed`: outbox entries the server refused, with its refusal code (a stable code, nothing
--   personal); they are no longer pending and leave with the retention purge.
-- `feed`: the public download feed as last pulled (issuer keys, revocations, checkpoint directory,
--   exposure windows, safety levels): public data, stored as the server's JSON, one row per kind and key.
-- `alerts`: exposure alerts (sealed: they say where the person was); `tag` is a keyed hash of (exposure
--   window, visit) so that matching the same pair again updates the one alert.
-- `visit_flags`: visits recorded under a device clock that was off by more than 10 minutes.

CREATE TABLE sync_state (
    id   BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    body BLOB NOT NULL
) STRICT;

CREATE TABLE outbox_failed (
    id   BLOB PRIMARY KEY NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    code TEXT NOT NULL
) STRICT;

CREATE TABLE feed (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, key)
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
