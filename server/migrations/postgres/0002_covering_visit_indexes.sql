-- tokhai-server schema, version 2: the two visit indexes that overlap queries (contact tracing, arrivals
-- and departures) walk also carry the columns those queries read, so that the table itself is not
-- touched: by place (checkpoint, arrival, end, who) and by person (who, arrival, place, end). Visits last
-- at most 24 hours (`MAX_VISIT_MS`), which turns "overlaps [a, b)" into the bounded range
-- `checked_in_at ∈ [a - 24 h, b)` of the first.

DROP INDEX visits_by_checkpoint;
CREATE INDEX visits_by_checkpoint ON visits (checkpoint_id, checked_in_at, ends_at, subject);
DROP INDEX visits_by_subject;
CREATE INDEX visits_by_subject ON visits (subject, checked_in_at, checkpoint_id, ends_at);
