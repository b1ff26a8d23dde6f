-- tokhai-server schema, version 8 (PostgreSQL only): `visit_keys`, one row per stored visit id with its
-- arrival time. The day-partitioned `visits` table (migration 7) can only have keys that hold the
-- partition key, (id, checked_in_at); this table's plain primary key keeps a visit id unique across the
-- day partitions. An upload claims its ids here (`INSERT … ON CONFLICT (id) DO NOTHING RETURNING id`,
-- `store/sql/sync.rs`): new ids are inserted into `visits` without looking them up in every partition,
-- and several writers can store visits at once (one claiming an id another holds waits for its commit).
-- The arrival time says which partition holds an id that was stored before. The retention purge deletes
-- keys older than every kept partition (`store/sql/partitions.rs`); deleting an account's data deletes
-- its keys. See docs/adr/0024-several-instances-and-partitions.md.

CREATE TABLE visit_keys (
    id BYTEA PRIMARY KEY,
    checked_in_at BIGINT NOT NULL
);
CREATE INDEX visit_keys_by_time ON visit_keys (checked_in_at);
INSERT INTO visit_keys (id, checked_in_at) SELECT id, checked_in_at FROM visits ON CONFLICT (id) DO NOTHING;
