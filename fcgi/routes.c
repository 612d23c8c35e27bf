/* routes.c — the whole API on one screen: method, path, handler, the
 * permission scopes each operation needs (as in openapi-reference.yaml),
 * and what it takes besides the path (query parameters, JSON body; see
 * input.h). Order matters only between a literal segment and a parameter
 * at the same place: "/v2/users/me" comes before "/v2/users/{uuid}". */
#include "alerts.h"
#include "datasets.h"
#include "groups.h"
#include "health.h"
#include "heartbeat.h"
#include "input.h"
#include "policies.h"
#include "programs.h"
#include "router.h"
#include "things.h"
#include "timeseries.h"
#include "tsdata.h"
#include "users.h"

#define ROUTE(method, path, handler, perm, query, body) \
    { method, path, handler, { perm, NULL }, query, body, ROUTE_AUTHENTICATED, ROUTE_READS_PRIMARY }
#define OPEN_ROUTE(method, path, handler) \
    { method, path, handler, { NULL, NULL }, NULL, NULL, ROUTE_OPEN, ROUTE_READS_PRIMARY }
/* a data read that a domain's fresh replica may answer (server_read_db) */
#define DATA_READ(method, path, handler, perm, query, body) \
    { method, path, handler, { perm, NULL }, query, body, ROUTE_AUTHENTICATED, ROUTE_READS_REPLICA }

static const struct query_param PAGING[] = { QUERY_LIMIT, QUERY_OFFSET, { NULL, 0, NULL, 0, 0 } };

const struct route routes[] = {
    /* the reference's heartbeat (chi's middleware.Heartbeat): "." */
    OPEN_ROUTE("GET",   "/status",                         heartbeat_get),
    /* for load balancers and Prometheus (health.h, docs/monitoring.md) */
    OPEN_ROUTE("GET",   "/healthz",                        healthz_get),
    OPEN_ROUTE("GET",   "/readyz",                         readyz_get),
    OPEN_ROUTE("GET",   "/metrics",                        metrics_get),
    /* users */
    ROUTE("GET",    "/v2/users",                       users_list,         "read:users",                        PAGING, NULL),
    ROUTE("POST",   "/v2/users",                       users_create,       "create:users",                      NULL, USER_NEW),
    ROUTE("GET",    "/v2/users/me",                    users_me,           "read:users/me",                     NULL, NULL),
    ROUTE("GET",    "/v2/users/{uuid}",                users_get,          "read:users/{uuid}",                 NULL, NULL),
    ROUTE("PUT",    "/v2/users/{uuid}",                users_update,       "update:users/{uuid}",               NULL, USER_UPDATE),
    ROUTE("DELETE", "/v2/users/{uuid}",                users_delete,       "delete:users/{uuid}",               NULL, NULL),
    ROUTE("GET",    "/v2/users/{uuid}/policies",       users_policies,     "read:users/{uuid}/policies",        NULL, NULL),
    ROUTE("PUT",    "/v2/users/{uuid}/rate",           users_set_rate,     "update:users/{uuid}/rate",          NULL, USER_RATE),
    ROUTE("GET",    "/v2/users/{uuid}/tokens",         users_tokens,       "read:users/{uuid}/tokens",          NULL, NULL),
    ROUTE("POST",   "/v2/users/{uuid}/tokens",         users_token_create, "create:users/{uuid}/tokens",        NULL, TOKEN_NEW),
    ROUTE("DELETE", "/v2/users/{uuid}/tokens/{token_uuid}", users_token_delete,
          "delete:users/{uuid}/tokens/{token_uuid}", NULL, NULL),
    /* groups */
    ROUTE("GET",    "/v2/groups",                      groups_list,        "read:groups",                       PAGING, NULL),
    ROUTE("POST",   "/v2/groups",                      groups_create,      "create:groups",                     NULL, GROUP_NEW),
    ROUTE("GET",    "/v2/groups/{uuid}",               groups_get,         "read:groups/{uuid}",                NULL, NULL),
    ROUTE("PUT",    "/v2/groups/{uuid}",               groups_update,      "update:groups/{uuid}",              NULL, GROUP_UPDATE),
    ROUTE("DELETE", "/v2/groups/{uuid}",               groups_delete,      "delete:groups/{uuid}",              NULL, NULL),
    ROUTE("GET",    "/v2/groups/{uuid}/policies",      groups_policies,    "read:groups/{uuid}",                NULL, NULL),
    /* policies */
    ROUTE("GET",    "/v2/policies",                    policies_list,      "read:policies",                     POLICIES_QUERY, NULL),
    ROUTE("POST",   "/v2/policies",                    policies_create,    "create:policies",                   NULL, POLICY_NEW),
    ROUTE("GET",    "/v2/policies/{uuid}",             policies_get,       "read:policies/{uuid}",              NULL, NULL),
    ROUTE("PUT",    "/v2/policies/{uuid}",             policies_update,    "update:policies/{uuid}",            NULL, POLICY_UPDATE),
    ROUTE("DELETE", "/v2/policies/{uuid}",             policies_delete,    "delete:policies/{uuid}",            NULL, NULL),
    /* things */
    ROUTE("GET",    "/v2/things",                      things_list,        "read:things",                       THINGS_QUERY, NULL),
    ROUTE("POST",   "/v2/things",                      things_create,      "create:things",                     NULL, THING_NEW),
    ROUTE("GET",    "/v2/things/{uuid}",               things_get,         "read:things/{uuid}",                NULL, NULL),
    ROUTE("PUT",    "/v2/things/{uuid}",               things_update,      "update:things/{uuid}",              NULL, THING_UPDATE),
    ROUTE("DELETE", "/v2/things/{uuid}",               things_delete,      "delete:things/{uuid}",              NULL, NULL),
    ROUTE("GET",    "/v2/things/{uuid}/datasets",      things_datasets,    "read:things/{uuid}/datasets",       NULL, NULL),
    ROUTE("GET",    "/v2/things/{uuid}/timeseries",    things_timeseries,  "read:things/{uuid}",                NULL, NULL),
    /* time series */
    ROUTE("GET",    "/v2/timeseries",                  timeseries_list,    "read:timeseries",                   TIMESERIES_QUERY, NULL),
    ROUTE("POST",   "/v2/timeseries",                  timeseries_create,  "create:timeseries",                 NULL, TIMESERIES_NEW),
    ROUTE("GET",    "/v2/timeseries/{uuid}",           timeseries_get,     "read:timeseries/{uuid}",            NULL, NULL),
    ROUTE("PUT",    "/v2/timeseries/{uuid}",           timeseries_update,  "update:timeseries/{uuid}",          NULL, TIMESERIES_UPDATE),
    ROUTE("DELETE", "/v2/timeseries/{uuid}",           timeseries_delete,  "delete:timeseries/{uuid}",          NULL, NULL),
    DATA_READ("GET", "/v2/timeseries/{uuid}/data",     tsdata_get,         "read:timeseries/{uuid}/data",       TSDATA_GET_QUERY, NULL),
    ROUTE("POST",   "/v2/timeseries/{uuid}/data",      tsdata_post,        "create:timeseries/{uuid}/data",     TSDATA_POST_QUERY, NULL),
    ROUTE("DELETE", "/v2/timeseries/{uuid}/data",      tsdata_delete,      "delete:timeseries/{uuid}/data",     TSDATA_DELETE_QUERY, NULL),
    DATA_READ("GET", "/v2/tsquery",                    tsquery_get,        "read:tsquery",                      TSQUERY_QUERY, NULL),
    /* datasets */
    ROUTE("GET",    "/v2/datasets",                    datasets_list,      "read:datasets",                     DATASETS_QUERY, NULL),
    ROUTE("POST",   "/v2/datasets",                    datasets_create,    "create:datasets",                   NULL, DATASET_NEW),
    ROUTE("GET",    "/v2/datasets/{uuid}",             datasets_get,       "read:datasets/{uuid}",              NULL, NULL),
    ROUTE("PUT",    "/v2/datasets/{uuid}",             datasets_update,    "update:datasets/{uuid}",            NULL, DATASET_UPDATE),
    ROUTE("DELETE", "/v2/datasets/{uuid}",             datasets_delete,    "delete:datasets/{uuid}",            NULL, NULL),
    ROUTE("GET",    "/v2/datasets/{uuid}/raw",         datasets_raw,       "read:datasets/{uuid}",              NULL, NULL),
    ROUTE("POST",   "/v2/datasets/{uuid}/assemble",    datasets_assemble,  "update:datasets/{uuid}",            DATASET_ASSEMBLE_QUERY, NULL),
    ROUTE("GET",    "/v2/datasets/{uuid}/parts",       datasets_parts_list, "read:datasets/{uuid}",             DATASET_PARTS_QUERY, NULL),
    ROUTE("PUT",    "/v2/datasets/{uuid}/parts",       datasets_part_put,  "update:datasets/{uuid}",            DATASET_PART_PUT_QUERY, NULL),
    ROUTE("POST",   "/v2/datasets/{uuid}/uploads",     datasets_upload_start, "update:datasets/{uuid}",         NULL, NULL),
    ROUTE("DELETE", "/v2/datasets/{uuid}/uploads",     datasets_upload_abort, "delete:datasets/{uuid}",         DATASET_UPLOAD_ABORT_QUERY, NULL),
    /* alerts */
    ROUTE("GET",    "/v2/alerts",                      alerts_list,        "read:alerts",                       ALERTS_QUERY, NULL),
    ROUTE("POST",   "/v2/alerts",                      alerts_create,      "create:alerts",                     NULL, ALERT_NEW),
    ROUTE("GET",    "/v2/alerts/{uuid}",               alerts_get,         "read:alerts/{uuid}",                NULL, NULL),
    ROUTE("PUT",    "/v2/alerts/{uuid}",               alerts_update,      "update:alerts/{uuid}",              NULL, ALERT_UPDATE),
    ROUTE("DELETE", "/v2/alerts/{uuid}",               alerts_delete,      "delete:alerts/{uuid}",              NULL, NULL),
    /* programs */
    ROUTE("GET",    "/v2/programs",                    programs_list,      "read:programs",                     PROGRAMS_QUERY, NULL),
    ROUTE("POST",   "/v2/programs",                    programs_create,    "create:programs",                   NULL, PROGRAM_NEW),
    ROUTE("GET",    "/v2/programs/{uuid}",             programs_get,       "read:programs/{uuid}",              NULL, NULL),
    ROUTE("PUT",    "/v2/programs/{uuid}",             programs_update,    "update:programs/{uuid}",            NULL, PROGRAM_UPDATE),
    ROUTE("DELETE", "/v2/programs/{uuid}",             programs_delete,    "delete:programs/{uuid}",            NULL, NULL),
    ROUTE("POST",   "/v2/programs/{uuid}/webhook",     programs_webhook,   "create:programs/{uuid}/webhook",    NULL, NULL),
    ROUTE("POST",   "/v2/programs/{uuid}/code",        programs_code_create, "create:programs/{uuid}/code",     NULL, NULL),
    ROUTE("GET",    "/v2/programs/{uuid}/code",        programs_code_get,  "read:programs/{uuid}/code",         PROGRAM_CODE_QUERY, NULL),
    ROUTE("GET",    "/v2/programs/{uuid}/diff",        programs_diff,      "read:programs/{uuid}/revisions/diff", PROGRAM_DIFF_QUERY, NULL),
    ROUTE("GET",    "/v2/programs/{uuid}/revisions",   programs_revisions, "read:programs/{uuid}/revisions",    NULL, NULL),
    ROUTE("GET",    "/v2/programs/{uuid}/runs",        programs_runs,      "read:programs/{uuid}",              PROGRAM_RUNS_QUERY, NULL),
    ROUTE("PUT",    "/v2/programs/{uuid}/revisions/{revision_id}/sign", programs_revision_sign,
          "update:programs/{uuid}/revisions/{revision_id}", NULL, NULL),
    ROUTE("DELETE", "/v2/programs/{uuid}/revisions/{revision_id}", programs_revision_delete,
          "delete:programs/{uuid}/revisions/{revision_id}", NULL, NULL),
};

const int n_routes = (int)(sizeof routes / sizeof *routes);
