-- 0001: the first schema: key/meta, persons, declarations, visits, outbox.
-- Every personal value lives sealed in `body` (docs/protocol/sealed-record.md); the plaintext columns are
-- random ids, insertion sequence numbers, keyed hashes and a sent flag (docs/adr/0002-encryption-at-rest.md).

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
