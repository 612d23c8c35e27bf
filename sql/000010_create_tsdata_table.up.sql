-- 000010 up: time series samples.
--
-- Creates:
--   table tsdata  (ts_uuid, value, ts, created_by), UNIQUE (ts_uuid, ts),
--                 PARTITION BY HASH (ts_uuid)
--   index tsdata_created_by_idx
--   partitions tsdata_0 .. tsdata_255  (MODULUS 256, REMAINDER n)
-- All samples of one time series land in the same partition, so a range
-- query for one series touches a single partition.

CREATE TABLE tsdata (
    ts_uuid     uuid             NOT NULL REFERENCES timeseries (uuid),
    value       double precision NOT NULL,
    ts          timestamptz      NOT NULL,
    created_by  uuid             REFERENCES users (uuid) ON DELETE SET NULL,
    UNIQUE (ts_uuid, ts)
) PARTITION BY HASH (ts_uuid);

CREATE INDEX tsdata_created_by_idx ON tsdata (created_by);

DO $do$
BEGIN
    FOR n IN 0..255 LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF tsdata '
            'FOR VALUES WITH (MODULUS 256, REMAINDER %s)',
            'tsdata_' || n, n);
    END LOOP;
END
$do$;
