-- The outbox's waiting messages in the order they are sent. A sender claims the first few that
-- are free and their chat's turn; without this index each claim checked every waiting message
-- and sorted them all (27 ms with 20,000 reminders queued, in the write lock, each time a
-- delivery finished).
CREATE INDEX outbox_queue ON outbox(COALESCE(due_at, not_before), id)
    WHERE status IN ('pending', 'sending');
