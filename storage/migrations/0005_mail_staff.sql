-- Staff accounts, the e-mail channel's bookkeeping, and the weekly digests already sent.

-- A network employee. `person_id` links the account to the person who talks to the bot in
-- Telegram (set when a Telegram id is given); forgetting that person removes the account.
CREATE TABLE staff (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    network_id   INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    person_id    INTEGER UNIQUE REFERENCES people(id) ON DELETE CASCADE,
    telegram_id  TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX staff_network ON staff(network_id);

-- Single-purpose reply tokens, e.g. "confirm these hours" in a mail to a provider's contact.
-- Only a hash of the token is kept; the token itself is only in the mail.
CREATE TABLE reply_tokens (
    token_hash   TEXT PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL,
    subject_id   INTEGER NOT NULL,
    address      TEXT NOT NULL COLLATE NOCASE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX reply_tokens_person ON reply_tokens(person_id);
CREATE INDEX reply_tokens_expiry ON reply_tokens(expires_at);

-- Every incoming Message-ID handled once (replies, noise and bounces alike).
CREATE TABLE mail_processed (
    message_id    TEXT PRIMARY KEY,
    outcome       TEXT NOT NULL,
    processed_at  TEXT NOT NULL
);
CREATE INDEX mail_processed_at ON mail_processed(processed_at);

-- Addresses that bounced for good. `person_id` when the address is a person's identity.
CREATE TABLE mail_failing (
    address     TEXT PRIMARY KEY COLLATE NOCASE,
    person_id   INTEGER REFERENCES people(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    bounces     INTEGER NOT NULL DEFAULT 1,
    first_at    TEXT NOT NULL,
    last_at     TEXT NOT NULL
);

-- The numbered choices of each mail we sent a person: answering "2" presses the second
-- button of the mail answered (In-Reply-To), or of the latest one.
CREATE TABLE mail_choices (
    message_id  TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    choices     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX mail_choices_person ON mail_choices(person_id, created_at);

-- One weekly digest per network and ISO week (e.g. '2026-W48').
CREATE TABLE digests_sent (
    network_id  INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    week        TEXT NOT NULL,
    recipients  INTEGER NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (network_id, week)
);

-- For the weekly digest: every newcomer's hours, kept up to date by triggers, so the digest
-- reads one row per person instead of adding up every entry. `by_kind` holds the confirmed
-- minutes per kind as JSON, e.g. {"sport": 120}. `last_entry_at` is the newest entry's time.
CREATE TABLE hour_totals (
    person_id      INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    confirmed      INTEGER NOT NULL DEFAULT 0,
    pending        INTEGER NOT NULL DEFAULT 0,
    disputed       INTEGER NOT NULL DEFAULT 0,
    self_declared  INTEGER NOT NULL DEFAULT 0,
    by_kind        TEXT NOT NULL DEFAULT '{}',
    last_entry_at  TEXT
);

-- Minutes per network, day (when the hours were done) and status, for the digest's chart.
-- Anonymous: the network is the person's when the entry was logged. Hours of a person who was
-- forgotten stay in these sums, like `forgotten_counts`.
CREATE TABLE network_day_hours (
    network_id  INTEGER NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    status      TEXT NOT NULL,
    minutes     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (network_id, day, status)
) WITHOUT ROWID;

CREATE TRIGGER hour_totals_added AFTER INSERT ON hour_entries
BEGIN
    INSERT INTO hour_totals (person_id) VALUES (NEW.person_id) ON CONFLICT (person_id) DO NOTHING;
    UPDATE hour_totals SET
        confirmed = confirmed + (NEW.status = 'confirmed') * NEW.minutes,
        pending = pending + (NEW.status = 'pending') * NEW.minutes,
        disputed = disputed + (NEW.status = 'disputed') * NEW.minutes,
        self_declared = self_declared + (NEW.status = 'self_declared') * NEW.minutes,
        by_kind = CASE WHEN NEW.status = 'confirmed' THEN json_set(by_kind,
            '$."' || replace(NEW.kind, '"', '') || '"',
            COALESCE(json_extract(by_kind, '$."' || replace(NEW.kind, '"', '') || '"'), 0)
            + NEW.minutes) ELSE by_kind END,
        last_entry_at = MAX(COALESCE(last_entry_at, ''), NEW.created_at)
    WHERE person_id = NEW.person_id;
    INSERT INTO network_day_hours (network_id, day, status, minutes)
    SELECT network_id, NEW.day, NEW.status, NEW.minutes FROM people
    WHERE id = NEW.person_id AND network_id IS NOT NULL
    ON CONFLICT (network_id, day, status) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER hour_totals_removed AFTER DELETE ON hour_entries
BEGIN
    UPDATE hour_totals SET
        confirmed = confirmed - (OLD.status = 'confirmed') * OLD.minutes,
        pending = pending - (OLD.status = 'pending') * OLD.minutes,
        disputed = disputed - (OLD.status = 'disputed') * OLD.minutes,
        self_declared = self_declared - (OLD.status = 'self_declared') * OLD.minutes,
        by_kind = CASE WHEN OLD.status = 'confirmed' THEN json_set(by_kind,
            '$."' || replace(OLD.kind, '"', '') || '"',
            COALESCE(json_extract(by_kind, '$."' || replace(OLD.kind, '"', '') || '"'), 0)
            - OLD.minutes) ELSE by_kind END
    WHERE person_id = OLD.person_id;
    UPDATE network_day_hours SET minutes = minutes - OLD.minutes
    WHERE network_id = (SELECT network_id FROM people WHERE id = OLD.person_id)
      AND day = OLD.day AND status = OLD.status;
END;

CREATE TRIGGER hour_totals_changed AFTER UPDATE OF person_id, status, kind, minutes, day
ON hour_entries
BEGIN
    UPDATE hour_totals SET
        confirmed = confirmed - (OLD.status = 'confirmed') * OLD.minutes,
        pending = pending - (OLD.status = 'pending') * OLD.minutes,
        disputed = disputed - (OLD.status = 'disputed') * OLD.minutes,
        self_declared = self_declared - (OLD.status = 'self_declared') * OLD.minutes,
        by_kind = CASE WHEN OLD.status = 'confirmed' THEN json_set(by_kind,
            '$."' || replace(OLD.kind, '"', '') || '"',
            COALESCE(json_extract(by_kind, '$."' || replace(OLD.kind, '"', '') || '"'), 0)
            - OLD.minutes) ELSE by_kind END
    WHERE person_id = OLD.person_id;
    UPDATE network_day_hours SET minutes = minutes - OLD.minutes
    WHERE network_id = (SELECT network_id FROM people WHERE id = OLD.person_id)
      AND day = OLD.day AND status = OLD.status;
    INSERT INTO hour_totals (person_id) VALUES (NEW.person_id) ON CONFLICT (person_id) DO NOTHING;
    UPDATE hour_totals SET
        confirmed = confirmed + (NEW.status = 'confirmed') * NEW.minutes,
        pending = pending + (NEW.status = 'pending') * NEW.minutes,
        disputed = disputed + (NEW.status = 'disputed') * NEW.minutes,
        self_declared = self_declared + (NEW.status = 'self_declared') * NEW.minutes,
        by_kind = CASE WHEN NEW.status = 'confirmed' THEN json_set(by_kind,
            '$."' || replace(NEW.kind, '"', '') || '"',
            COALESCE(json_extract(by_kind, '$."' || replace(NEW.kind, '"', '') || '"'), 0)
            + NEW.minutes) ELSE by_kind END,
        last_entry_at = MAX(COALESCE(last_entry_at, ''), NEW.created_at)
    WHERE person_id = NEW.person_id;
    INSERT INTO network_day_hours (network_id, day, status, minutes)
    SELECT network_id, NEW.day, NEW.status, NEW.minutes FROM people
    WHERE id = NEW.person_id AND network_id IS NOT NULL
    ON CONFLICT (network_id, day, status) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

-- Entries logged before this migration.
INSERT INTO hour_totals (person_id, confirmed, pending, disputed, self_declared, last_entry_at)
SELECT person_id,
       SUM((status = 'confirmed') * minutes), SUM((status = 'pending') * minutes),
       SUM((status = 'disputed') * minutes), SUM((status = 'self_declared') * minutes),
       MAX(created_at)
FROM hour_entries GROUP BY person_id;
UPDATE hour_totals SET by_kind = COALESCE((
    SELECT json_group_object(kind, minutes) FROM (
        SELECT kind, SUM(minutes) AS minutes FROM hour_entries
        WHERE person_id = hour_totals.person_id AND status = 'confirmed' GROUP BY kind)), '{}');
INSERT INTO network_day_hours (network_id, day, status, minutes)
SELECT p.network_id, e.day, e.status, SUM(e.minutes)
FROM hour_entries e JOIN people p ON p.id = e.person_id
WHERE p.network_id IS NOT NULL GROUP BY p.network_id, e.day, e.status;

-- Covering indexes for the digest's week ranges: hours by when they were logged (this week,
-- waiting), by when they were confirmed (target reached), and buddy meetings by pair and day.
CREATE INDEX hour_entries_digest_logged
    ON hour_entries(status, created_at, person_id, minutes);
CREATE INDEX hour_entries_digest_confirmed
    ON hour_entries(confirmed_at, status, person_id, minutes) WHERE confirmed_at IS NOT NULL;
CREATE INDEX hour_entries_digest_pair
    ON hour_entries(pair_id, day, status, minutes) WHERE pair_id IS NOT NULL;
