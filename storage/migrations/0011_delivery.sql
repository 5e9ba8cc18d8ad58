-- Delivery that survives outages: outbox leases, each message's own due time (per-chat order
-- holds while a message is retrying), updates already handled, and operator alerts sent.

-- A sender claims a message for `claimed_until`; another sender takes it only after that.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
-- When the message was first due. `not_before` moves on each retry; `due_at` does not, so a
-- chat's later messages wait behind an earlier one that is retrying.
ALTER TABLE outbox ADD COLUMN due_at TEXT;
UPDATE outbox SET due_at = not_before;
CREATE INDEX outbox_chat ON outbox(channel, address, status, due_at, id);

-- Telegram updates whose turn was committed; a re-delivered one is skipped. Pruned after days.
CREATE TABLE handled_updates (
    channel     TEXT NOT NULL,
    update_id   INTEGER NOT NULL,
    handled_at  TEXT NOT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX handled_updates_at ON handled_updates(handled_at);

-- The last alert of each kind sent to operators (at most one per kind per hour).
CREATE TABLE ops_alerts (
    kind     TEXT PRIMARY KEY,
    sent_at  TEXT NOT NULL
);
