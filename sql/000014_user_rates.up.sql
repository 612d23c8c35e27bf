-- 000014 up: per-user request rates (selfhost only).
--
-- The reference answers PUT /v2/users/{uuid}/rate with 501 and applies one
-- rate to everyone; selfhost stores a user's own rate here and applies it to
-- every token of the user. A user without a row gets the configured
-- rate_control.req_per_hour. 0 means "no limit" for that user, as 0 in the
-- configuration turns rate control off.
--
-- Creates: table user_rates (user_uuid, req_per_hour, updated).
CREATE TABLE user_rates (
    user_uuid     uuid        PRIMARY KEY REFERENCES users (uuid) ON DELETE CASCADE,
    req_per_hour  integer     NOT NULL CHECK (req_per_hour BETWEEN 0 AND 10000),
    updated       timestamptz NOT NULL DEFAULT now()
);
