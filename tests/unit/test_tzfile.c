/* test_tzfile.c — common/tzfile.c: real zone files, POSIX footer rules,
 * and bytes that are no zone file at all (which must never crash). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cunit_main.h"
#include "status.h"
#include "tzfile.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static void slurp(const char *path, buf_t *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, n);
    fclose(f);
}

static void test_tzfile_stockholm_offsets_and_abbreviations(void)
{
    const struct tz_zone *z;
    buf_t err = BUF_INIT;
    struct tz_info in;
    CU_ASSERT_EQUAL_FATAL(tz_load("Europe/Stockholm", 16, &z, &err), OK);
    tz_lookup(z, 1711846799, &in); /* 2024-03-31 00:59:59 UTC */
    CU_ASSERT_EQUAL(in.offset, 3600);
    CU_ASSERT_STRING_EQUAL(in.abbr, "CET");
    CU_ASSERT_FALSE(in.isdst);
    tz_lookup(z, 1711846800, &in);
    CU_ASSERT_EQUAL(in.offset, 7200);
    CU_ASSERT_STRING_EQUAL(in.abbr, "CEST");
    CU_ASSERT_TRUE(in.isdst);
    CU_ASSERT_EQUAL(in.start, 1711846800);
    tz_lookup(z, 4102444800LL + 200 * 86400, &in); /* mid-July 2100: the footer rule */
    CU_ASSERT_EQUAL(in.offset, 7200);
    CU_ASSERT_STRING_EQUAL(in.abbr, "CEST");
    const struct tz_zone *again;
    CU_ASSERT_EQUAL(tz_load("Europe/Stockholm", 16, &again, &err), OK);
    CU_ASSERT_PTR_EQUAL(again, z); /* cached */
    CU_ASSERT_STRING_EQUAL(tz_name(z), "Europe/Stockholm");
    int32_t off = 0;
    CU_ASSERT_TRUE(tz_lookup_abbr(z, "CEST", 1720000000, &off));
    CU_ASSERT_EQUAL(off, 7200);
    CU_ASSERT_FALSE(tz_lookup_abbr(z, "EST", 1720000000, &off));
    buf_free(&err);
}

static void test_tzfile_bad_names_are_refused(void)
{
    static const char *const names[] = { "../etc/passwd", "/etc/passwd", "Europe/../UTC",
                                         "Nowhere/City", "a b", "Europe/Stockholm\n", "Europe" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const struct tz_zone *z = NULL;
        buf_t err = BUF_INIT;
        CU_ASSERT_EQUAL(tz_load(names[i], strlen(names[i]), &z, &err), ERROR);
        CU_ASSERT(err.len > 0);
        buf_free(&err);
    }
    const struct tz_zone *z;
    buf_t err = BUF_INIT;
    CU_ASSERT_EQUAL(tz_load("", 0, &z, &err), OK);
    CU_ASSERT_STRING_EQUAL(tz_name(z), "UTC");
    buf_free(&err);
}

/* Every prefix of a real file, and the file with bytes flipped, through
 * a temporary file: a parse may fail, but never crash or read past. */
static void test_tzfile_truncated_and_garbage_files_never_crash(void)
{
    buf_t good = BUF_INIT;
    slurp("/usr/share/zoneinfo/America/New_York", &good);
    char path[] = "/tmp/test_tzfile_XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    srand(42);
    int parsed = 0;
    for (size_t round = 0; round < 600; round++) {
        buf_t bad = BUF_INIT;
        buf_append(&bad, good.data, good.len);
        size_t len = round < 300 ? (good.len * round) / 300 : good.len;
        if (round >= 300)
            for (int k = 0; k < 1 + (int)(round % 8); k++)
                bad.data[(size_t)rand() % good.len] = (char)rand();
        FILE *f = fopen(path, "wb");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fwrite(bad.data, 1, len, f);
        fclose(f);
        struct tz_zone *z = NULL;
        buf_t err = BUF_INIT;
        if (tz_load_path(path, "test", &z, &err) == OK) {
            struct tz_info in;
            for (int64_t t = -4000000000LL; t < 8000000000LL; t += 97000000)
                tz_lookup(z, t, &in);
            tz_lookup(z, INT64_MIN, &in);
            tz_lookup(z, INT64_MAX, &in);
            parsed++;
            tz_free(z);
        } else {
            CU_ASSERT_STRING_EQUAL(buf_cstr(&err), "malformed time zone information");
        }
        buf_free(&err);
        buf_free(&bad);
    }
    CU_ASSERT(parsed > 0); /* the whole file, at least */
    static const char *const junk[] = { "", "TZif", "TZif2", "not a zone file at all\n",
                                        "TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\377\377\377\377" };
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        struct tz_zone *z = NULL;
        CU_ASSERT_EQUAL(tz_parse(junk[i], strlen(junk[i]) + (i == 4 ? 20 : 0), "junk", &z), ERROR);
    }
    unlink(path);
    buf_free(&good);
}

/* A hand-made v2 file: one type, no transitions, a footer with rules. */
/* Checking a user's zone names keeps nothing: more distinct names than
 * the cache holds can be checked, and a zone still loads afterwards. */
static void test_tzfile_check_does_not_fill_the_cache(void)
{
    FILE *f = fopen(TZ_DIR "/zone1970.tab", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[512];
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *name = line;
        for (int tab = 0; tab < 2 && name; tab++)
            name = strchr(name, '\t') ? strchr(name, '\t') + 1 : NULL;
        if (!name)
            continue;
        name[strcspn(name, "\t\n")] = '\0';
        buf_t err = BUF_INIT;
        if (tz_check(name, strlen(name), &err) == OK)
            checked++;
        else
            fprintf(stderr, "\n  %s: %s\n", name, buf_cstr(&err));
        buf_free(&err);
    }
    fclose(f);
    CU_ASSERT_TRUE(checked > TZ_CACHE_MAX);
    const struct tz_zone *z;
    buf_t err = BUF_INIT;
    CU_ASSERT_EQUAL(tz_load("Pacific/Auckland", 16, &z, &err), OK);
    buf_free(&err);
    CU_ASSERT_EQUAL(tz_check("Nowhere/Atlantis", 16, &err), ERROR);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&err), "unknown time zone Nowhere/Atlantis");
    buf_free(&err);
    CU_ASSERT_EQUAL(tz_check("../etc/passwd", 13, &err), ERROR);
    buf_free(&err);
}

static void test_tzfile_footer_only_zone(void)
{
    unsigned char f[256];
    size_t n = 0;
    memset(f, 0, sizeof f);
    for (int part = 0; part < 2; part++) {
        memcpy(f + n, "TZif2", 5);
        f[n + 39] = 1; /* typecnt */
        f[n + 43] = 4; /* charcnt */
        n += 44;
        f[n + 2] = 0x0e;
        f[n + 3] = 0x10; /* utoff 3600 */
        n += 6;
        memcpy(f + n, "CET", 4);
        n += 4;
    }
    static const char footer[] = "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
    memcpy(f + n, footer, sizeof footer - 1);
    n += sizeof footer - 1;
    struct tz_zone *z = NULL;
    CU_ASSERT_EQUAL_FATAL(tz_parse(f, n, "made", &z), OK);
    struct tz_info in;
    tz_lookup(z, 1720000000, &in); /* July 2024 */
    CU_ASSERT_EQUAL(in.offset, 7200);
    CU_ASSERT_STRING_EQUAL(in.abbr, "CEST");
    tz_lookup(z, 1729990800, &in); /* 2024-10-27 01:00 UTC, back to CET */
    CU_ASSERT_EQUAL(in.offset, 3600);
    CU_ASSERT_STRING_EQUAL(in.abbr, "CET");
    CU_ASSERT_EQUAL(in.start, 1729990800);
    /* 02:30 falls in the gap: read at the old offset, as Go does (03:30 CEST) */
    CU_ASSERT_EQUAL(tz_wall_to_utc(z, 1711848600), 1711848600 - 3600);
    tz_free(z);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tzfile", NULL, NULL);
    ADD(s, test_tzfile_stockholm_offsets_and_abbreviations);
    ADD(s, test_tzfile_bad_names_are_refused);
    ADD(s, test_tzfile_truncated_and_garbage_files_never_crash);
    ADD(s, test_tzfile_footer_only_zone);
    ADD(s, test_tzfile_check_does_not_fill_the_cache);
}
