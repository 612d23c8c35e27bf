/* things.h — handlers of /v2/things*. */
#ifndef SELFSERV_THINGS_H
#define SELFSERV_THINGS_H

#include "input.h"
#include "json.h"
#include "request.h"

extern const struct query_param THINGS_QUERY[]; /* limit, offset, tags */
extern const struct json_field THING_NEW[];
extern const struct json_field THING_UPDATE[];

int things_list(struct req *r);
int things_create(struct req *r);
int things_get(struct req *r);
int things_update(struct req *r);
int things_delete(struct req *r);
int things_timeseries(struct req *r);
int things_datasets(struct req *r);

#endif
