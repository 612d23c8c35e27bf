/* cron.h — program schedules, read exactly as the reference's scheduler
 * reads them: robfig/cron v3 with the parser options
 * Second | Minute | Hour | Dom | Month | Dow | Descriptor.
 *
 * Accepted:
 *   [TZ=zone | CRON_TZ=zone ] then either
 *   - six fields "sec min hour dom month dow" separated by white space;
 *     each field a comma list of `*` or `?` (every value), `N`, `N-M`,
 *     each optionally `/step` (`N/step` means N to the field maximum);
 *     seconds and minutes 0-59, hours 0-23, day of month 1-31, month 1-12
 *     or JAN-DEC, day of week 0-6 or SUN-SAT (names in any case, also in
 *     ranges: MON-FRI); a number may carry a leading '+' (Go's Atoi);
 *   - a descriptor: @yearly @annually @monthly @weekly @daily @midnight
 *     @hourly, or "@every <duration>" with a Go duration ("90s", "1h30m",
 *     "1.5h", units ns us µs ms s m h), rounded down to whole seconds with
 *     a floor of one second, as the library does.
 * Day of month and day of week: when either is `*`/`?` (without a step
 * above 1) both must match, otherwise either may (Vixie cron).
 *
 * Where we are stricter than the library (each would be a schedule that
 * never runs or runs every second by accident):
 *   - "@every" with a zero or negative duration (the library runs it
 *     every second);
 *   - a field made only of commas (the library accepts "," as "never");
 *   - "TZ=zone" without anything after it (the library panics);
 *   - a zone that skips a whole calendar day (Pacific/Apia, 2011-12-30):
 *     the library's day walk never returns there, we step over the day.
 * Quirks kept for compatibility: "*-5" and "?-1-2" read as "*" (the
 * library looks only at the part before the first '-' when it is a star);
 * only ASCII white space separates fields (the library also splits on
 * Unicode spaces such as U+00A0; such input is refused here). */
#ifndef SELFHOST_CRON_H
#define SELFHOST_CRON_H

#include <stddef.h>
#include <stdint.h>

#define CRON_STAR (UINT64_C(1) << 63) /* field was '*' or '?' (step <= 1) */
#define CRON_TZ_MAX 128
#define CRON_ERR_MAX 200 /* room for any message of cron_parse */

enum cron_zone {
    CRON_ZONE_LOCAL, /* the process's local time (TZ / /etc/localtime), as Go's time.Local */
    CRON_ZONE_UTC,   /* "TZ=UTC" or "TZ=" */
    CRON_ZONE_NAMED  /* a zone of the tz database, loaded with tz_load */
};

struct cron_spec {
    /* bit v set: value v matches; CRON_STAR as above */
    uint64_t second, minute, hour, dom, month, dow;
    int64_t every_usec; /* > 0: a fixed delay ("@every"); fields unused */
    enum cron_zone zone;
    char zone_name[CRON_TZ_MAX];
};

/* Parses expr into *out. On ERROR writes a one-line reason into err (may
 * be NULL), e.g. "expected exactly 6 fields, found 5: * * * * *". */
int cron_parse(const char *expr, struct cron_spec *out, char *err, size_t errsz);

/* The first activation strictly after after_usec (µs since the epoch), as
 * the library's Next: specs run on whole seconds in their zone; "@every d"
 * runs at after (truncated to the second) + d. ERROR when the spec never
 * matches within five years (e.g. "0 0 0 30 2 *"), or when the zone no
 * longer loads. Wall times are read and built through tzfile.h as Go's
 * time.Date does, so daylight-saving changes come out as in the library:
 * a time lost to a gap is skipped, an hour repeated by an overlap runs
 * twice. CRON_ZONE_LOCAL is tz_load("Local"), which follows TZ as it is
 * at the call. Thread-safe; TZ is never set. */
int cron_spec_next(const struct cron_spec *spec, int64_t after_usec, int64_t *next_usec);

/* cron_parse + cron_spec_next. */
int cron_next(const char *expr, int64_t after_usec, int64_t *next_usec);

#endif
