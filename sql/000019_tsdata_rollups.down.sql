-- 000019 down
DROP TRIGGER IF EXISTS tsdata_rollup_trunc ON tsdata;
DROP TRIGGER IF EXISTS tsdata_rollup_upd ON tsdata;
DROP TRIGGER IF EXISTS tsdata_rollup_del ON tsdata;
DROP TRIGGER IF EXISTS tsdata_rollup_ins ON tsdata;
DROP FUNCTION IF EXISTS selfhost_tsdata_rollup_trunc();
DROP FUNCTION IF EXISTS selfhost_tsdata_rollup_upd();
DROP FUNCTION IF EXISTS selfhost_tsdata_rollup_del();
DROP FUNCTION IF EXISTS selfhost_tsdata_rollup_ins();
DROP FUNCTION IF EXISTS selfhost_tsdata_rollup_refresh(uuid, int4[], timestamptz[]);
DROP TABLE IF EXISTS tsdata_rollups;
