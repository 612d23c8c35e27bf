/* policies.h — handlers of /v2/policies*. */
#ifndef SELFSERV_POLICIES_H
#define SELFSERV_POLICIES_H

#include "input.h"
#include "json.h"
#include "request.h"

extern const struct query_param POLICIES_QUERY[]; /* limit, offset, group_uuids */
extern const struct json_field POLICY_NEW[];
extern const struct json_field POLICY_UPDATE[];

/* Writes the rows of res as a JSON array of Policy objects into r->out;
 * res columns: uuid, group_uuid, priority, effect, action, resource.
 * Shared by /v2/policies, /v2/groups/{uuid}/policies and
 * /v2/users/{uuid}/policies. */
void policies_write_rows(struct req *r, const PGresult *res);

int policies_list(struct req *r);
int policies_create(struct req *r);
int policies_get(struct req *r);
int policies_update(struct req *r);
int policies_delete(struct req *r);

#endif
