/* host.h — what an embedder (selfpwrk, selfctl) gives the Tengo library
 * beyond the language: which set of modules import() may find, how source
 * modules ("name@latest", "name@3") are found, and the per-run services
 * behind the extended modules log, http and cgi.
 *
 * Module sets:
 *   TG_MODULES_STANDARD  Tengo's standard library without os: fmt (print,
 *                        printf, println, sprintf), math, text, times, rand,
 *                        json, base64, hex, enum. For `selfctl program run`.
 *   TG_MODULES_SELFHOST  what a program may import under selfpwrk, as the
 *                        reference allows: base64 enum hex json math rand
 *                        text times, fmt (sprintf; print, printf, println
 *                        write to the run's captured output, never stdout),
 *                        log (info, error), http (get put post postform
 *                        delete toformdata, libcurl) and cgi (webhooks).
 *
 * A name import() does not find in the set is handed to the resolver (when
 * there is one); its source is parsed and compiled as a module the way
 * Tengo compiles source modules (a function run at the import, whose
 * `export` is the value of import()). Without a resolver, or when the
 * resolver does not know the name, compiling fails with Tengo's message
 * "Compile Error: module 'NAME' not found". Import cycles are a compile
 * error ("cyclic module import: NAME"). */
#ifndef TENGO_HOST_H
#define TENGO_HOST_H

#include <stddef.h>

#include "buf.h"
#include "compiler.h"

enum tg_module_set { TG_MODULES_STANDARD = 0, TG_MODULES_SELFHOST = 1 };

struct tg_source {
    const char *code; /* need not be NUL-terminated; any bytes */
    size_t len;
    const char *filename; /* for error positions, e.g. "mymod@latest" */
};

/* OK with *out set (the memory stays the resolver's and must live until
 * the compile returns), or ERROR when spec (not NUL-terminated) is unknown. */
typedef int (*tg_resolve_fn)(void *ctx, const char *spec, size_t len, struct tg_source *out);

struct tg_compile_opts {
    enum tg_module_set modules;
    tg_resolve_fn resolve; /* NULL: no source modules */
    void *resolve_ctx;
    const char *const *predefined; /* as tg_compile's, may be NULL */
};

/* tg_compile with options; tg_compile(file, predefined, …) is this with
 * TG_MODULES_STANDARD and no resolver. */
int tg_compile_with(const struct tg_file *file, const struct tg_compile_opts *opts,
                    struct tg_bytecode **out, buf_t *err);

/* ---- per-run services (struct tg_vm's `host`; NULL: none) ---- */

struct tg_header {
    char *name;
    char *value;
};

/* The request a webhook run sees through cgi.request.*. */
struct tg_cgi_request {
    const char *method;
    const char *path;
    const char *query; /* raw query string, "" when none */
    const struct tg_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
};

/* What cgi.response.* built; status 200 until the program sets one. */
struct tg_cgi_response {
    int status;
    struct tg_header *headers; /* malloc'd, names unique (a later set replaces) */
    size_t nheaders;
    buf_t body;
};

struct tg_host {
    /* log.info / log.error: one call per log line, level "info" or
     * "error"; NULL drops the line. */
    void (*log)(void *ctx, const char *level, const char *msg, size_t len);
    void *log_ctx;
    /* http.*: the longest one call may take, in ms (the VM's deadline
     * bounds it further); 0 means 30000. */
    long http_timeout_ms;
    /* largest response body http.* accepts, bytes; 0 means 64 MiB */
    size_t http_max_body;
    /* cgi: the request (NULL outside webhooks: headers() is an empty map,
     * body() empty bytes) and where the response goes (NULL: dropped). */
    const struct tg_cgi_request *cgi_request;
    struct tg_cgi_response *cgi_response;
    /* largest cgi response body, bytes; 0 means no limit beyond memory */
    size_t cgi_max_body;
};

void tg_cgi_response_init(struct tg_cgi_response *r);
void tg_cgi_response_free(struct tg_cgi_response *r);

#endif
