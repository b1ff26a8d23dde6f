-- 0005 (issue 8): the pulled feed sealed like every other row, and staff scans.
-- `feed`: one row per feed entry, found by keyed hashes: `id` of (kind, key), `kind_tag` of the kind; the
--   body (the server's JSON) sealed with the row id bound in. The old plaintext table is dropped and the
--   download cursor with it, so the next sync pulls the whole feed again and stores it sealed.
-- `staff_scans`: personal codes a checkpoint's staff device verified (sealed: they name a person and a
--   place), queued until the server confirmed them (`sent`).

DROP TABLE feed;
DELETE FROM sync_state WHERE id = X'746f6b68616900000000000000000001';

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
