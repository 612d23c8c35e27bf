-- 000010 down: drops tsdata; its 256 partitions (tsdata_0 .. tsdata_255)
-- and their indexes go with it.

DROP TABLE IF EXISTS tsdata;
