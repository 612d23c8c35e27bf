/* test_auth_cache.c — auth_cache (fcgi/auth_cache.h): an answer is found
 * again only for the same token hash and the same scopes, is a copy that
 * outlives what it was made from, is replaced by the next answer of its
 * slot, and is gone after a clear. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth_cache.h"
#include "cunit_main.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static void hash_of(uint8_t out[TOKEN_HASH_LEN], const char *token)
{
    token_hash(token, strlen(token), out);
}

/* An answer whose strings live in buffers the test overwrites after put. */
static char name_buf[32], action_buf[16], resource_buf[64];
static struct policy_rule rule_buf[2];

static struct auth_answer answer(int64_t epoch, const char *name)
{
    snprintf(name_buf, sizeof name_buf, "%s", name);
    snprintf(action_buf, sizeof action_buf, "read");
    snprintf(resource_buf, sizeof resource_buf, "users/me");
    rule_buf[0] = (struct policy_rule){ POLICY_ALLOW, action_buf, resource_buf };
    rule_buf[1] = (struct policy_rule){ POLICY_DENY, action_buf, "users/%" };
    struct auth_answer a = { .epoch = epoch, .user_name = name_buf, .user_rate = 42,
                             .rules = rule_buf, .nrules = 2 };
    snprintf(a.user_uuid, sizeof a.user_uuid, "00000000-0000-1000-8000-000000000000");
    return a;
}

static void test_auth_cache_finds_a_copy_of_what_was_put(void)
{
    struct auth_cache *c = auth_cache_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    uint8_t h[TOKEN_HASH_LEN];
    hash_of(h, "secret-token.a");
    struct auth_answer a = answer(7, "alice");
    auth_cache_put(c, h, "{read}", "{users/me}", &a);
    /* what it was made from changes: the kept copy does not */
    memset(name_buf, 'x', sizeof name_buf - 1);
    memset(resource_buf, 'y', sizeof resource_buf - 1);
    const struct auth_answer *k = auth_cache_find(c, h, "{read}", "{users/me}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_EQUAL(k->epoch, 7);
    CU_ASSERT_STRING_EQUAL(k->user_name, "alice");
    CU_ASSERT_STRING_EQUAL(k->user_uuid, "00000000-0000-1000-8000-000000000000");
    CU_ASSERT_EQUAL(k->user_rate, 42);
    CU_ASSERT_EQUAL_FATAL(k->nrules, 2);
    CU_ASSERT_EQUAL(k->rules[0].effect, POLICY_ALLOW);
    CU_ASSERT_STRING_EQUAL(k->rules[0].resource, "users/me");
    CU_ASSERT_EQUAL(k->rules[1].effect, POLICY_DENY);
    CU_ASSERT_STRING_EQUAL(k->rules[1].action, "read");
    CU_ASSERT_STRING_EQUAL(k->rules[1].resource, "users/%");
    CU_ASSERT_TRUE(policy_allows(k->rules, k->nrules, "read", "users/me") == 0); /* deny wins */
    auth_cache_free(c);
}

static void test_auth_cache_key_is_token_and_scopes(void)
{
    struct auth_cache *c = auth_cache_new();
    uint8_t h[TOKEN_HASH_LEN], other[TOKEN_HASH_LEN];
    hash_of(h, "secret-token.a");
    hash_of(other, "secret-token.b");
    struct auth_answer a = answer(1, "alice");
    auth_cache_put(c, h, "{read}", "{users/me}", &a);
    CU_ASSERT_PTR_NULL(auth_cache_find(c, other, "{read}", "{users/me}"));
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{update}", "{users/me}"));
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}", "{users/m}"));
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}", "{users/me,users/me}"));
    /* the two strings are not one: moving the boundary is another key */
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}{", "users/me}"));
    CU_ASSERT_PTR_NOT_NULL(auth_cache_find(c, h, "{read}", "{users/me}"));
    auth_cache_free(c);
}

static void test_auth_cache_put_replaces_and_clear_empties(void)
{
    struct auth_cache *c = auth_cache_new();
    uint8_t h[TOKEN_HASH_LEN];
    hash_of(h, "secret-token.a");
    struct auth_answer a = answer(1, "alice");
    auth_cache_put(c, h, "{read}", "{users/me}", &a);
    struct auth_answer b = answer(2, "alice renamed");
    b.nrules = 0;
    auth_cache_put(c, h, "{read}", "{users/me}", &b);
    const struct auth_answer *k = auth_cache_find(c, h, "{read}", "{users/me}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_EQUAL(k->epoch, 2);
    CU_ASSERT_STRING_EQUAL(k->user_name, "alice renamed");
    CU_ASSERT_EQUAL(k->nrules, 0);
    auth_cache_clear(c);
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}", "{users/me}"));
    auth_cache_free(c);
}

/* Many tokens and scopes: each found is the one asked for (a slot shared
 * by two keys holds the later one only). */
static void test_auth_cache_many_keys_never_mix(void)
{
    struct auth_cache *c = auth_cache_new();
    char token[64], res[64];
    uint8_t h[TOKEN_HASH_LEN];
    for (int i = 0; i < 500; i++) {
        snprintf(token, sizeof token, "secret-token.%d", i % 50);
        snprintf(res, sizeof res, "{timeseries/%d}", i);
        hash_of(h, token);
        char name[32];
        snprintf(name, sizeof name, "user-%d", i);
        struct auth_answer a = answer(i, name);
        auth_cache_put(c, h, "{read}", res, &a);
    }
    int found = 0;
    for (int i = 0; i < 500; i++) {
        snprintf(token, sizeof token, "secret-token.%d", i % 50);
        snprintf(res, sizeof res, "{timeseries/%d}", i);
        hash_of(h, token);
        const struct auth_answer *k = auth_cache_find(c, h, "{read}", res);
        if (!k)
            continue;
        found++;
        char name[32];
        snprintf(name, sizeof name, "user-%d", i);
        CU_ASSERT_EQUAL(k->epoch, i);
        CU_ASSERT_STRING_EQUAL(k->user_name, name);
    }
    CU_ASSERT_TRUE(found > 0 && found <= AUTH_CACHE_SLOTS);
    auth_cache_free(c);
}

static void test_auth_cache_body_kept_only_at_the_answers_epoch(void)
{
    struct auth_cache *c = auth_cache_new();
    uint8_t h[TOKEN_HASH_LEN];
    hash_of(h, "secret-token.a");
    struct auth_answer a = answer(5, "alice");
    auth_cache_put(c, h, "{read}", "{users/me}", &a);
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}", "{users/me}")->body);
    auth_cache_keep_body(c, h, "{read}", "{users/me}", 6, "{\"newer\":1}");
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}", "{users/me}")->body);
    auth_cache_keep_body(c, h, "{read}", "{users/other}", 5, "{\"other\":1}");
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}", "{users/other}"));
    auth_cache_keep_body(c, h, "{read}", "{users/me}", 5, "{\"uuid\":\"x\"}");
    const struct auth_answer *k = auth_cache_find(c, h, "{read}", "{users/me}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k->body);
    CU_ASSERT_STRING_EQUAL(k->body, "{\"uuid\":\"x\"}");
    /* the rest of the answer came through the rebuild */
    CU_ASSERT_EQUAL(k->epoch, 5);
    CU_ASSERT_STRING_EQUAL(k->user_name, "alice");
    CU_ASSERT_EQUAL_FATAL(k->nrules, 2);
    CU_ASSERT_STRING_EQUAL(k->rules[1].resource, "users/%");
    /* a new answer for the key has no body until one is kept again */
    struct auth_answer b = answer(7, "alice");
    auth_cache_put(c, h, "{read}", "{users/me}", &b);
    CU_ASSERT_PTR_NULL(auth_cache_find(c, h, "{read}", "{users/me}")->body);
    auth_cache_free(c);
}

/* A few slots at first, more before an answer replaces another's: 20
 * tokens of one scope are all found again. */
static void test_auth_cache_grows_before_replacing(void)
{
    struct auth_cache *c = auth_cache_new();
    char token[64];
    uint8_t h[TOKEN_HASH_LEN];
    for (int i = 0; i < 20; i++) {
        snprintf(token, sizeof token, "secret-token.grow-%d", i);
        hash_of(h, token);
        struct auth_answer a = answer(i, "alice");
        auth_cache_put(c, h, "{read}", "{users/me}", &a);
    }
    int found = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(token, sizeof token, "secret-token.grow-%d", i);
        hash_of(h, token);
        const struct auth_answer *k = auth_cache_find(c, h, "{read}", "{users/me}");
        if (k && k->epoch == i)
            found++;
    }
    CU_ASSERT_EQUAL(found, 20);
    auth_cache_free(c);
}

static void test_auth_cache_null_is_nothing_kept(void)
{
    uint8_t h[TOKEN_HASH_LEN];
    hash_of(h, "secret-token.a");
    struct auth_answer a = answer(1, "alice");
    auth_cache_put(NULL, h, "{read}", "{users/me}", &a);
    CU_ASSERT_PTR_NULL(auth_cache_find(NULL, h, "{read}", "{users/me}"));
    auth_cache_clear(NULL);
    auth_cache_free(NULL);
}

static void test_auth_rules_copy_lives_in_the_arena(void)
{
    arena_t *ar = arena_new(4096);
    struct auth_answer a = answer(1, "alice");
    struct policy_rule *r = auth_rules_copy(ar, a.rules, a.nrules);
    memset(resource_buf, 'z', sizeof resource_buf - 1);
    CU_ASSERT_STRING_EQUAL(r[0].resource, "users/me");
    CU_ASSERT_STRING_EQUAL(r[1].resource, "users/%");
    arena_free(ar);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("auth_cache", NULL, NULL);
    ADD(s, test_auth_cache_finds_a_copy_of_what_was_put);
    ADD(s, test_auth_cache_key_is_token_and_scopes);
    ADD(s, test_auth_cache_put_replaces_and_clear_empties);
    ADD(s, test_auth_cache_many_keys_never_mix);
    ADD(s, test_auth_cache_body_kept_only_at_the_answers_epoch);
    ADD(s, test_auth_cache_grows_before_replacing);
    ADD(s, test_auth_cache_null_is_nothing_kept);
    ADD(s, test_auth_rules_copy_lives_in_the_arena);
}
