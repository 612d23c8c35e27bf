/* tsdata.h — the data of time series: /v2/timeseries/{uuid}/data (read,
 * write, delete a range) and /v2/tsquery (read several series at once).
 * Reads stream rows from PostgreSQL straight into the reply. */
#ifndef SELFSERV_TSDATA_H
#define SELFSERV_TSDATA_H

#include "input.h"
#include "request.h"

extern const struct query_param TSDATA_GET_QUERY[];
extern const struct query_param TSDATA_POST_QUERY[];
extern const struct query_param TSDATA_DELETE_QUERY[];
extern const struct query_param TSQUERY_QUERY[];

int tsdata_get(struct req *r);
int tsdata_post(struct req *r);
int tsdata_delete(struct req *r);
int tsquery_get(struct req *r);

#endif
