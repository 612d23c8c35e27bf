/* test_auth_basic.c — auth_parse_basic (auth.h): splitting an HTTP Basic
 * Authorization header into domain and token, and refusing every header
 * that is not exactly "Basic base64(domain:token)". */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "base64.h"
#include "cunit_main.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

/* "<prefix><base64 of len bytes of plain><suffix>" in the arena. */
static const char *header_of(arena_t *a, const char *prefix, const char *plain, size_t len,
                             const char *suffix)
{
    char *b64 = arena_alloc(a, base64_encoded_len(len) + 1);
    base64_encode((const uint8_t *)plain, len, b64);
    return arena_sprintf(a, "%s%s%s", prefix, b64, suffix);
}

static const char *basic(arena_t *a, const char *plain)
{
    return header_of(a, "Basic ", plain, strlen(plain), "");
}

/* Parses header; on OK copies the results (or "" on ERROR) out. */
static int parse(const char *header, char *domain, size_t dsz, char *token, size_t tsz)
{
    arena_t *a = arena_new(0);
    const char *d = NULL, *t = NULL;
    int rc = auth_parse_basic(a, header, &d, &t);
    snprintf(domain, dsz, "%s", rc == OK && d ? d : "");
    snprintf(token, tsz, "%s", rc == OK && t ? t : "");
    arena_free(a);
    return rc;
}

static int rejected(const char *header)
{
    char d[256], t[256];
    return parse(header, d, sizeof d, t, sizeof t) == ERROR;
}

static void test_auth_basic_parses_domain_and_token(void)
{
    arena_t *a = arena_new(0);
    const char *h = basic(a, "demo:secret-token.x");
    CU_ASSERT_STRING_EQUAL(h, "Basic ZGVtbzpzZWNyZXQtdG9rZW4ueA==");
    const char *domain = NULL, *token = NULL;
    CU_ASSERT_EQUAL(auth_parse_basic(a, h, &domain, &token), OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(domain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(token);
    CU_ASSERT_STRING_EQUAL(domain, "demo");
    CU_ASSERT_STRING_EQUAL(token, "secret-token.x");
    arena_free(a);
}

static void test_auth_basic_literal_header_parses(void)
{
    /* written out by hand, independent of base64_encode */
    char d[64], t[64];
    CU_ASSERT_EQUAL(parse("Basic ZGVtbzpzZWNyZXQtdG9rZW4ueA==", d, sizeof d, t, sizeof t), OK);
    CU_ASSERT_STRING_EQUAL(d, "demo");
    CU_ASSERT_STRING_EQUAL(t, "secret-token.x");
}

static void test_auth_basic_scheme_is_case_insensitive(void)
{
    static const char *const schemes[] = { "basic ", "BASIC ", "bAsIc " };
    arena_t *a = arena_new(0);
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
        const char *h = header_of(a, schemes[i], "demo:tok", 8, "");
        char d[64], t[64];
        CU_ASSERT_EQUAL(parse(h, d, sizeof d, t, sizeof t), OK);
        CU_ASSERT_STRING_EQUAL(d, "demo");
        CU_ASSERT_STRING_EQUAL(t, "tok");
    }
    arena_free(a);
}

static void test_auth_basic_extra_spaces_around_credentials_are_skipped(void)
{
    arena_t *a = arena_new(0);
    const char *h = header_of(a, "Basic     ", "demo:tok", 8, "   ");
    char d[64], t[64];
    CU_ASSERT_EQUAL(parse(h, d, sizeof d, t, sizeof t), OK);
    CU_ASSERT_STRING_EQUAL(d, "demo");
    CU_ASSERT_STRING_EQUAL(t, "tok");
    arena_free(a);
}

static void test_auth_basic_token_keeps_everything_after_first_colon(void)
{
    arena_t *a = arena_new(0);
    char d[64], t[64];
    CU_ASSERT_EQUAL(parse(basic(a, "demo:a:b::c:"), d, sizeof d, t, sizeof t), OK);
    CU_ASSERT_STRING_EQUAL(d, "demo");
    CU_ASSERT_STRING_EQUAL(t, "a:b::c:");
    CU_ASSERT_EQUAL(parse(basic(a, "demo::"), d, sizeof d, t, sizeof t), OK);
    CU_ASSERT_STRING_EQUAL(d, "demo");
    CU_ASSERT_STRING_EQUAL(t, ":");
    arena_free(a);
}

static void test_auth_basic_does_not_validate_domain_characters(void)
{
    /* domain_name_valid is auth_authenticate's job, not the parser's */
    arena_t *a = arena_new(0);
    char d[64], t[64];
    CU_ASSERT_EQUAL(parse(basic(a, "a b/c:tok en"), d, sizeof d, t, sizeof t), OK);
    CU_ASSERT_STRING_EQUAL(d, "a b/c");
    CU_ASSERT_STRING_EQUAL(t, "tok en");
    arena_free(a);
}

static void test_auth_basic_null_header_is_error(void)
{
    CU_ASSERT_TRUE(rejected(NULL));
}

static void test_auth_basic_other_schemes_are_error(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_TRUE(rejected("Bearer ZGVtbzp0b2s="));
    CU_ASSERT_TRUE(rejected("Digest username=\"demo\""));
    CU_ASSERT_TRUE(rejected(header_of(a, "Basi ", "demo:tok", 8, "")));
    CU_ASSERT_TRUE(rejected(header_of(a, "Basicx ", "demo:tok", 8, "")));
    CU_ASSERT_TRUE(rejected(header_of(a, "Basic", "demo:tok", 8, "")));     /* no space */
    CU_ASSERT_TRUE(rejected(header_of(a, " Basic ", "demo:tok", 8, "")));   /* leading space */
    CU_ASSERT_TRUE(rejected(header_of(a, "Basic\t", "demo:tok", 8, "")));
    CU_ASSERT_TRUE(rejected(header_of(a, "", "demo:tok", 8, "")));          /* scheme missing */
    arena_free(a);
}

static void test_auth_basic_empty_credentials_are_error(void)
{
    CU_ASSERT_TRUE(rejected(""));
    CU_ASSERT_TRUE(rejected("Basic"));
    CU_ASSERT_TRUE(rejected("Basic "));
    CU_ASSERT_TRUE(rejected("Basic      "));
}

static void test_auth_basic_missing_colon_is_error(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_TRUE(rejected(basic(a, "demosecret-token.x")));
    CU_ASSERT_TRUE(rejected(basic(a, "x")));
    arena_free(a);
}

static void test_auth_basic_empty_domain_is_error(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_TRUE(rejected(basic(a, ":secret-token.x")));
    CU_ASSERT_TRUE(rejected(basic(a, ":")));
    arena_free(a);
}

static void test_auth_basic_empty_token_is_error(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_TRUE(rejected(basic(a, "demo:")));
    arena_free(a);
}

static void test_auth_basic_embedded_nul_is_error(void)
{
    arena_t *a = arena_new(0);
    CU_ASSERT_TRUE(rejected(header_of(a, "Basic ", "demo:to\0ken", 11, "")));
    CU_ASSERT_TRUE(rejected(header_of(a, "Basic ", "de\0mo:token", 11, "")));
    CU_ASSERT_TRUE(rejected(header_of(a, "Basic ", "demo:token\0", 11, "")));
    CU_ASSERT_TRUE(rejected(header_of(a, "Basic ", "\0demo:token", 11, "")));
    arena_free(a);
}

static void test_auth_basic_invalid_base64_is_error(void)
{
    CU_ASSERT_TRUE(rejected("Basic !!!!"));
    CU_ASSERT_TRUE(rejected("Basic ZGVtbzp0b2s"));     /* "demo:tok" without its '=' */
    CU_ASSERT_TRUE(rejected("Basic ZGVtb zp0b2s="));   /* space inside */
    CU_ASSERT_TRUE(rejected("Basic ZGVtbzp0b2s=="));   /* too much padding */
    CU_ASSERT_TRUE(rejected("Basic ZGVtbzp0b2s=\t"));  /* trailing tab is not a space */
    CU_ASSERT_TRUE(rejected("Basic ZGVtbzp0b2t="));    /* non-zero trailing bits */
    CU_ASSERT_TRUE(rejected("Basic ZGVtbzp0b2s=ZGVt")); /* data after padding */
    CU_ASSERT_TRUE(rejected("Basic demo:token"));      /* not encoded at all */
}

static void test_auth_basic_very_long_header_is_error(void)
{
    static char plain[8192];
    memset(plain, 't', sizeof plain);
    memcpy(plain, "demo:", 5);
    arena_t *a = arena_new(0);
    CU_ASSERT_TRUE(rejected(header_of(a, "Basic ", plain, sizeof plain, "")));
    arena_free(a);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("auth_basic", NULL, NULL);
    ADD(s, test_auth_basic_parses_domain_and_token);
    ADD(s, test_auth_basic_literal_header_parses);
    ADD(s, test_auth_basic_scheme_is_case_insensitive);
    ADD(s, test_auth_basic_extra_spaces_around_credentials_are_skipped);
    ADD(s, test_auth_basic_token_keeps_everything_after_first_colon);
    ADD(s, test_auth_basic_does_not_validate_domain_characters);
    ADD(s, test_auth_basic_null_header_is_error);
    ADD(s, test_auth_basic_other_schemes_are_error);
    ADD(s, test_auth_basic_empty_credentials_are_error);
    ADD(s, test_auth_basic_missing_colon_is_error);
    ADD(s, test_auth_basic_empty_domain_is_error);
    ADD(s, test_auth_basic_empty_token_is_error);
    ADD(s, test_auth_basic_embedded_nul_is_error);
    ADD(s, test_auth_basic_invalid_base64_is_error);
    ADD(s, test_auth_basic_very_long_header_is_error);
}
