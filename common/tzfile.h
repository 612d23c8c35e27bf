/* tzfile.h — time zones from the system's zoneinfo (TZif files, RFC 8536),
 * answering "which offset and abbreviation hold at instant t", the way
 * Go's time.LoadLocation and Location.lookup do. Loaded zones are cached
 * and never freed (a Tengo time value may point at one for as long as it
 * lives); the cache holds at most TZ_CACHE_MAX zones. */
#ifndef SELFHOST_TZFILE_H
#define SELFHOST_TZFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_CACHE_MAX 256
#define TZ_ABBR_MAX 16 /* abbreviations are cut to 15 bytes */

struct tz_zone;

/* What holds at one instant, and the span [start, end) (Unix seconds) in
 * which it holds; start/end are INT64_MIN/INT64_MAX at the open ends. */
struct tz_info {
    int32_t offset; /* seconds east of UTC */
    bool isdst;
    char abbr[TZ_ABBR_MAX];
    int64_t start, end;
};

/* Go's time.LoadLocation: "" and "UTC" are UTC, "Local" the process's zone
 * (TZ, else /etc/localtime; UTC when neither loads), anything else a file
 * under TZ_DIR. Names with "..", a leading '/', or bytes outside
 * [A-Za-z0-9_+-/] are refused. On ERROR, err gets Go's message
 * ("unknown time zone X", "time: invalid location name", "malformed time
 * zone information"). The zone stays valid for the life of the process. */
int tz_load(const char *name, size_t len, const struct tz_zone **out, buf_t *err);
/* Whether tz_load would find the zone, without keeping it: for checking a
 * name a user gave (a schedule's TZ=), so that many different names
 * cannot fill the cache. OK, or ERROR with the reason in err. */
int tz_check(const char *name, size_t len, buf_t *err);
/* Parses TZif bytes (versions 1–4; the 64-bit part of v2+, and its footer
 * rule for instants after the last transition). Any bytes are safe. The
 * caller frees the zone with tz_free. */
int tz_parse(const void *data, size_t len, const char *name, struct tz_zone **out);
/* tz_parse on a file's contents; err as tz_load's. */
int tz_load_path(const char *path, const char *name, struct tz_zone **out, buf_t *err);
void tz_free(struct tz_zone *z);

/* The name the zone was loaded as ("Europe/Stockholm", "Local", "UTC"). */
const char *tz_name(const struct tz_zone *z);
void tz_lookup(const struct tz_zone *z, int64_t t, struct tz_info *out);
/* Go's Location.lookupName: the offset of abbreviation abbr, preferring
 * a use of it in force near t (wall seconds). false when the zone never
 * uses it. */
bool tz_lookup_abbr(const struct tz_zone *z, const char *abbr, int64_t t, int32_t *offset);
/* Wall clock (seconds as if UTC) at z to the instant, as Go's time.Date:
 * in a gap the later offset wins, in an overlap the earlier. */
int64_t tz_wall_to_utc(const struct tz_zone *z, int64_t wall);

#endif
