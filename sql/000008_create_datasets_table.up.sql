-- 000008 up: datasets (named binary blobs, optionally attached to a thing).
--
-- Creates:
--   function update_dataset_content_change() (trigger function)
--   table datasets  (uuid, name, format, content, checksum, size, belongs_to,
--                    created, updated, created_by, updated_by, tags)
--   indexes datasets_created_by_idx, datasets_updated_by_idx,
--           datasets_belong_to_idx, datasets_tags_idx (GIN)
--   trigger update_dataset_content_trigger (keeps size = length(content)
--           when content is updated; on INSERT the writer sets size itself)

CREATE FUNCTION update_dataset_content_change()
    RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    NEW.size = length(NEW.content);
    RETURN NEW;
END;
$fn$;

CREATE TABLE datasets (
    uuid        uuid        DEFAULT uuid_generate_v4() PRIMARY KEY,
    name        text        NOT NULL,
    format      text        NOT NULL,
    content     bytea       DEFAULT ''::bytea NOT NULL,
    checksum    bytea       DEFAULT ''::bytea NOT NULL,   -- sha256(content)
    size        integer     DEFAULT 0 NOT NULL,           -- bytes in content
    belongs_to  uuid        REFERENCES things (uuid) ON DELETE SET NULL,
    created     timestamptz DEFAULT now() NOT NULL,
    updated     timestamptz DEFAULT now() NOT NULL,
    created_by  uuid        REFERENCES users (uuid) ON DELETE SET NULL,
    updated_by  uuid        REFERENCES users (uuid) ON DELETE SET NULL,
    tags        text[]      NOT NULL DEFAULT ARRAY[]::text[]
);

CREATE INDEX datasets_created_by_idx ON datasets (created_by);
CREATE INDEX datasets_updated_by_idx ON datasets (updated_by);
CREATE INDEX datasets_belong_to_idx  ON datasets (belongs_to);
CREATE INDEX datasets_tags_idx ON datasets USING gin (tags) WITH (fastupdate = false);

CREATE TRIGGER update_dataset_content_trigger
    BEFORE UPDATE OF content ON datasets
    FOR EACH ROW EXECUTE FUNCTION update_dataset_content_change();
