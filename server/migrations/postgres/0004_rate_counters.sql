-- Rate-limit counters (docs/adr/0015-sign-in-limits-behind-shared-addresses.md): one row per limited key
-- (a keyed hash of a phone number or client address, or a fixed name) and fixed window. A request takes
-- every counter it is limited by in one transaction with a conditional upsert
-- (`… ON CONFLICT DO UPDATE SET hits = hits + 1 WHERE hits < max`), so concurrent requests can never pass
-- a limit together. Rows of past windows are removed by the retention purge.
CREATE TABLE rate_counters (
    bucket BYTEA NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_by_window ON rate_counters (window_start);
