-- 000002 down: drops the helper functions and enum types made by the up step.

DROP FUNCTION IF EXISTS generate_token(integer);
DROP FUNCTION IF EXISTS array_distinct(anyarray);

DROP TYPE IF EXISTS account_state;
DROP TYPE IF EXISTS thing_state;
