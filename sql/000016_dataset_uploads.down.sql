-- 000016 down: forget unfinished multipart uploads (back to the reference's
-- schema; assembled content stays in datasets, stored as it was written).
ALTER TABLE datasets ALTER COLUMN content SET STORAGE EXTENDED;
DROP TABLE dataset_upload_parts;
DROP TABLE dataset_uploads;
