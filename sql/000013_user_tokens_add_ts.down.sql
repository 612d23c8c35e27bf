-- 000013 down: removes user_tokens.created.

ALTER TABLE user_tokens DROP COLUMN IF EXISTS created;
