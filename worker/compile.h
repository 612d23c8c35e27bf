/* compile.h — a job's Tengo source to bytecode, the way selfpwrk loads
 * programs: parsed as "(main)" (Tengo's name for a script), compiled with
 * the selfhost module set, import("name@…") answered from the job's
 * modules[] by spec. */
#ifndef SELFPWRK_COMPILE_H
#define SELFPWRK_COMPILE_H

#include "buf.h"
#include "compiler.h"
#include "job.h"

/* OK with *bc (tg_bytecode_free it), or ERROR with Tengo's message in err
 * ("Parse Error: …\n\tat (main):3:10", "Compile Error: …"). */
int compile_job(const struct job *j, struct tg_bytecode **bc, buf_t *err);

#endif
