-- 000007 down: drops thing_deps (its triggers go with it) and the two
-- trigger functions.

DROP TABLE IF EXISTS thing_deps;
DROP FUNCTION IF EXISTS deps_update_trigger_func();
DROP FUNCTION IF EXISTS deps_insert_trigger_func();
