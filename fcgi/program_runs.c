/* program_runs.c — GET /v2/programs/{uuid}/runs (selfhost only): what the
 * program manager recorded of a program's runs (table program_runs,
 * migration 000017; the manager keeps the newest [manager] runs_kept per
 * program), newest first, paged with limit/offset.
 *
 * A run is written {"id", "revision", "kind", "started" (RFC 3339, UTC),
 * "duration_ms", "outcome", "error", "output", "log"}. 404 for no such
 * program, 409 while the domain's schema is older than 17 (a database
 * still at the reference's schema has no runs table). Runs may carry up to
 * 64 KiB of output and a long log each, so the list is streamed. */
#include "programs.h"

#include <stdlib.h>

#include "rfc3339.h"
#include "server.h"
#include "status.h"

#define RUNS_SCHEMA 17

const struct query_param PROGRAM_RUNS_QUERY[] = {
    QUERY_LIMIT,
    QUERY_OFFSET,
    { NULL, 0, NULL, 0, 0 },
};

/* One row with NULL run columns for a program without runs (in this
 * page), none for no such program. id is the order the manager recorded
 * them in, which the index serves. */
static const struct db_stmt SQL_RUNS = {
    "program_runs_list",
    "SELECT r.id, r.revision, r.kind, (extract(epoch FROM r.started) * 1000000)::int8, "
    "r.duration_ms, r.outcome, r.error, r.output, r.log "
    "FROM programs p LEFT JOIN LATERAL ("
    "  SELECT * FROM program_runs WHERE program_uuid = p.uuid "
    "  ORDER BY id DESC LIMIT $2::bigint OFFSET $3::bigint) r ON true "
    "WHERE p.uuid = $1::uuid ORDER BY r.id DESC",
    3
};

static void run_write(buf_t *b, const PGresult *res, int row)
{
    char started[RFC3339_MAX];
    rfc3339_format(strtoll(PQgetvalue(res, row, 3), NULL, 10), started);
    buf_puts(b, "{\"id\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 0), NULL, 10));
    buf_puts(b, ",\"revision\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 1), NULL, 10));
    buf_puts(b, ",\"kind\":");
    json_put_str(b, PQgetvalue(res, row, 2));
    buf_puts(b, ",\"started\":");
    json_put_str(b, started);
    buf_puts(b, ",\"duration_ms\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 4), NULL, 10));
    buf_puts(b, ",\"outcome\":");
    json_put_str(b, PQgetvalue(res, row, 5));
    buf_puts(b, ",\"error\":");
    json_put_strn(b, PQgetvalue(res, row, 6), (size_t)PQgetlength(res, row, 6));
    buf_puts(b, ",\"output\":");
    json_put_strn(b, PQgetvalue(res, row, 7), (size_t)PQgetlength(res, row, 7));
    buf_puts(b, ",\"log\":");
    json_put_strn(b, PQgetvalue(res, row, 8), (size_t)PQgetlength(res, row, 8));
    buf_putc(b, '}');
}

int programs_runs(struct req *r)
{
    if (!server_schema_at_least(r->db, RUNS_SCHEMA))
        return req_fail(r, 409, "Program runs need a newer schema for this domain "
                                "(run: selfctl db migrate up)");
    const char *params[] = {
        req_param(r, "uuid"),
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "limit")->i),
        arena_sprintf(r->arena, "%lld", (long long)req_query(r, "offset")->i),
    };
    PGresult *res = db_exec(r->db, &SQL_RUNS, params);
    if (!db_ok(res))
        return req_fail_db(r, res);
    int n = PQntuples(res);
    if (n == 0) {
        PQclear(res);
        return req_not_found(r);
    }
    req_stream_begin(r, 200, "application/json");
    buf_putc(&r->out, '[');
    for (int i = 0, first = 1; i < n; i++) {
        if (PQgetisnull(res, i, 0))
            continue; /* the program has no runs here */
        if (!first)
            buf_putc(&r->out, ',');
        first = 0;
        run_write(&r->out, res, i);
        if (r->out.len >= REQ_STREAM_CHUNK)
            req_stream_flush(r);
    }
    buf_puts(&r->out, "]\n");
    PQclear(res);
    return OK;
}
