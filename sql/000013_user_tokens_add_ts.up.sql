-- 000013 up: adds the creation time of each API token.
--
-- Creates:
--   column user_tokens.created  timestamptz NOT NULL DEFAULT now()
-- Tokens that already exist get the time this migration runs.

ALTER TABLE user_tokens
    ADD COLUMN created timestamptz NOT NULL DEFAULT now();
