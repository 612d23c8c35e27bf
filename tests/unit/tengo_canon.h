/* tengo_canon.h — a Tengo value written the one way the case files
 * (the tengo_cases/ files) write Go Tengo's: TYPE:String() for scalars,
 * char:CODEPOINT, bytes:HEX, [..] and immutable[..], {..} and
 * immutable{..} with the keys sorted (Go's map order is random),
 * error(..), undefined, and type:NAME for the rest (functions). */
#ifndef SELFHOST_TENGO_CANON_H
#define SELFHOST_TENGO_CANON_H

#include "buf.h"
#include "value.h"

void tengo_canon(buf_t *out, struct tg_value v);

#endif
