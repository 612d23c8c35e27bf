/* rfc3339.h — RFC 3339 timestamps <-> microseconds since the Unix epoch.
 * The API speaks RFC 3339 everywhere; PostgreSQL timestamptz has
 * microsecond resolution, so that is ours too. */
#ifndef SELFHOST_RFC3339_H
#define SELFHOST_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/* Longest output of rfc3339_format*, NUL included. The int64 microsecond
 * range spans years -290308..294247, so the longest is like
 * "-290308-12-20T20:00:05.224192-23:59" (35 + NUL); years are 0001..9999
 * in practice. */
#define RFC3339_MAX 40

/* Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)". 't'/'z' lower case and a
 * space instead of 'T' are accepted (RFC 3339 allows them). Fractions of
 * any length are accepted, digits past microseconds are truncated.
 * Rejects: missing zone, out-of-range fields (month 13, Feb 30, hour 24,
 * minute 60, second 61+; second 60 is rejected too, as Go does), trailing
 * garbage, empty input, NULL. len is the length of s (input need not be
 * NUL-terminated). Returns OK or ERROR; *usec untouched on ERROR. */
int rfc3339_parse(const char *s, size_t len, int64_t *usec);

/* Formats in UTC with 'Z' the way Go's time.RFC3339Nano does: fractional
 * seconds with trailing zeros removed, no fraction when it is zero.
 * Returns the number of characters written (not counting the NUL). */
size_t rfc3339_format(int64_t usec, char out[RFC3339_MAX]);

/* Same, shown at a fixed UTC offset in seconds ("+02:00"; offset 0 gives
 * "Z" as Go does for UTC). Like Go, the zone shows whole minutes: seconds
 * of the offset are dropped from "±HH:MM" (30 gives "+00:00"). */
size_t rfc3339_format_offset(int64_t usec, int offset_sec, char out[RFC3339_MAX]);

#endif
