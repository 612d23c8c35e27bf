-- 000011 up: intentionally creates nothing.
--
-- This version number is kept so the numbering (and the version recorded in
-- schema_migrations) matches the original project, where this step was a
-- permissions design that was never enabled.  The statement below only
-- makes the file a non-empty command for the migration runner.

DO $noop$ BEGIN NULL; END $noop$;
