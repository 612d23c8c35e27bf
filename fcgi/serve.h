/* serve.h — one request through the pipeline:
 * route -> authenticate -> rate control -> validate path -> authorize ->
 * validate query and body -> handler -> reply. */
#ifndef SELFSERV_SERVE_H
#define SELFSERV_SERVE_H

#include <fcgiapp.h>

#include "arena.h"
#include "server.h"

/* envp: the request's environment; in/out: its FastCGI streams, or NULL
 * for plain CGI (stdin/stdout). */
void serve_request(struct server *s, char **envp, FCGX_Stream *in, FCGX_Stream *out,
                   arena_t *arena);

#endif
