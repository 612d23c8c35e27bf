/* domains.h — which domains exist and where their databases are.
 * A domain is a name (the user part of HTTP Basic auth) and a PostgreSQL
 * URI. They come from [domains] of the main config file and from the
 * domain file (server.domainfile), an INI file with one [domains] section
 * that `selfctl domain add|remove` rewrites atomically (write + rename), so
 * a reader sees the old or the new file, never half of one. Processes
 * reload it when its mtime changes.
 *
 * A domain may also have a read-only URI, of a streaming replica of its
 * database: "[replicas]" beside "[domains]" (in the main file or the domain
 * file, the same file as the domain), name = URI. selfserv sends data reads
 * there (server.h); everything else ignores it. Primus domains have none. */
#ifndef SELFHOST_DOMAINS_H
#define SELFHOST_DOMAINS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

#define DOMAIN_NAME_MAX 63

struct domain {
    char *name;
    char *uri;
    char *replica; /* read-only URI of a replica, or NULL */
};

struct domain_list {
    struct domain *items;
    size_t n;
};

/* Letters, digits, '-', '_' and '.', 1..63 characters, not starting with
 * '.' or '-'. Returns 1 when valid. */
int domain_name_valid(const char *name);
/* Inline domains of cfg, then those of the domain file (a missing domain
 * file is an empty list), then those of the Primus registry when one is
 * configured (through primus when given, else a short-lived connection).
 * A name defined twice is an error. */
int domains_load(const struct config *cfg, struct db_conn *primus, struct domain_list *out,
                 char *err, size_t errsz);
/* Appends one domain after checking its name and URI. */
int domains_append(struct domain_list *l, const char *name, const char *uri, char *err,
                   size_t errsz);
/* Gives the domain name of l the read-only URI uri (checked as a URI):
 * ERROR when l has no such domain or it has one already. */
int domains_set_replica(struct domain_list *l, const char *name, const char *uri, char *err,
                        size_t errsz);
const struct domain *domains_find(const struct domain_list *l, const char *name);
void domains_free(struct domain_list *l);
/* Modification time of the domain file in nanoseconds (two edits within
 * one second must still be told apart), 0 when it does not exist. */
int64_t domains_file_mtime(const char *path);
/* Edit the domain file. add fails when the name exists; remove fails when
 * it does not (and removes the domain's replica with it). Replicas of the
 * other domains are kept. */
int domains_file_add(const char *path, const char *name, const char *uri, char *err, size_t errsz);
int domains_file_remove(const char *path, const char *name, char *err, size_t errsz);

#endif
