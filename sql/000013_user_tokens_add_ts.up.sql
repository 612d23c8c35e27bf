-- 000013 up: makes sure user_tokens has its creation times.
--
-- Ensures: column user_tokens.created  timestamptz NOT NULL DEFAULT now()
--
-- Since 000003 creates the column (as the reference's 000003 does), this
-- changes nothing on a database made by the reference or by these
-- migrations. A database made by selfhost's first releases, whose 000003
-- had no "created", gets the column here; its tokens get the time this
-- migration runs. The default and NOT NULL are set again either way, so
-- the column ends the same whichever history the database has.

ALTER TABLE user_tokens
    ADD COLUMN IF NOT EXISTS created timestamptz NOT NULL DEFAULT now();
ALTER TABLE user_tokens
    ALTER COLUMN created SET DEFAULT now(),
    ALTER COLUMN created SET NOT NULL;
