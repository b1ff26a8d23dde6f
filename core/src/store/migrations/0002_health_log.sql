-- 0002: the daily health log: quarantine episodes and one report per episode and day.
-- `day_tag` is a keyed hash of (episode, day): it finds and keeps unique the report of a day without
-- storing the day.

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
