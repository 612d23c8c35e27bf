/* primus.h — the optional domain registry ("Primus"): a PostgreSQL database
 * listing domains, read and changed through SQL the operator configures
 * ([primus] sql_read/sql_create/sql_update/sql_delete), announcing every
 * change with NOTIFY on [primus] channel so all processes reload at once.
 * `selfctl primus init` creates a default table with a trigger that sends
 * the NOTIFY for any change, also ones made by hand. */
#ifndef SELFHOST_PRIMUS_H
#define SELFHOST_PRIMUS_H

#include <stddef.h>

#include "config.h"
#include "db.h"
#include "domains.h"

/* 1 when a registry is configured. */
int primus_enabled(const struct config *cfg);
int primus_connect(const struct config *cfg, struct db_conn *db, char *err, size_t errsz);
/* Appends the registry's domains to l (names validated, duplicates refused). */
int primus_read(const struct config *cfg, struct db_conn *db, struct domain_list *l, char *err,
                size_t errsz);
/* Add (create), re-point (update) or remove (delete) a domain, then NOTIFY.
 * A create/update/delete that touches no row is an error. */
int primus_write(const struct config *cfg, struct db_conn *db, const char *op, const char *name,
                 const char *uri, char *err, size_t errsz);
/* Creates the default table and its NOTIFY trigger (idempotent). */
int primus_init(const struct config *cfg, struct db_conn *db, char *err, size_t errsz);
/* LISTEN on the channel. */
int primus_listen(const struct config *cfg, struct db_conn *db, char *err, size_t errsz);
/* Non-blocking: 1 when a notification arrived since the last call, 0 when
 * none, -1 when the connection broke. */
int primus_changed(struct db_conn *db);

#endif
