/* alerts.h — handlers of /v2/alerts*. */
#ifndef SELFSERV_ALERTS_H
#define SELFSERV_ALERTS_H

#include "input.h"
#include "json.h"
#include "request.h"

extern const struct query_param ALERTS_QUERY[];
extern const struct json_field ALERT_NEW[];
extern const struct json_field ALERT_UPDATE[];

int alerts_list(struct req *r);
int alerts_create(struct req *r);
int alerts_get(struct req *r);
int alerts_update(struct req *r);
int alerts_delete(struct req *r);

#endif
