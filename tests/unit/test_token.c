/* test_token.c — token.h: format of generated tokens, sha256 of the whole
 * token string (as the reference's sha256(secret) in SQL) and constant-time
 * comparison. Digests were computed independently (Python hashlib). */
#include <CUnit/CUnit.h>
#include <string.h>

#include "cunit_main.h"
#include "token.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static const char *hash_hex(const char *s, size_t len)
{
    static char out[2 * TOKEN_HASH_LEN + 1];
    uint8_t h[TOKEN_HASH_LEN];
    token_hash(s, len, h);
    hex(h, sizeof h, out);
    return out;
}

static int is_urlsafe_b64(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static void test_token_generate_has_prefix_and_43_urlsafe_chars(void)
{
    char t[TOKEN_MAX];
    memset(t, 'X', sizeof t);
    token_generate(t);
    CU_ASSERT_EQUAL(strlen(t), TOKEN_MAX - 1);
    CU_ASSERT_EQUAL(strlen(t), 13 + 43);
    CU_ASSERT_EQUAL(strncmp(t, "secret-token.", 13), 0);
    int ok = 1;
    for (size_t i = 13; i < strlen(t); i++)
        if (!is_urlsafe_b64(t[i]))
            ok = 0;
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_PTR_NULL(strchr(t, '='));
}

static void test_token_generate_gives_different_tokens(void)
{
    char a[TOKEN_MAX], b[TOKEN_MAX];
    token_generate(a);
    token_generate(b);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

/* 32 bytes = 256 bits = 42 characters of 6 bits plus one carrying the last
 * 4 bits and 2 zero bits: its value is a multiple of 4 (A, E, I, ...). */
static void test_token_generate_last_char_has_two_zero_bits(void)
{
    int ok = 1;
    for (int i = 0; i < 200; i++) {
        char t[TOKEN_MAX];
        token_generate(t);
        if (!strchr("AEIMQUYcgkosw048", t[TOKEN_MAX - 2]))
            ok = 0;
    }
    CU_ASSERT_TRUE(ok);
}

static void test_token_hash_is_sha256_of_whole_string(void)
{
    CU_ASSERT_STRING_EQUAL(hash_hex("secret-token.abc", 16),
                           "58dc61ab77b6469b4631a52ef0436c841d52f40b96fb920ed971744203585712");
    CU_ASSERT_STRING_EQUAL(hash_hex("abc", 3),
                           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* The reference seeds its root user with token_hash = sha256('root'). */
static void test_token_hash_matches_reference_root_seed(void)
{
    CU_ASSERT_STRING_EQUAL(hash_hex("root", 4),
                           "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2");
}

static void test_token_hash_of_empty_input(void)
{
    CU_ASSERT_STRING_EQUAL(hash_hex("", 0),
                           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_token_hash_uses_len_not_nul(void)
{
    CU_ASSERT_STRING_EQUAL(hash_hex("abcdef", 3),
                           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    uint8_t with_nul[TOKEN_HASH_LEN], without[TOKEN_HASH_LEN];
    token_hash("abc\0", 4, with_nul);
    token_hash("abc", 3, without);
    CU_ASSERT_FALSE(token_equal(with_nul, without, TOKEN_HASH_LEN));
}

static void test_token_hash_of_generated_token_differs_from_hash_of_random_part(void)
{
    char t[TOKEN_MAX];
    token_generate(t);
    uint8_t whole[TOKEN_HASH_LEN], tail[TOKEN_HASH_LEN];
    token_hash(t, strlen(t), whole);
    token_hash(t + 13, strlen(t) - 13, tail);
    CU_ASSERT_FALSE(token_equal(whole, tail, TOKEN_HASH_LEN));
}

static void test_token_equal_compares_all_bytes(void)
{
    uint8_t a[TOKEN_HASH_LEN], b[TOKEN_HASH_LEN];
    token_hash("x", 1, a);
    memcpy(b, a, sizeof b);
    CU_ASSERT_EQUAL(token_equal(a, b, sizeof a), 1);
    b[TOKEN_HASH_LEN - 1] ^= 1; /* last byte */
    CU_ASSERT_EQUAL(token_equal(a, b, sizeof a), 0);
    b[TOKEN_HASH_LEN - 1] ^= 1;
    b[0] ^= 0x80; /* first byte */
    CU_ASSERT_EQUAL(token_equal(a, b, sizeof a), 0);
    /* a difference beyond n is not looked at */
    CU_ASSERT_EQUAL(token_equal(a + 1, b + 1, sizeof a - 1), 1);
}

static void test_token_equal_of_zero_length_is_equal(void)
{
    uint8_t a[1] = { 1 }, b[1] = { 2 };
    CU_ASSERT_EQUAL(token_equal(a, b, 0), 1);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("token", NULL, NULL);
    ADD(s, test_token_generate_has_prefix_and_43_urlsafe_chars);
    ADD(s, test_token_generate_gives_different_tokens);
    ADD(s, test_token_generate_last_char_has_two_zero_bits);
    ADD(s, test_token_hash_is_sha256_of_whole_string);
    ADD(s, test_token_hash_matches_reference_root_seed);
    ADD(s, test_token_hash_of_empty_input);
    ADD(s, test_token_hash_uses_len_not_nul);
    ADD(s, test_token_hash_of_generated_token_differs_from_hash_of_random_part);
    ADD(s, test_token_equal_compares_all_bytes);
    ADD(s, test_token_equal_of_zero_length_is_equal);
}
