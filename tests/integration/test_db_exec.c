/* test_db_exec.c — common/db's declared statements on a real connection to
 * the world's database: the first use prepares and runs in one round trip
 * (a pipeline), and every way that can go wrong leaves the connection as
 * usable as before: a statement that does not parse, one that fails when
 * run, one run inside a transaction, and a connection the server ended. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "itest.h"

static struct db_conn conn;

static int open_conn(void)
{
    char uri[512], err[256];
    snprintf(uri, sizeof uri, "postgresql:///itest_main?host=%s&user=postgres",
             itest_env("ITEST_PGHOST"));
    memset(&conn, 0, sizeof conn);
    return db_connect(&conn, uri, 5, "test_db_exec", err, sizeof err) == 0 ? 0 : -1;
}

static int close_conn(void)
{
    db_close(&conn);
    return 0;
}

static const struct db_stmt ADD = { "test_db_exec_add", "SELECT $1::int + $2::int", 2 };
static const struct db_stmt BAD_SQL = { "test_db_exec_bad", "SELEC 1 FROM", 0 };
static const struct db_stmt DIVIDE = { "test_db_exec_div", "SELECT 10 / $1::int", 1 };
static const struct db_stmt MISSING = { "test_db_exec_missing", "SELECT x FROM no_such_table", 0 };

static int is_prepared(const struct db_stmt *st)
{
    for (size_t i = 0; i < conn.nprepared; i++)
        if (conn.prepared[i] == st)
            return 1;
    return 0;
}

static int server_has(const char *name)
{
    const char *params[] = { name };
    PGresult *res = PQexecParams(conn.pg, "SELECT count(*) FROM pg_prepared_statements "
                                 "WHERE name = $1", 1, NULL, params, NULL, NULL, 0);
    int n = db_ok(res) ? PQgetvalue(res, 0, 0)[0] - '0' : -1;
    PQclear(res);
    return n;
}

static void assert_usable(void)
{
    PGresult *res = db_exec_sql(&conn, "SELECT 41 + 1");
    CU_ASSERT_TRUE(db_ok(res));
    if (db_ok(res))
        CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), "42");
    PQclear(res);
    CU_ASSERT_EQUAL(PQpipelineStatus(conn.pg), PQ_PIPELINE_OFF);
    CU_ASSERT_EQUAL(PQtransactionStatus(conn.pg), PQTRANS_IDLE);
}

static void test_first_use_prepares_and_runs(void)
{
    CU_ASSERT_FALSE(is_prepared(&ADD));
    const char *params[] = { "2", "3" };
    PGresult *res = db_exec(&conn, &ADD, params);
    CU_ASSERT_EQUAL_FATAL(PQresultStatus(res), PGRES_TUPLES_OK);
    CU_ASSERT_EQUAL(PQntuples(res), 1);
    CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), "5");
    PQclear(res);
    CU_ASSERT_TRUE(is_prepared(&ADD));
    CU_ASSERT_EQUAL(server_has(ADD.name), 1);
    /* later uses run the prepared statement */
    const char *again[] = { "20", "22" };
    res = db_exec(&conn, &ADD, again);
    CU_ASSERT_TRUE(db_ok(res));
    CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), "42");
    PQclear(res);
    assert_usable();
}

static void test_statement_that_does_not_parse(void)
{
    PGresult *res = db_exec(&conn, &BAD_SQL, NULL);
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_FATAL_ERROR);
    CU_ASSERT_STRING_EQUAL(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42601");
    PQclear(res);
    CU_ASSERT_FALSE(is_prepared(&BAD_SQL));
    CU_ASSERT_EQUAL(server_has(BAD_SQL.name), 0);
    res = db_exec(&conn, &MISSING, NULL);
    CU_ASSERT_STRING_EQUAL(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42P01");
    PQclear(res);
    assert_usable();
}

static void test_statement_that_fails_when_run(void)
{
    const char *zero[] = { "0" };
    PGresult *res = db_exec(&conn, &DIVIDE, zero);
    CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_FATAL_ERROR);
    CU_ASSERT_STRING_EQUAL(PQresultErrorField(res, PG_DIAG_SQLSTATE), "22012");
    const char *msg;
    CU_ASSERT_EQUAL(db_error_status(res, &msg), 400);
    PQclear(res);
    /* prepared all the same (a Parse is not undone with its transaction) */
    CU_ASSERT_TRUE(is_prepared(&DIVIDE));
    CU_ASSERT_EQUAL(server_has(DIVIDE.name), 1);
    const char *two[] = { "2" };
    res = db_exec(&conn, &DIVIDE, two);
    CU_ASSERT_TRUE(db_ok(res));
    CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), "5");
    PQclear(res);
    assert_usable();
}

static void test_first_use_inside_a_transaction(void)
{
    static const struct db_stmt INSERT = {
        "test_db_exec_insert", "INSERT INTO test_db_exec_t VALUES ($1::int)", 1
    };
    PQclear(db_exec_sql(&conn, "CREATE TEMP TABLE test_db_exec_t (n int)"));
    CU_ASSERT_EQUAL_FATAL(db_begin(&conn), 0);
    const char *one[] = { "1" };
    PGresult *res = db_exec(&conn, &INSERT, one);
    CU_ASSERT_TRUE(db_ok(res));
    PQclear(res);
    /* the pipeline's Sync did not end the transaction */
    CU_ASSERT_EQUAL(PQtransactionStatus(conn.pg), PQTRANS_INTRANS);
    db_rollback(&conn);
    res = db_exec_sql(&conn, "SELECT count(*) FROM test_db_exec_t");
    CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 0), "0");
    PQclear(res);
    /* a statement first used in a failed transaction: refused, not
     * counted as prepared, and prepared at its next use */
    static const struct db_stmt LATER = { "test_db_exec_later", "SELECT 7", 0 };
    CU_ASSERT_EQUAL_FATAL(db_begin(&conn), 0);
    PQclear(db_exec(&conn, &MISSING, NULL));
    res = db_exec(&conn, &LATER, NULL);
    CU_ASSERT_STRING_EQUAL(PQresultErrorField(res, PG_DIAG_SQLSTATE), "25P02");
    PQclear(res);
    CU_ASSERT_FALSE(is_prepared(&LATER));
    db_rollback(&conn);
    res = db_exec(&conn, &LATER, NULL);
    CU_ASSERT_TRUE(db_ok(res));
    PQclear(res);
    CU_ASSERT_TRUE(is_prepared(&LATER));
    assert_usable();
}

static void test_connection_the_server_ended(void)
{
    /* the server ends the backend; the next first use answers an error
     * with no SQLSTATE (503: connection lost), never hangs */
    static const struct db_stmt AFTER = { "test_db_exec_after", "SELECT 1", 0 };
    PGresult *res = db_exec_sql(&conn, "SELECT pg_terminate_backend(pg_backend_pid())");
    PQclear(res);
    res = db_exec(&conn, &AFTER, NULL);
    CU_ASSERT_FALSE(db_ok(res));
    const char *msg;
    CU_ASSERT_EQUAL(db_error_status(res, &msg), 503);
    PQclear(res);
    CU_ASSERT_FALSE(is_prepared(&AFTER));
    /* reset: a new backend, statements forgotten, pipelines possible again */
    CU_ASSERT_EQUAL_FATAL(db_reset(&conn), 0);
    CU_ASSERT_EQUAL(conn.nprepared, 0);
    res = db_exec(&conn, &AFTER, NULL);
    CU_ASSERT_TRUE(db_ok(res));
    PQclear(res);
    assert_usable();
}

void register_tests(void);
void register_tests(void)
{
    CU_pSuite s = CU_add_suite("db_exec", open_conn, close_conn);
#define ADD_TEST(t) CU_add_test(s, #t, t)
    ADD_TEST(test_first_use_prepares_and_runs);
    ADD_TEST(test_statement_that_does_not_parse);
    ADD_TEST(test_statement_that_fails_when_run);
    ADD_TEST(test_first_use_inside_a_transaction);
    ADD_TEST(test_connection_the_server_ended);
}
