/* test_base64.c — base64.h: RFC 4648 test vectors, lengths, binary
 * round-trips and strict rejection of bad padding, characters and bits. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "base64.h"
#include "cunit_main.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

/* RFC 4648 section 10 */
static const struct { const char *plain, *enc; } rfc_vectors[] = {
    { "", "" },           { "f", "Zg==" },         { "fo", "Zm8=" },         { "foo", "Zm9v" },
    { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

static int decode(const char *s, uint8_t *out, size_t *outlen)
{
    return base64_decode(s, strlen(s), out, outlen);
}

static int rejected(const char *s)
{
    uint8_t out[64];
    size_t n = 0;
    return decode(s, out, &n) == ERROR;
}

static void test_base64_encode_rfc4648_vectors(void)
{
    for (size_t i = 0; i < sizeof rfc_vectors / sizeof rfc_vectors[0]; i++) {
        char out[16];
        size_t n = base64_encode((const uint8_t *)rfc_vectors[i].plain, strlen(rfc_vectors[i].plain), out);
        CU_ASSERT_STRING_EQUAL(out, rfc_vectors[i].enc);
        CU_ASSERT_EQUAL(n, strlen(rfc_vectors[i].enc));
    }
}

static void test_base64_decode_rfc4648_vectors(void)
{
    for (size_t i = 0; i < sizeof rfc_vectors / sizeof rfc_vectors[0]; i++) {
        uint8_t out[16];
        size_t n = 99;
        CU_ASSERT_EQUAL(decode(rfc_vectors[i].enc, out, &n), OK);
        CU_ASSERT_EQUAL(n, strlen(rfc_vectors[i].plain));
        CU_ASSERT_EQUAL(memcmp(out, rfc_vectors[i].plain, n), 0);
    }
}

static void test_base64_encode_uses_plus_and_slash(void)
{
    char out[8];
    base64_encode((const uint8_t *)"\xff\xfe\xfd", 3, out);
    CU_ASSERT_STRING_EQUAL(out, "//79");
    base64_encode((const uint8_t *)"\xfb\xff", 2, out);
    CU_ASSERT_STRING_EQUAL(out, "+/8=");
    base64_encode((const uint8_t *)"\x00", 1, out);
    CU_ASSERT_STRING_EQUAL(out, "AA==");
}

static void test_base64_encoded_len_and_decoded_max(void)
{
    CU_ASSERT_EQUAL(base64_encoded_len(0), 0);
    CU_ASSERT_EQUAL(base64_encoded_len(1), 4);
    CU_ASSERT_EQUAL(base64_encoded_len(2), 4);
    CU_ASSERT_EQUAL(base64_encoded_len(3), 4);
    CU_ASSERT_EQUAL(base64_encoded_len(4), 8);
    CU_ASSERT_EQUAL(base64_encoded_len(256), 344);
    CU_ASSERT_EQUAL(base64_decoded_max(0), 0);
    CU_ASSERT_EQUAL(base64_decoded_max(4), 3);
    CU_ASSERT_EQUAL(base64_decoded_max(8), 6);
    CU_ASSERT_EQUAL(base64_decoded_max(5), 6); /* never too small, even for bad lengths */
}

static void test_base64_all_byte_values_round_trip(void)
{
    uint8_t in[256], back[256 + 3];
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)i;
    char enc[345];
    for (size_t n = 0; n <= 256; n++) {
        size_t elen = base64_encode(in + (256 - n), n, enc);
        CU_ASSERT_EQUAL(elen, base64_encoded_len(n));
        size_t dlen = 0;
        CU_ASSERT_EQUAL(base64_decode(enc, elen, back, &dlen), OK);
        CU_ASSERT_EQUAL(dlen, n);
        CU_ASSERT_EQUAL(memcmp(back, in + (256 - n), n), 0);
    }
    base64_encode(in, 256, enc);
    CU_ASSERT_EQUAL(strncmp(enc, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss", 60), 0);
}

static void test_base64_decode_empty_input_gives_zero_bytes(void)
{
    size_t n = 99;
    uint8_t out[1];
    CU_ASSERT_EQUAL(base64_decode("", 0, out, &n), OK);
    CU_ASSERT_EQUAL(n, 0);
    n = 99;
    CU_ASSERT_EQUAL(base64_decode(NULL, 0, NULL, &n), OK);
    CU_ASSERT_EQUAL(n, 0);
}

static void test_base64_decode_rejects_null_with_length(void)
{
    uint8_t out[8];
    size_t n;
    CU_ASSERT_EQUAL(base64_decode(NULL, 4, out, &n), ERROR);
}

static void test_base64_decode_rejects_missing_padding(void)
{
    CU_ASSERT_TRUE(rejected("Zg"));
    CU_ASSERT_TRUE(rejected("Zg="));
    CU_ASSERT_TRUE(rejected("Zm8"));
    CU_ASSERT_TRUE(rejected("Zm9vYg"));
}

static void test_base64_decode_rejects_bad_padding(void)
{
    CU_ASSERT_TRUE(rejected("Zg==="));
    CU_ASSERT_TRUE(rejected("Z==="));
    CU_ASSERT_TRUE(rejected("===="));
    CU_ASSERT_TRUE(rejected("Z=g="));       /* '=' followed by data */
    CU_ASSERT_TRUE(rejected("Zg==Zm9v"));   /* padding in the middle */
    CU_ASSERT_TRUE(rejected("Zm9v===="));
    CU_ASSERT_TRUE(rejected("=Zm9"));
}

static void test_base64_decode_rejects_characters_outside_alphabet(void)
{
    CU_ASSERT_TRUE(rejected("Zm9v\n"));
    CU_ASSERT_TRUE(rejected("Zm 9"));
    CU_ASSERT_TRUE(rejected("Zm9-"));  /* URL-safe alphabet is not ours */
    CU_ASSERT_TRUE(rejected("Zm9_"));
    CU_ASSERT_TRUE(rejected("Zm9*"));
    CU_ASSERT_TRUE(rejected("Zm\xc3\xa9"));
    uint8_t out[8];
    size_t n;
    CU_ASSERT_EQUAL(base64_decode("Zm\0v", 4, out, &n), ERROR);
}

static void test_base64_decode_rejects_non_zero_trailing_bits(void)
{
    CU_ASSERT_TRUE(rejected("Zh=="));  /* "Zg==" is canonical for "f" */
    CU_ASSERT_TRUE(rejected("Zm9="));  /* "Zm8=" is canonical for "fo" */
    CU_ASSERT_TRUE(rejected("AB=="));
    CU_ASSERT_FALSE(rejected("AA=="));
}

static void test_base64_decode_rejects_truncated_input(void)
{
    const char *full = "Zm9vYmFy";
    for (size_t len = 1; len < strlen(full); len++) {
        if (len % 4 == 0)
            continue;
        uint8_t out[8];
        size_t n;
        CU_ASSERT_EQUAL(base64_decode(full, len, out, &n), ERROR);
    }
}

static void test_base64_decode_uses_len_not_nul(void)
{
    uint8_t out[8];
    size_t n = 0;
    CU_ASSERT_EQUAL(base64_decode("Zm9vYmFy", 4, out, &n), OK);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(memcmp(out, "foo", 3), 0);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("base64", NULL, NULL);
    ADD(s, test_base64_encode_rfc4648_vectors);
    ADD(s, test_base64_decode_rfc4648_vectors);
    ADD(s, test_base64_encode_uses_plus_and_slash);
    ADD(s, test_base64_encoded_len_and_decoded_max);
    ADD(s, test_base64_all_byte_values_round_trip);
    ADD(s, test_base64_decode_empty_input_gives_zero_bytes);
    ADD(s, test_base64_decode_rejects_null_with_length);
    ADD(s, test_base64_decode_rejects_missing_padding);
    ADD(s, test_base64_decode_rejects_bad_padding);
    ADD(s, test_base64_decode_rejects_characters_outside_alphabet);
    ADD(s, test_base64_decode_rejects_non_zero_trailing_bits);
    ADD(s, test_base64_decode_rejects_truncated_input);
    ADD(s, test_base64_decode_uses_len_not_nul);
}
