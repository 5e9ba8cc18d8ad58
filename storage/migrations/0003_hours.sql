-- Buddy pairs and their invites, hour entries with their confirmation, and issued proofs.
-- Days are 'YYYY-MM-DD' (local), times ISO-8601 UTC strings, durations whole minutes.

-- A buddy and a newcomer who meet. Ending a pair keeps its hours.
CREATE TABLE buddy_pairs (
    id           INTEGER PRIMARY KEY,
    buddy_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    newcomer_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    invite_code  TEXT,
    created_at   TEXT NOT NULL,
    ended_at     TEXT,
    UNIQUE (buddy_id, newcomer_id)
);
CREATE INDEX buddy_pairs_newcomer ON buddy_pairs(newcomer_id, status);

-- Single-use deep-link codes (/start pair-CODE) a buddy or staff hands to a newcomer.
CREATE TABLE pair_invites (
    code                  TEXT PRIMARY KEY,
    buddy_id              INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_by_person_id  INTEGER REFERENCES people(id) ON DELETE CASCADE,
    created_at            TEXT NOT NULL,
    expires_at            TEXT NOT NULL,
    used_at               TEXT,
    used_by_person_id     INTEGER REFERENCES people(id) ON DELETE CASCADE
);
CREATE INDEX pair_invites_buddy ON pair_invites(buddy_id);

-- Hours of a newcomer (`person_id`). `source`: an offer, a buddy meeting, or something else
-- (self-declared). The confirmer and the person who logged may be forgotten; the hours stay
-- with the newcomer, with the confirmer's name as it was at the time.
CREATE TABLE hour_entries (
    id                   INTEGER PRIMARY KEY,
    person_id            INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    source               TEXT NOT NULL CHECK (source IN ('offer', 'buddy', 'other')),
    kind                 TEXT NOT NULL,
    offer_id             INTEGER REFERENCES offers(id) ON DELETE SET NULL,
    pair_id              INTEGER REFERENCES buddy_pairs(id) ON DELETE SET NULL,
    activity_icon        TEXT,
    activity_label       TEXT,
    provider_name        TEXT,
    day                  TEXT NOT NULL,
    minutes              INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 720),
    status               TEXT NOT NULL CHECK (status IN (
                             'pending', 'confirmed', 'disputed', 'self_declared', 'undone')),
    confirmer_person_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    confirmed_by_name    TEXT,
    confirmed_at         TEXT,
    confirmer_note       TEXT,
    logger_note          TEXT,
    logged_by_person_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX hour_entries_person_day ON hour_entries(person_id, day);
CREATE INDEX hour_entries_confirmer ON hour_entries(confirmer_person_id, status);
CREATE INDEX hour_entries_status ON hour_entries(status, created_at);
CREATE INDEX hour_entries_logged_by ON hour_entries(logged_by_person_id);
CREATE INDEX hour_entries_pair ON hour_entries(pair_id);

-- Every proof PDF issued: its code and a hash of the entries it showed, to verify it later.
CREATE TABLE proofs (
    id                     INTEGER PRIMARY KEY,
    code                   TEXT NOT NULL UNIQUE,
    person_id              INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    person_name            TEXT NOT NULL,
    confirmed_minutes      INTEGER NOT NULL,
    self_declared_minutes  INTEGER NOT NULL,
    entry_count            INTEGER NOT NULL,
    snapshot_hash          TEXT NOT NULL,
    created_at             TEXT NOT NULL
);
CREATE INDEX proofs_person ON proofs(person_id);
