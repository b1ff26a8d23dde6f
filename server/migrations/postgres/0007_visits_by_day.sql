-- tokhai-server schema, version 7 (PostgreSQL only; SQLite keeps its one table): visits (the citizens'
-- own and the staff's scans) partitioned by the UTC day of arrival, with PostgreSQL's declarative
-- partitioning (docs/adr/0024-several-instances-and-partitions.md). The server creates each day's
-- partition `visits_d<days since 1970-01-01>` ahead of time, and the retention purge drops a day's
-- partition whole once that day is over by more than the retention period, instead of deleting its rows
-- one by one. Rows outside every day partition (arrivals far in the past, as in tests) live in
-- `visits_default`, where the purge deletes rows as before.
--
-- A partitioned table's unique keys must hold the partition key, so the key is (id, checked_in_at);
-- an id stays unique across partitions because uploads look every id up before inserting
-- (`store/sql/sync.rs`). The covering indexes of migration 2 are declared on the parent, so that every
-- partition gets its own.

ALTER TABLE visits RENAME TO visits_unpartitioned;
ALTER INDEX visits_pkey RENAME TO visits_unpartitioned_pkey;
DROP INDEX visits_by_checkpoint;
DROP INDEX visits_by_subject;
DROP INDEX visits_by_time;
DROP INDEX visits_open;

CREATE TABLE visits (LIKE visits_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (checked_in_at);
ALTER TABLE visits ADD PRIMARY KEY (id, checked_in_at);
CREATE INDEX visits_by_checkpoint ON visits (checkpoint_id, checked_in_at, ends_at, subject);
CREATE INDEX visits_by_subject ON visits (subject, checked_in_at, checkpoint_id, ends_at);
CREATE INDEX visits_by_time ON visits (ends_at);
CREATE INDEX visits_open ON visits (checkpoint_id) WHERE checked_out_at IS NULL;
CREATE TABLE visits_default PARTITION OF visits DEFAULT;

-- Existing rows land in the default partition; the server moves them into day partitions as it creates
-- those (at start-up, for the retention period and a few days ahead).
INSERT INTO visits SELECT * FROM visits_unpartitioned;
DROP TABLE visits_unpartitioned;
