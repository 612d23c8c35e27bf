-- 000009 up: time series definitions (the samples live in tsdata, 000010).
--
-- Creates:
--   table timeseries  (uuid, thing_uuid, name, si_unit, lower_bound,
--                      upper_bound, created_by, tags)
--   indexes timeseries_tags_idx (GIN), timeseries_created_by_idx

CREATE TABLE timeseries (
    uuid         uuid   NOT NULL DEFAULT uuid_generate_v4() PRIMARY KEY,
    thing_uuid   uuid   REFERENCES things (uuid) ON DELETE SET NULL,
    name         text   NOT NULL,
    si_unit      text   NOT NULL,
    lower_bound  double precision,   -- NULL: no lower limit
    upper_bound  double precision,   -- NULL: no upper limit
    created_by   uuid   REFERENCES users (uuid) ON DELETE SET NULL,
    tags         text[] NOT NULL DEFAULT ARRAY[]::text[]
);

CREATE INDEX timeseries_tags_idx ON timeseries USING gin (tags) WITH (fastupdate = false);
CREATE INDEX timeseries_created_by_idx ON timeseries (created_by);
