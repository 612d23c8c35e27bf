/* users.h — handlers of /v2/users*. */
#ifndef SELFSERV_USERS_H
#define SELFSERV_USERS_H

#include "request.h"

int users_me(struct req *r);

#endif
