/* datasets.h — handlers of /v2/datasets* (and the Dataset writer shared
 * with /v2/things/{uuid}/datasets). */
#ifndef SELFSERV_DATASETS_H
#define SELFSERV_DATASETS_H

#include <libpq-fe.h>

#include "request.h"

/* Column list every query feeding datasets_write_rows selects, in order. */
#define DATASETS_COLUMNS \
    "ds.uuid, ds.name, ds.format, ds.checksum, ds.size, ds.belongs_to, " \
    "(extract(epoch FROM ds.created) * 1000000)::int8, " \
    "(extract(epoch FROM ds.updated) * 1000000)::int8, ds.created_by, ds.updated_by, ds.tags"

/* Writes the rows of res (DATASETS_COLUMNS) as a JSON array of Dataset
 * objects (without content) into r->out. */
void datasets_write_rows(struct req *r, const PGresult *res);

#endif
