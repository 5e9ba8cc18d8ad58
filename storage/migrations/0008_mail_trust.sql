-- Mail nobody can forge: what we sent (to trust only bounces of our own mail), invitations to
-- start by mail (a token sent to an unknown address), and how often we answered an address.

-- Every mail we sent: its random Message-ID, the random tag of its VERP return address and
-- the address it went to. A bounce counts only when it names one of these (RFC 3464).
CREATE TABLE mail_sent (
    message_id  TEXT PRIMARY KEY,
    bounce_tag  TEXT NOT NULL UNIQUE,
    address     TEXT NOT NULL COLLATE NOCASE,
    sent_at     TEXT NOT NULL
);
CREATE INDEX mail_sent_at ON mail_sent(sent_at);

-- A token mailed to an address nobody uses yet: only an answer carrying it makes a person.
CREATE TABLE mail_start_tokens (
    token_hash  TEXT PRIMARY KEY,
    address     TEXT NOT NULL COLLATE NOCASE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

-- Answers per address, day and kind, to answer sparingly and break loops with auto-responders.
CREATE TABLE mail_answers (
    address  TEXT NOT NULL COLLATE NOCASE,
    day      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    count    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (address, day, kind)
);

-- Guesses of proof codes, per who asked ('email:addr' or 'telegram:id') and day.
CREATE TABLE proof_guesses (
    asker   TEXT NOT NULL,
    day     TEXT NOT NULL,
    count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (asker, day)
);

-- Retention: when we warned a person that their data will be deleted for lack of use.
CREATE TABLE retention_warnings (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    warned_30   TEXT,
    warned_7    TEXT
);

-- What remains of an issued proof after its person is gone: enough to check the code, no name.
CREATE TABLE proof_records (
    code               TEXT PRIMARY KEY,
    network_id         INTEGER,
    confirmed_minutes  INTEGER NOT NULL,
    by_kind            TEXT NOT NULL DEFAULT '{}',
    issued_at          TEXT NOT NULL
);

-- "Whoever was there can confirm": a one-time code for one self-declared entry, given as a
-- Telegram link and QR code, or mailed to the address the newcomer typed. Only its hash.
CREATE TABLE contact_links (
    code_hash   TEXT PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES hour_entries(id) ON DELETE CASCADE,
    address     TEXT COLLATE NOCASE,  -- the mail address it was sent to; NULL for a link
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX contact_links_entry ON contact_links(entry_id);

-- The controller of a network's data (GDPR Art. 13), when the networks file names one;
-- otherwise the settings CONTROLLER_NAME and CONTROLLER_CONTACT apply.
ALTER TABLE networks ADD COLUMN controller_name TEXT;
ALTER TABLE networks ADD COLUMN controller_contact TEXT;
