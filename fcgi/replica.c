/* replica.c — a replica's lag, and the host's record of recent writes per
 * domain (replica.h). */
#include "replica.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "status.h"

/* pg_stat_wal_receiver has a row (its pid, whoever asks) only while the
 * standby streams: a standby cut off from its primary has received
 * nothing new, so "receive = replay" would say 0 while it falls behind;
 * then the age of the last replayed transaction is the measure. */
static const struct db_stmt SQL_REPLICA_LAG = {
    "replica_lag",
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0 "
    "ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1e9) "
    "END::float8",
    0
};

int replica_lag(struct db_conn *db, double *lag_s, char *err, size_t errsz)
{
    PGresult *res = db_exec(db, &SQL_REPLICA_LAG, NULL);
    if (!db_ok(res) || PQntuples(res) != 1) {
        char line[300];
        snprintf(err, errsz, "%s", db_error_line(db, res, line, sizeof line));
        PQclear(res);
        return ERROR;
    }
    *lag_s = strtod(PQgetvalue(res, 0, 0), NULL);
    if (*lag_s < 0)
        *lag_s = 0; /* a replayed commit stamped ahead of the standby's clock */
    PQclear(res);
    return OK;
}

static int mark_path(const char *state_dir, const char *domain, char *out, size_t n)
{
    /* domain names are letters, digits, '-', '_', '.': no '/', no leading '.' */
    return snprintf(out, n, "%s/replica-wrote.%s", state_dir, domain) < (int)n ? OK : ERROR;
}

void replica_note_write(const char *state_dir, const char *domain)
{
    char path[4200];
    if (mark_path(state_dir, domain, path, sizeof path) != OK)
        return;
    if (utimensat(AT_FDCWD, path, NULL, 0) == 0)
        return;
    int fd = errno == ENOENT ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (fd < 0) {
        log_debug("domain %s: cannot mark the write in %s: %s", domain, path, strerror(errno));
        return;
    }
    close(fd);
}

int replica_wrote_within(const char *state_dir, const char *domain, int64_t seconds)
{
    char path[4200];
    struct stat st;
    if (mark_path(state_dir, domain, path, sizeof path) != OK || stat(path, &st) != 0)
        return 0;
    int64_t at_us = (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
    return clock_real_us() - at_us < seconds * 1000000;
}
