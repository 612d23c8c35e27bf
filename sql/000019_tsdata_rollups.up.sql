-- 000019 up: rollups of time-series data, so that aggregated reads cost
-- what their buckets cost, not what their points cost (selfhost only; a
-- database without them is read by scanning points, as before).
--
-- tsdata_rollups holds, per series, width and bucket, the count, sum, min
-- and max of the points in [bucket, bucket + width). Widths (seconds):
--   300    5 minutes: every zone offset of the tz database since standard
--          time (multiples of 15 min) and every minuteN precision
--   3600   an hour: zones whose offsets and changes are whole hours
--   86400  a UTC day: day and longer buckets in UTC
-- Buckets are cut in UTC from 2000-01-01 00:00 UTC (date_bin). selfserv
-- picks the widest width that serves the query's bucket boundaries over
-- its window and reads raw points for the window's ragged edges and for
-- anything no width serves (LMT offsets before standard time, odd zones).
--
-- Kept in the same transaction as every write, by statement-level
-- triggers on tsdata with transition tables, so writes by anyone (selfserv,
-- the reference's server, SQL) keep them exact:
--   INSERT    adds each bucket's count/sum/min/max (upsert, buckets in key
--             order, so concurrent writers lock them in one order)
--   DELETE,   lock the buckets touched (key order), then recompute them
--   UPDATE    from the points (a fresh snapshot: what concurrent writers
--             committed meanwhile is counted, what they have not yet
--             committed they add themselves after); empty buckets go
--   TRUNCATE  empties the rollups
-- Existing data is backfilled here, after the triggers exist: CREATE
-- TRIGGER holds a lock that keeps writers out until this commits.
--
-- Creates:
--   table tsdata_rollups (ts_uuid, width, bucket, n, sum, min, max)
--   functions selfhost_tsdata_rollup_refresh(uuid, int4[], timestamptz[]),
--             selfhost_tsdata_rollup_ins(), _del(), _upd(), _trunc()
--   triggers tsdata_rollup_ins, _del, _upd, _trunc on tsdata
CREATE TABLE tsdata_rollups (
    ts_uuid uuid             NOT NULL,
    width   int4             NOT NULL CHECK (width IN (300, 3600, 86400)),
    bucket  timestamptz      NOT NULL,
    n       bigint           NOT NULL,
    sum     double precision NOT NULL,
    min     double precision NOT NULL,
    max     double precision NOT NULL,
    PRIMARY KEY (ts_uuid, width, bucket)
);

-- Recomputes the given buckets of series uid from its points: lock the
-- existing rows in key order first, then (a new statement, a new snapshot)
-- count again. One series at a time, so that the probes of tsdata are
-- pruned to its partition when planned.
CREATE FUNCTION selfhost_tsdata_rollup_refresh(uid uuid, widths int4[], buckets timestamptz[])
RETURNS void LANGUAGE plpgsql VOLATILE
-- a generic plan prices the probes as if all 256 partitions were read
-- (they are pruned when run) and would JIT-compile them for seconds
SET jit = off
AS $$
BEGIN
    PERFORM 1 FROM tsdata_rollups r
      JOIN unnest(widths, buckets) AS a(w, b) ON r.width = a.w AND r.bucket = a.b
     WHERE r.ts_uuid = uid
     ORDER BY r.width, r.bucket
       FOR UPDATE OF r;
    DELETE FROM tsdata_rollups r
     USING unnest(widths, buckets) AS a(w, b)
     WHERE r.ts_uuid = uid AND r.width = a.w AND r.bucket = a.b
       AND NOT EXISTS (SELECT 1 FROM tsdata t WHERE t.ts_uuid = uid AND t.ts >= a.b
                          AND t.ts < a.b + make_interval(secs => a.w));
    INSERT INTO tsdata_rollups AS r (ts_uuid, width, bucket, n, sum, min, max)
    SELECT uid, a.w, a.b, s.n, s.sum, s.min, s.max
      FROM unnest(widths, buckets) AS a(w, b)
     CROSS JOIN LATERAL (SELECT count(*) AS n, sum(t.value) AS sum, min(t.value) AS min,
                                max(t.value) AS max
                           FROM tsdata t WHERE t.ts_uuid = uid AND t.ts >= a.b
                            AND t.ts < a.b + make_interval(secs => a.w)) s
     WHERE s.n > 0
     ORDER BY a.w, a.b
    ON CONFLICT (ts_uuid, width, bucket) DO UPDATE
       SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max;
END
$$;

-- The buckets (every width) of the points in transition table rows, per
-- series in uuid order, refreshed.
CREATE FUNCTION selfhost_tsdata_rollup_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tsdata_rollups AS r (ts_uuid, width, bucket, n, sum, min, max)
    SELECT p.ts_uuid, w.w,
           date_bin(make_interval(secs => w.w), p.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           count(*), sum(p.value), min(p.value), max(p.value)
      FROM new_rows p CROSS JOIN (VALUES (300), (3600), (86400)) AS w(w)
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
    ON CONFLICT (ts_uuid, width, bucket) DO UPDATE
       SET n = r.n + EXCLUDED.n, sum = r.sum + EXCLUDED.sum,
           min = least(r.min, EXCLUDED.min), max = greatest(r.max, EXCLUDED.max);
    RETURN NULL;
END
$$;

CREATE FUNCTION selfhost_tsdata_rollup_del() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s record;
BEGIN
    FOR s IN SELECT x.u, array_agg(x.w ORDER BY x.w, x.b) AS w, array_agg(x.b ORDER BY x.w, x.b) AS b
               FROM (SELECT DISTINCT o.ts_uuid AS u, v.w AS w,
                            date_bin(make_interval(secs => v.w), o.ts,
                                     TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b
                       FROM old_rows o CROSS JOIN (VALUES (300), (3600), (86400)) AS v(w)) x
              GROUP BY x.u ORDER BY x.u
    LOOP
        PERFORM selfhost_tsdata_rollup_refresh(s.u, s.w, s.b);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE FUNCTION selfhost_tsdata_rollup_upd() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s record;
BEGIN
    FOR s IN SELECT x.u, array_agg(x.w ORDER BY x.w, x.b) AS w, array_agg(x.b ORDER BY x.w, x.b) AS b
               FROM (SELECT DISTINCT o.ts_uuid AS u, v.w AS w,
                            date_bin(make_interval(secs => v.w), o.ts,
                                     TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b
                       FROM (SELECT ts_uuid, ts FROM old_rows
                             UNION ALL SELECT ts_uuid, ts FROM new_rows) o
                      CROSS JOIN (VALUES (300), (3600), (86400)) AS v(w)) x
              GROUP BY x.u ORDER BY x.u
    LOOP
        PERFORM selfhost_tsdata_rollup_refresh(s.u, s.w, s.b);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE FUNCTION selfhost_tsdata_rollup_trunc() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE tsdata_rollups;
    RETURN NULL;
END
$$;

CREATE TRIGGER tsdata_rollup_ins AFTER INSERT ON tsdata
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION selfhost_tsdata_rollup_ins();
CREATE TRIGGER tsdata_rollup_del AFTER DELETE ON tsdata
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION selfhost_tsdata_rollup_del();
CREATE TRIGGER tsdata_rollup_upd AFTER UPDATE ON tsdata
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_tsdata_rollup_upd();
CREATE TRIGGER tsdata_rollup_trunc AFTER TRUNCATE ON tsdata
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_tsdata_rollup_trunc();

INSERT INTO tsdata_rollups (ts_uuid, width, bucket, n, sum, min, max)
SELECT p.ts_uuid, w.w,
       date_bin(make_interval(secs => w.w), p.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
       count(*), sum(p.value), min(p.value), max(p.value)
  FROM tsdata p CROSS JOIN (VALUES (300), (3600), (86400)) AS w(w)
 GROUP BY 1, 2, 3;
