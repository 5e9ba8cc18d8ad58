-- Real UiTdatabank documents: the venue's name, who to contact, accessibility, what is left,
-- and a report of every import or sync for the weekly digest.

ALTER TABLE offers ADD COLUMN venue TEXT;                 -- location.name: what people look for
ALTER TABLE offers ADD COLUMN contact_email TEXT;         -- bookingInfo, else contactPoint, else
ALTER TABLE offers ADD COLUMN contact_phone TEXT;         -- the organizer's contactPoint
ALTER TABLE offers ADD COLUMN contact_url TEXT;
ALTER TABLE offers ADD COLUMN facilities TEXT NOT NULL DEFAULT '[]';  -- accessibility labels
ALTER TABLE offers ADD COLUMN remaining_capacity INTEGER  -- bookingAvailability.remainingCapacity
    CHECK (remaining_capacity IS NULL OR remaining_capacity >= 0);
ALTER TABLE offers ADD COLUMN source_hash TEXT;           -- of the document as received

-- One row per import run (file or Search API sync); `rejected` is [[label, reason], …].
CREATE TABLE import_reports (
    id           INTEGER PRIMARY KEY,
    network_id   INTEGER REFERENCES networks(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('done', 'failed')),
    new          INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    deactivated  INTEGER NOT NULL DEFAULT 0,
    rejected     TEXT NOT NULL DEFAULT '[]',
    warnings     TEXT NOT NULL DEFAULT '[]',
    error        TEXT
);
CREATE INDEX import_reports_network ON import_reports(network_id, finished_at);
