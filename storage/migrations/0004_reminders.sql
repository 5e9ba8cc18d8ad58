-- Reminder preferences and log, people we cannot reach, and the outbox's delivery progress.

-- What a person chose with /reminders. No row: every reminder on.
CREATE TABLE reminder_settings (
    person_id     INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    paused_until  TEXT,                         -- no reminders before this instant
    kinds_off     TEXT NOT NULL DEFAULT '[]',   -- e.g. ["session", "nudge"]
    stopped_at    TEXT,                         -- all reminders off until turned on again
    updated_at    TEXT NOT NULL
);

-- Every reminder queued, once per key (the outbox key of the message it queued).
CREATE TABLE reminder_log (
    key        TEXT PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    queued_at  TEXT NOT NULL
);
CREATE INDEX reminder_log_person ON reminder_log(person_id, kind, queued_at);

-- A channel address that refused our messages for good (Telegram 403: the bot was blocked).
-- The person is reachable again once they write to us after `since`.
CREATE TABLE unreachable (
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    person_id  INTEGER REFERENCES people(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    since      TEXT NOT NULL,
    PRIMARY KEY (channel, address)
);
CREATE INDEX unreachable_person ON unreachable(person_id);

-- How many of a message's parts (replies) were delivered, so a retry sends only the rest.
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
