-- The Telegram command menu last set for this chat ("locale:role"), so a restart does not set
-- every chat's menu again (one Bot API call per chat, and Telegram limits those).
ALTER TABLE identities ADD COLUMN menu TEXT;
