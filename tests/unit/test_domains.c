/* test_domains.c — domains.h: name validation boundaries, editing the
 * domain file (exact content, duplicates, missing names, atomic rewrite
 * without leftovers, mode kept) and loading inline + file domains
 * together (no Primus registry configured). */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cunit_main.h"
#include "domains.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

#define FILE_HEADER                                                          \
    "# selfhost domains: name = PostgreSQL URI.\n"                          \
    "# Written by `selfctl domain add|remove`; running processes reload it.\n" \
    "[domains]\n"

static char tmpdir[64];
static char dfile[128]; /* tmpdir/domains.conf */

/* Removes every entry of tmpdir (files only; tests create nothing else
 * except the "isdir" folder, removed by name). */
static void empty_tmpdir(void)
{
    char p[600];
    snprintf(p, sizeof p, "%s/isdir", tmpdir);
    rmdir(p);
    DIR *d = opendir(tmpdir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

/* Number of entries in tmpdir besides "." and ".."; *only, when not NULL,
 * receives the name of the last one seen. */
static int count_tmpdir(char *only, size_t onlysz)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (only)
            snprintf(only, onlysz, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static int suite_init(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_domains.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dfile, sizeof dfile, "%s/domains.conf", tmpdir);
    return 0;
}

static int suite_clean(void)
{
    empty_tmpdir();
    return rmdir(tmpdir) == 0 ? 0 : -1;
}

static void test_setup(void)
{
    empty_tmpdir();
}

static void test_teardown(void)
{
    empty_tmpdir();
}

/* Whole content of path into buf (NUL-terminated); "" when unreadable. */
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

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* A hand-built config: only the fields domains_load reads. */
static void cfg_init(struct config *cfg, char **names, char **uris, size_t n, char *domainfile)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->inline_names = names;
    cfg->inline_uris = uris;
    cfg->n_inline = n;
    cfg->domainfile = domainfile;
}

/* --- domain_name_valid -------------------------------------------------- */

static void test_domains_name_valid_accepts_allowed_characters(void)
{
    CU_ASSERT_EQUAL(domain_name_valid("a"), 1);
    CU_ASSERT_EQUAL(domain_name_valid("Z"), 1);
    CU_ASSERT_EQUAL(domain_name_valid("7"), 1);
    CU_ASSERT_EQUAL(domain_name_valid("acme"), 1);
    CU_ASSERT_EQUAL(domain_name_valid("Acme-Corp_2.eu"), 1);
    CU_ASSERT_EQUAL(domain_name_valid("_private"), 1);
    CU_ASSERT_EQUAL(domain_name_valid("trailing-"), 1);
    CU_ASSERT_EQUAL(domain_name_valid("trailing."), 1);
}

static void test_domains_name_valid_63_chars_ok_64_rejected(void)
{
    char name[80];
    memset(name, 'a', sizeof name);
    name[63] = '\0';
    CU_ASSERT_EQUAL(domain_name_valid(name), 1);
    name[63] = 'a';
    name[64] = '\0';
    CU_ASSERT_EQUAL(domain_name_valid(name), 0);
}

static void test_domains_name_valid_rejects_empty_and_null(void)
{
    CU_ASSERT_EQUAL(domain_name_valid(""), 0);
    CU_ASSERT_EQUAL(domain_name_valid(NULL), 0);
}

static void test_domains_name_valid_rejects_leading_dot_or_dash(void)
{
    CU_ASSERT_EQUAL(domain_name_valid(".acme"), 0);
    CU_ASSERT_EQUAL(domain_name_valid("-acme"), 0);
    CU_ASSERT_EQUAL(domain_name_valid("."), 0);
    CU_ASSERT_EQUAL(domain_name_valid("-"), 0);
    CU_ASSERT_EQUAL(domain_name_valid(".."), 0);
}

static void test_domains_name_valid_rejects_other_characters(void)
{
    static const char *const bad[] = {
        "a/b", "../etc", "a b", " a", "a ", "a\tb", "a\n", "a:b", "a@b", "a=b",
        "a#b", "a;b", "[a]", "a\"b", "a'b", "a\\b", "a%b", "caf\xc3\xa9", "a\x7f",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CU_ASSERT_EQUAL(domain_name_valid(bad[i]), 0);
        if (domain_name_valid(bad[i]))
            fprintf(stderr, "\n  accepted: \"%s\"\n", bad[i]);
    }
}

/* --- editing the domain file ------------------------------------------- */

static void test_domains_file_add_creates_file_with_exact_content(void)
{
    char err[512], buf[2048];
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql://u:p@h/alpha", err,
                                           sizeof err),
                          OK);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, buf, sizeof buf),
                           FILE_HEADER "alpha = postgresql://u:p@h/alpha\n");
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(stat(dfile, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0640); /* URIs hold passwords */
}

static void test_domains_file_rewrite_keeps_mode_of_existing_file(void)
{
    char err[512];
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_EQUAL_FATAL(chmod(dfile, 0600), 0);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), OK);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(stat(dfile, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
    CU_ASSERT_EQUAL(domains_file_remove(dfile, "alpha", err, sizeof err), OK);
    CU_ASSERT_EQUAL_FATAL(stat(dfile, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
}

static void test_domains_append_checks_name_uri_and_duplicates(void)
{
    struct domain_list l = { 0 };
    char err[512] = "";
    CU_ASSERT_EQUAL(domains_append(&l, "acme", "postgresql:///acme", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_append(&l, "acme", "postgresql:///again", err, sizeof err), ERROR);
    CU_ASSERT_STRING_EQUAL(err, "domain 'acme' is defined twice");
    CU_ASSERT_EQUAL(domains_append(&l, "-acme", "postgresql:///x", err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid domain name '-acme'"));
    CU_ASSERT_EQUAL(domains_append(&l, "beta", "", err, sizeof err), ERROR);
    CU_ASSERT_STRING_EQUAL(err, "domain 'beta' has an empty database URI");
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.items[0].name, "acme");
    CU_ASSERT_STRING_EQUAL(l.items[0].uri, "postgresql:///acme");
    domains_free(&l);
}

static void test_domains_file_add_appends_in_order(void)
{
    char err[512], buf[2048];
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "gamma.eu", "postgresql:///g?sslmode=require", err,
                                     sizeof err),
                    OK);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, buf, sizeof buf),
                           FILE_HEADER "alpha = postgresql:///a\n"
                                       "beta = postgresql:///b\n"
                                       "gamma.eu = postgresql:///g?sslmode=require\n");
}

static void test_domains_file_add_duplicate_is_error_and_file_unchanged(void)
{
    char err[512], before[2048], after[2048];
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    slurp(dfile, before, sizeof before);
    err[0] = '\0';
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "postgresql:///other", err, sizeof err),
                    ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'alpha' already exists"));
    CU_ASSERT_STRING_EQUAL(slurp(dfile, after, sizeof after), before);
    CU_ASSERT_EQUAL(count_tmpdir(NULL, 0), 1);
}

static void test_domains_file_add_invalid_name_is_error_and_creates_nothing(void)
{
    static const char *const bad[] = { "", ".x", "-x", "a b", "a/b", "a:b" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char err[512] = "";
        CU_ASSERT_EQUAL(domains_file_add(dfile, bad[i], "postgresql:///a", err, sizeof err),
                        ERROR);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid domain name"));
    }
    char name[65];
    memset(name, 'n', 64);
    name[64] = '\0';
    char err[512] = "";
    CU_ASSERT_EQUAL(domains_file_add(dfile, name, "postgresql:///a", err, sizeof err), ERROR);
    CU_ASSERT_EQUAL(count_tmpdir(NULL, 0), 0);
}

static void test_domains_file_add_63_char_name_round_trips(void)
{
    char name[64], err[512];
    memset(name, 'q', 63);
    name[63] = '\0';
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, name, "postgresql:///q", err, sizeof err), OK);
    struct config cfg;
    cfg_init(&cfg, NULL, NULL, 0, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_EQUAL(l.n, 1);
    const struct domain *d = domains_find(&l, name);
    CU_ASSERT_PTR_NOT_NULL(d);
    if (d)
        CU_ASSERT_STRING_EQUAL(d->uri, "postgresql:///q");
    domains_free(&l);
}

static void test_domains_file_add_empty_uri_is_error(void)
{
    char err[512] = "";
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "", err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty database URI"));
    CU_ASSERT_EQUAL(count_tmpdir(NULL, 0), 0);
}

static void test_domains_file_add_rejects_uri_with_newline(void)
{
    /* The file is line-oriented: a newline in the URI would write a
     * second line the next reader takes as another domain. */
    char err[512] = "", buf[2048];
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    int rc = domains_file_add(dfile, "beta", "postgresql:///b\nevil = postgresql://attacker/db",
                              err, sizeof err);
    CU_ASSERT_EQUAL(rc, ERROR);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, buf, sizeof buf),
                           FILE_HEADER "alpha = postgresql:///a\n");
    struct config cfg;
    cfg_init(&cfg, NULL, NULL, 0, dfile);
    struct domain_list l;
    if (domains_load(&cfg, NULL, &l, err, sizeof err) == OK) {
        CU_ASSERT_PTR_NULL(domains_find(&l, "evil"));
        domains_free(&l);
    }
}

static void test_domains_file_add_rejects_blank_uri(void)
{
    /* "   " is written as "name =    ", which reads back as an empty URI:
     * from then on the whole domain file fails to load */
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "   ", err, sizeof err), ERROR);
    struct config cfg;
    cfg_init(&cfg, NULL, NULL, 0, dfile);
    struct domain_list l;
    int rc = domains_load(&cfg, NULL, &l, err, sizeof err);
    CU_ASSERT_EQUAL(rc, OK);
    if (rc == OK) {
        CU_ASSERT_EQUAL(l.n, 1);
        domains_free(&l);
    } else {
        fprintf(stderr, "\n  domain file no longer loads: %s\n", err);
    }
}

/* Whatever domains_file_add accepts must read back unchanged: a URI the
 * INI syntax cannot carry (outer spaces, outer quotes, a CR) has to be
 * refused, not silently altered. */
static void test_domains_file_add_accepts_only_uris_that_reload_unchanged(void)
{
    static const char *const uris[] = {
        "postgresql:///plain",
        "postgresql://u:p@h/db?sslmode=require&application_name=a b",
        " postgresql:///leading-space",
        "postgresql:///trailing-space ",
        "\"postgresql:///quoted\"",
        "postgresql:///cr\r",
        "\tpostgresql:///tab",
    };
    for (size_t i = 0; i < sizeof uris / sizeof *uris; i++) {
        char name[16], err[512] = "";
        snprintf(name, sizeof name, "d%zu", i);
        empty_tmpdir();
        if (domains_file_add(dfile, name, uris[i], err, sizeof err) != OK)
            continue; /* refusing is fine */
        struct config cfg;
        cfg_init(&cfg, NULL, NULL, 0, dfile);
        struct domain_list l;
        CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
        const struct domain *d = domains_find(&l, name);
        CU_ASSERT_PTR_NOT_NULL(d);
        if (d) {
            CU_ASSERT_STRING_EQUAL(d->uri, uris[i]);
            if (strcmp(d->uri, uris[i]) != 0)
                fprintf(stderr, "\n  added \"%s\", reads back \"%s\"\n", uris[i], d->uri);
        }
        domains_free(&l);
    }
}

static void test_domains_file_remove_middle_keeps_others(void)
{
    char err[512], buf[2048];
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "gamma", "postgresql:///g", err, sizeof err), OK);
    CU_ASSERT_EQUAL_FATAL(domains_file_remove(dfile, "beta", err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, buf, sizeof buf),
                           FILE_HEADER "alpha = postgresql:///a\n"
                                       "gamma = postgresql:///g\n");
}

static void test_domains_file_remove_first_keeps_both_others(void)
{
    char err[512];
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "gamma", "postgresql:///g", err, sizeof err), OK);
    CU_ASSERT_EQUAL_FATAL(domains_file_remove(dfile, "alpha", err, sizeof err), OK);
    struct config cfg;
    cfg_init(&cfg, NULL, NULL, 0, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_EQUAL(l.n, 2);
    CU_ASSERT_PTR_NULL(domains_find(&l, "alpha"));
    const struct domain *b = domains_find(&l, "beta"), *g = domains_find(&l, "gamma");
    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_PTR_NOT_NULL(g);
    if (b)
        CU_ASSERT_STRING_EQUAL(b->uri, "postgresql:///b");
    if (g)
        CU_ASSERT_STRING_EQUAL(g->uri, "postgresql:///g");
    domains_free(&l);
}

static void test_domains_file_remove_last_leaves_empty_section(void)
{
    char err[512], buf[2048];
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_EQUAL_FATAL(domains_file_remove(dfile, "alpha", err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, buf, sizeof buf), FILE_HEADER);
    /* and it can be added again */
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "postgresql:///a2", err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, buf, sizeof buf), FILE_HEADER "alpha = postgresql:///a2\n");
}

static void test_domains_file_remove_missing_name_is_error_and_file_unchanged(void)
{
    char err[512], before[2048], after[2048];
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    slurp(dfile, before, sizeof before);
    err[0] = '\0';
    CU_ASSERT_EQUAL(domains_file_remove(dfile, "beta", err, sizeof err), ERROR);
    char want[300];
    snprintf(want, sizeof want, "no domain 'beta' in %s", dfile);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, after, sizeof after), before);
    CU_ASSERT_EQUAL(count_tmpdir(NULL, 0), 1);
}

static void test_domains_file_remove_from_missing_file_is_error_and_creates_nothing(void)
{
    char err[512] = "";
    CU_ASSERT_EQUAL(domains_file_remove(dfile, "alpha", err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no domain 'alpha'"));
    CU_ASSERT_EQUAL(count_tmpdir(NULL, 0), 0);
}

static void test_domains_file_edit_of_malformed_file_is_error_and_file_unchanged(void)
{
    static const char text[] = "[domains]\nalpha = postgresql:///a\n[other]\nx = y\n";
    char err[512] = "", buf[2048];
    write_file(dfile, text);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":4: only a [domains] section"));
    CU_ASSERT_EQUAL(domains_file_remove(dfile, "alpha", err, sizeof err), ERROR);
    CU_ASSERT_STRING_EQUAL(slurp(dfile, buf, sizeof buf), text);
}

static void test_domains_file_edits_leave_no_temp_files(void)
{
    char err[512], name[256] = "";
    CU_ASSERT_EQUAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), ERROR);
    CU_ASSERT_EQUAL(domains_file_remove(dfile, "alpha", err, sizeof err), OK);
    CU_ASSERT_EQUAL(domains_file_remove(dfile, "alpha", err, sizeof err), ERROR);
    CU_ASSERT_EQUAL(count_tmpdir(name, sizeof name), 1);
    CU_ASSERT_STRING_EQUAL(name, "domains.conf");
}

static void test_domains_file_failed_rename_removes_temp_file(void)
{
    /* the target is a folder: the temporary file is written, the rename
     * fails, and the temporary file must not be left behind */
    char dir[160], err[512] = "", name[256] = "";
    snprintf(dir, sizeof dir, "%s/isdir", tmpdir);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
    CU_ASSERT_EQUAL(domains_file_add(dir, "alpha", "postgresql:///a", err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot write"));
    CU_ASSERT_EQUAL(count_tmpdir(name, sizeof name), 1);
    CU_ASSERT_STRING_EQUAL(name, "isdir");
}

static void test_domains_file_in_missing_folder_is_error(void)
{
    char path[200], err[512] = "";
    snprintf(path, sizeof path, "%s/no/such/folder/domains.conf", tmpdir);
    CU_ASSERT_EQUAL(domains_file_add(path, "alpha", "postgresql:///a", err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot write"));
    CU_ASSERT_EQUAL(count_tmpdir(NULL, 0), 0);
}

static void test_domains_file_mtime_zero_when_missing_set_when_present(void)
{
    char err[512];
    CU_ASSERT_EQUAL(domains_file_mtime(dfile), 0);
    CU_ASSERT_EQUAL(domains_file_mtime(NULL), 0);
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    CU_ASSERT_TRUE(domains_file_mtime(dfile) > 0);
    /* unchanged file, unchanged stamp */
    CU_ASSERT_EQUAL(domains_file_mtime(dfile), domains_file_mtime(dfile));
}

static void test_domains_file_mtime_differs_after_quick_successive_edits(void)
{
    /* two edits well within one second must still be told apart */
    char err[512];
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "alpha", "postgresql:///a", err, sizeof err), OK);
    int64_t t1 = domains_file_mtime(dfile);
    CU_ASSERT_EQUAL_FATAL(domains_file_add(dfile, "beta", "postgresql:///b", err, sizeof err), OK);
    int64_t t2 = domains_file_mtime(dfile);
    CU_ASSERT_EQUAL_FATAL(domains_file_remove(dfile, "beta", err, sizeof err), OK);
    int64_t t3 = domains_file_mtime(dfile);
    CU_ASSERT_NOT_EQUAL(t1, t2);
    CU_ASSERT_NOT_EQUAL(t2, t3);
}

/* --- loading ------------------------------------------------------------ */

static void test_domains_load_merges_inline_then_file(void)
{
    char err[512];
    write_file(dfile, "[domains]\nfileone = postgresql:///f1\nfiletwo = postgresql:///f2\n");
    char *names[] = { "inl" }, *uris[] = { "postgresql:///inline" };
    struct config cfg;
    cfg_init(&cfg, names, uris, 1, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_EQUAL_FATAL(l.n, 3);
    CU_ASSERT_STRING_EQUAL(l.items[0].name, "inl");
    CU_ASSERT_STRING_EQUAL(l.items[0].uri, "postgresql:///inline");
    CU_ASSERT_STRING_EQUAL(l.items[1].name, "fileone");
    CU_ASSERT_STRING_EQUAL(l.items[1].uri, "postgresql:///f1");
    CU_ASSERT_STRING_EQUAL(l.items[2].name, "filetwo");
    CU_ASSERT_STRING_EQUAL(l.items[2].uri, "postgresql:///f2");
    CU_ASSERT_PTR_EQUAL(domains_find(&l, "filetwo"), &l.items[2]);
    CU_ASSERT_PTR_NULL(domains_find(&l, "nope"));
    CU_ASSERT_PTR_NULL(domains_find(&l, "INL")); /* names are case-sensitive */
    domains_free(&l);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT_PTR_NULL(l.items);
}

static void test_domains_load_from_config_file_sections(void)
{
    /* end to end with config_load: [domains] inline + server.domainfile */
    char conf[160], err[512];
    snprintf(conf, sizeof conf, "%s/selfhost.conf", tmpdir);
    write_file(conf, "[server]\ndomainfile = domains.conf\n[domains]\nacme = postgresql:///acme\n");
    write_file(dfile, "[domains]\nbeta = postgresql:///beta\n");
    struct config cfg;
    CU_ASSERT_EQUAL_FATAL(config_load(conf, &cfg, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(cfg.domainfile, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_EQUAL(l.n, 2);
    CU_ASSERT_PTR_NOT_NULL(domains_find(&l, "acme"));
    CU_ASSERT_PTR_NOT_NULL(domains_find(&l, "beta"));
    domains_free(&l);
    config_free(&cfg);
}

static void test_domains_load_missing_file_gives_inline_only(void)
{
    char err[512];
    char *names[] = { "a", "b" }, *uris[] = { "postgresql:///a", "postgresql:///b" };
    struct config cfg;
    cfg_init(&cfg, names, uris, 2, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_EQUAL(l.n, 2);
    domains_free(&l);

    cfg_init(&cfg, NULL, NULL, 0, "");
    CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_EQUAL(l.n, 0);
    domains_free(&l);

    cfg_init(&cfg, NULL, NULL, 0, NULL);
    CU_ASSERT_EQUAL_FATAL(domains_load(&cfg, NULL, &l, err, sizeof err), OK);
    CU_ASSERT_EQUAL(l.n, 0);
    domains_free(&l);
}

static void test_domains_load_duplicate_between_inline_and_file_is_error(void)
{
    char err[512] = "";
    write_file(dfile, "[domains]\nother = postgresql:///o\nacme = postgresql:///file\n");
    char *names[] = { "acme" }, *uris[] = { "postgresql:///inline" };
    struct config cfg;
    cfg_init(&cfg, names, uris, 1, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    char want[300];
    snprintf(want, sizeof want, "%s:3: domain 'acme' is defined twice", dfile);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT_PTR_NULL(l.items);
}

static void test_domains_load_duplicate_inline_is_error(void)
{
    char err[512] = "";
    char *names[] = { "acme", "acme" }, *uris[] = { "postgresql:///1", "postgresql:///2" };
    struct config cfg;
    cfg_init(&cfg, names, uris, 2, NULL);
    struct domain_list l;
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    CU_ASSERT_STRING_EQUAL(err, "domain 'acme' is defined twice");
    CU_ASSERT_EQUAL(l.n, 0);
}

static void test_domains_load_duplicate_within_file_is_error(void)
{
    char err[512] = "";
    write_file(dfile, "[domains]\nacme = postgresql:///1\nacme = postgresql:///2\n");
    struct config cfg;
    cfg_init(&cfg, NULL, NULL, 0, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3: domain 'acme' is defined twice"));
}

static void test_domains_load_invalid_names_and_empty_uri_are_errors(void)
{
    char err[512] = "";
    char *names[] = { "ok", "bad name" }, *uris[] = { "postgresql:///1", "postgresql:///2" };
    struct config cfg;
    cfg_init(&cfg, names, uris, 2, NULL);
    struct domain_list l;
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid domain name 'bad name'"));

    write_file(dfile, "[domains]\n.hidden = postgresql:///1\n");
    cfg_init(&cfg, NULL, NULL, 0, dfile);
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: invalid domain name '.hidden'"));

    write_file(dfile, "[domains]\nacme =\n");
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: domain 'acme' has an empty database URI"));
}

static void test_domains_load_other_section_in_domain_file_is_error(void)
{
    char err[512] = "";
    write_file(dfile, "[server]\nlog_level = debug\n");
    struct config cfg;
    cfg_init(&cfg, NULL, NULL, 0, dfile);
    struct domain_list l;
    CU_ASSERT_EQUAL(domains_load(&cfg, NULL, &l, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: only a [domains] section belongs in the domain file"));
}

void register_tests(void)
{
    CU_pSuite v = CU_add_suite("domains_name", NULL, NULL);
    ADD(v, test_domains_name_valid_accepts_allowed_characters);
    ADD(v, test_domains_name_valid_63_chars_ok_64_rejected);
    ADD(v, test_domains_name_valid_rejects_empty_and_null);
    ADD(v, test_domains_name_valid_rejects_leading_dot_or_dash);
    ADD(v, test_domains_name_valid_rejects_other_characters);
    ADD(v, test_domains_append_checks_name_uri_and_duplicates);

    CU_pSuite s = CU_add_suite_with_setup_and_teardown("domains_file", suite_init, suite_clean,
                                                       test_setup, test_teardown);
    ADD(s, test_domains_file_add_creates_file_with_exact_content);
    ADD(s, test_domains_file_rewrite_keeps_mode_of_existing_file);
    ADD(s, test_domains_file_add_appends_in_order);
    ADD(s, test_domains_file_add_duplicate_is_error_and_file_unchanged);
    ADD(s, test_domains_file_add_invalid_name_is_error_and_creates_nothing);
    ADD(s, test_domains_file_add_63_char_name_round_trips);
    ADD(s, test_domains_file_add_empty_uri_is_error);
    ADD(s, test_domains_file_add_rejects_uri_with_newline);
    ADD(s, test_domains_file_add_rejects_blank_uri);
    ADD(s, test_domains_file_add_accepts_only_uris_that_reload_unchanged);
    ADD(s, test_domains_file_remove_middle_keeps_others);
    ADD(s, test_domains_file_remove_first_keeps_both_others);
    ADD(s, test_domains_file_remove_last_leaves_empty_section);
    ADD(s, test_domains_file_remove_missing_name_is_error_and_file_unchanged);
    ADD(s, test_domains_file_remove_from_missing_file_is_error_and_creates_nothing);
    ADD(s, test_domains_file_edit_of_malformed_file_is_error_and_file_unchanged);
    ADD(s, test_domains_file_edits_leave_no_temp_files);
    ADD(s, test_domains_file_failed_rename_removes_temp_file);
    ADD(s, test_domains_file_in_missing_folder_is_error);
    ADD(s, test_domains_file_mtime_zero_when_missing_set_when_present);
    ADD(s, test_domains_file_mtime_differs_after_quick_successive_edits);
    ADD(s, test_domains_load_merges_inline_then_file);
    ADD(s, test_domains_load_from_config_file_sections);
    ADD(s, test_domains_load_missing_file_gives_inline_only);
    ADD(s, test_domains_load_duplicate_between_inline_and_file_is_error);
    ADD(s, test_domains_load_duplicate_inline_is_error);
    ADD(s, test_domains_load_duplicate_within_file_is_error);
    ADD(s, test_domains_load_invalid_names_and_empty_uri_are_errors);
    ADD(s, test_domains_load_other_section_in_domain_file_is_error);
}
