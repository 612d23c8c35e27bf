/* test_md5.c — md5.h: the RFC 1321 appendix A.5 test suite, lengths around
 * the 56- and 64-byte padding boundaries, input fed in pieces of every
 * size, and Content-MD5 parsing (hex and base64) with malformed values. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "md5.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static const char *hex_of(const void *data, size_t n)
{
    static char out[MD5_HEX_LEN + 1];
    uint8_t d[MD5_LEN];
    md5(data, n, d);
    md5_hex(d, out);
    return out;
}

static const char *hex_str(const char *s)
{
    return hex_of(s, strlen(s));
}

/* RFC 1321, A.5 */
static void test_md5_rfc1321_suite(void)
{
    CU_ASSERT_STRING_EQUAL(hex_str(""), "d41d8cd98f00b204e9800998ecf8427e");
    CU_ASSERT_STRING_EQUAL(hex_str("a"), "0cc175b9c0f1b6a831c399e269772661");
    CU_ASSERT_STRING_EQUAL(hex_str("abc"), "900150983cd24fb0d6963f7d28e17f72");
    CU_ASSERT_STRING_EQUAL(hex_str("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    CU_ASSERT_STRING_EQUAL(hex_str("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
    CU_ASSERT_STRING_EQUAL(
        hex_str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
        "d174ab98d277d9f5a5611c2c9f419d9f");
    CU_ASSERT_STRING_EQUAL(hex_str("1234567890123456789012345678901234567890"
                                   "1234567890123456789012345678901234567890"),
                           "57edf4a22be3c955ac49da2e2107b67a");
}

/* Padding needs one block or two: the lengths around 56 and 64. */
static void test_md5_padding_boundaries(void)
{
    static const struct { size_t n; const char *hex; } v[] = {
        { 55, "ef1772b6dff9a122358552954ad0df65" },  { 56, "3b0c8ac703f828b04c6c197006d17218" },
        { 57, "652b906d60af96844ebd21b674f35e93" },  { 63, "b06521f39153d618550606be297466d5" },
        { 64, "014842d480b571495a4a0363793f7367" },  { 65, "c743a45e0d2e6a95cb859adae0248435" },
        { 119, "8a7bd0732ed6a28ce75f6dabc90e1613" }, { 120, "5f61c0ccad4cac44c75ff505e1f1e537" },
        { 128, "e510683b3f5ffe4093d021808bc6ff70" },
    };
    char a[128];
    memset(a, 'a', sizeof a);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        CU_ASSERT_STRING_EQUAL(hex_of(a, v[i].n), v[i].hex);
}

static void test_md5_binary_and_long_input(void)
{
    uint8_t bytes[256];
    for (int i = 0; i < 256; i++)
        bytes[i] = (uint8_t)i;
    CU_ASSERT_STRING_EQUAL(hex_of(bytes, sizeof bytes), "e2c865db4162bed963bfaa9ef6ac18f0");
    char *million = malloc(1000000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(million);
    memset(million, 'a', 1000000);
    CU_ASSERT_STRING_EQUAL(hex_of(million, 1000000), "7707d6ae4e027c70eea2a935c2296f21");
    free(million);
}

/* Feeding the same input in pieces of any size gives the same digest. */
static void test_md5_update_in_pieces(void)
{
    uint8_t data[300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    uint8_t want[MD5_LEN];
    md5(data, sizeof data, want);
    for (size_t piece = 1; piece <= 130; piece++) {
        struct md5_ctx c;
        md5_init(&c);
        for (size_t off = 0; off < sizeof data; off += piece)
            md5_update(&c, data + off, off + piece > sizeof data ? sizeof data - off : piece);
        uint8_t got[MD5_LEN];
        md5_final(&c, got);
        CU_ASSERT_EQUAL(memcmp(got, want, MD5_LEN), 0);
    }
    /* empty updates change nothing */
    struct md5_ctx c;
    md5_init(&c);
    md5_update(&c, "", 0);
    md5_update(&c, "abc", 3);
    md5_update(&c, NULL, 0);
    uint8_t got[MD5_LEN];
    md5_final(&c, got);
    char hex[MD5_HEX_LEN + 1];
    md5_hex(got, hex);
    CU_ASSERT_STRING_EQUAL(hex, "900150983cd24fb0d6963f7d28e17f72");
}

static void test_md5_parse_hex_and_base64(void)
{
    uint8_t want[MD5_LEN], got[MD5_LEN];
    md5("", 0, want);
    memset(got, 0, sizeof got);
    CU_ASSERT_EQUAL(md5_parse("d41d8cd98f00b204e9800998ecf8427e", got), OK);
    CU_ASSERT_EQUAL(memcmp(got, want, MD5_LEN), 0);
    memset(got, 0, sizeof got);
    CU_ASSERT_EQUAL(md5_parse("D41D8CD98F00B204E9800998ECF8427E", got), OK);
    CU_ASSERT_EQUAL(memcmp(got, want, MD5_LEN), 0);
    memset(got, 0, sizeof got);
    CU_ASSERT_EQUAL(md5_parse("1B2M2Y8AsgTpgAmY7PhCfg==", got), OK); /* RFC 1864 form */
    CU_ASSERT_EQUAL(memcmp(got, want, MD5_LEN), 0);
    memset(got, 0, sizeof got);
    CU_ASSERT_EQUAL(md5_parse("  1B2M2Y8AsgTpgAmY7PhCfg==\t", got), OK);
    CU_ASSERT_EQUAL(memcmp(got, want, MD5_LEN), 0);
}

static void test_md5_parse_rejects_malformed(void)
{
    static const char *const bad[] = {
        "",
        " ",
        "d41d8cd98f00b204e9800998ecf8427",   /* 31 hex */
        "d41d8cd98f00b204e9800998ecf8427e0", /* 33 hex */
        "d41d8cd98f00b204e9800998ecf8427g",  /* not hex */
        "d41d8cd98f00b204 e9800998ecf8427e", /* inner space */
        "0xd41d8cd98f00b204e9800998ecf842",
        "1B2M2Y8AsgTpgAmY7PhCfg",            /* base64 without padding */
        "1B2M2Y8AsgTpgAmY7PhCfg=",
        "1B2M2Y8AsgTpgAmY7PhCfh==",          /* non-zero trailing bits */
        "1B2M2Y8AsgTpgAmY7PhC*g==",          /* outside the alphabet */
        "1B2M2Y8AsgTpgAmY7PhCfgAA",          /* 18 bytes, not 16 */
        "1B2M2Y8_sgTpgAmY7PhCfg==",          /* URL-safe alphabet */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint8_t out[MD5_LEN];
        CU_ASSERT_EQUAL(md5_parse(bad[i], out), ERROR);
    }
    uint8_t out[MD5_LEN];
    CU_ASSERT_EQUAL(md5_parse(NULL, out), ERROR);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("md5", NULL, NULL);
    ADD(s, test_md5_rfc1321_suite);
    ADD(s, test_md5_padding_boundaries);
    ADD(s, test_md5_binary_and_long_input);
    ADD(s, test_md5_update_in_pieces);
    ADD(s, test_md5_parse_hex_and_base64);
    ADD(s, test_md5_parse_rejects_malformed);
}
