/* groups.h — handlers of /v2/groups*. */
#ifndef SELFSERV_GROUPS_H
#define SELFSERV_GROUPS_H

#include "json.h"
#include "request.h"

extern const struct json_field GROUP_NEW[];    /* {"name"} */
extern const struct json_field GROUP_UPDATE[]; /* {"name"} */

int groups_list(struct req *r);
int groups_create(struct req *r);
int groups_get(struct req *r);
int groups_update(struct req *r);
int groups_delete(struct req *r);
int groups_policies(struct req *r);

#endif
