-- 000012 up: programs (scheduled/webhook scripts) and their code revisions.
--
-- Creates:
--   table programs                (uuid, name, type, state, schedule,
--                                  deadline, language, tags)
--   table program_code_revisions  (program_uuid, revision, created, signed,
--                                  created_by, signed_by, code, checksum)
--   index programs_tags_idx (GIN)

CREATE TABLE programs (
    uuid      uuid    NOT NULL DEFAULT uuid_generate_v4() PRIMARY KEY,
    name      text    NOT NULL,
    type      text    NOT NULL DEFAULT 'program',
    state     text    NOT NULL DEFAULT 'inactive',
    schedule  text    NOT NULL DEFAULT '0s',
    deadline  integer NOT NULL DEFAULT 1000,
    language  text    NOT NULL DEFAULT 'tengo',
    tags      text[]  NOT NULL DEFAULT ARRAY[]::text[]
);

-- Every saved version of a program's code, numbered per program; signed and
-- signed_by are set when a revision is signed.
CREATE TABLE program_code_revisions (
    program_uuid  uuid        NOT NULL REFERENCES programs (uuid) ON DELETE CASCADE,
    revision      integer     NOT NULL DEFAULT 0,
    created       timestamptz NOT NULL DEFAULT now(),
    signed        timestamptz,
    created_by    uuid        REFERENCES users (uuid) ON DELETE SET NULL,
    signed_by     uuid        REFERENCES users (uuid) ON DELETE SET NULL,
    code          bytea,
    checksum      bytea,
    PRIMARY KEY (program_uuid, revision)
);

CREATE INDEX programs_tags_idx ON programs USING gin (tags) WITH (fastupdate = false);
