-- 000020 down: the foreign keys again (checked against every stored point)
DROP TRIGGER IF EXISTS users_tsdata_refs ON users;
DROP TRIGGER IF EXISTS timeseries_tsdata_refs ON timeseries;
DROP TRIGGER IF EXISTS tsdata_refs_upd ON tsdata;
DROP TRIGGER IF EXISTS tsdata_refs_ins ON tsdata;
DROP FUNCTION IF EXISTS selfhost_users_refs_keep();
DROP FUNCTION IF EXISTS selfhost_timeseries_refs_keep();
DROP FUNCTION IF EXISTS selfhost_tsdata_refs_check();
ALTER TABLE tsdata ADD CONSTRAINT tsdata_ts_uuid_fkey FOREIGN KEY (ts_uuid) REFERENCES timeseries(uuid);
ALTER TABLE tsdata ADD CONSTRAINT tsdata_created_by_fkey FOREIGN KEY (created_by) REFERENCES users(uuid) ON DELETE SET NULL;
