/* pm_imports.c — the source modules a job needs. Workers have no database,
 * so the manager sends, with each job, every module the program imports
 * as "name@latest" or "name@N" — and those the modules import in turn —
 * as the newest signed revision (latest) or that signed revision (N) of a
 * module program of the same domain. Imports are found with the Tengo
 * scanner: the tokens `import ( "spec" )`, so comments and strings that
 * merely mention import are not mistaken for one. A spec that names no
 * signed revision is left out: the worker's compile then fails with
 * Tengo's "module 'name@latest' not found", which is what the run records. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "lexer.h"
#include "literal.h"
#include "log.h"
#include "manager.h"
#include "status.h"
#include "xalloc.h"

#define PM_IMPORTS_MAX 64 /* modules one job may pull in */
#define PM_SPEC_MAX 200

static const struct db_stmt SQL_MODULE = {
    "pm_module",
    "SELECT encode(r.code, 'hex'), encode(sha256(COALESCE(r.code, ''::bytea)), 'hex') "
    "FROM programs p JOIN program_code_revisions r ON r.program_uuid = p.uuid "
    "WHERE p.name = $1 AND p.type = 'module' AND r.signed IS NOT NULL "
    "AND ($2::integer IS NULL OR r.revision = $2::integer) "
    "ORDER BY r.revision DESC, p.uuid LIMIT 1",
    2
};

struct spec_list {
    char *items[PM_IMPORTS_MAX];
    size_t n;
};

static int spec_known(const struct spec_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

/* Appends to l every "x@y" import of code not in l yet. */
static void scan_imports(const char *code, size_t len, struct spec_list *l)
{
    if (len > TG_SOURCE_MAX)
        return;
    arena_t *a = arena_new(0);
    struct tg_lexer lx;
    tg_lexer_init(&lx, a, code, len, 0, NULL, NULL);
    struct tg_tok t[4];
    memset(t, 0, sizeof t);
    for (;;) {
        t[0] = t[1];
        t[1] = t[2];
        t[2] = t[3];
        tg_lexer_scan(&lx, &t[3]);
        if (t[3].tok == TK_EOF)
            break;
        if (t[0].tok != TK_IMPORT || t[1].tok != TK_LPAREN || t[2].tok != TK_STRING
            || t[3].tok != TK_RPAREN)
            continue;
        char *s;
        size_t n;
        if (tg_unquote(a, t[2].lit, t[2].lit_len, &s, &n) != 0 || n == 0 || n > PM_SPEC_MAX
            || memchr(s, '\0', n) || !strchr(s, '@') || spec_known(l, s))
            continue;
        if (l->n == PM_IMPORTS_MAX) {
            log_warn("a program imports more than %d modules; the rest are not sent",
                     PM_IMPORTS_MAX);
            break;
        }
        l->items[l->n++] = xstrdup(s);
    }
    arena_free(a);
}

/* "name@latest" → name, NULL; "name@12" → name, "12" (no leading zeros).
 * ERROR otherwise. */
static int split_spec(const char *spec, char *name, size_t namesz, const char **rev)
{
    const char *at = strrchr(spec, '@');
    size_t n = (size_t)(at - spec);
    if (n == 0 || n >= namesz)
        return ERROR;
    memcpy(name, spec, n);
    name[n] = '\0';
    const char *v = at + 1;
    if (strcmp(v, "latest") == 0) {
        *rev = NULL;
        return OK;
    }
    if (!*v || strlen(v) > 9 || (v[0] == '0' && v[1])) /* revisions count from 0 */
        return ERROR;
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return ERROR;
    *rev = v;
    return OK;
}

int pm_imports_json(struct pm_domain *d, const char *code, size_t len, buf_t *out)
{
    struct spec_list l = { .n = 0 };
    scan_imports(code, len, &l);
    int rc = OK;
    int first = 1;
    buf_putc(out, '[');
    /* l grows while we walk it: modules' own imports join the list */
    for (size_t i = 0; i < l.n; i++) {
        char name[PM_SPEC_MAX + 1];
        const char *rev;
        if (split_spec(l.items[i], name, sizeof name, &rev) != OK)
            continue;
        const char *params[2] = { name, rev };
        if (pm_domain_use(d) != OK) { /* a polled domain is connected for it */
            rc = ERROR;
            break;
        }
        PGresult *res = db_exec(&d->db, &SQL_MODULE, params);
        if (!db_ok(res)) {
            char line[256];
            log_warn("domain %s: cannot read module %s: %s", d->name, l.items[i],
                     db_error_line(&d->db, res, line, sizeof line));
            PQclear(res);
            rc = ERROR;
            break;
        }
        if (PQntuples(res) == 1) {
            size_t mlen;
            char *mcode = pm_unhex(PQgetvalue(res, 0, 0), &mlen);
            scan_imports(mcode, mlen, &l);
            if (!first)
                buf_putc(out, ',');
            first = 0;
            buf_puts(out, "{\"spec\":");
            json_put_str(out, l.items[i]);
            buf_puts(out, ",\"checksum\":");
            json_put_str(out, PQgetvalue(res, 0, 1));
            buf_puts(out, ",\"code_b64\":");
            json_put_base64(out, mcode, mlen);
            buf_putc(out, '}');
            free(mcode);
        }
        PQclear(res);
    }
    buf_putc(out, ']');
    for (size_t i = 0; i < l.n; i++)
        free(l.items[i]);
    return rc;
}
