-- People, how to reach them, their conversation state, networks and the outbox.
-- Times are ISO-8601 UTC strings. JSON lists live in TEXT columns.

CREATE TABLE networks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE network_postcodes (
    postcode      TEXT PRIMARY KEY,
    network_id    INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    municipality  TEXT NOT NULL
);

CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    created_at     TEXT NOT NULL,
    locale         TEXT NOT NULL,
    role           TEXT CHECK (role IN ('newcomer', 'buddy', 'provider', 'staff')),
    consent_at     TEXT,
    onboarded_at   TEXT,
    display_name   TEXT,
    postcode       TEXT,
    place          TEXT,
    latitude       REAL,
    longitude      REAL,
    network_id     INTEGER REFERENCES networks(id) ON DELETE SET NULL,
    dutch_level    INTEGER CHECK (dutch_level BETWEEN 1 AND 4),
    interests      TEXT NOT NULL DEFAULT '[]',
    availability   TEXT NOT NULL DEFAULT '[]',
    with_children  INTEGER CHECK (with_children IN (0, 1)),
    travel_km      INTEGER CHECK (travel_km BETWEEN 1 AND 200),
    languages      TEXT NOT NULL DEFAULT '[]',
    last_seen_at   TEXT
);
CREATE INDEX people_network ON people(network_id, role);

CREATE TABLE identities (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL CHECK (channel IN ('telegram', 'console', 'email')),
    address     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (channel, address)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE conversations (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    flow        TEXT,
    step        TEXT,
    data        TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL
);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    person_id        INTEGER REFERENCES people(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    address          TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    not_before       TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX outbox_due ON outbox(status, not_before);

-- What may remain after /forget: counts without anything that names a person.
CREATE TABLE forgotten_counts (
    day         TEXT NOT NULL,
    role        TEXT NOT NULL,
    network_id  INTEGER,
    count       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, role, network_id)
);
