-- Meetings a buddy planned with their newcomer: the day-before reminder and the
-- "how did it go?" prompt afterwards read them. Times are ISO-8601 UTC strings.
CREATE TABLE planned_meetings (
    id                    INTEGER PRIMARY KEY,
    pair_id               INTEGER NOT NULL REFERENCES buddy_pairs(id) ON DELETE CASCADE,
    starts_at             TEXT NOT NULL,
    created_by_person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at            TEXT NOT NULL,
    cancelled_at          TEXT
);
CREATE INDEX planned_meetings_pair ON planned_meetings(pair_id, starts_at);
CREATE INDEX planned_meetings_start ON planned_meetings(starts_at);
