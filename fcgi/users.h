/* users.h — handlers of /v2/users*. */
#ifndef SELFSERV_USERS_H
#define SELFSERV_USERS_H

#include "json.h"
#include "request.h"

extern const struct json_field USER_NEW[];    /* {"name"} */
extern const struct json_field USER_UPDATE[]; /* name, groups | groups_add/groups_remove */
extern const struct json_field USER_RATE[];   /* {"rate"} */
extern const struct json_field TOKEN_NEW[];   /* {"name"} */

int users_list(struct req *r);
int users_create(struct req *r);
int users_me(struct req *r);
int users_get(struct req *r);
int users_update(struct req *r);
int users_delete(struct req *r);
int users_policies(struct req *r);
int users_set_rate(struct req *r);
int users_tokens(struct req *r);
int users_token_create(struct req *r);
int users_token_delete(struct req *r);

#endif
