/* datasets.c — /v2/datasets: named files, optionally attached to a thing.
 * A dataset is written as the reference's Dataset: {"uuid", "name",
 * "format", "checksum" (sha256 of the content, lower-case hex), "size"
 * (bytes), "thing_uuid" (the belongs_to column; null when unset),
 * "created", "updated" (RFC 3339, UTC), "created_by", "updated_by",
 * "tags"}; the content itself only through its own endpoint. */
#include "datasets.h"

#include <stdlib.h>

#include "json.h"
#include "pgarray.h"
#include "rfc3339.h"
#include "status.h"

#define NIL_UUID "00000000-0000-0000-0000-000000000000"

/* A text[] column as a JSON array; [] should it not parse (it always does
 * for a text[] column: this only keeps the reply well-formed). */
static void tags_put(buf_t *b, const char *text)
{
    size_t mark = b->len;
    if (pgarray_write_json(b, text) != OK) {
        b->len = mark;
        buf_puts(b, "[]");
    }
}

static void time_write(buf_t *b, const char *usec)
{
    char out[RFC3339_MAX];
    rfc3339_format(strtoll(usec, NULL, 10), out);
    json_put_str(b, out);
}

/* A user column; a deleted user: the reference writes Go's zero UUID. */
static void user_write(buf_t *b, const PGresult *res, int row, int col)
{
    json_put_str(b, PQgetisnull(res, row, col) ? NIL_UUID : PQgetvalue(res, row, col));
}

static void dataset_write(buf_t *b, const PGresult *res, int row)
{
    buf_puts(b, "{\"uuid\":");
    json_put_str(b, PQgetvalue(res, row, 0));
    buf_puts(b, ",\"name\":");
    json_put_str(b, PQgetvalue(res, row, 1));
    buf_puts(b, ",\"format\":");
    json_put_str(b, PQgetvalue(res, row, 2));
    /* bytea arrives as "\x<hex>"; encode(checksum, 'hex') as plain hex */
    const char *sum = PQgetvalue(res, row, 3);
    if (sum[0] == '\\' && sum[1] == 'x')
        sum += 2;
    buf_puts(b, ",\"checksum\":");
    json_put_str(b, sum);
    buf_puts(b, ",\"size\":");
    json_put_int(b, strtoll(PQgetvalue(res, row, 4), NULL, 10));
    buf_puts(b, ",\"thing_uuid\":");
    json_put_str(b, PQgetisnull(res, row, 5) ? NULL : PQgetvalue(res, row, 5));
    buf_puts(b, ",\"created\":");
    time_write(b, PQgetvalue(res, row, 6));
    buf_puts(b, ",\"updated\":");
    time_write(b, PQgetvalue(res, row, 7));
    buf_puts(b, ",\"created_by\":");
    user_write(b, res, row, 8);
    buf_puts(b, ",\"updated_by\":");
    user_write(b, res, row, 9);
    buf_puts(b, ",\"tags\":");
    tags_put(b, PQgetvalue(res, row, 10));
    buf_putc(b, '}');
}

void datasets_write_rows(struct req *r, const PGresult *res)
{
    buf_t *b = &r->out;
    buf_putc(b, '[');
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        if (i)
            buf_putc(b, ',');
        dataset_write(b, res, i);
    }
    buf_puts(b, "]\n");
}
