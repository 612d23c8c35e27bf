-- 000008 down: drops datasets (trigger and indexes go with it) and its
-- trigger function.

DROP TABLE IF EXISTS datasets;
DROP FUNCTION IF EXISTS update_dataset_content_change();
