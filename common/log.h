/* log.h — one line per event, to stderr or syslog.
 * Lines look like: "2026-11-25T11:00:00Z selfserv[123] warn: message".
 * Levels below the configured one cost one comparison. */
#ifndef SELFHOST_LOG_H
#define SELFHOST_LOG_H

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* ident: program name; target: "stderr" or "syslog"; level: a name
 * (debug|info|warn|error). Unknown names keep the defaults (stderr, info)
 * and return ERROR so the caller can say so. */
int log_setup(const char *ident, const char *target, const char *level);
int log_level_parse(const char *name, enum log_level *out);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)

#endif
