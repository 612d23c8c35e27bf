/* test_config.c — config.h: defaults, which file is read, environment
 * overrides, integer ranges, unknown settings, relative paths and inline
 * [domains]. Every file lives in a mkdtemp folder; every SELFHOST_*
 * variable the loader reads is cleared before and after each test. */
#include <CUnit/CUnit.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cunit_main.h"
#include "status.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static const char *const env_vars[] = {
    "SELFHOST_CONFIG",
    "SELFHOST_SERVER_LOG_LEVEL",
    "SELFHOST_SERVER_LOG_TARGET",
    "SELFHOST_SERVER_DOMAINFILE",
    "SELFHOST_SERVER_MAX_BODY",
    "SELFHOST_SERVER_STATE_DIR",
    "SELFHOST_DATABASE_CONNECT_TIMEOUT",
    "SELFHOST_DATABASE_CONNECTIONS",
    "SELFHOST_DATABASE_WAIT_MS",
    "SELFHOST_DATABASE_IDLE_TIMEOUT",
    "SELFHOST_DATABASE_REPLICA_MAX_LAG",
    "SELFHOST_RATE_CONTROL_REQ_PER_HOUR",
    "SELFHOST_RATE_CONTROL_MAXBURST",
    "SELFHOST_RATE_CONTROL_CLEANUP",
    "SELFHOST_PRIMUS_URI",
    "SELFHOST_PRIMUS_SQL_READ",
    "SELFHOST_PRIMUS_SQL_CREATE",
    "SELFHOST_PRIMUS_SQL_UPDATE",
    "SELFHOST_PRIMUS_SQL_DELETE",
    "SELFHOST_PRIMUS_CHANNEL",
    "SELFHOST_MANAGER_SOCKET",
    "SELFHOST_MANAGER_POLL_INTERVAL",
    "SELFHOST_MANAGER_MAX_ATTEMPTS",
    "SELFHOST_MANAGER_RUNS_KEPT",
    "SELFHOST_MANAGER_UPLOAD_EXPIRY",
    "SELFHOST_MANAGER_CONNECTIONS",
    "SELFHOST_MANAGER_WEBHOOK_QUEUE",
    "SELFHOST_MANAGER_WEBHOOK_DOMAIN_MAX",
    "SELFHOST_WORKER_CAPACITY",
    "SELFHOST_WORKER_MEMORY_LIMIT",
    "SELFHOST_WORKER_OPEN_FILES",
    "SELFHOST_WORKER_CACHE_SIZE",
    "SELFHOST_WORKER_PROGRAM_USER",
    "SELFHOST_PROGRAMS_WEBHOOK_MAX_BODY",
    "SELFHOST_PROGRAMS_HTTP_TIMEOUT",
};

static char tmpdir[64];
static char conf[128]; /* tmpdir/selfhost.conf */

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof env_vars / sizeof *env_vars; i++)
        unsetenv(env_vars[i]);
}

static int suite_init(void)
{
    clear_env();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_config.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(conf, sizeof conf, "%s/selfhost.conf", tmpdir);
    return 0;
}

static int suite_clean(void)
{
    clear_env();
    unlink(conf);
    return rmdir(tmpdir) == 0 ? 0 : -1;
}

static void test_setup(void)
{
    clear_env();
    unlink(conf);
}

static void test_teardown(void)
{
    clear_env();
    unlink(conf);
}

static void write_conf(const char *text)
{
    FILE *f = fopen(conf, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* Loads text as the config file; returns config_load's result. */
static int load_text(const char *text, struct config *cfg, char *err, size_t errsz)
{
    write_conf(text);
    err[0] = '\0';
    return config_load(conf, cfg, err, errsz);
}

static int cfg_is_zeroed(const struct config *cfg)
{
    static const struct config zero;
    return memcmp(cfg, &zero, sizeof zero) == 0;
}

static void assert_defaults(const struct config *cfg)
{
    CU_ASSERT_STRING_EQUAL(cfg->log_level, "info");
    CU_ASSERT_STRING_EQUAL(cfg->log_target, "stderr");
    CU_ASSERT_STRING_EQUAL(cfg->domainfile, "/etc/selfhost/domains.conf");
    CU_ASSERT_EQUAL(cfg->max_body, 33554432);
    CU_ASSERT_STRING_EQUAL(cfg->state_dir, "/run/selfhost");
    CU_ASSERT_EQUAL(cfg->connect_timeout, 5);
    CU_ASSERT_EQUAL(cfg->req_per_hour, 600);
    CU_ASSERT_EQUAL(cfg->maxburst, 10);
    CU_ASSERT_EQUAL(cfg->cleanup, 1800);
    CU_ASSERT_STRING_EQUAL(cfg->primus_uri, "");
    CU_ASSERT_STRING_EQUAL(cfg->primus_sql_read,
                           "SELECT name, uri FROM selfhost_domains ORDER BY name");
    CU_ASSERT_STRING_EQUAL(cfg->primus_channel, "selfhost_domains");
    CU_ASSERT_STRING_EQUAL(cfg->manager_socket, "/run/selfhost/selfpmgr.sock");
    CU_ASSERT_EQUAL(cfg->n_inline, 0);
}

static void test_config_missing_default_file_gives_defaults(void)
{
    /* Only meaningful where the compiled-in default file does not exist
     * (a build machine); on an installed host there is nothing to check. */
    if (access(SELFHOST_DEFAULT_CONFIG, F_OK) == 0)
        return;
    struct config cfg;
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(config_load(NULL, &cfg, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(cfg.path, "");
    assert_defaults(&cfg);
    config_free(&cfg);
}

static void test_config_empty_selfhost_config_env_means_default_file(void)
{
    if (access(SELFHOST_DEFAULT_CONFIG, F_OK) == 0)
        return;
    setenv("SELFHOST_CONFIG", "", 1);
    struct config cfg;
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(config_load(NULL, &cfg, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(cfg.path, "");
    assert_defaults(&cfg);
    config_free(&cfg);
}

static void test_config_empty_file_gives_defaults_and_its_path(void)
{
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("# nothing set\n", &cfg, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(cfg.path, conf);
    assert_defaults(&cfg);
    config_free(&cfg);
}

static void test_config_explicit_missing_path_is_error(void)
{
    char path[160], err[512] = "";
    snprintf(path, sizeof path, "%s/nope.conf", tmpdir);
    struct config cfg;
    CU_ASSERT_EQUAL(config_load(path, &cfg, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
    CU_ASSERT_TRUE(cfg_is_zeroed(&cfg));
}

static void test_config_selfhost_config_env_missing_file_is_error(void)
{
    char path[160], err[512] = "";
    snprintf(path, sizeof path, "%s/from-env.conf", tmpdir);
    setenv("SELFHOST_CONFIG", path, 1);
    struct config cfg;
    CU_ASSERT_EQUAL(config_load(NULL, &cfg, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
}

static void test_config_selfhost_config_env_names_the_file(void)
{
    write_conf("[server]\nlog_level = warn\n");
    setenv("SELFHOST_CONFIG", conf, 1);
    struct config cfg;
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(config_load(NULL, &cfg, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(cfg.path, conf);
    CU_ASSERT_STRING_EQUAL(cfg.log_level, "warn");
    config_free(&cfg);
}

static void test_config_explicit_path_beats_selfhost_config_env(void)
{
    char other[160];
    snprintf(other, sizeof other, "%s/nope.conf", tmpdir);
    setenv("SELFHOST_CONFIG", other, 1); /* missing: would be an error if read */
    write_conf("[server]\nlog_level = error\n");
    struct config cfg;
    char err[512] = "";
    CU_ASSERT_EQUAL_FATAL(config_load(conf, &cfg, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(cfg.path, conf);
    CU_ASSERT_STRING_EQUAL(cfg.log_level, "error");
    config_free(&cfg);
}

static void test_config_file_values_replace_defaults(void)
{
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("[server]\n"
                                    "log_level = debug\n"
                                    "log_target = syslog\n"
                                    "domainfile = /srv/domains.conf\n"
                                    "max_body = 1024\n"
                                    "state_dir = /var/lib/selfhost\n"
                                    "[database]\n"
                                    "connect_timeout = 3600\n"
                                    "[rate_control]\n"
                                    "req_per_hour = 0\n"
                                    "maxburst = 1\n"
                                    "cleanup = 60\n"
                                    "[primus]\n"
                                    "uri = postgresql://primus/db\n"
                                    "[manager]\n"
                                    "socket = /tmp/pm.sock\n",
                                    &cfg, err, sizeof err),
                          OK);
    CU_ASSERT_STRING_EQUAL(cfg.log_level, "debug");
    CU_ASSERT_STRING_EQUAL(cfg.log_target, "syslog");
    CU_ASSERT_STRING_EQUAL(cfg.domainfile, "/srv/domains.conf");
    CU_ASSERT_EQUAL(cfg.max_body, 1024);
    CU_ASSERT_STRING_EQUAL(cfg.state_dir, "/var/lib/selfhost");
    CU_ASSERT_EQUAL(cfg.connect_timeout, 3600);
    CU_ASSERT_EQUAL(cfg.req_per_hour, 0);
    CU_ASSERT_EQUAL(cfg.maxburst, 1);
    CU_ASSERT_EQUAL(cfg.cleanup, 60);
    CU_ASSERT_STRING_EQUAL(cfg.primus_uri, "postgresql://primus/db");
    CU_ASSERT_STRING_EQUAL(cfg.manager_socket, "/tmp/pm.sock");
    config_free(&cfg);
}

static void test_config_env_overrides_file(void)
{
    setenv("SELFHOST_RATE_CONTROL_REQ_PER_HOUR", "0", 1);
    setenv("SELFHOST_SERVER_LOG_LEVEL", "debug", 1);
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("[server]\nlog_level = warn\n"
                                    "[rate_control]\nreq_per_hour = 100\nmaxburst = 20\n",
                                    &cfg, err, sizeof err),
                          OK);
    CU_ASSERT_EQUAL(cfg.req_per_hour, 0);
    CU_ASSERT_STRING_EQUAL(cfg.log_level, "debug");
    CU_ASSERT_EQUAL(cfg.maxburst, 20); /* not in the environment: the file's */
    config_free(&cfg);
}

static void test_config_env_overrides_default_without_file_key(void)
{
    setenv("SELFHOST_PRIMUS_URI", "postgresql://env/primus", 1);
    setenv("SELFHOST_DATABASE_CONNECT_TIMEOUT", "9", 1);
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("", &cfg, err, sizeof err), OK);
    CU_ASSERT_STRING_EQUAL(cfg.primus_uri, "postgresql://env/primus");
    CU_ASSERT_EQUAL(cfg.connect_timeout, 9);
    config_free(&cfg);
}

static void test_config_env_bad_integer_is_error_naming_variable(void)
{
    setenv("SELFHOST_DATABASE_CONNECT_TIMEOUT", "soon", 1);
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL(load_text("", &cfg, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "SELFHOST_DATABASE_CONNECT_TIMEOUT"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "database.connect_timeout"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'soon'"));
    CU_ASSERT_TRUE(cfg_is_zeroed(&cfg));
}

/* Loads "[section]\nkey = value\n" and returns the result; err filled. */
static int load_one(const char *section, const char *key, const char *value, struct config *cfg,
                    char *err, size_t errsz)
{
    char text[512];
    snprintf(text, sizeof text, "# line 1\n[%s]\n%s = %s\n", section, key, value);
    return load_text(text, cfg, err, errsz);
}

static void test_config_integer_range_bounds_are_inclusive(void)
{
    static const struct {
        const char *section, *key, *value;
        size_t offset;
        int64_t want;
    } ok[] = {
        { "server", "max_body", "1024", offsetof(struct config, max_body), 1024 },
        { "server", "max_body", "1099511627776", offsetof(struct config, max_body),
          INT64_C(1) << 40 },
        { "database", "connect_timeout", "1", offsetof(struct config, connect_timeout), 1 },
        { "database", "connect_timeout", "3600", offsetof(struct config, connect_timeout), 3600 },
        { "rate_control", "req_per_hour", "0", offsetof(struct config, req_per_hour), 0 },
        { "rate_control", "maxburst", "1073741824", offsetof(struct config, maxburst),
          INT64_C(1) << 30 },
        { "rate_control", "cleanup", "1", offsetof(struct config, cleanup), 1 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        struct config cfg;
        char err[512];
        int rc = load_one(ok[i].section, ok[i].key, ok[i].value, &cfg, err, sizeof err);
        CU_ASSERT_EQUAL(rc, OK);
        if (rc != OK)
            continue;
        CU_ASSERT_EQUAL(*(const int64_t *)((const char *)&cfg + ok[i].offset), ok[i].want);
        config_free(&cfg);
    }
}

static void test_config_integer_out_of_range_is_error_naming_key_and_line(void)
{
    static const struct {
        const char *section, *key, *value, *want;
    } bad[] = {
        { "server", "max_body", "1023", "server.max_body: expected an integer from 1024 to 1099511627776, got '1023'" },
        { "server", "max_body", "1099511627777", "server.max_body: expected an integer" },
        { "database", "connect_timeout", "0", "database.connect_timeout: expected an integer from 1 to 3600, got '0'" },
        { "database", "connect_timeout", "3601", "database.connect_timeout: expected an integer from 1 to 3600" },
        { "rate_control", "req_per_hour", "-1", "rate_control.req_per_hour: expected an integer" },
        { "rate_control", "maxburst", "0", "rate_control.maxburst: expected an integer" },
        { "rate_control", "cleanup", "0", "rate_control.cleanup: expected an integer" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct config cfg;
        char err[512], prefix[200];
        CU_ASSERT_EQUAL(load_one(bad[i].section, bad[i].key, bad[i].value, &cfg, err, sizeof err),
                        ERROR);
        snprintf(prefix, sizeof prefix, "%s:3: ", conf);
        CU_ASSERT_EQUAL(strncmp(err, prefix, strlen(prefix)), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].want));
        CU_ASSERT_TRUE(cfg_is_zeroed(&cfg));
    }
}

static void test_config_integer_malformed_is_error(void)
{
    static const char *const bad[] = { "", "12abc", "abc", "1.5", "1e3", "0x400",
                                       "99999999999999999999", "5 5" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct config cfg;
        char err[512];
        CU_ASSERT_EQUAL(load_one("database", "connect_timeout", bad[i], &cfg, err, sizeof err),
                        ERROR);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "database.connect_timeout"));
    }
}

static void test_config_unknown_key_is_error_naming_file_and_line(void)
{
    struct config cfg;
    char err[512], want[300];
    CU_ASSERT_EQUAL(load_text("[server]\nlog_level = info\nlog_levle = debug\n", &cfg, err,
                              sizeof err),
                    ERROR);
    snprintf(want, sizeof want, "%s:3: unknown setting 'log_levle' in [server]", conf);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_TRUE(cfg_is_zeroed(&cfg));
}

static void test_config_unknown_section_is_error_naming_file_and_line(void)
{
    struct config cfg;
    char err[512], want[300];
    CU_ASSERT_EQUAL(load_text("[server]\nlog_level = info\n\n[serevr]\nmax_body = 2048\n", &cfg,
                              err, sizeof err),
                    ERROR);
    snprintf(want, sizeof want, "%s:5: unknown setting 'max_body' in [serevr]", conf);
    CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_config_key_outside_section_is_error(void)
{
    struct config cfg;
    char err[512], want[300];
    CU_ASSERT_EQUAL(load_text("log_level = info\n", &cfg, err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:1: unknown setting 'log_level' in []", conf);
    CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_config_malformed_line_is_error_naming_file_and_line(void)
{
    struct config cfg;
    char err[512], want[300];
    CU_ASSERT_EQUAL(load_text("[server]\nlog_level info\n", &cfg, err, sizeof err), ERROR);
    snprintf(want, sizeof want, "%s:2: expected 'key = value'", conf);
    CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_config_relative_paths_resolve_against_file_folder(void)
{
    struct config cfg;
    char err[512], want[200];
    CU_ASSERT_EQUAL_FATAL(load_text("[server]\ndomainfile = domains.conf\n"
                                    "state_dir = sub/state\n"
                                    "[manager]\nsocket = ../pm.sock\n",
                                    &cfg, err, sizeof err),
                          OK);
    snprintf(want, sizeof want, "%s/domains.conf", tmpdir);
    CU_ASSERT_STRING_EQUAL(cfg.domainfile, want);
    snprintf(want, sizeof want, "%s/sub/state", tmpdir);
    CU_ASSERT_STRING_EQUAL(cfg.state_dir, want);
    snprintf(want, sizeof want, "%s/../pm.sock", tmpdir);
    CU_ASSERT_STRING_EQUAL(cfg.manager_socket, want);
    config_free(&cfg);
}

static void test_config_absolute_paths_and_strings_are_kept(void)
{
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("[server]\ndomainfile = /abs/domains.conf\n"
                                    "log_target = relative.log\n"
                                    "[primus]\nuri = primus-relative\n",
                                    &cfg, err, sizeof err),
                          OK);
    CU_ASSERT_STRING_EQUAL(cfg.domainfile, "/abs/domains.conf");
    CU_ASSERT_STRING_EQUAL(cfg.log_target, "relative.log"); /* a string, not a path */
    CU_ASSERT_STRING_EQUAL(cfg.primus_uri, "primus-relative");
    config_free(&cfg);
}

static void test_config_relative_path_of_file_without_folder_uses_dot(void)
{
    char cwd[PATH_MAX];
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
    write_conf("[server]\ndomainfile = domains.conf\n");
    CU_ASSERT_EQUAL_FATAL(chdir(tmpdir), 0);
    struct config cfg;
    char err[512] = "";
    int rc = config_load("selfhost.conf", &cfg, err, sizeof err);
    CU_ASSERT_EQUAL(chdir(cwd), 0);
    CU_ASSERT_EQUAL_FATAL(rc, OK);
    CU_ASSERT_STRING_EQUAL(cfg.path, "selfhost.conf");
    CU_ASSERT_STRING_EQUAL(cfg.domainfile, "./domains.conf");
    config_free(&cfg);
}

static void test_config_inline_domains_are_collected_in_order(void)
{
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("[server]\nlog_level = info\n"
                                    "[domains]\n"
                                    "acme = postgresql://u:p@db1/acme?sslmode=require\n"
                                    "test.local = \"postgresql:///test\"\n"
                                    "[database]\nconnect_timeout = 2\n",
                                    &cfg, err, sizeof err),
                          OK);
    CU_ASSERT_EQUAL_FATAL(cfg.n_inline, 2);
    CU_ASSERT_STRING_EQUAL(cfg.inline_names[0], "acme");
    CU_ASSERT_STRING_EQUAL(cfg.inline_uris[0], "postgresql://u:p@db1/acme?sslmode=require");
    CU_ASSERT_STRING_EQUAL(cfg.inline_names[1], "test.local");
    CU_ASSERT_STRING_EQUAL(cfg.inline_uris[1], "postgresql:///test");
    CU_ASSERT_EQUAL(cfg.connect_timeout, 2);
    config_free(&cfg);
}

static void test_config_error_after_inline_domains_frees_everything(void)
{
    /* valgrind checks the "cfg is left freed" half of this */
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL(load_text("[domains]\na = postgresql:///a\nb = postgresql:///b\n"
                              "[server]\nlog_level = debug\nmax_body = 1\n",
                              &cfg, err, sizeof err),
                    ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":6: server.max_body"));
    CU_ASSERT_TRUE(cfg_is_zeroed(&cfg));
}

static void test_config_free_twice_is_harmless(void)
{
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("[domains]\na = postgresql:///a\n", &cfg, err, sizeof err), OK);
    config_free(&cfg);
    CU_ASSERT_TRUE(cfg_is_zeroed(&cfg));
    config_free(&cfg);
    CU_ASSERT_TRUE(cfg_is_zeroed(&cfg));
}

struct dump_lines {
    int n;
    char lines[64][600];
};

static void collect_line(const char *line, void *ctx)
{
    struct dump_lines *d = ctx;
    if (d->n < 64)
        snprintf(d->lines[d->n], sizeof d->lines[0], "%s", line);
    d->n++;
}

/* "rate_control.req_per_hour = 42" -> "SELFHOST_RATE_CONTROL_REQ_PER_HOUR" */
static void env_name_of_line(const char *line, char *out, size_t n)
{
    size_t o = (size_t)snprintf(out, n, "SELFHOST_");
    for (const char *p = line; *p && *p != ' ' && o + 1 < n; p++)
        out[o++] = *p == '.' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    out[o] = '\0';
}

static int dumped(const struct dump_lines *d, const char *line)
{
    for (int i = 0; i < d->n && i < 64; i++)
        if (strcmp(d->lines[i], line) == 0)
            return 1;
    return 0;
}

static void test_config_connection_budget_defaults_and_manager_share_below_it(void)
{
    struct config cfg;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load_text("# nothing set\n", &cfg, err, sizeof err), OK);
    CU_ASSERT_EQUAL(cfg.db_connections, 50);
    CU_ASSERT_EQUAL(cfg.db_wait_ms, 2000);
    CU_ASSERT_EQUAL(cfg.db_idle_timeout, 60);
    CU_ASSERT_EQUAL(cfg.manager_connections, 10);
    config_free(&cfg);
    CU_ASSERT_EQUAL(load_text("[database]\nconnections = 10\n", &cfg, err, sizeof err), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "manager.connections (10) must be below database.connections (10)"));
    CU_ASSERT_EQUAL_FATAL(load_text("[database]\nconnections = 0\n", &cfg, err, sizeof err), OK);
    config_free(&cfg); /* 0: no budget, any share */
    CU_ASSERT_EQUAL_FATAL(load_text("[database]\nconnections = 12\n[manager]\nconnections = 11\n",
                                    &cfg, err, sizeof err), OK);
    CU_ASSERT_EQUAL(cfg.manager_connections, 11);
    config_free(&cfg);
}

static void test_config_dump_writes_every_key_with_effective_value(void)
{
    struct config cfg;
    char err[512];
    setenv("SELFHOST_RATE_CONTROL_MAXBURST", "77", 1);
    CU_ASSERT_EQUAL_FATAL(load_text("[rate_control]\nreq_per_hour = 42\nmaxburst = 5\n", &cfg, err,
                                    sizeof err),
                          OK);
    struct dump_lines d = { 0 };
    config_dump(&cfg, collect_line, &d);
    /* one line per setting: exactly the variables the environment can set */
    const size_t nkeys = sizeof env_vars / sizeof *env_vars - 1; /* minus SELFHOST_CONFIG */
    CU_ASSERT_EQUAL(d.n, (int)nkeys);
    for (int i = 0; i < d.n && i < 32; i++) {
        char name[128];
        env_name_of_line(d.lines[i], name, sizeof name);
        int known = 0;
        for (size_t k = 1; k < sizeof env_vars / sizeof *env_vars; k++)
            known |= strcmp(env_vars[k], name) == 0;
        CU_ASSERT_TRUE(known);
        if (!known)
            fprintf(stderr, "\n  dump line without a known variable: %s\n", d.lines[i]);
        for (int j = i + 1; j < d.n && j < 32; j++)
            CU_ASSERT_STRING_NOT_EQUAL(d.lines[i], d.lines[j]);
    }
    CU_ASSERT_TRUE(dumped(&d, "rate_control.req_per_hour = 42"));
    CU_ASSERT_TRUE(dumped(&d, "rate_control.maxburst = 77"));
    CU_ASSERT_TRUE(dumped(&d, "server.domainfile = /etc/selfhost/domains.conf"));
    CU_ASSERT_TRUE(dumped(&d, "server.max_body = 33554432"));
    CU_ASSERT_TRUE(dumped(&d, "primus.uri = "));
    config_free(&cfg);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite_with_setup_and_teardown("config", suite_init, suite_clean,
                                                       test_setup, test_teardown);
    ADD(s, test_config_missing_default_file_gives_defaults);
    ADD(s, test_config_empty_selfhost_config_env_means_default_file);
    ADD(s, test_config_empty_file_gives_defaults_and_its_path);
    ADD(s, test_config_explicit_missing_path_is_error);
    ADD(s, test_config_selfhost_config_env_missing_file_is_error);
    ADD(s, test_config_selfhost_config_env_names_the_file);
    ADD(s, test_config_explicit_path_beats_selfhost_config_env);
    ADD(s, test_config_file_values_replace_defaults);
    ADD(s, test_config_env_overrides_file);
    ADD(s, test_config_env_overrides_default_without_file_key);
    ADD(s, test_config_env_bad_integer_is_error_naming_variable);
    ADD(s, test_config_integer_range_bounds_are_inclusive);
    ADD(s, test_config_integer_out_of_range_is_error_naming_key_and_line);
    ADD(s, test_config_integer_malformed_is_error);
    ADD(s, test_config_unknown_key_is_error_naming_file_and_line);
    ADD(s, test_config_unknown_section_is_error_naming_file_and_line);
    ADD(s, test_config_key_outside_section_is_error);
    ADD(s, test_config_malformed_line_is_error_naming_file_and_line);
    ADD(s, test_config_relative_paths_resolve_against_file_folder);
    ADD(s, test_config_absolute_paths_and_strings_are_kept);
    ADD(s, test_config_relative_path_of_file_without_folder_uses_dot);
    ADD(s, test_config_inline_domains_are_collected_in_order);
    ADD(s, test_config_error_after_inline_domains_frees_everything);
    ADD(s, test_config_free_twice_is_harmless);
    ADD(s, test_config_dump_writes_every_key_with_effective_value);
    ADD(s, test_config_connection_budget_defaults_and_manager_share_below_it);
}
