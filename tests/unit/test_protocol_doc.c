/* test_protocol_doc.c — docs/protocol.md against the frame tables the
 * binaries dispatch from, both ways. The "Every message" table of the docs
 * lists each message's type, sender → receiver and members (name, kind,
 * nested members, "(optional)"); each receiver's tables are
 *   manager  PM_ROUTES_FIRST, PM_ROUTES_WORKER       (manager/pm_conn.c)
 *   worker   CONN_ROUTES_HELLO (worker/conn.c), RUNS_ROUTES (worker/runs.c),
 *            JOB_ROUTES_CHILD (worker/job.c)
 *   selfserv PROGRAM_WEBHOOK_ROUTES                 (fcgi/program_webhook.c)
 * Every documented message of a receiver with tables has a route with the
 * same members, kinds, required flags and nested shapes, and every route
 * is documented; the types in the prose tables ("| direction | type |")
 * are the types of the index. selfctl's reading of the status reply has
 * no table (it prints what it finds), so rows to selfctl are only parsed.
 * Also checked here: the tables' own sanity (no type twice per receiver,
 * every nested spec names a field of its kind). */
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "cunit_main.h"
#include "frame_route.h"
#include "job.h"
#include "manager.h"
#include "program_webhook.h"
#include "runs.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

/* ==== the receivers and their tables ===================================== */

struct receiver {
    const char *name;
    const struct frame_route *tables[4]; /* NULL-ended */
};

static const struct receiver RECEIVERS[] = {
    { "manager", { PM_ROUTES_FIRST, PM_ROUTES_WORKER, NULL } },
    { "worker", { CONN_ROUTES_HELLO, RUNS_ROUTES, JOB_ROUTES_CHILD, NULL } },
    { "selfserv", { PROGRAM_WEBHOOK_ROUTES, NULL } },
    { "selfctl", { NULL } },
};
#define NRECEIVERS (sizeof RECEIVERS / sizeof *RECEIVERS)

static const struct receiver *receiver_named(const char *name)
{
    for (size_t i = 0; i < NRECEIVERS; i++)
        if (strcmp(RECEIVERS[i].name, name) == 0)
            return &RECEIVERS[i];
    return NULL;
}

static const struct frame_route *route_of(const struct receiver *rc, const char *type)
{
    for (size_t t = 0; rc->tables[t]; t++) {
        const struct frame_route *r = frame_route_find(rc->tables[t], type);
        if (r)
            return r;
    }
    return NULL;
}

/* ==== the docs' member lists ============================================= */

enum dshape { D_PLAIN, D_OBJECT, D_ARRAY, D_MAP };

struct dmember {
    char name[40];
    enum json_kind kind;
    int required;
    enum dshape shape;
    struct dlist *sub; /* D_OBJECT, D_ARRAY */
};

struct dlist {
    struct dmember m[24];
    size_t n;
};

static int failures;

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "protocol.md: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

static int eat(const char **s, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*s, word, n) != 0)
        return 0;
    *s += n;
    return 1;
}

static struct dlist *parse_list(const char **s, char end);

/* `name` kind [(optional)] */
static int parse_member(const char **s, struct dmember *m)
{
    memset(m, 0, sizeof *m);
    if (!eat(s, "`"))
        return ERROR;
    const char *tick = strchr(*s, '`');
    if (!tick || (size_t)(tick - *s) >= sizeof m->name)
        return ERROR;
    memcpy(m->name, *s, (size_t)(tick - *s));
    *s = tick + 1;
    if (!eat(s, " "))
        return ERROR;
    if (eat(s, "string")) {
        m->kind = JK_STRING;
    } else if (eat(s, "int")) {
        m->kind = JK_INT;
    } else if (eat(s, "uuid")) {
        m->kind = JK_UUID;
    } else if (eat(s, "object of strings")) {
        m->kind = JK_OBJECT;
        m->shape = D_MAP;
    } else if (eat(s, "object {")) {
        m->kind = JK_OBJECT;
        m->shape = D_OBJECT;
        if (!(m->sub = parse_list(s, '}')))
            return ERROR;
    } else if (eat(s, "array of {")) {
        m->kind = JK_ARRAY;
        m->shape = D_ARRAY;
        if (!(m->sub = parse_list(s, '}')))
            return ERROR;
    } else if (eat(s, "object")) {
        m->kind = JK_OBJECT;
    } else if (eat(s, "array")) {
        m->kind = JK_ARRAY;
    } else {
        return ERROR;
    }
    m->required = !eat(s, " (optional)");
    return OK;
}

/* Members up to end ('}' or '\0'), consumed; NULL when malformed. */
static struct dlist *parse_list(const char **s, char end)
{
    struct dlist *l = calloc(1, sizeof *l);
    if (eat(s, "none"))
        return **s == end ? l : NULL;
    for (;;) {
        if (l->n == sizeof l->m / sizeof *l->m || parse_member(s, &l->m[l->n]) != OK) {
            free(l);
            return NULL;
        }
        l->n++;
        if (**s == end) {
            if (end)
                (*s)++;
            return l;
        }
        if (!eat(s, ", ")) {
            free(l);
            return NULL;
        }
    }
}

static void list_free(struct dlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        list_free(l->m[i].sub);
    free(l);
}

/* ==== comparing ========================================================== */

static const char *kind_word(enum json_kind k)
{
    switch (k) {
    case JK_STRING: return "string";
    case JK_INT: return "int";
    case JK_UUID: return "uuid";
    case JK_OBJECT: return "object";
    case JK_ARRAY: return "array";
    default: return "a kind the docs have no word for";
    }
}

static const struct frame_nested *nested_of(const struct frame_nested *nested, const char *key)
{
    for (const struct frame_nested *n = nested; n && n->key; n++)
        if (strcmp(n->key, key) == 0)
            return n;
    return NULL;
}

static void compare(const struct dlist *doc, const struct json_field *fields,
                    const struct frame_nested *nested, const char *where);

static void compare_member(const struct dmember *m, const struct json_field *f,
                           const struct frame_nested *nested, const char *where)
{
    char at[200];
    snprintf(at, sizeof at, "%s.%s", where, m->name);
    if (f->kind != m->kind)
        fail("%s: the docs say %s, the table %s", at, kind_word(m->kind), kind_word(f->kind));
    if (f->required != m->required)
        fail("%s: the docs say %s, the table %s", at, m->required ? "required" : "optional",
             f->required ? "required" : "optional");
    const struct frame_nested *n = nested_of(nested, m->name);
    if (m->shape == D_PLAIN) {
        if (n)
            fail("%s: the table checks its inside, the docs do not say what it holds", at);
        return;
    }
    enum frame_shape want = m->shape == D_MAP ? FRAME_STRING_MAP
                            : m->shape == D_OBJECT ? FRAME_OBJECT : FRAME_ARRAY;
    if (!n || n->shape != want) {
        fail("%s: the docs give its inside, the table does not check it that way", at);
        return;
    }
    if (m->sub)
        compare(m->sub, n->fields, n->nested, at);
}

static void compare(const struct dlist *doc, const struct json_field *fields,
                    const struct frame_nested *nested, const char *where)
{
    for (size_t i = 0; i < doc->n; i++) {
        const struct json_field *f = fields;
        while (f->key && strcmp(f->key, doc->m[i].name) != 0)
            f++;
        if (!f->key)
            fail("%s: the docs name member '%s', the table has none", where, doc->m[i].name);
        else
            compare_member(&doc->m[i], f, nested, where);
    }
    for (const struct json_field *f = fields; f->key; f++) {
        size_t i = 0;
        while (i < doc->n && strcmp(doc->m[i].name, f->key) != 0)
            i++;
        if (i == doc->n)
            fail("%s: the table has member '%s', the docs do not name it", where, f->key);
    }
    for (const struct frame_nested *n = nested; n && n->key; n++) {
        const struct json_field *f = fields;
        while (f->key && strcmp(f->key, n->key) != 0)
            f++;
        if (!f->key || f->kind != (n->shape == FRAME_ARRAY ? JK_ARRAY : JK_OBJECT))
            fail("%s: nested spec '%s' without a field of its kind", where, n->key);
    }
}

/* ==== the document ======================================================= */

struct row {
    char type[40], from[40], to[40];
    struct dlist *members;
};

static struct row rows[64];
static size_t nrows;
static char prose_types[64][40];
static size_t nprose;

/* "| a | b | c |" into at most max trimmed cells; how many. */
static size_t cells(char *line, char **out, size_t max)
{
    size_t n = 0;
    char *p = line;
    if (*p != '|')
        return 0;
    p++;
    while (n < max) {
        char *bar = strstr(p, " |");
        if (!bar)
            break;
        *bar = '\0';
        while (*p == ' ')
            p++;
        out[n++] = p;
        p = bar + 2;
    }
    return n;
}

static void unquote(const char *cell, char *out, size_t n)
{
    size_t len = strlen(cell);
    if (len >= 2 && cell[0] == '`' && cell[len - 1] == '`')
        snprintf(out, n, "%.*s", (int)(len - 2), cell + 1);
    else
        snprintf(out, n, "%s", cell);
}

static int read_doc(void)
{
    FILE *f = fopen(PROTOCOL_MD, "r");
    if (!f)
        return ERROR;
    char line[4096];
    enum { NONE, INDEX, PROSE } in = NONE;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '|') {
            in = NONE;
            continue;
        }
        if (strcmp(line, "| type | from → to | members |") == 0) {
            in = INDEX;
            continue;
        }
        if (strncmp(line, "| direction | type |", 20) == 0) {
            in = PROSE;
            continue;
        }
        if (strncmp(line, "|---", 4) == 0 || in == NONE)
            continue;
        char *c[4];
        size_t n = cells(line, c, 4);
        if (in == PROSE && n >= 2 && nprose < 64) {
            unquote(c[1], prose_types[nprose++], sizeof prose_types[0]);
        } else if (in == INDEX && n == 3 && nrows < 64) {
            struct row *r = &rows[nrows];
            unquote(c[0], r->type, sizeof r->type);
            char *arrow = strstr(c[1], " → ");
            if (!arrow) {
                fail("row '%s': no 'from → to' in '%s'", r->type, c[1]);
                continue;
            }
            snprintf(r->from, sizeof r->from, "%.*s", (int)(arrow - c[1]), c[1]);
            snprintf(r->to, sizeof r->to, "%s", arrow + strlen(" → "));
            const char *s = c[2];
            r->members = parse_list(&s, '\0');
            if (!r->members) {
                fail("row '%s': members not in the index's terms: '%s'", r->type, c[2]);
                continue;
            }
            nrows++;
        }
    }
    fclose(f);
    return OK;
}

static int suite_init(void)
{
    return read_doc() == OK ? 0 : -1;
}

static int suite_clean(void)
{
    for (size_t i = 0; i < nrows; i++)
        list_free(rows[i].members);
    return 0;
}

/* ==== tests ============================================================== */

static void test_protocol_doc_index_is_read(void)
{
    /* the parse itself must have found the table: 11 messages today */
    CU_ASSERT(nrows >= 10);
    CU_ASSERT(nprose >= 10);
}

static void test_protocol_doc_every_documented_message_has_its_route(void)
{
    failures = 0;
    for (size_t i = 0; i < nrows; i++) {
        const struct row *r = &rows[i];
        const struct receiver *rc = receiver_named(r->to);
        if (!rc) {
            fail("message '%s': unknown receiver '%s'", r->type, r->to);
            continue;
        }
        if (!rc->tables[0])
            continue; /* selfctl: no table */
        const struct frame_route *route = route_of(rc, r->type);
        if (!route) {
            fail("message '%s' to %s: documented, but no table of %s has it", r->type, r->to,
                 r->to);
            continue;
        }
        char where[200];
        snprintf(where, sizeof where, "%.40s → %.40s '%.40s'", r->from, r->to, r->type);
        compare(r->members, route->fields, route->nested, where);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_protocol_doc_every_route_is_documented(void)
{
    failures = 0;
    for (size_t k = 0; k < NRECEIVERS; k++) {
        const struct receiver *rc = &RECEIVERS[k];
        for (size_t t = 0; rc->tables[t]; t++)
            for (const struct frame_route *r = rc->tables[t]; r->type; r++) {
                size_t i = 0;
                while (i < nrows && !(strcmp(rows[i].type, r->type) == 0
                                      && strcmp(rows[i].to, rc->name) == 0))
                    i++;
                if (i == nrows)
                    fail("%s's table has message '%s', the docs' index does not", rc->name,
                         r->type);
                if (!r->handler)
                    fail("%s's route '%s' has no handler", rc->name, r->type);
                /* no type twice among one receiver's tables */
                int seen = 0;
                for (size_t u = 0; rc->tables[u]; u++)
                    seen += frame_route_find(rc->tables[u], r->type) != NULL;
                if (seen != 1)
                    fail("%s: message '%s' in more than one of its tables", rc->name, r->type);
            }
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_protocol_doc_prose_tables_and_index_name_the_same_types(void)
{
    failures = 0;
    for (size_t i = 0; i < nprose; i++) {
        size_t k = 0;
        while (k < nrows && strcmp(rows[k].type, prose_types[i]) != 0)
            k++;
        if (k == nrows)
            fail("type '%s' is in a message table but not in the index", prose_types[i]);
    }
    for (size_t k = 0; k < nrows; k++) {
        size_t i = 0;
        while (i < nprose && strcmp(rows[k].type, prose_types[i]) != 0)
            i++;
        if (i == nprose)
            fail("type '%s' is in the index but in no message table", rows[k].type);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* The comparison can fail: a member list unlike the table is caught. */
static void test_protocol_doc_comparison_catches_a_difference(void)
{
    const struct frame_route *hello = frame_route_find(PM_ROUTES_FIRST, "hello");
    CU_ASSERT_FATAL(hello != NULL);
    static const char *const wrong[] = {
        "`role` string, `capacity` int, `pid` int",                            /* one missing */
        "`role` string, `capacity` string, `pid` int, `name` string",          /* kind */
        "`role` string, `capacity` int, `pid` int (optional), `name` string",  /* required */
        "`role` string, `capacity` int, `pid` int, `name` string, `x` int",    /* one more */
        "`role` object {`a` int}, `capacity` int, `pid` int, `name` string",   /* shape */
    };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        const char *s = wrong[i];
        struct dlist *l = parse_list(&s, '\0');
        CU_ASSERT_FATAL(l != NULL);
        failures = 0;
        fprintf(stderr, "(expected) ");
        compare(l, hello->fields, hello->nested, "hello");
        CU_ASSERT(failures > 0);
        list_free(l);
    }
    const char *s = "`role` string, `capacity` int, `pid` int, `name` string";
    struct dlist *l = parse_list(&s, '\0');
    failures = 0;
    compare(l, hello->fields, hello->nested, "hello");
    CU_ASSERT_EQUAL(failures, 0);
    list_free(l);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("protocol_doc", suite_init, suite_clean);
    ADD(s, test_protocol_doc_index_is_read);
    ADD(s, test_protocol_doc_every_documented_message_has_its_route);
    ADD(s, test_protocol_doc_every_route_is_documented);
    ADD(s, test_protocol_doc_prose_tables_and_index_name_the_same_types);
    ADD(s, test_protocol_doc_comparison_catches_a_difference);
}
