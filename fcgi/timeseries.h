/* timeseries.h — handlers of /v2/timeseries and /v2/timeseries/{uuid}
 * (the series themselves; their data is tsdata.h). */
#ifndef SELFSERV_TIMESERIES_H
#define SELFSERV_TIMESERIES_H

#include <libpq-fe.h>

#include "input.h"
#include "json.h"
#include "request.h"

extern const struct query_param TIMESERIES_QUERY[]; /* limit, offset, tags */
extern const struct json_field TIMESERIES_NEW[];
extern const struct json_field TIMESERIES_UPDATE[];

/* Column list every query feeding timeseries_write_rows selects, in order. */
#define TIMESERIES_COLUMNS \
    "ts.uuid, ts.thing_uuid, ts.name, ts.si_unit, ts.lower_bound, ts.upper_bound, " \
    "ts.created_by, ts.tags"

/* Writes the rows of res (TIMESERIES_COLUMNS) as a JSON array of Timeseries
 * objects into r->out. Shared with /v2/things/{uuid}/timeseries. */
void timeseries_write_rows(struct req *r, const PGresult *res);

int timeseries_list(struct req *r);
int timeseries_create(struct req *r);
int timeseries_get(struct req *r);
int timeseries_update(struct req *r);
int timeseries_delete(struct req *r);

#endif
