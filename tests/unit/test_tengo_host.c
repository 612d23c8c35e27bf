/* test_tengo_host.c — what an embedder gives the Tengo library (host.h):
 * tg_compile_with's module sets and source modules (resolver, export,
 * cycles, positions in the module's file), and the extended modules of
 * the selfhost set (log, http against a real local server, cgi). Each
 * case is a whole program, run like test_tengo_vm.c runs its cases. */
#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "compiler.h"
#include "cunit_main.h"
#include "host.h"
#include "parser.h"
#include "status.h"
#include "vm.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

/* ---- running programs with options ---- */

struct source_module {
    const char *name;
    const char *src;
};

/* The source modules every test's resolver knows. */
static const struct source_module source_modules[] = {
    { "mapmod", "x := 40\nexport {a: x + 2, f: func(v) { return v * 2 }}" },
    { "funcmod", "export func(s) { return s + \"!\" }" },
    { "valmod", "export 7" },
    { "noexport", "x := 1" },
    { "counter", "n := 0\nexport func() { n++; return n }" },
    { "outer", "inner := import(\"inner\")\nexport {v: inner.v + 1}" },
    { "inner", "export {v: len(\"abc\")}" },
    { "cyc_a", "b := import(\"cyc_b\")\nexport 1" },
    { "cyc_b", "a := import(\"cyc_a\")\nexport 2" },
    { "self", "s := import(\"self\")" },
    { "badref@latest", "x := 1\ny := zzz + x" },
    { "badparse", "x := (" },
    { "seesmain", "export g" },
    { "exportinfunc", "f := func() { export 1 }" },
    { "usesfmt", "fmt := import(\"fmt\")\nexport fmt.sprintf(\"%d-%s\", 4, \"x\")" },
    { "divzero", "export func(d) { return 10 / d }" },
    { "importsmissing", "\n  m := import(\"nothere\")" },
    { "toplevelreturn", "return 5" },
};

static int resolve_calls;

static int test_resolve(void *ctx, const char *spec, size_t len, struct tg_source *out)
{
    (void)ctx;
    resolve_calls++;
    for (size_t i = 0; i < sizeof source_modules / sizeof *source_modules; i++) {
        const struct source_module *m = &source_modules[i];
        if (strlen(m->name) == len && memcmp(m->name, spec, len) == 0) {
            out->code = m->src;
            out->len = strlen(m->src);
            out->filename = m->name;
            return OK;
        }
    }
    return ERROR;
}

/* Compiles src with opts (`out` predefined) and runs it with host (may be
 * NULL); *got receives out's String() or the error text, *printed what fmt
 * printed (may be NULL). */
static int run_with(const char *src, struct tg_compile_opts *opts, const struct tg_host *host,
                    buf_t *got, buf_t *printed, int64_t timeout_ms)
{
    arena_t *a = arena_new(0);
    struct tg_file *file;
    struct tg_error_list errs;
    if (tg_parse(a, "test", src, strlen(src), &file, &errs) != OK) {
        buf_puts(got, tg_error_list_string(a, &errs));
        arena_free(a);
        return ERROR;
    }
    static const char *const predefined[] = { "out", NULL };
    opts->predefined = predefined;
    struct tg_bytecode *bc;
    int rc = tg_compile_with(file, opts, &bc, got);
    arena_free(a);
    if (rc != OK)
        return ERROR;
    struct tg_vm vm;
    tg_vm_init(&vm, bc);
    vm.out = printed;
    vm.host = host;
    if (timeout_ms)
        vm.deadline_ns = tg_now_ns() + timeout_ms * 1000000;
    if (tg_vm_run(&vm) == OK)
        tg_value_string(got, tg_vm_global(&vm, "out"));
    else
        buf_append(got, vm.error.data, vm.error.len);
    rc = vm.error.len ? ERROR : OK;
    tg_vm_free(&vm);
    tg_bytecode_free(bc);
    return rc;
}

struct host_case {
    const char *src;
    const char *want; /* out's String() or the error; "..." at the end: a prefix */
};

static void check_with(const struct host_case *cases, size_t n, enum tg_module_set set,
                       const struct tg_host *host)
{
    for (size_t i = 0; i < n; i++) {
        struct tg_compile_opts opts = { .modules = set, .resolve = test_resolve };
        buf_t got = BUF_INIT;
        run_with(cases[i].src, &opts, host, &got, NULL, 10000);
        size_t wl = strlen(cases[i].want);
        bool ok;
        if (wl > 3 && strcmp(cases[i].want + wl - 3, "...") == 0)
            ok = got.len >= wl - 3 && memcmp(got.data, cases[i].want, wl - 3) == 0;
        else
            ok = strcmp(buf_cstr(&got), cases[i].want) == 0;
        if (!ok)
            fprintf(stderr, "\ncase %zu: %s\n  want: %s\n  got:  %s\n", i, cases[i].src,
                    cases[i].want, buf_cstr(&got));
        CU_ASSERT(ok);
        buf_free(&got);
    }
}

#define CHECK_SET(cases, set, host) check_with(cases, sizeof cases / sizeof *cases, set, host)

/* ---- source modules ---- */

static void test_source_module_exports_map_func_and_value(void)
{
    static const struct host_case cases[] = {
        { "m := import(\"mapmod\"); out = [m.a, m.f(3), is_immutable_map(m)]", "[42, 6, true]" },
        { "f := import(\"funcmod\"); out = f(\"hi\")", "\"hi!\"" },
        { "out = import(\"valmod\") + 1", "8" },
        { "out = import(\"noexport\")", "<undefined>" },
        { "out = import(\"usesfmt\")", "\"4-x\"" },
        { "out = import(\"toplevelreturn\")", "5" },
        { "m := import(\"mapmod\"); m.a = 1", "Runtime Error: not index-assignable: ..." },
        /* inside a function of the main program too */
        { "f := func() { return import(\"valmod\") }; out = f() * 2", "14" },
    };
    CHECK_SET(cases, TG_MODULES_STANDARD, NULL);
    CHECK_SET(cases, TG_MODULES_SELFHOST, NULL);
}

static void test_source_module_imported_twice_runs_again(void)
{
    static const struct host_case cases[] = {
        /* Tengo calls the module's function at every import: separate state */
        { "a := import(\"counter\"); b := import(\"counter\"); out = [a(), a(), b(), a()]",
          "[1, 2, 1, 3]" },
        { "x := import(\"mapmod\"); y := import(\"mapmod\"); out = [x.a == y.a, x.f(1), y.f(2)]",
          "[true, 2, 4]" },
    };
    resolve_calls = 0;
    CHECK_SET(cases, TG_MODULES_STANDARD, NULL);
    /* compiled once per compile: one resolver call per name per program */
    CU_ASSERT_EQUAL(resolve_calls, 2);
}

static void test_source_module_nested_import(void)
{
    static const struct host_case cases[] = {
        { "o := import(\"outer\"); out = o.v", "4" },
        { "i := import(\"inner\"); o := import(\"outer\"); out = [i.v, o.v]", "[3, 4]" },
    };
    CHECK_SET(cases, TG_MODULES_STANDARD, NULL);
}

static void test_source_module_errors_name_their_file(void)
{
    static const struct host_case cases[] = {
        { "a := import(\"cyc_a\")", "Compile Error: cyclic module import: cyc_a\n\tat cyc_b:1:6" },
        { "s := import(\"self\")", "Compile Error: cyclic module import: self\n\tat self:1:6" },
        { "x := 1\ny := import(\"zzz\")", "Compile Error: module 'zzz' not found\n\tat test:2:6" },
        { "m := import(\"importsmissing\")",
          "Compile Error: module 'nothere' not found\n\tat importsmissing:2:8" },
        { "m := import(\"badref@latest\")",
          "Compile Error: unresolved reference 'zzz'\n\tat badref@latest:2:6" },
        { "m := import(\"badparse\")", "Parse Error: expected operand, found 'EOF'\n\tat badparse:1:..." },
        /* a module sees builtins only, never the importer's names */
        { "g := 1; m := import(\"seesmain\")",
          "Compile Error: unresolved reference 'g'\n\tat seesmain:1:8" },
        { "m := import(\"exportinfunc\")",
          "Compile Error: export not allowed inside function\n\tat exportinfunc:1:15" },
        { "m := import(\"\")", "Compile Error: empty module name\n\tat test:1:6" },
        /* runtime errors inside a module's function are located in it */
        { "d := import(\"divzero\")\nout = d(0)",
          "Runtime Error: division by zero\n\tat divzero:1:25\n\tat test:2:7" },
        /* export in the main program is ignored, as in Tengo */
        { "export 5\nout = 1", "1" },
    };
    CHECK_SET(cases, TG_MODULES_STANDARD, NULL);
}

static void test_source_modules_without_resolver_are_not_found(void)
{
    struct tg_compile_opts opts = { .modules = TG_MODULES_SELFHOST };
    buf_t got = BUF_INIT;
    CU_ASSERT_EQUAL(run_with("m := import(\"mapmod\")", &opts, NULL, &got, NULL, 0), ERROR);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), "Compile Error: module 'mapmod' not found\n\tat test:1:6");
    buf_free(&got);
}

/* A resolver handing out endless distinct names is stopped. */
static int endless_resolve(void *ctx, const char *spec, size_t len, struct tg_source *out)
{
    (void)spec;
    (void)len;
    static char srcs[64][64];
    int *n = ctx;
    int i = (*n)++ % 64;
    snprintf(srcs[i], sizeof srcs[i], "export import(\"m%d\")", *n);
    out->code = srcs[i];
    out->len = strlen(srcs[i]);
    out->filename = NULL;
    return OK;
}

static void test_source_modules_nested_too_deeply(void)
{
    int n = 0;
    struct tg_compile_opts opts = { .modules = TG_MODULES_STANDARD,
                                    .resolve = endless_resolve,
                                    .resolve_ctx = &n };
    buf_t got = BUF_INIT;
    CU_ASSERT_EQUAL(run_with("m := import(\"m0\")", &opts, NULL, &got, NULL, 0), ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_cstr(&got), "modules nested too deeply"));
    buf_free(&got);
}

/* ---- module sets ---- */

static void test_module_sets_differ(void)
{
    static const struct host_case standard[] = {
        { "x := import(\"os\")", "Compile Error: module 'os' not found\n\tat test:1:6" },
        { "x := import(\"log\")", "Compile Error: module 'log' not found\n\tat test:1:6" },
        { "x := import(\"http\")", "Compile Error: module 'http' not found\n\tat test:1:6" },
        { "x := import(\"cgi\")", "Compile Error: module 'cgi' not found\n\tat test:1:6" },
        { "m := import(\"math\"); t := import(\"times\"); out = m.abs(-2)", "2" },
    };
    CHECK_SET(standard, TG_MODULES_STANDARD, NULL);
    static const struct host_case selfhost[] = {
        { "x := import(\"os\")", "Compile Error: module 'os' not found\n\tat test:1:6" },
        { "out = [is_callable(import(\"log\").info), is_callable(import(\"http\").get), "
          "is_immutable_map(import(\"cgi\").request)]",
          "[true, true, true]" },
        { "b := import(\"base64\"); e := import(\"enum\"); h := import(\"hex\"); j := "
          "import(\"json\"); m := import(\"math\"); r := import(\"rand\"); t := "
          "import(\"text\"); s := import(\"times\"); out = h.encode(bytes(\"A\"))",
          "\"41\"" },
    };
    CHECK_SET(selfhost, TG_MODULES_SELFHOST, NULL);
}

static void test_fmt_prints_are_captured(void)
{
    struct tg_compile_opts opts = { .modules = TG_MODULES_SELFHOST };
    buf_t got = BUF_INIT, printed = BUF_INIT;
    CU_ASSERT_EQUAL(run_with("fmt := import(\"fmt\"); fmt.println(\"a\", 1); fmt.printf(\"%d|\", 2); "
                             "fmt.print(\"z\"); out = fmt.sprintf(\"%05.1f\", 2.5)",
                             &opts, NULL, &got, &printed, 0),
                    OK);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), "\"002.5\"");
    CU_ASSERT_STRING_EQUAL(buf_cstr(&printed), "a1\n2|z");
    buf_free(&got);
    buf_free(&printed);
}


/* ---- log ---- */

struct log_capture {
    buf_t lines; /* "LEVEL: msg\n" each */
};

static void capture_log(void *ctx, const char *level, const char *msg, size_t len)
{
    struct log_capture *c = ctx;
    buf_printf(&c->lines, "%s: ", level);
    buf_append(&c->lines, msg, len);
    buf_putc(&c->lines, '\n');
}

static void test_log_lines_reach_the_host_with_levels(void)
{
    struct log_capture cap = { BUF_INIT };
    struct tg_host host = { .log = capture_log, .log_ctx = &cap };
    struct tg_compile_opts opts = { .modules = TG_MODULES_SELFHOST };
    buf_t got = BUF_INIT;
    CU_ASSERT_EQUAL(run_with("log := import(\"log\"); log.info(\"plain %d\"); "
                             "log.info(\"n=%d s=%s\", 5, \"x\"); "
                             "out = log[\"error\"](\"bad: %v\", [1, \"a\"])",
                             &opts, &host, &got, NULL, 0),
                    OK);
    CU_ASSERT_STRING_EQUAL(buf_cstr(&got), "<undefined>");
    CU_ASSERT_STRING_EQUAL(buf_cstr(&cap.lines),
                           "info: plain %d\ninfo: n=5 s=x\nerror: bad: [1, \"a\"]\n");
    buf_free(&got);
    buf_free(&cap.lines);
    static const struct host_case cases[] = {
        { "log := import(\"log\"); log.info(1)",
          "Runtime Error: invalid type for argument 'format' in call to 'user-function:info': "
          "expected string, found int\n\tat test:1:23" },
        /* `error` is a keyword: log.error does not parse, in Tengo too */
        { "log := import(\"log\"); log.error(\"x\")", "Parse Error: expected selector, found 'error'\n\tat test:1:27" },
        { "log := import(\"log\"); log[\"error\"]()",
          "Runtime Error: wrong number of arguments in call to 'user-function:error'\n\tat "
          "test:1:23" },
        /* no host, or no callback: lines are dropped */
        { "log := import(\"log\"); log.info(\"x %d\", 1); out = 1", "1" },
    };
    CHECK_SET(cases, TG_MODULES_SELFHOST, NULL);
    struct tg_host nolog = { 0 };
    CHECK_SET(cases, TG_MODULES_SELFHOST, &nolog);
}

/* ---- cgi ---- */

static void test_cgi_request_and_response_with_host(void)
{
    static const struct tg_header hdrs[] = { { "Content-Type", "application/json" },
                                             { "X-Token", "abc" } };
    struct tg_cgi_request req = { .method = "POST",
                                  .path = "/hook/1",
                                  .query = "a=1&b=x+y&a=2&c=%41%zz&d=%7e",
                                  .headers = hdrs,
                                  .nheaders = 2,
                                  .body = "{\"k\":1}",
                                  .body_len = 7 };
    struct tg_cgi_response resp;
    tg_cgi_response_init(&resp);
    CU_ASSERT_EQUAL(resp.status, 200);
    struct tg_host host = { .cgi_request = &req, .cgi_response = &resp };
    static const struct host_case cases[] = {
        { "cgi := import(\"cgi\"); r := cgi.request; out = [r.method(), r.path(), r.headers(), "
          "string(r.body()), r.query()]",
          "[\"POST\", \"/hook/1\", {Content-Type: \"application/json\", X-Token: \"abc\"}, "
          "\"{\\\"k\\\":1}\", {a: \"1\", b: \"x y\", d: \"~\"}]" },
        { "cgi := import(\"cgi\"); w := cgi.response; w.status(201); w.headers(\"X-A\", \"1\"); "
          "w.headers(\"x-a\", \"2\"); w.headers(\"Content-Type\", \"text/plain\"); "
          "out = [w.write(\"hé\"), w.write(bytes(\"!\")), is_immutable_map(cgi)]",
          "[3, 1, true]" },
        { "cgi := import(\"cgi\"); cgi.response.status(600)",
          "Runtime Error: invalid HTTP status code 600 (want 200 to 599)\n\tat test:1:23" },
        { "cgi := import(\"cgi\"); cgi.response.status(101)",
          "Runtime Error: invalid HTTP status code 101 (want 200 to 599)\n\tat test:1:23" },
        { "cgi := import(\"cgi\"); cgi.response.status(\"200\")",
          "Runtime Error: invalid type for argument 'status' in call to 'user-function:status': "
          "expected int, found string\n\tat test:1:23" },
        { "cgi := import(\"cgi\"); cgi.response.write(1)",
          "Runtime Error: invalid type for argument 'data' in call to 'user-function:write': "
          "expected string, found int\n\tat test:1:23" },
        { "cgi := import(\"cgi\"); cgi.response.headers(\"a\", 1)",
          "Runtime Error: invalid type for argument 'value' in call to 'user-function:headers': "
          "expected string, found int\n\tat test:1:23" },
        { "cgi := import(\"cgi\"); cgi.response.headers(\"a\")",
          "Runtime Error: wrong number of arguments in call to 'user-function:headers'\n\tat "
          "test:1:23" },
        { "cgi := import(\"cgi\"); cgi.response.headers(\"a\", \"x\\r\\nEvil: 1\")",
          "Runtime Error: invalid header value\n\tat test:1:23" },
        { "cgi := import(\"cgi\"); cgi.request.body(1)",
          "Runtime Error: wrong number of arguments in call to 'user-function:body'\n\tat "
          "test:1:23" },
        { "cgi := import(\"cgi\"); cgi.request = 1", "Runtime Error: not index-assignable: ..." },
    };
    CHECK_SET(cases, TG_MODULES_SELFHOST, &host);
    CU_ASSERT_EQUAL(resp.status, 201);
    CU_ASSERT_EQUAL(resp.nheaders, 2);
    if (resp.nheaders == 2) {
        CU_ASSERT_STRING_EQUAL(resp.headers[0].name, "X-A");
        CU_ASSERT_STRING_EQUAL(resp.headers[0].value, "2");
        CU_ASSERT_STRING_EQUAL(resp.headers[1].value, "text/plain");
    }
    CU_ASSERT_EQUAL(resp.body.len, 4);
    CU_ASSERT_EQUAL(memcmp(resp.body.data, "hé!", 4), 0);
    tg_cgi_response_free(&resp);
}

static void test_cgi_without_host_is_empty_and_drops_writes(void)
{
    static const struct host_case cases[] = {
        { "cgi := import(\"cgi\"); r := cgi.request; out = [r.method(), r.path(), r.headers(), "
          "type_name(r.body()), len(r.body()), r.query(), cgi.response.write(\"abc\"), "
          "cgi.response.status(404)]",
          "[\"\", \"\", {}, \"bytes\", 0, {}, 3, <undefined>]" },
    };
    CHECK_SET(cases, TG_MODULES_SELFHOST, NULL);
    struct tg_host empty = { 0 };
    CHECK_SET(cases, TG_MODULES_SELFHOST, &empty);
}

static void test_cgi_response_body_limit(void)
{
    struct tg_cgi_response resp;
    tg_cgi_response_init(&resp);
    struct tg_host host = { .cgi_response = &resp, .cgi_max_body = 5 };
    static const struct host_case cases[] = {
        { "w := import(\"cgi\").response; w.write(\"abc\"); out = w.write(\"de\")", "2" },
        { "w := import(\"cgi\").response; w.write(\"f\")",
          "Runtime Error: cgi response body larger than 5 bytes\n\tat test:1:30" },
    };
    CHECK_SET(cases, TG_MODULES_SELFHOST, &host);
    CU_ASSERT_EQUAL(resp.body.len, 5);
    tg_cgi_response_free(&resp);
}


/* ---- http, against a real server on 127.0.0.1 ----
 * A child process accepts connections (a grandchild per connection) and
 * answers by path: /echo returns the raw request it received as the body,
 * /multi a header sent twice, /big 1000 bytes, /slow sleeps 3 s first,
 * /redirect sends to /echo. */

static pid_t server_pid;
static int server_port;

static void serve_one(int fd)
{
    char req[65536];
    size_t n = 0;
    ssize_t r;
    char *end = NULL;
    while (!end && n < sizeof req - 1 && (r = read(fd, req + n, sizeof req - 1 - n)) > 0) {
        n += (size_t)r;
        req[n] = 0;
        end = strstr(req, "\r\n\r\n");
    }
    if (!end)
        return;
    size_t want = (size_t)(end + 4 - req);
    for (char *h = strstr(req, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n"))
        if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
            want += (size_t)atol(h + 17);
    while (n < want && n < sizeof req - 1 && (r = read(fd, req + n, sizeof req - 1 - n)) > 0)
        n += (size_t)r;
    req[n] = 0;
    buf_t out = BUF_INIT;
    const char *status = "200 OK", *extra = "";
    buf_t body = BUF_INIT;
    if (strncmp(strchr(req, ' ') + 1, "/slow", 5) == 0) {
        sleep(3);
        buf_puts(&body, "slow");
    } else if (strncmp(strchr(req, ' ') + 1, "/big", 4) == 0) {
        for (int i = 0; i < 1000; i++)
            buf_putc(&body, 'x');
    } else if (strncmp(strchr(req, ' ') + 1, "/multi", 6) == 0) {
        extra = "x-multi: a\r\nX-Multi: b\r\n";
        buf_puts(&body, "m");
    } else if (strncmp(strchr(req, ' ') + 1, "/redirect", 9) == 0) {
        status = "302 Found";
        extra = "Location: /echo?from=redirect\r\n";
    } else {
        buf_append(&body, req, n);
    }
    buf_printf(&out,
               "HTTP/1.1 %s\r\nContent-Type: text/plain\r\n%sContent-Length: %zu\r\n"
               "Connection: close\r\n\r\n",
               status, extra, body.len);
    buf_append(&out, body.data ? body.data : "", body.len);
    for (size_t off = 0; off < out.len;) {
        ssize_t w = write(fd, out.data + off, out.len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    buf_free(&out);
    buf_free(&body);
}

static int start_server(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &al) != 0)
        return -1;
    server_port = ntohs(a.sin_port);
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        signal(SIGCHLD, SIG_IGN); /* connections' children reap themselves */
        for (;;) {
            int c = accept(s, NULL, NULL);
            if (c < 0)
                continue;
            if (fork() == 0) {
                close(s);
                serve_one(c);
                close(c);
                _exit(0);
            }
            close(c);
        }
    }
    close(s);
    return 0;
}

static int stop_server(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
    }
    return 0;
}

/* src with every "URL" replaced by http://127.0.0.1:PORT, in the program
 * and in want (NULL: any result). */
static void http_check(const char *src, const char *want, const struct tg_host *host,
                       int64_t timeout_ms)
{
    buf_t prog = BUF_INIT, url = BUF_INIT;
    buf_printf(&url, "http://127.0.0.1:%d", server_port);
    for (const char *p = src; *p;) {
        const char *u = strstr(p, "URL");
        if (!u) {
            buf_puts(&prog, p);
            break;
        }
        buf_append(&prog, p, (size_t)(u - p));
        buf_append(&prog, url.data, url.len);
        p = u + 3;
    }
    struct tg_compile_opts opts = { .modules = TG_MODULES_SELFHOST };
    buf_t got = BUF_INIT, w = BUF_INIT;
    run_with(buf_cstr(&prog), &opts, host, &got, NULL, timeout_ms);
    for (const char *p = want; p && *p;) {
        const char *u = strstr(p, "URL");
        if (!u) {
            buf_puts(&w, p);
            break;
        }
        buf_append(&w, p, (size_t)(u - p));
        buf_append(&w, url.data, url.len);
        p = u + 3;
    }
    want = want ? buf_cstr(&w) : NULL;
    size_t wl = want ? strlen(want) : 0;
    bool ok = !want ? true
            : wl > 3 && strcmp(want + wl - 3, "...") == 0
                  ? got.len >= wl - 3 && memcmp(got.data, want, wl - 3) == 0
                  : strcmp(buf_cstr(&got), want) == 0;
    if (!ok)
        fprintf(stderr, "\n%s\n  want: %s\n  got:  %s\n", buf_cstr(&prog), want, buf_cstr(&got));
    CU_ASSERT(ok);
    buf_free(&prog);
    buf_free(&url);
    buf_free(&got);
    buf_free(&w);
}

#define HTTP_PRELUDE "http := import(\"http\"); text := import(\"text\"); "

static void test_http_get_sends_query_args_and_headers(void)
{
    CU_ASSERT_FATAL(server_pid > 0);
    http_check(HTTP_PRELUDE
               "r := http.get(\"URL/echo?z=9\", [\"b=2 3\", \"a=1\", \"a=0&x\"], "
               "{\"x-custom\": \"v1\"}); req := string(r.Body); "
               "out = [r.StatusCode, text.split(req, \"\\r\\n\")[0], "
               "text.contains(req, \"\\r\\nX-Custom: v1\\r\\n\"), "
               "text.contains(req, \"\\r\\nUser-Agent: Selfhost-tengo-client/1.0\\r\\n\"), "
               "r.ContentLength == len(r.Body), r.Header[\"Content-Type\"], is_map(r)]",
               "[200, \"GET /echo?a=1&a=0%26x&b=2+3&z=9 HTTP/1.1\", true, true, true, "
               "[\"text/plain\"], true]",
               NULL, 10000);
    /* the User-Agent can be replaced; without query_args the URL is as given */
    http_check(HTTP_PRELUDE
               "r := http.get(\"URL/echo?b=1&a=2\", undefined, {\"user-agent\": \"ua/2\"}); "
               "req := string(r.Body); out = [text.split(req, \"\\r\\n\")[0], "
               "text.contains(req, \"User-Agent: ua/2\\r\\n\"), text.contains(req, \"Selfhost\")]",
               "[\"GET /echo?b=1&a=2 HTTP/1.1\", true, false]", NULL, 10000);
    http_check(HTTP_PRELUDE "r := http.get(\"URL/multi\"); out = r.Header[\"X-Multi\"]",
               "[\"a\", \"b\"]", NULL, 10000);
    http_check(HTTP_PRELUDE "r := http.get(\"URL/redirect\"); "
               "out = [r.StatusCode, text.split(string(r.Body), \"\\r\\n\")[0]]",
               "[200, \"GET /echo?from=redirect HTTP/1.1\"]", NULL, 10000);
}

static void test_http_post_put_delete_send_the_body(void)
{
    CU_ASSERT_FATAL(server_pid > 0);
    http_check(HTTP_PRELUDE
               "r := http.post(\"URL/echo\", undefined, {\"Content-Type\": \"application/json\"}, "
               "\"{\\\"a\\\":1}\"); req := string(r.Body); "
               "out = [text.split(req, \"\\r\\n\")[0], text.has_suffix(req, \"\\r\\n\\r\\n{\\\"a\\\":1}\"), "
               "text.contains(req, \"Content-Length: 7\\r\\n\"), "
               "text.contains(req, \"Content-Type: application/json\\r\\n\")]",
               "[\"POST /echo HTTP/1.1\", true, true, true]", NULL, 10000);
    http_check(HTTP_PRELUDE
               "p := http.put(\"URL/echo\", [\"k=v\"], {}, bytes(\"xyz\")); "
               "d := http.delete(\"URL/echo\"); "
               "out = [text.split(string(p.Body), \"\\r\\n\")[0], text.has_suffix(string(p.Body), "
               "\"xyz\"), text.contains(string(p.Body), \"Content-Type\"), "
               "text.split(string(d.Body), \"\\r\\n\")[0]]",
               "[\"PUT /echo?k=v HTTP/1.1\", true, false, \"DELETE /echo HTTP/1.1\"]", NULL, 10000);
}

static void test_http_postform_and_toformdata(void)
{
    CU_ASSERT_FATAL(server_pid > 0);
    http_check(HTTP_PRELUDE
               "r := http.postform(\"URL/echo\", [\"b=x y\", \"a=1\", \"a=2\"]); req := string(r.Body); "
               "out = [text.split(req, \"\\r\\n\")[0], text.has_suffix(req, \"\\r\\n\\r\\na=2&b=x+y\"), "
               "text.contains(req, \"Content-Type: application/x-www-form-urlencoded\\r\\n\")]",
               "[\"POST /echo HTTP/1.1\", true, true]", NULL, 10000);
    http_check(HTTP_PRELUDE "out = [http.toformdata([\"b=2\", \"a=x y/é\", \"b=3\"]), "
               "http.toformdata([])]",
               "[\"a=x+y%2F%C3%A9&b=3\", \"\"]", NULL, 10000);
}

static void test_http_transport_failures_are_error_values(void)
{
    CU_ASSERT_FATAL(server_pid > 0);
    /* a port nobody listens on: bound, then closed */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    CU_ASSERT_FATAL(bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
                    getsockname(s, (struct sockaddr *)&a, &al) == 0);
    close(s);
    char src[256], want[128];
    snprintf(src, sizeof src,
             "http := import(\"http\"); r := http.get(\"http://127.0.0.1:%d/\"); "
             "out = [is_error(r), r.value]",
             ntohs(a.sin_port));
    snprintf(want, sizeof want, "[true, \"Get \\\"http://127.0.0.1:%d/\\\": ...",
             ntohs(a.sin_port));
    http_check(src, want, NULL, 10000);
    http_check(HTTP_PRELUDE "r := http.get(\"ftp://127.0.0.1/x\"); out = is_error(r)", "true",
               NULL, 10000);
    http_check(HTTP_PRELUDE "r := http.get(\"file:///etc/passwd\"); out = is_error(r)", "true",
               NULL, 10000);
    http_check(HTTP_PRELUDE "r := http.post(\"no url at all\"); out = is_error(r)", "true", NULL,
               10000);
    struct tg_host small = { .http_max_body = 100 };
    http_check(HTTP_PRELUDE "r := http.get(\"URL/big\"); out = r.value",
               "\"Get \\\"URL/big\\\": response body larger than 100 bytes\"", &small,
               10000);
}

static void test_http_timeout_and_deadline_stop_slow_servers(void)
{
    CU_ASSERT_FATAL(server_pid > 0);
    struct tg_host quick = { .http_timeout_ms = 300 };
    int64_t t0 = tg_now_ns();
    http_check(HTTP_PRELUDE "r := http.get(\"URL/slow\"); out = is_error(r)", "true", &quick,
               10000);
    CU_ASSERT((tg_now_ns() - t0) / 1000000 < 2000);
    /* the run's deadline bounds the call even with a long host timeout */
    struct tg_host longer = { .http_timeout_ms = 60000 };
    t0 = tg_now_ns();
    http_check(HTTP_PRELUDE "r := http.get(\"URL/slow\"); out = is_error(r)", NULL, &longer, 400);
    CU_ASSERT((tg_now_ns() - t0) / 1000000 < 2000);
}

static void test_http_wrong_arguments_are_runtime_errors(void)
{
    static const struct host_case cases[] = {
        { "http := import(\"http\"); http.get()",
          "Runtime Error: wrong number of arguments in call to 'user-function:get'\n\tat test:1:25" },
        { "http := import(\"http\"); http.get(\"u\", [], {}, \"b\")",
          "Runtime Error: wrong number of arguments in call to 'user-function:get'..." },
        { "http := import(\"http\"); http.post(\"u\", [], {}, \"b\", 5)",
          "Runtime Error: wrong number of arguments in call to 'user-function:post'..." },
        { "http := import(\"http\"); http.get(undefined)",
          "Runtime Error: invalid type for argument 'url' in call to 'user-function:get': expected "
          "string, found undefined..." },
        { "http := import(\"http\"); http.get(\"u\", 5)",
          "Runtime Error: invalid type for argument 'query_args' in call to 'user-function:get': "
          "expected []string, found int..." },
        { "http := import(\"http\"); http.get(\"u\", [\"novalue\"])",
          "Runtime Error: invalid type for argument 'query_args[0]' in call to "
          "'user-function:get': expected key=value, found novalue..." },
        { "http := import(\"http\"); http.postform(\"u\", [\"a=1\", 2])",
          "Runtime Error: invalid type for argument 'query_args[1]' in call to "
          "'user-function:postform': expected key=value, found unknown..." },
        { "http := import(\"http\"); http.put(\"u\", undefined, [])",
          "Runtime Error: invalid type for argument 'headers' in call to 'user-function:put': "
          "expected map[string]string, found array..." },
        { "http := import(\"http\"); http.delete(\"u\", undefined, {a: 1})",
          "Runtime Error: invalid type for argument 'headers[a]' in call to "
          "'user-function:delete': expected string, found unknown..." },
        { "http := import(\"http\"); http.toformdata()",
          "Runtime Error: wrong number of arguments in call to 'user-function:toformdata'..." },
        { "http := import(\"http\"); http.toformdata(\"a=1\")",
          "Runtime Error: invalid type for argument 'query_args' in call to "
          "'user-function:toformdata': expected []string, found string..." },
    };
    CHECK_SET(cases, TG_MODULES_SELFHOST, NULL);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("tengo_host", NULL, NULL);
    ADD(s, test_source_module_exports_map_func_and_value);
    ADD(s, test_source_module_imported_twice_runs_again);
    ADD(s, test_source_module_nested_import);
    ADD(s, test_source_module_errors_name_their_file);
    ADD(s, test_source_modules_without_resolver_are_not_found);
    ADD(s, test_source_modules_nested_too_deeply);
    ADD(s, test_module_sets_differ);
    ADD(s, test_fmt_prints_are_captured);
    ADD(s, test_log_lines_reach_the_host_with_levels);
    ADD(s, test_cgi_request_and_response_with_host);
    ADD(s, test_cgi_without_host_is_empty_and_drops_writes);
    ADD(s, test_cgi_response_body_limit);
    CU_pSuite h = CU_add_suite("tengo_host_http", start_server, stop_server);
    ADD(h, test_http_get_sends_query_args_and_headers);
    ADD(h, test_http_post_put_delete_send_the_body);
    ADD(h, test_http_postform_and_toformdata);
    ADD(h, test_http_transport_failures_are_error_values);
    ADD(h, test_http_timeout_and_deadline_stop_slow_servers);
    ADD(h, test_http_wrong_arguments_are_runtime_errors);
}
