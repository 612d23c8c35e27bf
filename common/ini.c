/* ini.c — line-oriented INI parsing (see ini.h for the syntax). */
#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int parse_line(char *line, char *section, size_t secsz, ini_entry_fn fn, void *ctx,
                      char *err, size_t errsz)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#' || *s == ';')
        return OK;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close || close[1] != '\0') {
            snprintf(err, errsz, "malformed section header");
            return ERROR;
        }
        *close = '\0';
        char *name = trim(s + 1);
        if (*name == '\0' || strlen(name) >= secsz) {
            snprintf(err, errsz, "bad section name");
            return ERROR;
        }
        strcpy(section, name);
        return OK;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
        snprintf(err, errsz, "expected 'key = value'");
        return ERROR;
    }
    *eq = '\0';
    char *key = trim(s);
    char *value = trim(eq + 1);
    if (*key == '\0') {
        snprintf(err, errsz, "empty key");
        return ERROR;
    }
    size_t vlen = strlen(value);
    if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
        value[vlen - 1] = '\0';
        value++;
    }
    return fn(ctx, section, key, value, err, errsz);
}

int ini_parse_file(const char *path, ini_entry_fn fn, void *ctx, char *err, size_t errsz)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        int saved = errno;
        snprintf(err, errsz, "%s: %s", path, strerror(saved));
        errno = saved;
        return ERROR;
    }
    char line[4096], section[128] = "";
    char why[512];
    int lineno = 0, rc = OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errsz, "%s:%d: line too long", path, lineno);
            rc = ERROR;
            break;
        }
        why[0] = '\0';
        if (parse_line(line, section, sizeof section, fn, ctx, why, sizeof why) != OK) {
            snprintf(err, errsz, "%s:%d: %s", path, lineno, why);
            rc = ERROR;
            break;
        }
    }
    fclose(f);
    return rc;
}
