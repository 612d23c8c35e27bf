/* tzfile.c — TZif zone files and POSIX TZ rules (tzfile.h). The reader
 * trusts nothing in a file: every count is checked against the bytes that
 * are there before anything is read. The rule evaluation follows Go's
 * time package (tzset, tzruleTime), so Tengo's times agree with Go's. */
#include "tzfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"

#define TZ_FILE_MAX (1 << 20) /* real zone files are a few KB */
#define ALPHA INT64_MIN
#define OMEGA INT64_MAX
#define DAY 86400

struct tz_type {
    int32_t offset;
    bool isdst;
    char abbr[TZ_ABBR_MAX];
};

enum rule_kind { RULE_JULIAN, RULE_DOY, RULE_MWD };

struct tz_rule {
    enum rule_kind kind;
    int day, week, mon;
    int32_t time; /* seconds after local midnight */
};

/* A POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"), parsed once. */
struct tz_posix {
    bool ok, has_dst;
    char std_abbr[TZ_ABBR_MAX], dst_abbr[TZ_ABBR_MAX];
    int32_t std_off, dst_off; /* seconds east of UTC */
    struct tz_rule start, end;
};

struct tz_zone {
    char *name;
    int64_t *when; /* transitions, ascending */
    uint8_t *idx;  /* the type from each transition on */
    size_t ntx;
    struct tz_type *types;
    size_t ntypes;
    struct tz_posix footer;
};

/* ==== POSIX TZ rules (Go's tzset) ======================================= */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const char *rule_num(const char *s, int min, int max, int *out)
{
    int n = 0;
    const char *p = s;
    for (; is_digit(*p); p++) {
        n = n * 10 + (*p - '0');
        if (n > max)
            return NULL;
    }
    if (p == s || n < min)
        return NULL;
    *out = n;
    return p;
}

static const char *rule_name(const char *s, char out[TZ_ABBR_MAX])
{
    const char *p = s, *end;
    if (*s == '<') {
        end = strchr(s + 1, '>');
        if (!end)
            return NULL;
        p = s + 1;
        snprintf(out, TZ_ABBR_MAX, "%.*s", (int)(end - p), p);
        return end + 1;
    }
    while (*p && !is_digit(*p) && *p != ',' && *p != '-' && *p != '+')
        p++;
    if (p - s < 3)
        return NULL;
    snprintf(out, TZ_ABBR_MAX, "%.*s", (int)(p - s), s);
    return p;
}

/* [+-]hh[:mm[:ss]], hours up to a week as Go allows. */
static const char *rule_offset(const char *s, int32_t *out)
{
    bool neg = *s == '-';
    if (*s == '+' || *s == '-')
        s++;
    int h, m = 0, sec = 0;
    if (!(s = rule_num(s, 0, 24 * 7, &h)))
        return NULL;
    if (*s == ':') {
        if (!(s = rule_num(s + 1, 0, 59, &m)))
            return NULL;
        if (*s == ':' && !(s = rule_num(s + 1, 0, 59, &sec)))
            return NULL;
    }
    int32_t off = h * 3600 + m * 60 + sec;
    *out = neg ? -off : off;
    return s;
}

static const char *rule_when(const char *s, struct tz_rule *r)
{
    if (*s == 'J') {
        r->kind = RULE_JULIAN;
        if (!(s = rule_num(s + 1, 1, 365, &r->day)))
            return NULL;
    } else if (*s == 'M') {
        r->kind = RULE_MWD;
        if (!(s = rule_num(s + 1, 1, 12, &r->mon)) || *s != '.' ||
            !(s = rule_num(s + 1, 1, 5, &r->week)) || *s != '.' ||
            !(s = rule_num(s + 1, 0, 6, &r->day)))
            return NULL;
    } else {
        r->kind = RULE_DOY;
        if (!(s = rule_num(s, 0, 365, &r->day)))
            return NULL;
    }
    r->time = 2 * 3600;
    if (*s == '/')
        return rule_offset(s + 1, &r->time);
    return s;
}

static void posix_parse(const char *s, struct tz_posix *p)
{
    memset(p, 0, sizeof *p);
    if (!(s = rule_name(s, p->std_abbr)) || !(s = rule_offset(s, &p->std_off)))
        return;
    p->std_off = -p->std_off; /* POSIX counts west, we count east */
    if (*s == 0 || *s == ',') {
        p->ok = true;
        return;
    }
    if (!(s = rule_name(s, p->dst_abbr)))
        return;
    if (*s == 0 || *s == ',') {
        p->dst_off = p->std_off + 3600;
    } else {
        if (!(s = rule_offset(s, &p->dst_off)))
            return;
        p->dst_off = -p->dst_off;
    }
    if (*s == 0)
        s = ",M3.2.0,M11.1.0"; /* tzcode's default rules */
    if (*s != ',' && *s != ';')
        return;
    if (!(s = rule_when(s + 1, &p->start)) || *s != ',' || !(s = rule_when(s + 1, &p->end)) ||
        *s != 0)
        return;
    p->has_dst = p->ok = true;
}

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400), yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int64_t year_of_day(int64_t days)
{
    int64_t z = days + 719468, era = floor_div(z, 146097), doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

static int days_in(int m, int64_t y)
{
    static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* Seconds after the start of year (UTC) at which rule r fires, its
 * local time read at offset off. */
static int64_t rule_time(int64_t year, const struct tz_rule *r, int32_t off)
{
    int64_t d = 0;
    switch (r->kind) {
    case RULE_JULIAN:
        d = r->day - 1 + (is_leap(year) && r->day >= 60);
        break;
    case RULE_DOY:
        d = r->day;
        break;
    case RULE_MWD: {
        int64_t first = days_from_civil(year, r->mon, 1);
        int dow = (int)(((first % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
        int md = r->day - dow;
        if (md < 0)
            md += 7;
        for (int i = 1; i < r->week && md + 7 < days_in(r->mon, year); i++)
            md += 7;
        d = first - days_from_civil(year, 1, 1) + md;
        break;
    }
    }
    return d * DAY + r->time - off;
}

static void posix_lookup(const struct tz_posix *p, int64_t last, int64_t t, struct tz_info *out)
{
    if (!p->has_dst) {
        out->offset = p->std_off;
        out->isdst = false;
        memcpy(out->abbr, p->std_abbr, TZ_ABBR_MAX);
        out->start = last;
        out->end = OMEGA;
        return;
    }
    int64_t year = year_of_day(floor_div(t, DAY));
    __int128 ystart = (__int128)days_from_civil(year, 1, 1) * DAY, ysec = t - ystart;
    int64_t s = rule_time(year, &p->start, p->std_off), e = rule_time(year, &p->end, p->dst_off);
    const char *std = p->std_abbr, *dst = p->dst_abbr;
    int32_t stdoff = p->std_off, dstoff = p->dst_off;
    bool stdisdst = false;
    if (e < s) { /* southern hemisphere: the year starts in summer time */
        int64_t x = s;
        s = e;
        e = x;
        std = p->dst_abbr;
        dst = p->std_abbr;
        stdoff = p->dst_off;
        dstoff = p->std_off;
        stdisdst = true;
    }
    __int128 from, to;
    if (ysec < s || ysec >= e) {
        out->offset = stdoff;
        out->isdst = stdisdst;
        snprintf(out->abbr, TZ_ABBR_MAX, "%s", std);
        from = ysec < s ? ystart : ystart + e;
        to = ysec < s ? ystart + s : ystart + 365 * DAY;
    } else {
        out->offset = dstoff;
        out->isdst = !stdisdst;
        snprintf(out->abbr, TZ_ABBR_MAX, "%s", dst);
        from = ystart + s;
        to = ystart + e;
    }
    /* at the ends of int64 time the year's edges do not fit */
    out->start = from < INT64_MIN ? INT64_MIN : from > INT64_MAX ? INT64_MAX : (int64_t)from;
    out->end = to < INT64_MIN ? INT64_MIN : to > INT64_MAX ? INT64_MAX : (int64_t)to;
}

/* ==== TZif ============================================================== */

struct reader {
    const unsigned char *p;
    size_t left;
};

static bool take(struct reader *r, size_t n, const unsigned char **out)
{
    if (n > r->left)
        return false;
    *out = r->p;
    r->p += n;
    r->left -= n;
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

static bool header(struct reader *r, int *version, struct counts *c)
{
    const unsigned char *h;
    if (!take(r, 44, &h) || memcmp(h, "TZif", 4) != 0)
        return false;
    *version = h[4] == 0 ? 1 : h[4] - '0';
    if (*version < 1 || *version > 9) /* later versions keep the layout */
        return false;
    c->isut = be32(h + 20);
    c->isstd = be32(h + 24);
    c->leap = be32(h + 28);
    c->time = be32(h + 32);
    c->type = be32(h + 36);
    c->chars = be32(h + 40);
    return true;
}

static size_t block_size(const struct counts *c, size_t tsize)
{
    return (size_t)c->time * tsize + c->time + (size_t)c->type * 6 + c->chars +
           (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

void tz_free(struct tz_zone *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->when);
    free(z->idx);
    free(z->types);
    free(z);
}

static struct tz_zone *zone_new(const char *name)
{
    struct tz_zone *z = calloc(1, sizeof *z);
    if (z && !(z->name = strdup(name))) {
        free(z);
        z = NULL;
    }
    return z;
}

/* One data block (times of tsize bytes) into z. */
static int read_block(struct reader *r, const struct counts *c, size_t tsize, struct tz_zone *z)
{
    const unsigned char *times = NULL, *idx = NULL, *types = NULL, *chars = NULL, *skip;
    if (c->type == 0 || c->type > 256 || c->chars == 0 || block_size(c, tsize) > r->left)
        return ERROR;
    take(r, (size_t)c->time * tsize, &times);
    take(r, c->time, &idx);
    take(r, (size_t)c->type * 6, &types);
    take(r, c->chars, &chars);
    take(r, (size_t)c->leap * (tsize + 4) + c->isstd + c->isut, &skip);
    size_t ntx = c->time ? c->time : 1; /* a fixed zone: one transition at the dawn of time */
    z->when = malloc(ntx * sizeof *z->when);
    z->idx = malloc(ntx);
    z->types = calloc(c->type, sizeof *z->types);
    if (!z->when || !z->idx || !z->types)
        return ERROR;
    z->ntx = ntx;
    z->ntypes = c->type;
    if (c->time == 0) {
        z->when[0] = ALPHA;
        z->idx[0] = 0;
    }
    for (uint32_t i = 0; i < c->time; i++) {
        z->when[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        if (idx[i] >= c->type)
            return ERROR;
        z->idx[i] = idx[i];
    }
    for (uint32_t i = 0; i < c->type; i++) {
        const unsigned char *t = types + 6 * i;
        int32_t off = (int32_t)be32(t);
        /* RFC 8536: -89999..93599 (just over a day either way); anything
         * beyond is a corrupt file, and would push wall clocks far off */
        if (t[4] > 1 || t[5] >= c->chars || off < -89999 || off > 93599)
            return ERROR;
        z->types[i].offset = off;
        z->types[i].isdst = t[4];
        const unsigned char *a = chars + t[5];
        size_t n = strnlen((const char *)a, c->chars - t[5]);
        if (n >= TZ_ABBR_MAX)
            n = TZ_ABBR_MAX - 1;
        memcpy(z->types[i].abbr, a, n);
    }
    return OK;
}

int tz_parse(const void *data, size_t len, const char *name, struct tz_zone **out)
{
    struct reader r = { data, len };
    struct counts c;
    int version;
    if (!data || !header(&r, &version, &c))
        return ERROR;
    struct tz_zone *z = zone_new(name);
    if (!z)
        return ERROR;
    if (version >= 2) {
        const unsigned char *v1;
        if (block_size(&c, 4) > r.left)
            goto bad;
        take(&r, block_size(&c, 4), &v1);
        if (!header(&r, &version, &c) || version < 2)
            goto bad;
    }
    if (read_block(&r, &c, version >= 2 ? 8 : 4, z) != OK)
        goto bad;
    if (version >= 2 && r.left >= 2 && r.p[0] == '\n') {
        const unsigned char *nl = memchr(r.p + 1, '\n', r.left - 1);
        if (nl && nl - r.p - 1 < 128) {
            char footer[128];
            memcpy(footer, r.p + 1, (size_t)(nl - r.p - 1));
            footer[nl - r.p - 1] = 0;
            if (strlen(footer) == (size_t)(nl - r.p - 1) && footer[0])
                posix_parse(footer, &z->footer);
        }
    }
    *out = z;
    return OK;
bad:
    tz_free(z);
    return ERROR;
}

/* Go's errors for a file that would not do. */
static void file_error(buf_t *err, int e, const char *name)
{
    if (!err)
        return;
    if (e == ENOENT)
        buf_printf(err, "unknown time zone %s", name);
    else if (e == 0)
        buf_puts(err, "malformed time zone information");
    else { /* Go shows the bare errno text, in lower case */
        const char *m = strerror(e);
        buf_putc(err, m[0] >= 'A' && m[0] <= 'Z' ? (char)(m[0] + 32) : m[0]);
        buf_puts(err, m + 1);
    }
}

int tz_load_path(const char *path, const char *name, struct tz_zone **out, buf_t *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        file_error(err, errno, name);
        return ERROR;
    }
    buf_t data = BUF_INIT;
    char chunk[8192];
    int e = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            break;
        }
        if (n == 0)
            break;
        buf_append(&data, chunk, (size_t)n);
        if (data.len > TZ_FILE_MAX)
            break;
    }
    close(fd);
    int rc = ERROR;
    if (e)
        file_error(err, e, name);
    else if (data.len > TZ_FILE_MAX || tz_parse(data.data, data.len, name, out) != OK)
        file_error(err, 0, name);
    else
        rc = OK;
    buf_free(&data);
    return rc;
}

/* ==== lookups =========================================================== */

const char *tz_name(const struct tz_zone *z)
{
    return z->name;
}

/* Go's lookupFirstZone: the type before the first transition. */
static size_t first_type(const struct tz_zone *z)
{
    bool used = false;
    for (size_t i = 0; i < z->ntx && !used; i++)
        used = z->idx[i] == 0;
    if (!used)
        return 0;
    if (z->ntx > 0 && z->types[z->idx[0]].isdst)
        for (size_t i = z->idx[0]; i-- > 0;)
            if (!z->types[i].isdst)
                return i;
    for (size_t i = 0; i < z->ntypes; i++)
        if (!z->types[i].isdst)
            return i;
    return 0;
}

static void from_type(const struct tz_type *ty, int64_t start, int64_t end, struct tz_info *out)
{
    out->offset = ty->offset;
    out->isdst = ty->isdst;
    memcpy(out->abbr, ty->abbr, TZ_ABBR_MAX);
    out->start = start;
    out->end = end;
}

void tz_lookup(const struct tz_zone *z, int64_t t, struct tz_info *out)
{
    if (z->ntypes == 0) { /* UTC */
        from_type(&(struct tz_type){ 0, false, "UTC" }, ALPHA, OMEGA, out);
        return;
    }
    if (z->ntx == 0 || t < z->when[0]) {
        from_type(&z->types[first_type(z)], ALPHA, z->ntx ? z->when[0] : OMEGA, out);
        return;
    }
    size_t lo = 0, hi = z->ntx;
    int64_t end = OMEGA;
    while (hi - lo > 1) {
        size_t m = lo + (hi - lo) / 2;
        if (t < z->when[m]) {
            end = z->when[m];
            hi = m;
        } else {
            lo = m;
        }
    }
    from_type(&z->types[z->idx[lo]], z->when[lo], end, out);
    if (lo == z->ntx - 1 && z->footer.ok)
        posix_lookup(&z->footer, z->when[lo], t, out);
}

bool tz_lookup_abbr(const struct tz_zone *z, const char *abbr, int64_t t, int32_t *offset)
{
    for (size_t i = 0; i < z->ntypes; i++)
        if (strcmp(z->types[i].abbr, abbr) == 0) {
            struct tz_info in;
            int64_t utc;
            if (__builtin_sub_overflow(t, (int64_t)z->types[i].offset, &utc))
                utc = z->types[i].offset > 0 ? INT64_MIN : INT64_MAX;
            tz_lookup(z, utc, &in);
            if (strcmp(in.abbr, abbr) == 0) {
                *offset = in.offset;
                return true;
            }
        }
    for (size_t i = 0; i < z->ntypes; i++)
        if (strcmp(z->types[i].abbr, abbr) == 0) {
            *offset = z->types[i].offset;
            return true;
        }
    return false;
}

int64_t tz_wall_to_utc(const struct tz_zone *z, int64_t wall)
{
    struct tz_info in;
    tz_lookup(z, wall, &in);
    if (in.offset == 0)
        return wall;
    int64_t utc = (int64_t)((uint64_t)wall - (uint64_t)(int64_t)in.offset);
    if (utc < in.start || utc >= in.end)
        tz_lookup(z, utc, &in);
    return (int64_t)((uint64_t)wall - (uint64_t)(int64_t)in.offset);
}

/* ==== the cache ========================================================= */

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tz_zone *cache[TZ_CACHE_MAX];
static size_t ncache;
static struct tz_zone utc_zone = { .name = "UTC" };
/* Local: the zone and the TZ value it was made from ("\1" when unset). */
static struct tz_zone *local_zone;
static char *local_tz;

static bool name_ok(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' ||
              c == '+' || c == '-' || c == '/'))
            return false;
    }
    return len > 0 && len < 256;
}

static struct tz_zone *local_load(const char *tz)
{
    struct tz_zone *z = NULL;
    char path[512];
    if (!tz) {
        if (tz_load_path("/etc/localtime", "Local", &z, NULL) == OK)
            return z;
        return NULL;
    }
    if (*tz == ':')
        tz++;
    if (*tz == 0 || strcmp(tz, "UTC") == 0)
        return NULL;
    if (*tz == '/') {
        snprintf(path, sizeof path, "%s", tz);
    } else if (!strstr(tz, "..") && name_ok(tz, strlen(tz))) {
        snprintf(path, sizeof path, "%s/%s", TZ_DIR, tz);
    } else {
        path[0] = 0;
    }
    if (path[0] && tz_load_path(path, "Local", &z, NULL) == OK)
        return z;
    /* a POSIX rule itself, as the C library takes it */
    if (!(z = zone_new("Local")))
        return NULL;
    posix_parse(tz, &z->footer);
    z->when = malloc(sizeof *z->when);
    z->idx = calloc(1, 1);
    z->types = calloc(1, sizeof *z->types);
    if (!z->footer.ok || !z->when || !z->idx || !z->types) {
        tz_free(z);
        return NULL;
    }
    z->when[0] = ALPHA;
    z->ntx = z->ntypes = 1;
    z->types[0].offset = z->footer.std_off;
    snprintf(z->types[0].abbr, TZ_ABBR_MAX, "%s", z->footer.std_abbr);
    return z;
}

static const struct tz_zone *local_get(buf_t *err)
{
    const char *tz = getenv("TZ");
    const char *key = tz ? tz : "\1";
    if (local_tz && strcmp(local_tz, key) == 0)
        return local_zone ? local_zone : &utc_zone;
    if (ncache == TZ_CACHE_MAX) {
        if (err)
            buf_puts(err, "time: too many time zones loaded");
        return NULL;
    }
    struct tz_zone *z = local_load(tz);
    if (z) {
        free(z->name);
        z->name = strdup("Local");
        if (!z->name) {
            tz_free(z);
            z = NULL;
        }
    }
    if (z)
        cache[ncache++] = z; /* kept: older times may still point at it */
    free(local_tz);
    local_tz = strdup(key);
    local_zone = z;
    return z ? z : &utc_zone;
}

/* The file of zone name[0..len) under TZ_DIR, after Go's checks on the
 * name; ERROR with Go's message in err. */
static int zone_file(const char *name, size_t len, char path[static sizeof TZ_DIR + 256],
                     char zname[static 256], buf_t *err)
{
    if (memmem(name, len, "..", 2) || name[0] == '/' || name[0] == '\\') {
        buf_puts(err, "time: invalid location name");
        return ERROR;
    }
    if (!name_ok(name, len)) {
        buf_puts(err, "unknown time zone ");
        buf_append(err, name, len);
        return ERROR;
    }
    snprintf(zname, 256, "%.*s", (int)len, name);
    snprintf(path, sizeof TZ_DIR + 256, "%s/%s", TZ_DIR, zname);
    return OK;
}

int tz_load(const char *name, size_t len, const struct tz_zone **out, buf_t *err)
{
    if (len == 0 || (len == 3 && memcmp(name, "UTC", 3) == 0)) {
        *out = &utc_zone;
        return OK;
    }
    bool local = len == 5 && memcmp(name, "Local", 5) == 0;
    char path[sizeof TZ_DIR + 256], zname[256];
    if (!local && zone_file(name, len, path, zname, err) != OK)
        return ERROR;
    pthread_mutex_lock(&cache_mu);
    int rc = ERROR;
    if (local) {
        *out = local_get(err);
        rc = *out ? OK : ERROR;
        goto done;
    }
    for (size_t i = 0; i < ncache; i++)
        if (strlen(cache[i]->name) == len && memcmp(cache[i]->name, name, len) == 0) {
            *out = cache[i];
            rc = OK;
            goto done;
        }
    if (ncache == TZ_CACHE_MAX) {
        buf_puts(err, "time: too many time zones loaded");
        goto done;
    }
    struct tz_zone *z;
    if (tz_load_path(path, zname, &z, err) == OK) {
        cache[ncache++] = z;
        *out = z;
        rc = OK;
    }
done:
    pthread_mutex_unlock(&cache_mu);
    return rc;
}

int tz_check(const char *name, size_t len, buf_t *err)
{
    if (len == 0 || (len == 3 && memcmp(name, "UTC", 3) == 0) ||
        (len == 5 && memcmp(name, "Local", 5) == 0))
        return OK;
    char path[sizeof TZ_DIR + 256], zname[256];
    if (zone_file(name, len, path, zname, err) != OK)
        return ERROR;
    struct tz_zone *z;
    if (tz_load_path(path, zname, &z, err) != OK)
        return ERROR;
    tz_free(z);
    return OK;
}
