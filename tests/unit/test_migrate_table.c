/* test_migrate_table.c — the migration table generated from sql/ by
 * cmake/embed_sql.cmake (migrate.h), checked without a database: count,
 * versions, names and that every step has both directions. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "cunit_main.h"
#include "migrate.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

#define EXPECTED_MIGRATIONS 22

/* ^[a-z0-9_]+$ */
static int name_ok(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static void test_migrate_table_has_every_migration(void)
{
    CU_ASSERT_EQUAL(n_migrations, EXPECTED_MIGRATIONS);
}

static void test_migrate_table_versions_ascend_from_1(void)
{
    CU_ASSERT_EQUAL_FATAL(n_migrations, EXPECTED_MIGRATIONS);
    for (size_t i = 0; i < n_migrations; i++) {
        CU_ASSERT_EQUAL(migrations[i].version, (int64_t)i + 1);
        if (i > 0)
            CU_ASSERT_TRUE(migrations[i].version > migrations[i - 1].version);
    }
}

static void test_migrate_latest_is_the_last(void)
{
    CU_ASSERT_EQUAL(migrate_latest(), EXPECTED_MIGRATIONS);
    CU_ASSERT_EQUAL(migrate_latest(), migrations[n_migrations - 1].version);
}

static void test_migrate_table_up_and_down_are_non_empty(void)
{
    for (size_t i = 0; i < n_migrations; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(migrations[i].up);
        CU_ASSERT_PTR_NOT_NULL_FATAL(migrations[i].down);
        CU_ASSERT_TRUE(strlen(migrations[i].up) > 0);
        CU_ASSERT_TRUE(strlen(migrations[i].down) > 0);
        CU_ASSERT_STRING_NOT_EQUAL(migrations[i].up, migrations[i].down);
    }
}

static void test_migrate_table_names_are_lower_snake_case(void)
{
    for (size_t i = 0; i < n_migrations; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(migrations[i].name);
        CU_ASSERT_TRUE(name_ok(migrations[i].name));
        for (size_t j = i + 1; j < n_migrations; j++)
            CU_ASSERT_STRING_NOT_EQUAL(migrations[i].name, migrations[j].name);
    }
}

static void test_migrate_table_names_come_from_sql_file_names(void)
{
    CU_ASSERT_EQUAL_FATAL(n_migrations, EXPECTED_MIGRATIONS);
    CU_ASSERT_STRING_EQUAL(migrations[0].name, "create_extensions");
    CU_ASSERT_STRING_EQUAL(migrations[2].name, "create_users_table");
    CU_ASSERT_STRING_EQUAL(migrations[12].name, "user_tokens_add_ts");
    CU_ASSERT_STRING_EQUAL(migrations[17].name, "policy_lookup");
}

static void test_migrate_name_check_rejects_bad_names(void)
{
    /* the checker above is itself right, so a pass means something */
    CU_ASSERT_TRUE(name_ok("create_users_table"));
    CU_ASSERT_TRUE(name_ok("a1_b2"));
    CU_ASSERT_FALSE(name_ok(""));
    CU_ASSERT_FALSE(name_ok("Create"));
    CU_ASSERT_FALSE(name_ok("create-users"));
    CU_ASSERT_FALSE(name_ok("create users"));
    CU_ASSERT_FALSE(name_ok("x.up"));
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("migrate_table", NULL, NULL);
    ADD(s, test_migrate_table_has_every_migration);
    ADD(s, test_migrate_table_versions_ascend_from_1);
    ADD(s, test_migrate_latest_is_the_last);
    ADD(s, test_migrate_table_up_and_down_are_non_empty);
    ADD(s, test_migrate_table_names_are_lower_snake_case);
    ADD(s, test_migrate_table_names_come_from_sql_file_names);
    ADD(s, test_migrate_name_check_rejects_bad_names);
}
