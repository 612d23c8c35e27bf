/* time_layout.h — Go's time layout tokens ("2006", "Jan", "-07:00",
 * ".000", …), shared by Time.Format (value_time.c) and time.Parse
 * (time_parse.c) so the two read a layout the same way. */
#ifndef TENGO_TIME_LAYOUT_H
#define TENGO_TIME_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

enum tg_ltok {
    LT_LITERAL,
    LT_LONG_MONTH, LT_MONTH, LT_NUM_MONTH, LT_ZERO_MONTH,
    LT_LONG_WEEKDAY, LT_WEEKDAY,
    LT_DAY, LT_UNDER_DAY, LT_ZERO_DAY, LT_UNDER_YDAY, LT_ZERO_YDAY,
    LT_HOUR, LT_HOUR12, LT_ZERO_HOUR12, LT_MINUTE, LT_ZERO_MINUTE, LT_SECOND, LT_ZERO_SECOND,
    LT_LONG_YEAR, LT_YEAR, LT_PM, LT_PM_LOWER,
    LT_TZ,     /* MST */
    LT_NUM_TZ, /* -0700 and kin; iso: the Z0700 forms */
    LT_FRAC0, LT_FRAC9,
};

struct tg_ltoken {
    enum tg_ltok kind;
    size_t len;            /* bytes of layout taken (1 for a literal) */
    bool iso, colon, mins, secs; /* LT_NUM_TZ */
    int digits;            /* LT_FRAC*: how many 0s or 9s */
    char sep;              /* LT_FRAC*: '.' or ',' */
};

/* The token at p (p < end). */
void tg_layout_token(const char *p, const char *end, struct tg_ltoken *t);

#endif
