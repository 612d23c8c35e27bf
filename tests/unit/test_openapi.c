/* test_openapi.c — docs/openapi/openapi3.yaml (served as /openapi3.json)
 * against the route table it describes, both ways: every route of
 * routes.c is documented with its method, path parameters, query
 * parameters (the names its query spec accepts), JSON body fields (names,
 * types, required), permission scopes and the error statuses every route
 * can answer; every documented operation is routed. The responses' bodies
 * are checked against the document by tests/browser (real answers). */
#include <CUnit/CUnit.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "cunit_main.h"
#include "input.h"
#include "json.h"
#include "router.h"

#define ADD(suite, fn) CU_add_test(suite, #fn, fn)

static yaml_document_t doc;
static int loaded;
static int problems;

#define PROBLEM(...)                                 \
    do {                                             \
        fprintf(stderr, "openapi3.yaml: " __VA_ARGS__); \
        fputc('\n', stderr);                         \
        problems++;                                  \
    } while (0)

static yaml_node_t *node_get(yaml_node_t *map, const char *key);

/* Follows a local "$ref": "#/components/x/y". */
static yaml_node_t *deref(yaml_node_t *n)
{
    for (int depth = 0; n && n->type == YAML_MAPPING_NODE && depth < 8; depth++) {
        yaml_node_t *ref = node_get(n, "$ref");
        if (!ref || ref->type != YAML_SCALAR_NODE)
            return n;
        const char *r = (const char *)ref->data.scalar.value;
        if (strncmp(r, "#/", 2) != 0)
            return NULL;
        yaml_node_t *cur = yaml_document_get_root_node(&doc);
        char part[128];
        const char *p = r + 2;
        while (cur && *p) {
            size_t len = strcspn(p, "/");
            if (len >= sizeof part)
                return NULL;
            memcpy(part, p, len);
            part[len] = 0;
            cur = node_get(cur, part);
            p += len;
            if (*p == '/')
                p++;
        }
        n = cur;
    }
    return n;
}

static yaml_node_t *node_get(yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(&doc, p->value);
    }
    return NULL;
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int seq_len(yaml_node_t *n)
{
    return n && n->type == YAML_SEQUENCE_NODE
               ? (int)(n->data.sequence.items.top - n->data.sequence.items.start)
               : 0;
}

static yaml_node_t *seq_item(yaml_node_t *n, int i)
{
    return yaml_document_get_node(&doc, n->data.sequence.items.start[i]);
}

static void lower(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = 0;
}

static yaml_node_t *operation(const char *path, const char *method)
{
    char m[16];
    lower(m, method, sizeof m);
    return node_get(node_get(node_get(yaml_document_get_root_node(&doc), "paths"), path), m);
}

static int is_method(const char *k)
{
    static const char *const methods[] = { "get", "put", "post", "delete", "patch", "head", "options", NULL };
    for (int i = 0; methods[i]; i++)
        if (strcmp(k, methods[i]) == 0)
            return 1;
    return 0;
}

static int setup(void)
{
    FILE *f = fopen(OPENAPI_YAML, "rb");
    if (!f)
        return 1;
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &doc) && yaml_document_get_root_node(&doc);
    if (!ok)
        fprintf(stderr, "%s:%zu: %s\n", OPENAPI_YAML, parser.problem_mark.line + 1,
                parser.problem ? parser.problem : "no document");
    yaml_parser_delete(&parser);
    fclose(f);
    loaded = ok;
    return ok ? 0 : 1;
}

static int teardown(void)
{
    if (loaded)
        yaml_document_delete(&doc);
    return 0;
}

/* Every parameter of a path item and of its operation, resolved. */
static int params_of(const char *path, yaml_node_t *op, yaml_node_t **out, int max)
{
    int n = 0;
    yaml_node_t *lists[2] = {
        node_get(node_get(node_get(yaml_document_get_root_node(&doc), "paths"), path), "parameters"),
        node_get(op, "parameters"),
    };
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < seq_len(lists[l]) && n < max; i++)
            out[n++] = deref(seq_item(lists[l], i));
    return n;
}

static int documents_param(yaml_node_t **ps, int n, const char *in, const char *name)
{
    for (int i = 0; i < n; i++)
        if (ps[i] && scalar(node_get(ps[i], "in")) && strcmp(scalar(node_get(ps[i], "in")), in) == 0 &&
            scalar(node_get(ps[i], "name")) && strcmp(scalar(node_get(ps[i], "name")), name) == 0)
            return 1;
    return 0;
}

static void check_params(const struct route *rt, yaml_node_t *op)
{
    yaml_node_t *ps[64];
    int n = params_of(rt->pattern, op, ps, 64);
    /* path parameters: exactly the {names} of the pattern */
    int in_path = 0;
    for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
        char name[64];
        size_t len = strcspn(p + 1, "}");
        snprintf(name, sizeof name, "%.*s", (int)len, p + 1);
        in_path++;
        if (!documents_param(ps, n, "path", name))
            PROBLEM("%s %s: path parameter %s not documented", rt->method, rt->pattern, name);
    }
    /* query parameters: exactly what the route's spec accepts */
    int in_query = 0, documented_path = 0;
    for (int i = 0; rt->query && rt->query[i].name; i++) {
        in_query++;
        if (!documents_param(ps, n, "query", rt->query[i].name))
            PROBLEM("%s %s: query parameter %s accepted but not documented", rt->method, rt->pattern,
                    rt->query[i].name);
    }
    for (int i = 0; i < n; i++) {
        const char *in = scalar(node_get(ps[i], "in")), *name = scalar(node_get(ps[i], "name"));
        if (!ps[i] || !in || !name) {
            PROBLEM("%s %s: parameter %d unresolved or without in/name", rt->method, rt->pattern, i);
            continue;
        }
        if (strcmp(in, "path") == 0)
            documented_path++;
        if (strcmp(in, "query") == 0) {
            int known = 0;
            for (int j = 0; rt->query && rt->query[j].name; j++)
                known |= strcmp(rt->query[j].name, name) == 0;
            if (!known)
                PROBLEM("%s %s: query parameter %s documented but not accepted", rt->method, rt->pattern,
                        name);
        }
    }
    if (documented_path != in_path)
        PROBLEM("%s %s: %d path parameters documented, %d in the path", rt->method, rt->pattern,
                documented_path, in_path);
    (void)in_query;
}

static const char *kind_type(enum json_kind k)
{
    switch (k) {
    case JK_STRING: case JK_UUID: case JK_TIME: return "string";
    case JK_INT: return "integer";
    case JK_NUMBER: return "number";
    case JK_BOOL: return "boolean";
    case JK_ARRAY: case JK_STRING_ARRAY: case JK_UUID_ARRAY: return "array";
    case JK_OBJECT: return "object";
    }
    return "?";
}

static int in_required(yaml_node_t *schema, const char *key)
{
    yaml_node_t *req = node_get(schema, "required");
    for (int i = 0; i < seq_len(req); i++)
        if (scalar(seq_item(req, i)) && strcmp(scalar(seq_item(req, i)), key) == 0)
            return 1;
    return 0;
}

static void check_body(const struct route *rt, yaml_node_t *op)
{
    yaml_node_t *body = deref(node_get(op, "requestBody"));
    if (!rt->body)
        return;
    yaml_node_t *schema = deref(node_get(node_get(node_get(body, "content"), "application/json"), "schema"));
    if (!schema) {
        PROBLEM("%s %s: takes a JSON body, none documented", rt->method, rt->pattern);
        return;
    }
    yaml_node_t *props = node_get(schema, "properties");
    for (int i = 0; rt->body[i].key; i++) {
        const struct json_field *f = &rt->body[i];
        yaml_node_t *p = deref(node_get(props, f->key));
        if (!p) {
            PROBLEM("%s %s: body field %s not documented", rt->method, rt->pattern, f->key);
            continue;
        }
        const char *type = scalar(node_get(p, "type"));
        if (!type && node_get(p, "enum"))
            type = "string";
        if (!type || strcmp(type, kind_type(f->kind)) != 0)
            PROBLEM("%s %s: body field %s is %s, documented as %s", rt->method, rt->pattern, f->key,
                    kind_type(f->kind), type ? type : "(no type)");
        if (f->required != in_required(schema, f->key))
            PROBLEM("%s %s: body field %s is %srequired, documented otherwise", rt->method, rt->pattern,
                    f->key, f->required ? "" : "not ");
        const char *nullable = scalar(node_get(p, "nullable"));
        int doc_nullable = nullable && strcmp(nullable, "true") == 0;
        if (f->nullable != doc_nullable && !f->required)
            PROBLEM("%s %s: body field %s is %snullable, documented otherwise", rt->method, rt->pattern,
                    f->key, f->nullable ? "" : "not ");
    }
    if (props && props->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *p = props->data.mapping.pairs.start; p < props->data.mapping.pairs.top; p++) {
            const char *k = scalar(yaml_document_get_node(&doc, p->key));
            int known = 0;
            for (int i = 0; rt->body[i].key; i++)
                known |= strcmp(rt->body[i].key, k) == 0;
            if (!known)
                PROBLEM("%s %s: body field %s documented but not accepted", rt->method, rt->pattern, k);
        }
}

static void check_security(const struct route *rt, yaml_node_t *op)
{
    yaml_node_t *sec = node_get(op, "security");
    if (rt->access == ROUTE_OPEN) {
        if (!sec || seq_len(sec) != 0)
            PROBLEM("%s %s: open route, document security: []", rt->method, rt->pattern);
        return;
    }
    yaml_node_t *scopes = seq_len(sec) == 1 ? node_get(seq_item(sec, 0), "BasicAuth") : NULL;
    int n = 0;
    while (n < ROUTE_MAX_PERMS && rt->perms[n])
        n++;
    if (seq_len(scopes) != n) {
        PROBLEM("%s %s: security should list the %d scope(s) of the route", rt->method, rt->pattern, n);
        return;
    }
    for (int i = 0; i < n; i++)
        if (!scalar(seq_item(scopes, i)) || strcmp(scalar(seq_item(scopes, i)), rt->perms[i]) != 0)
            PROBLEM("%s %s: scope %s, documented %s", rt->method, rt->pattern, rt->perms[i],
                    scalar(seq_item(scopes, i)) ? scalar(seq_item(scopes, i)) : "?");
}

/* Error responses are the JSON error shape. */
static void check_responses(const struct route *rt, yaml_node_t *op)
{
    yaml_node_t *rs = node_get(op, "responses");
    if (!rs || rs->type != YAML_MAPPING_NODE) {
        PROBLEM("%s %s: no responses", rt->method, rt->pattern);
        return;
    }
    const char *must[8];
    int nm = 0;
    if (rt->access == ROUTE_AUTHENTICATED) {
        must[nm++] = "401";
        must[nm++] = "403";
        must[nm++] = "429";
        if (strchr(rt->pattern, '{') || rt->query || rt->body)
            must[nm++] = "400";
        if (strchr(rt->pattern, '{'))
            must[nm++] = "404";
    }
    for (int i = 0; i < nm; i++)
        if (!node_get(rs, must[i]))
            PROBLEM("%s %s: response %s not documented", rt->method, rt->pattern, must[i]);
    for (yaml_node_pair_t *p = rs->data.mapping.pairs.start; p < rs->data.mapping.pairs.top; p++) {
        const char *code = scalar(yaml_document_get_node(&doc, p->key));
        yaml_node_t *r = deref(yaml_document_get_node(&doc, p->value));
        if (!code || !r || !node_get(r, "description")) {
            PROBLEM("%s %s: response %s unresolved or without description", rt->method, rt->pattern,
                    code ? code : "?");
            continue;
        }
        if (code[0] == '4' || code[0] == '5') {
            yaml_node_t *s = node_get(node_get(node_get(r, "content"), "application/json"), "schema");
            const char *ref = scalar(node_get(s, "$ref"));
            if (!ref || strcmp(ref, "#/components/schemas/Error") != 0)
                PROBLEM("%s %s: error response %s is not the JSON Error shape", rt->method, rt->pattern,
                        code);
        }
    }
}

static void test_openapi_every_route_documented(void)
{
    CU_ASSERT_FATAL(loaded);
    problems = 0;
    for (int i = 0; i < n_routes; i++) {
        const struct route *rt = &routes[i];
        yaml_node_t *op = operation(rt->pattern, rt->method);
        if (!op) {
            PROBLEM("%s %s: routed but not documented", rt->method, rt->pattern);
            continue;
        }
        check_params(rt, op);
        check_body(rt, op);
        check_security(rt, op);
        check_responses(rt, op);
        if (!scalar(node_get(op, "operationId")) || !scalar(node_get(op, "summary")))
            PROBLEM("%s %s: operationId and summary wanted", rt->method, rt->pattern);
    }
    CU_ASSERT_EQUAL(problems, 0);
}

static void test_openapi_every_documented_operation_routed(void)
{
    CU_ASSERT_FATAL(loaded);
    problems = 0;
    yaml_node_t *paths = node_get(yaml_document_get_root_node(&doc), "paths");
    CU_ASSERT_FATAL(paths && paths->type == YAML_MAPPING_NODE);
    int ops = 0;
    for (yaml_node_pair_t *p = paths->data.mapping.pairs.start; p < paths->data.mapping.pairs.top; p++) {
        const char *path = scalar(yaml_document_get_node(&doc, p->key));
        yaml_node_t *item = yaml_document_get_node(&doc, p->value);
        if (!path || !item || item->type != YAML_MAPPING_NODE)
            continue;
        for (yaml_node_pair_t *q = item->data.mapping.pairs.start; q < item->data.mapping.pairs.top; q++) {
            const char *m = scalar(yaml_document_get_node(&doc, q->key));
            if (!m || !is_method(m))
                continue;
            ops++;
            int found = 0;
            for (int i = 0; i < n_routes && !found; i++) {
                char rm[16];
                lower(rm, routes[i].method, sizeof rm);
                found = strcmp(routes[i].pattern, path) == 0 && strcmp(rm, m) == 0;
            }
            if (!found)
                PROBLEM("%s %s: documented but not routed", m, path);
        }
    }
    CU_ASSERT_EQUAL(ops, n_routes);
    CU_ASSERT_EQUAL(problems, 0);
}

/* operationIds are unique (Swagger UI and client generators key on them). */
static void test_openapi_operation_ids_unique(void)
{
    CU_ASSERT_FATAL(loaded);
    problems = 0;
    const char *seen[256];
    int n = 0;
    for (int i = 0; i < n_routes; i++) {
        const char *id = scalar(node_get(operation(routes[i].pattern, routes[i].method), "operationId"));
        if (!id)
            continue;
        for (int j = 0; j < n; j++)
            if (strcmp(seen[j], id) == 0)
                PROBLEM("operationId %s used twice", id);
        if (n < 256)
            seen[n++] = id;
    }
    CU_ASSERT_EQUAL(problems, 0);
}

void register_tests(void)
{
    CU_pSuite s = CU_add_suite("openapi", setup, teardown);
    ADD(s, test_openapi_every_route_documented);
    ADD(s, test_openapi_every_documented_operation_routed);
    ADD(s, test_openapi_operation_ids_unique);
}
