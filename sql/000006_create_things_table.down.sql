-- 000006 down: drops things (its indexes go with it).

DROP TABLE IF EXISTS things;
