-- Voice notes: who records which language, what they recorded, and who wants voice notes.

-- An interpreter who records the fixed messages of one language. `network_id` is the network
-- of the staff member who added them (NULL when added from the command line).
CREATE TABLE voice_recorders (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    locale      TEXT NOT NULL,
    network_id  INTEGER REFERENCES networks(id) ON DELETE SET NULL,
    added_at    TEXT NOT NULL
);

-- One recording per language and message. `text_hash` is the hash of the translation that was
-- read aloud: when the translation changes, the recording is stale and is no longer played.
-- The recording is the recorder's voice: forgetting the recorder deletes it.
CREATE TABLE voice_recordings (
    id           INTEGER PRIMARY KEY,
    locale       TEXT NOT NULL,
    message_key  TEXT NOT NULL,
    text_hash    TEXT NOT NULL,
    text         TEXT NOT NULL,
    audio        BLOB NOT NULL,
    seconds      INTEGER NOT NULL,
    recorder_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    recorded_at  TEXT NOT NULL,
    UNIQUE (locale, message_key)
);
CREATE INDEX voice_recordings_recorder ON voice_recordings(recorder_id);

-- People who chose in /profile to get a voice note with the messages that have one.
CREATE TABLE voice_preferences (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    auto_voice  INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
