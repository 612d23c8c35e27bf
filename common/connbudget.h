/* connbudget.h — how many connections the selfhost processes of one host
 * hold to each PostgreSQL server, counted across all of them.
 *
 * A domain is a database, many domains share one server, and every
 * responder and the manager keep connections of their own: without a
 * common count, 40 domains times a pool of responders is more than a
 * default max_connections = 100. So each process takes a slot here before
 * it opens a connection and gives it back when it closes one; a slot
 * belongs to a server key ("host:port", db_server_key) and a class of
 * processes (the responders share one limit, the manager has its own), and
 * the caller passes the class in the key and the limit with each call.
 *
 * The table is one fixed-size file, DIR/connbudget.table, mapped
 * MAP_SHARED, every access under flock(LOCK_EX) as in ratelimit.c. Each
 * row says (server, pid, slots held, waiting). A row's owner also holds a
 * POSIX record lock (fcntl) on one byte of the file named by the row's
 * index, for as long as it lives: the kernel drops that lock when the
 * process dies however it dies, so another process that finds the byte
 * unlocked knows the row is a dead process's and takes its slots back.
 * A reused pid cannot fool this (the new process holds no such lock), and
 * a crashed responder never leaks slots past the next look at the table.
 *
 * A process that finds its server's slots all taken marks its row as
 * waiting and looks again every few milliseconds, up to wait_ms; the
 * others call connbudget_yield now and then (after each request, and
 * every 100 ms when idle) and close one of their idle connections when
 * someone waits. Handles survive fork (the child gets rows of its own).
 * One handle must not be used by two threads at once. */
#ifndef SELFHOST_CONNBUDGET_H
#define SELFHOST_CONNBUDGET_H

#include <stddef.h>
#include <stdint.h>

#define CONNBUDGET_FILE "connbudget.table"
#define CONNBUDGET_ROWS 512
#define CONNBUDGET_KEY_MAX 96 /* server key with its class, NUL included */
#define CONNBUDGET_FULL 1     /* acquire: no slot within the wait */

struct connbudget;

/* Opens (creating or repairing) DIR/connbudget.table. OK and *out, or
 * ERROR with a message in err. */
int connbudget_open(const char *dir, struct connbudget **out, char *err, size_t errsz);
void connbudget_close(struct connbudget *b); /* NULL is a no-op; slots held are freed */

/* Takes one slot of key when fewer than limit are held by all live
 * processes together, waiting up to wait_ms (0: not at all) for one to be
 * given back. OK, CONNBUDGET_FULL, or ERROR (the file failed; logged). */
int connbudget_acquire(struct connbudget *b, const char *key, int limit, int wait_ms);
/* Gives one slot of key back (one this process holds). */
void connbudget_release(struct connbudget *b, const char *key);
/* 1 when another process is waiting for a slot of key and all limit are
 * held: the caller should then close one of its connections to that
 * server and connbudget_release its slot once the server has let the
 * backend go (db_close_wait). The slot stays held until then, so that the
 * waiter never connects while the closed backend still counts against
 * max_connections. 0 otherwise. */
int connbudget_yield(struct connbudget *b, const char *key, int limit);
/* 1 when all limit slots of key are held and this process holds two or
 * more: the caller should then close its least recently used connection
 * and release its slot (as after connbudget_yield), so that the next
 * process to need a connection finds a free slot instead of closing one
 * on its request's time. 0 otherwise. */
int connbudget_trim(struct connbudget *b, const char *key, int limit);
/* Cheap test, no lock: does any process wait for any slot right now? */
int connbudget_anyone_waiting(const struct connbudget *b);
/* Slots of key held by live processes (*total) and by this one (*mine). */
int connbudget_count(struct connbudget *b, const char *key, int *mine, int *total);

/* For monitoring (GET /metrics): calls fn once per key that live
 * processes hold or wait for, with the slots held, the processes waiting
 * and the largest limit their owners gave; *waits counts the acquires
 * that found every slot taken and waited (wait_ms > 0), *timeouts those
 * of them that got none, since the table was made. OK or ERROR. */
typedef void (*connbudget_stat_fn)(void *ctx, const char *key, int held, int waiting, int limit);
int connbudget_stats(struct connbudget *b, connbudget_stat_fn fn, void *ctx, uint64_t *waits,
                     uint64_t *timeouts);

#endif
