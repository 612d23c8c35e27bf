/* programs.h — handlers of /v2/programs*: programs, their code revisions,
 * signatures, diffs, webhooks and runs. */
#ifndef SELFSERV_PROGRAMS_H
#define SELFSERV_PROGRAMS_H

#include "input.h"
#include "json.h"
#include "request.h"

extern const struct query_param PROGRAMS_QUERY[];
extern const struct json_field PROGRAM_NEW[];
extern const struct json_field PROGRAM_UPDATE[];
extern const struct query_param PROGRAM_CODE_QUERY[];
extern const struct query_param PROGRAM_DIFF_QUERY[];
extern const struct query_param PROGRAM_RUNS_QUERY[];

int programs_list(struct req *r);
int programs_create(struct req *r);
int programs_get(struct req *r);
int programs_update(struct req *r);
int programs_delete(struct req *r);
int programs_webhook(struct req *r);
int programs_runs(struct req *r);
int programs_code_create(struct req *r);
int programs_code_get(struct req *r);
int programs_diff(struct req *r);
int programs_revisions(struct req *r);
int programs_revision_sign(struct req *r);
int programs_revision_delete(struct req *r);

#endif
