/* program_webhook.h — the frames selfserv reads from the program manager
 * during a webhook call (docs/protocol.md, "Webhook requests"): the
 * webhook handler's frame table, for tests/unit/test_protocol_doc.c. The
 * handler itself, programs_webhook, is declared in programs.h. */
#ifndef SELFHOST_PROGRAM_WEBHOOK_H
#define SELFHOST_PROGRAM_WEBHOOK_H

#include "frame_route.h"

/* webhook_result and error; handlers take the struct req * as ctx. */
extern const struct frame_route PROGRAM_WEBHOOK_ROUTES[];

#endif
