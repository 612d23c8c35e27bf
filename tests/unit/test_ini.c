/* test_ini.c — ini.h: sections, keys and values as the callback sees them,
 * comments, trimming, quoting, and the "file:line: reason" errors for
 * malformed lines, callback failures and unreadable files. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "ini.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

#define MAX_ENTRIES 16

/* Every callback invocation, copied (the parser's buffers are reused). */
static struct {
    size_t n;
    char section[MAX_ENTRIES][160];
    char key[MAX_ENTRIES][160];
    char value[MAX_ENTRIES][4200];
} seen;

static char tmpdir[64];
static char file[128];

static int record(void *ctx, const char *section, const char *key, const char *value,
                  char *err, size_t errsz)
{
    (void)ctx;
    if (strcmp(key, "fail") == 0) {
        snprintf(err, errsz, "callback says no to '%s'", value);
        return ERROR;
    }
    if (seen.n < MAX_ENTRIES) {
        snprintf(seen.section[seen.n], sizeof seen.section[0], "%s", section);
        snprintf(seen.key[seen.n], sizeof seen.key[0], "%s", key);
        snprintf(seen.value[seen.n], sizeof seen.value[0], "%s", value);
    }
    seen.n++;
    return OK;
}

static int suite_init(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_ini.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(file, sizeof file, "%s/t.ini", tmpdir);
    return 0;
}

static int suite_clean(void)
{
    unlink(file);
    return rmdir(tmpdir) == 0 ? 0 : -1;
}

/* Writes len bytes of text to the test file and parses it. */
static int parse_bytes(const char *text, size_t len, char *err, size_t errsz)
{
    FILE *f = fopen(file, "w");
    if (!f)
        return 99;
    fwrite(text, 1, len, f);
    fclose(f);
    memset(&seen, 0, sizeof seen);
    err[0] = '\0';
    return ini_parse_file(file, record, NULL, err, errsz);
}

static int parse_text(const char *text, char *err, size_t errsz)
{
    return parse_bytes(text, strlen(text), err, errsz);
}

static void test_ini_sections_keys_and_values_reach_callback(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("[server]\nlog_level = debug\nmax_body = 2048\n"
                               "[database]\nconnect_timeout = 7\n",
                               err, sizeof err),
                    OK);
    CU_ASSERT_EQUAL(seen.n, 3);
    CU_ASSERT_STRING_EQUAL(seen.section[0], "server");
    CU_ASSERT_STRING_EQUAL(seen.key[0], "log_level");
    CU_ASSERT_STRING_EQUAL(seen.value[0], "debug");
    CU_ASSERT_STRING_EQUAL(seen.section[1], "server");
    CU_ASSERT_STRING_EQUAL(seen.key[1], "max_body");
    CU_ASSERT_STRING_EQUAL(seen.value[1], "2048");
    CU_ASSERT_STRING_EQUAL(seen.section[2], "database");
    CU_ASSERT_STRING_EQUAL(seen.key[2], "connect_timeout");
    CU_ASSERT_STRING_EQUAL(seen.value[2], "7");
}

static void test_ini_empty_file_calls_nothing(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("", err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 0);
}

static void test_ini_comments_and_blank_lines_are_ignored(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("# hash comment\n; semicolon comment\n\n   \n\t\n"
                               "[s]\n   # indented comment\n  ; indented too\nk = v\n",
                               err, sizeof err),
                    OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.key[0], "k");
    CU_ASSERT_STRING_EQUAL(seen.value[0], "v");
}

static void test_ini_hash_after_value_is_part_of_value(void)
{
    /* comments only start a line; URIs may contain '#' and ';' */
    char err[256];
    CU_ASSERT_EQUAL(parse_text("[s]\nk = a # b ; c\n", err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.value[0], "a # b ; c");
}

static void test_ini_whitespace_around_key_and_value_is_trimmed(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("  [  sec  ]  \n\t key one \t=\t  value two  \t\n", err, sizeof err),
                    OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.section[0], "sec");
    CU_ASSERT_STRING_EQUAL(seen.key[0], "key one");
    CU_ASSERT_STRING_EQUAL(seen.value[0], "value two");
}

static void test_ini_crlf_line_endings_are_trimmed(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("[s]\r\nk = v\r\n", err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.section[0], "s");
    CU_ASSERT_STRING_EQUAL(seen.value[0], "v");
}

static void test_ini_quoted_value_keeps_inner_spaces(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("[s]\na = \"  two  spaces  \"\nb = \"\"\nc = \"\n", err, sizeof err),
                    OK);
    CU_ASSERT_EQUAL(seen.n, 3);
    CU_ASSERT_STRING_EQUAL(seen.value[0], "  two  spaces  ");
    CU_ASSERT_STRING_EQUAL(seen.value[1], "");
    CU_ASSERT_STRING_EQUAL(seen.value[2], "\""); /* a lone quote is not a quoted value */
}

static void test_ini_value_may_contain_equals_sign(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("[domains]\nacme = postgresql://u:p@h/db?sslmode=require\n", err,
                               sizeof err),
                    OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.key[0], "acme");
    CU_ASSERT_STRING_EQUAL(seen.value[0], "postgresql://u:p@h/db?sslmode=require");
}

static void test_ini_empty_value_is_passed_as_empty_string(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("[s]\nk =\nj =    \n", err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 2);
    CU_ASSERT_STRING_EQUAL(seen.value[0], "");
    CU_ASSERT_STRING_EQUAL(seen.value[1], "");
}

static void test_ini_key_before_any_section_has_empty_section(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("k = v\n", err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.section[0], "");
}

static void test_ini_last_line_without_newline_is_parsed(void)
{
    char err[256];
    CU_ASSERT_EQUAL(parse_text("[s]\nk = last", err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.value[0], "last");
}

static void test_ini_long_value_within_limit_is_accepted(void)
{
    static char text[4200];
    char err[256];
    size_t n = (size_t)snprintf(text, sizeof text, "[s]\nk = ");
    memset(text + n, 'x', 4000);
    snprintf(text + n + 4000, sizeof text - n - 4000, "\n");
    CU_ASSERT_EQUAL(parse_text(text, err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_EQUAL(strlen(seen.value[0]), 4000);
}

static void test_ini_line_too_long_is_error_with_line_number(void)
{
    static char text[10100];
    char err[256], want[256];
    size_t n = (size_t)snprintf(text, sizeof text, "[s]\nk = ");
    memset(text + n, 'x', 10000);
    snprintf(text + n + 10000, sizeof text - n - 10000, "\n");
    CU_ASSERT_EQUAL(parse_text(text, err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:2: line too long", file);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(seen.n, 0);
}

static void test_ini_unclosed_section_is_malformed(void)
{
    char err[256], want[256];
    CU_ASSERT_EQUAL(parse_text("[server\nk = v\n", err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:1: malformed section header", file);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(seen.n, 0);
}

static void test_ini_text_after_section_close_is_malformed(void)
{
    char err[256], want[256];
    CU_ASSERT_EQUAL(parse_text("# c\n[server] # trailing\n", err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:2: malformed section header", file);
    CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_ini_empty_section_name_is_error(void)
{
    char err[256], want[256];
    CU_ASSERT_EQUAL(parse_text("[   ]\n", err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:1: bad section name", file);
    CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_ini_section_name_127_ok_128_too_long(void)
{
    char text[200], name[130], err[256], want[256];
    memset(name, 's', 127);
    name[127] = '\0';
    snprintf(text, sizeof text, "[%s]\nk = v\n", name);
    CU_ASSERT_EQUAL(parse_text(text, err, sizeof err), OK);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.section[0], name);

    memset(name, 's', 128);
    name[128] = '\0';
    snprintf(text, sizeof text, "[%s]\nk = v\n", name);
    CU_ASSERT_EQUAL(parse_text(text, err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:1: bad section name", file);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(seen.n, 0);
}

static void test_ini_line_without_equals_is_error_with_line_number(void)
{
    char err[256], want[256];
    CU_ASSERT_EQUAL(parse_text("[s]\na = 1\njust words\nb = 2\n", err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:3: expected 'key = value'", file);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(seen.n, 1); /* parsing stops at the bad line */
}

static void test_ini_empty_key_is_error(void)
{
    char err[256], want[256];
    CU_ASSERT_EQUAL(parse_text("[s]\n  = value\n", err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:2: empty key", file);
    CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_ini_callback_error_gets_file_and_line_and_stops(void)
{
    char err[256], want[256];
    CU_ASSERT_EQUAL(parse_text("[s]\na = 1\n\nfail = 42\nb = 2\n", err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:4: callback says no to '42'", file);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_STRING_EQUAL(seen.key[0], "a");
}

static void test_ini_embedded_nul_in_line_is_error(void)
{
    static const char text[] = "[s]\nk = v\0junk\n";
    char err[256];
    CU_ASSERT_EQUAL(parse_bytes(text, sizeof text - 1, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: "));
}

static void test_ini_missing_file_is_error_with_enoent(void)
{
    char path[160], err[256], want[256];
    snprintf(path, sizeof path, "%s/does-not-exist.ini", tmpdir);
    errno = 0;
    CU_ASSERT_EQUAL(ini_parse_file(path, record, NULL, err, sizeof err), ERROR);
    CU_ASSERT_EQUAL(errno, ENOENT);
    snprintf(want, sizeof want, "%s: %s", path, strerror(ENOENT));
    CU_ASSERT_STRING_EQUAL(err, want);
}

static int count_into_ctx(void *ctx, const char *section, const char *key, const char *value,
                          char *err, size_t errsz)
{
    (void)section, (void)key, (void)value, (void)err, (void)errsz;
    (*(int *)ctx)++;
    return OK;
}

static void test_ini_ctx_is_passed_to_callback(void)
{
    char err[256];
    FILE *f = fopen(file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("[s]\na = 1\nb = 2\n[t]\nc = 3\n", f);
    fclose(f);
    int count = 0;
    CU_ASSERT_EQUAL(ini_parse_file(file, count_into_ctx, &count, err, sizeof err), OK);
    CU_ASSERT_EQUAL(count, 3);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("ini", suite_init, suite_clean);
    ADD(s, test_ini_sections_keys_and_values_reach_callback);
    ADD(s, test_ini_empty_file_calls_nothing);
    ADD(s, test_ini_comments_and_blank_lines_are_ignored);
    ADD(s, test_ini_hash_after_value_is_part_of_value);
    ADD(s, test_ini_whitespace_around_key_and_value_is_trimmed);
    ADD(s, test_ini_crlf_line_endings_are_trimmed);
    ADD(s, test_ini_quoted_value_keeps_inner_spaces);
    ADD(s, test_ini_value_may_contain_equals_sign);
    ADD(s, test_ini_empty_value_is_passed_as_empty_string);
    ADD(s, test_ini_key_before_any_section_has_empty_section);
    ADD(s, test_ini_last_line_without_newline_is_parsed);
    ADD(s, test_ini_long_value_within_limit_is_accepted);
    ADD(s, test_ini_line_too_long_is_error_with_line_number);
    ADD(s, test_ini_unclosed_section_is_malformed);
    ADD(s, test_ini_text_after_section_close_is_malformed);
    ADD(s, test_ini_empty_section_name_is_error);
    ADD(s, test_ini_section_name_127_ok_128_too_long);
    ADD(s, test_ini_line_without_equals_is_error_with_line_number);
    ADD(s, test_ini_empty_key_is_error);
    ADD(s, test_ini_callback_error_gets_file_and_line_and_stops);
    ADD(s, test_ini_embedded_nul_in_line_is_error);
    ADD(s, test_ini_missing_file_is_error_with_enoent);
    ADD(s, test_ini_ctx_is_passed_to_callback);
}
