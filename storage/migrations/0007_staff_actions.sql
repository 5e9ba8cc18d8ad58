-- Staff act on the digest: settle disputes, nudge quiet newcomers, propose buddy matches.

-- How staff settled a disputed hour entry, by whom and when (one settlement per entry).
CREATE TABLE dispute_settlements (
    id              INTEGER PRIMARY KEY,
    entry_id        INTEGER NOT NULL UNIQUE REFERENCES hour_entries(id) ON DELETE CASCADE,
    outcome         TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'corrected')),
    minutes_before  INTEGER NOT NULL,
    minutes_after   INTEGER NOT NULL,
    staff_email     TEXT NOT NULL,
    settled_at      TEXT NOT NULL
);

-- A friendly nudge staff sent to a quiet newcomer; at most one a week per person.
CREATE TABLE nudges (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    network_id   INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    staff_email  TEXT NOT NULL,
    sent_at      TEXT NOT NULL
);
CREATE INDEX nudges_person ON nudges(person_id, sent_at);
CREATE INDEX nudges_network ON nudges(network_id, sent_at);

-- A newcomer who asked for a buddy (onboarding or /profile); staff see them in /matches.
ALTER TABLE people ADD COLUMN wants_buddy INTEGER NOT NULL DEFAULT 0;
