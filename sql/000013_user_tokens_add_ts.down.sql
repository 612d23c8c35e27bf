-- 000013 down: intentionally does nothing.
--
-- user_tokens.created belongs to version 3 (the reference's version 12 has
-- it), so going back below 13 keeps it: the schema at 12 stays the
-- reference's. 000003 down drops it with the table.

DO $noop$ BEGIN NULL; END $noop$;
