-- 000017 down
DROP TABLE IF EXISTS program_runs;
