/* pm_housekeeping.c — chores for the domains' databases that no request
 * triggers, done by the one long-running process connected to all of
 * them: unfinished dataset uploads (schema 16) that saw no part for
 * [manager] upload_expiry hours are deleted with their parts, so an
 * abandoned multipart upload does not hold its bytes for ever. Runs when a
 * domain connects and then hourly. */
#include <stdio.h>

#include "log.h"
#include "manager.h"
#include "status.h"

#define PM_HOUSEKEEPING_US (3600 * 1000000LL)

static const struct db_stmt SQL_EXPIRE_UPLOADS = {
    "pm_expire_uploads",
    "DELETE FROM dataset_uploads u WHERE u.created < now() - make_interval(hours => $1::integer) "
    "AND NOT EXISTS (SELECT 1 FROM dataset_upload_parts p WHERE p.upload_id = u.upload_id "
    "AND p.created >= now() - make_interval(hours => $1::integer))",
    1
};

void pm_housekeeping(struct pm *pm, struct pm_domain *d)
{
    int64_t mono = clock_mono_us();
    if (!d->connected || mono < d->housekeeping_at_us)
        return;
    d->housekeeping_at_us = mono + PM_HOUSEKEEPING_US;
    if (pm->cfg.manager_upload_expiry == 0 || d->schema < 16)
        return;
    char hours[24];
    snprintf(hours, sizeof hours, "%lld", (long long)pm->cfg.manager_upload_expiry);
    const char *params[1] = { hours };
    PGresult *res = db_exec(&d->db, &SQL_EXPIRE_UPLOADS, params);
    if (!db_ok(res)) {
        char line[256];
        log_warn("domain %s: cannot expire dataset uploads: %s", d->name,
                 db_error_line(&d->db, res, line, sizeof line));
    } else if (PQcmdTuples(res)[0] && PQcmdTuples(res)[0] != '0') {
        log_info("domain %s: deleted %s unfinished dataset upload(s) idle for over %s hours",
                 d->name, PQcmdTuples(res), hours);
    }
    PQclear(res);
}
