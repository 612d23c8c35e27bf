-- 000012 down: drops program_code_revisions and programs.

DROP TABLE IF EXISTS program_code_revisions;
DROP TABLE IF EXISTS programs;
