-- 000016 up: multipart uploads of dataset content (selfhost only).
--
-- The reference declares POST/DELETE /v2/datasets/{uuid}/uploads, PUT/GET
-- .../parts and POST .../assemble but answers them 501. selfhost keeps the
-- parts of an unfinished upload here; assembling concatenates them by
-- part number into datasets.content and deletes the upload (and so its
-- parts) in the same transaction. Deleting a dataset deletes its uploads.
--
-- Creates:
--   table dataset_uploads       (upload_id, dataset_uuid, created, created_by)
--   table dataset_upload_parts  (upload_id, part_number, content, size, md5,
--                                created)
--   index dataset_uploads_dataset_idx
-- Changes: datasets.content is stored uncompressed (STORAGE EXTERNAL).
--
-- Why uncompressed: GET /v2/datasets/{uuid}/raw streams the content in
-- 1 MiB slices (substring) so no process holds a whole dataset. On an
-- uncompressed value PostgreSQL reads only the TOAST chunks of a slice; on
-- a compressed one it must decompress everything before the slice, every
-- time, which makes a download quadratic (measured: 6 s for 100 MB of CSV,
-- against 0.3 s uncompressed). Values written before this migration stay
-- compressed until they are next written. Parts are stored uncompressed
-- for the same reason: the assemble reads them once.

CREATE TABLE dataset_uploads (
    upload_id     uuid        DEFAULT uuid_generate_v4() PRIMARY KEY,
    dataset_uuid  uuid        NOT NULL REFERENCES datasets (uuid) ON DELETE CASCADE,
    created       timestamptz NOT NULL DEFAULT now(),
    created_by    uuid        REFERENCES users (uuid) ON DELETE SET NULL
);

CREATE INDEX dataset_uploads_dataset_idx ON dataset_uploads (dataset_uuid);

CREATE TABLE dataset_upload_parts (
    upload_id    uuid        NOT NULL REFERENCES dataset_uploads (upload_id) ON DELETE CASCADE,
    part_number  integer     NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
    content      bytea       NOT NULL,
    size         integer     NOT NULL CHECK (size >= 0),
    md5          bytea       NOT NULL CHECK (length(md5) = 16),
    created      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (upload_id, part_number)
);

ALTER TABLE dataset_upload_parts ALTER COLUMN content SET STORAGE EXTERNAL;
ALTER TABLE datasets ALTER COLUMN content SET STORAGE EXTERNAL;
