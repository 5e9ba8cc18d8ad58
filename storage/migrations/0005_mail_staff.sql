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
