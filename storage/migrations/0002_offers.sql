-- The offer catalog (imported from CSV or UiTdatabank), enrolments, declined offers, and
-- anonymous unmet demand. Dates are 'YYYY-MM-DD' (local), times ISO-8601 UTC strings.

-- An organisation offering places. `person_id` is its contact as a Meedoen person (role
-- 'provider') who is told about enrolments and confirms hours.
CREATE TABLE providers (
    id          INTEGER PRIMARY KEY,
    match_key   TEXT NOT NULL UNIQUE,           -- lower-case e-mail, else 'name:' + folded name
    name        TEXT NOT NULL,
    email       TEXT,
    phone       TEXT,
    telegram    TEXT,                           -- a handle as given by the source, e.g. @club
    person_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX providers_person ON providers(person_id);

-- Single-use deep-link codes that let a provider's contact link Telegram (/start prov-CODE).
CREATE TABLE provider_links (
    code         TEXT PRIMARY KEY,
    provider_id  INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);

CREATE TABLE offers (
    id                INTEGER PRIMARY KEY,
    source            TEXT NOT NULL,
    external_id       TEXT NOT NULL,
    network_id        INTEGER REFERENCES networks(id) ON DELETE SET NULL,
    provider_id       INTEGER REFERENCES providers(id) ON DELETE SET NULL,
    title_nl          TEXT NOT NULL,
    description_nl    TEXT NOT NULL DEFAULT '',
    translations      TEXT NOT NULL DEFAULT '{}',   -- {"fr": {"title": …, "description": …}}
    kind              TEXT NOT NULL CHECK (kind IN (
                          'buddy', 'volunteering', 'placement', 'language', 'sport', 'culture',
                          'youth', 'nature', 'care', 'neighbourhood', 'cooking', 'crafts',
                          'library', 'music', 'other')),
    interests         TEXT NOT NULL DEFAULT '[]',
    interest_bits     INTEGER NOT NULL DEFAULT 0,   -- interests as a bit set, for ranking
    address           TEXT,
    postcode          TEXT,
    municipality      TEXT,
    latitude          REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude         REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    -- 0.1° slices of longitude (about 7 km here), kept by triggers: with the latitude, a
    -- 2-D box in the index. (An index on a generated column cannot cover a query.)
    lon_cell          INTEGER NOT NULL DEFAULT 0,
    schedule          TEXT NOT NULL DEFAULT '{}',   -- {"weekly": […], "dates": […]}, local times
    slot_bits         INTEGER NOT NULL DEFAULT 0,   -- weekday / evening / weekend, derived
    last_day          TEXT,                         -- last dated session or active_until
    dutch_level       INTEGER NOT NULL CHECK (dutch_level BETWEEN 1 AND 4),
    children_welcome  INTEGER NOT NULL DEFAULT 0 CHECK (children_welcome IN (0, 1)),
    cost              TEXT NOT NULL DEFAULT 'unknown' CHECK (cost IN ('free', 'paid', 'unknown')),
    uitpas            INTEGER NOT NULL DEFAULT 0 CHECK (uitpas IN (0, 1)),
    capacity          INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    enrolled          INTEGER NOT NULL DEFAULT 0,   -- active enrolments, kept by triggers
    url               TEXT,
    active_from       TEXT,
    active_until      TEXT,
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    deactivated_by    TEXT CHECK (deactivated_by IN ('import', 'staff')),
    content_hash      TEXT NOT NULL,
    imported_at       TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (source, external_id)
);
-- Suggestions read active offers in a box from this index alone: one seek per longitude
-- slice, then a latitude range (covering: no table reads).
CREATE INDEX offers_where ON offers(
    active, lon_cell, latitude, longitude, dutch_level, last_day, kind, interest_bits,
    slot_bits, children_welcome, cost, uitpas, capacity, enrolled);
CREATE INDEX offers_source ON offers(source, network_id);
CREATE TRIGGER offers_cell_added AFTER INSERT ON offers
WHEN NEW.lon_cell != CAST((NEW.longitude + 180.0) * 10 AS INTEGER)
BEGIN
    UPDATE offers SET lon_cell = CAST((NEW.longitude + 180.0) * 10 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER offers_cell_moved AFTER UPDATE OF longitude, lon_cell ON offers
WHEN NEW.lon_cell != CAST((NEW.longitude + 180.0) * 10 AS INTEGER)
BEGIN
    UPDATE offers SET lon_cell = CAST((NEW.longitude + 180.0) * 10 AS INTEGER) WHERE id = NEW.id;
END;
CREATE INDEX offers_provider ON offers(provider_id);

CREATE TABLE enrolments (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    offer_id      INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    created_at    TEXT NOT NULL,
    cancelled_at  TEXT,
    UNIQUE (person_id, offer_id)
);
CREATE INDEX enrolments_offer ON enrolments(offer_id, status);

-- offers.enrolled follows the active enrolments, whoever writes them (also /forget cascades).
CREATE TRIGGER enrolments_added AFTER INSERT ON enrolments WHEN NEW.status = 'active'
BEGIN
    UPDATE offers SET enrolled = enrolled + 1 WHERE id = NEW.offer_id;
END;
CREATE TRIGGER enrolments_changed AFTER UPDATE OF status, offer_id ON enrolments
BEGIN
    UPDATE offers SET enrolled = enrolled - 1 WHERE id = OLD.offer_id AND OLD.status = 'active';
    UPDATE offers SET enrolled = enrolled + 1 WHERE id = NEW.offer_id AND NEW.status = 'active';
END;
CREATE TRIGGER enrolments_removed AFTER DELETE ON enrolments WHEN OLD.status = 'active'
BEGIN
    UPDATE offers SET enrolled = enrolled - 1 WHERE id = OLD.offer_id;
END;

-- 👎: never suggested to this person again.
CREATE TABLE declined_offers (
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    offer_id     INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    declined_at  TEXT NOT NULL,
    PRIMARY KEY (person_id, offer_id)
) WITHOUT ROWID;

-- Interests nothing within reach matched, per day and municipality, for staff. Anonymous.
CREATE TABLE unmet_demand (
    day           TEXT NOT NULL,
    network_id    INTEGER REFERENCES networks(id) ON DELETE CASCADE,
    municipality  TEXT NOT NULL,
    interest      TEXT NOT NULL,
    count         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, municipality, interest)
);

-- The day a person's unmet demand was last counted, so one person counts once a day.
CREATE TABLE unmet_noted (
    person_id  INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    day        TEXT NOT NULL
);
