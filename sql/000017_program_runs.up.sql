-- 000017 up: what each run of a program did (selfhost only). The program
-- manager writes one row per finished run and keeps the newest
-- [manager] runs_kept rows per program; GET /v2/programs/{uuid}/runs
-- reads them. Deleting a program deletes its runs.
CREATE TABLE program_runs (
    id           bigserial   PRIMARY KEY,
    program_uuid uuid        NOT NULL REFERENCES programs (uuid) ON DELETE CASCADE,
    revision     integer     NOT NULL,
    kind         text        NOT NULL,  -- routine | webhook
    started      timestamptz NOT NULL,
    duration_ms  integer     NOT NULL,
    outcome      text        NOT NULL,  -- ok | error | deadline | crashed
    error        text        NOT NULL DEFAULT '',
    output       text        NOT NULL DEFAULT '',
    log          text        NOT NULL DEFAULT ''
);

CREATE INDEX program_runs_program_idx ON program_runs (program_uuid, id DESC);
