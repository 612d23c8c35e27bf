-- 000006 up: things (the devices/objects that own time series and datasets).
--
-- Creates:
--   table things  (uuid, name, type, state, created_by, tags)
--   indexes things_created_by_idx, things_tags_idx (GIN)

CREATE TABLE things (
    uuid        uuid        NOT NULL DEFAULT uuid_generate_v4() PRIMARY KEY,
    name        text        NOT NULL,
    type        text,
    state       thing_state DEFAULT 'inactive' NOT NULL,
    created_by  uuid        REFERENCES users (uuid) ON DELETE SET NULL,
    tags        text[]      NOT NULL DEFAULT ARRAY[]::text[]
);

CREATE INDEX things_created_by_idx ON things (created_by);

-- Serves the array operators (&&, @>, <@) on tags.  fastupdate is off so the
-- cost of index maintenance is paid on each write instead of in bursts.
CREATE INDEX things_tags_idx ON things USING gin (tags) WITH (fastupdate = false);
