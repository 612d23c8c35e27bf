/* log.c — the logger: a level filter, then one write(2) per line so lines
 * from a pool of processes sharing stderr never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "status.h"

static const char *const level_names[] = { "debug", "info", "warn", "error" };
static const int level_syslog[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };

static struct {
    enum log_level level;
    int use_syslog;
    char ident[64];
} logger = { LOG_LVL_INFO, 0, "selfhost" };

int log_level_parse(const char *name, enum log_level *out)
{
    for (size_t i = 0; name && i < sizeof level_names / sizeof *level_names; i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return OK;
        }
    }
    return ERROR;
}

int log_setup(const char *ident, const char *target, const char *level)
{
    int rc = OK;
    if (ident)
        snprintf(logger.ident, sizeof logger.ident, "%s", ident);
    if (level && log_level_parse(level, &logger.level) != OK)
        rc = ERROR;
    if (target && strcmp(target, "syslog") == 0) {
        logger.use_syslog = 1;
        openlog(logger.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    } else if (target && strcmp(target, "stderr") != 0) {
        rc = ERROR;
    }
    return rc;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
    if (lvl < logger.level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* one event, one line: fold embedded newlines (e.g. from libpq) */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == ' ')
        msg[--n] = '\0';

    if (logger.use_syslog) {
        syslog(level_syslog[lvl], "%s", msg);
        return;
    }
    char line[2300];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int len = snprintf(line, sizeof line, "%s %s[%d] %s: %s\n", stamp, logger.ident,
                       (int)getpid(), level_names[lvl], msg);
    if (len > (int)sizeof line - 1)
        len = (int)sizeof line - 1;
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)len);
    (void)ignored;
}
