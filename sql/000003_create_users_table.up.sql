-- 000003 up: user accounts and their API tokens, plus the root account.
--
-- Creates:
--   table users        (uuid, name, state)
--   table user_tokens  (uuid, user_uuid, name, token_hash, created)
--   index users_policy_map_idx, user_tokens_user_uuid_idx
--   seed: user "root" 00000000-0000-1000-8000-000000000000 and its token
--         "Main admin token" whose secret is the word "root".

CREATE TABLE users (
    uuid   uuid          DEFAULT uuid_generate_v4() PRIMARY KEY,
    name   text          UNIQUE NOT NULL,
    state  account_state DEFAULT 'active' NOT NULL
);

-- Lets resource look-ups of the form 'users/<uuid>' use an index.
CREATE INDEX users_policy_map_idx
    ON users ((('users/' || uuid)) text_pattern_ops);

-- Only the SHA-256 digest of a token secret is kept; the secret itself is
-- shown to the client once and never stored.
--
-- "created" is part of the table from this version on, as in the
-- reference's released 000003 (which took in its short-lived 000013 in
-- 2021): every database the reference made has it at version 12.
-- selfhost's own first releases added it only in 000013, which therefore
-- adds it where it is missing and otherwise leaves it as it is.
CREATE TABLE user_tokens (
    uuid        uuid        DEFAULT uuid_generate_v4() PRIMARY KEY,
    user_uuid   uuid        NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
    name        text        NOT NULL,
    token_hash  bytea       NOT NULL,
    created     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX user_tokens_user_uuid_idx ON user_tokens (user_uuid);

INSERT INTO users (uuid, name)
VALUES ('00000000-0000-1000-8000-000000000000', 'root');

-- Well-known bootstrap secret ("root").  Installations must replace it; the
-- selfhost quickstart and "selfctl domain add" do so.
INSERT INTO user_tokens (user_uuid, name, token_hash)
VALUES ('00000000-0000-1000-8000-000000000000',
        'Main admin token',
        sha256('root'::bytea));
