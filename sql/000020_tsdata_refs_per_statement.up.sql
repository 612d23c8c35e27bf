-- 000020 up: tsdata's two references (its series, its creator) checked once
-- per statement instead of once per row (selfhost only).
--
-- A foreign key checks every inserted row on its own: for a 1,000-point
-- write that is 2,000 probes of timeseries and users, more than half of the
-- statement's time, although all points name one series and one user.
-- Here the same rules are kept by triggers:
--   tsdata INSERT/UPDATE (per statement, transition table): every distinct
--       series and creator named must exist; they are locked FOR KEY SHARE
--       as the foreign keys lock them, so that a concurrent delete of the
--       series or the user waits for the write, then sees its points
--   timeseries DELETE, UPDATE of uuid (per row): refused while points name
--       it (the foreign key had no ON DELETE action: NO ACTION)
--   users DELETE (per row): the points it created keep no creator (was ON
--       DELETE SET NULL); UPDATE of uuid refused while points name it
-- The errors are the ones the foreign keys raised: SQLSTATE 23503 with the
-- same constraint names, so callers that look at them see no change.
--
-- Drops: constraints tsdata_ts_uuid_fkey, tsdata_created_by_fkey (the index
--        tsdata_created_by_idx stays: the user delete uses it)
-- Creates: functions selfhost_tsdata_refs_check(), selfhost_timeseries_refs_keep(),
--          selfhost_users_refs_keep(); triggers tsdata_refs_ins, tsdata_refs_upd,
--          timeseries_tsdata_refs, users_tsdata_refs
ALTER TABLE tsdata DROP CONSTRAINT tsdata_ts_uuid_fkey;
ALTER TABLE tsdata DROP CONSTRAINT tsdata_created_by_fkey;

CREATE FUNCTION selfhost_tsdata_refs_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    series uuid[];
    creators uuid[];
    got bigint;
    missing uuid;
BEGIN
    -- one pass over the rows: the distinct series and creators
    SELECT array_agg(DISTINCT ts_uuid), coalesce(array_agg(DISTINCT created_by)
                                                 FILTER (WHERE created_by IS NOT NULL), '{}')
      INTO series, creators FROM new_rows;
    IF series IS NULL THEN
        RETURN NULL; /* no rows */
    END IF;
    PERFORM 1 FROM timeseries t WHERE t.uuid = ANY (series) ORDER BY t.uuid FOR KEY SHARE OF t;
    GET DIAGNOSTICS got = ROW_COUNT;
    IF got < cardinality(series) THEN
        SELECT s INTO missing FROM unnest(series) AS s
         WHERE NOT EXISTS (SELECT 1 FROM timeseries t WHERE t.uuid = s) LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "tsdata" violates foreign key constraint "tsdata_ts_uuid_fkey"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'tsdata_ts_uuid_fkey',
                  TABLE = 'tsdata', DETAIL = format('Key (ts_uuid)=(%s) is not present in table "timeseries".', missing);
    END IF;
    IF cardinality(creators) > 0 THEN
        PERFORM 1 FROM users u WHERE u.uuid = ANY (creators) ORDER BY u.uuid FOR KEY SHARE OF u;
        GET DIAGNOSTICS got = ROW_COUNT;
        IF got < cardinality(creators) THEN
            SELECT c INTO missing FROM unnest(creators) AS c
             WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.uuid = c) LIMIT 1;
            RAISE EXCEPTION 'insert or update on table "tsdata" violates foreign key constraint "tsdata_created_by_fkey"'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'tsdata_created_by_fkey',
                      TABLE = 'tsdata', DETAIL = format('Key (created_by)=(%s) is not present in table "users".', missing);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION selfhost_timeseries_refs_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.uuid = OLD.uuid THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM tsdata d WHERE d.ts_uuid = OLD.uuid) THEN
        RAISE EXCEPTION 'update or delete on table "timeseries" violates foreign key constraint "tsdata_ts_uuid_fkey" on table "tsdata"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'tsdata_ts_uuid_fkey',
                  TABLE = 'tsdata', DETAIL = format('Key (uuid)=(%s) is still referenced from table "tsdata".', OLD.uuid);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION selfhost_users_refs_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE tsdata SET created_by = NULL WHERE created_by = OLD.uuid;
    ELSIF NEW.uuid <> OLD.uuid AND EXISTS (SELECT 1 FROM tsdata d WHERE d.created_by = OLD.uuid) THEN
        RAISE EXCEPTION 'update or delete on table "users" violates foreign key constraint "tsdata_created_by_fkey" on table "tsdata"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'tsdata_created_by_fkey',
                  TABLE = 'tsdata', DETAIL = format('Key (uuid)=(%s) is still referenced from table "tsdata".', OLD.uuid);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tsdata_refs_ins AFTER INSERT ON tsdata
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION selfhost_tsdata_refs_check();
CREATE TRIGGER tsdata_refs_upd AFTER UPDATE ON tsdata
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION selfhost_tsdata_refs_check();
CREATE TRIGGER timeseries_tsdata_refs AFTER DELETE OR UPDATE OF uuid ON timeseries
    FOR EACH ROW EXECUTE FUNCTION selfhost_timeseries_refs_keep();
CREATE TRIGGER users_tsdata_refs AFTER DELETE OR UPDATE OF uuid ON users
    FOR EACH ROW EXECUTE FUNCTION selfhost_users_refs_keep();
