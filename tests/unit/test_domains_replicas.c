/* test_domains_replicas.c — domains.h's [replicas]: a read-only URI per
 * domain, in the domain file (before or after [domains]) and in the main
 * file; a replica naming no domain, a second replica and a bad URI are
 * errors with file and line; `selfctl domain add|remove` keep the other
 * domains' replicas and drop the removed one's. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cunit_main.h"
#include "domains.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static char tmpdir[64];
static char dfile[128]; /* tmpdir/domains.conf */
static char cfile[128]; /* tmpdir/selfhost.conf */

static int suite_init(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_domains_replicas.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dfile, sizeof dfile, "%s/domains.conf", tmpdir);
    snprintf(cfile, sizeof cfile, "%s/selfhost.conf", tmpdir);
    return 0;
}

static int suite_clean(void)
{
    unlink(dfile);
    unlink(cfile);
    return rmdir(tmpdir) == 0 ? 0 : -1;
}

static void test_teardown(void)
{
    unlink(dfile);
    unlink(cfile);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static const char *slurp(const char *path, char *buf, size_t bufsz)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return buf;
    size_t n = fread(buf, 1, bufsz - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* domains_load with only the domain file (no inline domains, no Primus). */
static int load_file(struct domain_list *l, char *err, size_t errsz)
{
    struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.domainfile = dfile;
    return domains_load(&cfg, NULL, l, err, errsz);
}

static void test_replicas_in_domain_file_attach_to_their_domains(void)
{
    write_file(dfile, "[domains]\nacme = postgresql://p/acme\nbeta = postgresql://p/beta\n"
                      "[replicas]\nacme = postgresql://r/acme?target_session_attrs=any\n");
    struct domain_list l;
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(load_file(&l, err, sizeof err), OK);
    const struct domain *a = domains_find(&l, "acme"), *b = domains_find(&l, "beta");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(a->uri, "postgresql://p/acme");
    CU_ASSERT_STRING_EQUAL(a->replica, "postgresql://r/acme?target_session_attrs=any");
    CU_ASSERT_PTR_NULL(b->replica);
    domains_free(&l);
}

static void test_replicas_section_may_come_first(void)
{
    write_file(dfile, "[replicas]\nacme = postgresql://r/acme\n[domains]\nacme = postgresql://p/acme\n");
    struct domain_list l;
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(load_file(&l, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(domains_find(&l, "acme")->replica, "postgresql://r/acme");
    domains_free(&l);
}

static void test_replica_of_unknown_domain_is_error_naming_the_file(void)
{
    write_file(dfile, "[domains]\nacme = postgresql://p/acme\n[replicas]\nacne = postgresql://r/x\n");
    struct domain_list l;
    char err[512] = "";
    CU_ASSERT_EQUAL(load_file(&l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, dfile));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "replica of 'acne', but no domain 'acne'"));
}

static void test_two_replicas_of_one_domain_is_error(void)
{
    write_file(dfile, "[domains]\nacme = postgresql://p/acme\n"
                      "[replicas]\nacme = postgresql://r1/acme\nacme = postgresql://r2/acme\n");
    struct domain_list l;
    char err[512] = "";
    CU_ASSERT_EQUAL(load_file(&l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "domain 'acme' has two replicas"));
}

static void test_empty_replica_uri_is_error(void)
{
    write_file(dfile, "[domains]\nacme = postgresql://p/acme\n[replicas]\nacme =\n");
    struct domain_list l;
    char err[512] = "";
    CU_ASSERT_EQUAL(load_file(&l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "domain 'acme': the replica URI must not be empty"));
}

static void test_other_section_is_still_an_error(void)
{
    write_file(dfile, "[domains]\nacme = postgresql://p/acme\n[readers]\nacme = x\n");
    struct domain_list l;
    char err[512] = "";
    CU_ASSERT_EQUAL(load_file(&l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":4: only a [domains] section belongs in the domain file"));
}

static void test_file_edits_keep_other_replicas_and_drop_the_removed_one(void)
{
    write_file(dfile, "[domains]\nacme = postgresql://p/acme\nbeta = postgresql://p/beta\n"
                      "[replicas]\nacme = postgresql://r/acme\nbeta = postgresql://r/beta\n");
    char err[512] = "", buf[2048];
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "gamma", "postgresql://p/gamma", err, sizeof err), OK);
    CU_ASSERT_EQUAL_FATAL(domains_file_remove(dfile, "acme", err, sizeof err), OK);
    slurp(dfile, buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[domains]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[replicas]\nbeta = postgresql://r/beta\n"));
    CU_ASSERT_PTR_NULL(strstr(buf, "postgresql://r/acme"));
    struct domain_list l;
    CU_ASSERT_EQUAL_FATAL(load_file(&l, err, sizeof err), OK);
    CU_ASSERT_EQUAL(l.n, 2);
    CU_ASSERT_PTR_NULL(domains_find(&l, "acme"));
    CU_ASSERT_STRING_EQUAL(domains_find(&l, "beta")->replica, "postgresql://r/beta");
    CU_ASSERT_PTR_NULL(domains_find(&l, "gamma")->replica);
    domains_free(&l);
    /* without any replica the file has no [replicas] section */
    CU_ASSERT_EQUAL_FATAL(domains_file_remove(dfile, "beta", err, sizeof err), OK);
    CU_ASSERT_PTR_NULL(strstr(slurp(dfile, buf, sizeof buf), "[replicas]"));
}

static void test_main_file_replicas_attach_to_inline_domains(void)
{
    write_file(cfile, "[domains]\nacme = postgresql://p/acme\n[replicas]\nacme = postgresql://r/acme\n"
                      "[server]\ndomainfile = domains.conf\n");
    write_file(dfile, "[domains]\nbeta = postgresql://p/beta\n");
    struct config cfg;
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(config_load(cfile, &cfg, err, sizeof err), OK);
    CU_ASSERT_EQUAL(cfg.n_inline_replicas, 1);
    struct domain_list l;
    CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(domains_find(&l, "acme")->replica, "postgresql://r/acme");
    CU_ASSERT_PTR_NULL(domains_find(&l, "beta")->replica);
    domains_free(&l);
    config_free(&cfg);
    /* a main-file replica of a domain-file domain: not of the same file */
    write_file(cfile, "[replicas]\nbeta = postgresql://r/beta\n[server]\ndomainfile = domains.conf\n");
    CU_ASSERT_EQUAL_FATAL(config_load(cfile, &cfg, err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "replica of 'beta'"));
    config_free(&cfg);
}

static void test_replica_max_lag_default_and_bounds(void)
{
    struct config cfg;
    char err[512] = "";
    write_file(cfile, "# nothing\n");
    CU_ASSERT_EQUAL_FATAL(config_load(cfile, &cfg, err, sizeof err), OK);
    CU_ASSERT_EQUAL(cfg.db_replica_max_lag, 5);
    config_free(&cfg);
    write_file(cfile, "[database]\nreplica_max_lag = 0\n");
    CU_ASSERT_EQUAL_FATAL(config_load(cfile, &cfg, err, sizeof err), OK);
    CU_ASSERT_EQUAL(cfg.db_replica_max_lag, 0);
    config_free(&cfg);
    write_file(cfile, "[database]\nreplica_max_lag = -1\n");
    CU_ASSERT_EQUAL(config_load(cfile, &cfg, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "database.replica_max_lag"));
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite_with_setup_and_teardown("domains_replicas", suite_init, suite_clean,
                                                       NULL, test_teardown);
    ADD(s, test_replicas_in_domain_file_attach_to_their_domains);
    ADD(s, test_replicas_section_may_come_first);
    ADD(s, test_replica_of_unknown_domain_is_error_naming_the_file);
    ADD(s, test_two_replicas_of_one_domain_is_error);
    ADD(s, test_empty_replica_uri_is_error);
    ADD(s, test_other_section_is_still_an_error);
    ADD(s, test_file_edits_keep_other_replicas_and_drop_the_removed_one);
    ADD(s, test_main_file_replicas_attach_to_inline_domains);
    ADD(s, test_replica_max_lag_default_and_bounds);
}
