/* datasets.h — handlers of /v2/datasets* (and the Dataset writer shared
 * with /v2/things/{uuid}/datasets). */
#ifndef SELFSERV_DATASETS_H
#define SELFSERV_DATASETS_H

#include <libpq-fe.h>

#include "input.h"
#include "json.h"
#include "request.h"

/* Column list every query feeding datasets_write_rows selects, in order. */
#define DATASETS_COLUMNS \
    "ds.uuid, ds.name, ds.format, ds.checksum, ds.size, ds.belongs_to, " \
    "(extract(epoch FROM ds.created) * 1000000)::int8, " \
    "(extract(epoch FROM ds.updated) * 1000000)::int8, ds.created_by, ds.updated_by, ds.tags"

/* Writes the rows of res (DATASETS_COLUMNS) as a JSON array of Dataset
 * objects (without content) into r->out. */
void datasets_write_rows(struct req *r, const PGresult *res);

extern const struct query_param DATASETS_QUERY[];
extern const struct json_field DATASET_NEW[];
extern const struct json_field DATASET_UPDATE[];
extern const struct query_param DATASET_ASSEMBLE_QUERY[];
extern const struct query_param DATASET_PARTS_QUERY[];
extern const struct query_param DATASET_PART_PUT_QUERY[];
extern const struct query_param DATASET_UPLOAD_ABORT_QUERY[];

int datasets_list(struct req *r);
int datasets_create(struct req *r);
int datasets_get(struct req *r);
int datasets_update(struct req *r);
int datasets_delete(struct req *r);
int datasets_raw(struct req *r);
int datasets_assemble(struct req *r);
int datasets_parts_list(struct req *r);
int datasets_part_put(struct req *r);
int datasets_upload_start(struct req *r);
int datasets_upload_abort(struct req *r);

#endif
