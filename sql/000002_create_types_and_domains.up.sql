-- 000002 up: shared enum types and small helper functions.
--
-- Creates:
--   type thing_state    enum: active, inactive, passive, archived
--   type account_state  enum: active, inactive, archived
--   function array_distinct(anyarray) -> anyarray
--   function generate_token(integer) -> text

CREATE TYPE thing_state AS ENUM ('active', 'inactive', 'passive', 'archived');

CREATE TYPE account_state AS ENUM ('active', 'inactive', 'archived');

-- De-duplicated (and therefore sorted) copy of an array; NULL for an empty
-- array.
CREATE FUNCTION array_distinct(anyarray)
    RETURNS anyarray
    LANGUAGE sql
    IMMUTABLE
AS $fn$
    SELECT array_agg(DISTINCT elem)
      FROM unnest($1) AS u(elem);
$fn$;

-- A string of $1 characters drawn at random from [a-zA-Z0-9].
-- NOTE: declared IMMUTABLE to stay identical to the original schema, even
-- though it calls random(); do not rely on it inside indexes or in
-- expressions the planner may constant-fold.
CREATE FUNCTION generate_token(integer)
    RETURNS text
    LANGUAGE sql
    IMMUTABLE
AS $fn$
    SELECT string_agg(
               substr('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
                      ceil(random() * 62)::integer, 1),
               '')
      FROM generate_series(1, $1);
$fn$;
