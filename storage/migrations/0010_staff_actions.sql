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

-- A buddy match staff proposed: both people are invited and are paired once both accept,
-- through the single-use invite code (`pair_invites`) that pairs them.
CREATE TABLE buddy_proposals (
    id            INTEGER PRIMARY KEY,
    network_id    INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    newcomer_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    buddy_id      INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    invite_code   TEXT NOT NULL REFERENCES pair_invites(code) ON DELETE CASCADE,
    staff_email   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    newcomer_ok_at TEXT,
    buddy_ok_at   TEXT,
    declined_at   TEXT
);
CREATE INDEX buddy_proposals_newcomer ON buddy_proposals(newcomer_id);
