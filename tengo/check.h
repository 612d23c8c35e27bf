/* check.h — the VM check build (after Lua's ltests.h): assertions on the
 * invariants the VM and its heap rest on, compiled in when TG_CHECKS is
 * defined and to nothing otherwise.
 *
 * TG_CHECKS is on in the sanitizer builds (SELFHOST_ASAN, SELFHOST_UBSAN,
 * SELFHOST_FUZZ, or SELFHOST_VM_CHECKS alone) and always in the second
 * copy of the library the tests build (tengo_vmcheck, with the switch
 * dispatch too: tengo/CMakeLists.txt). selfpwrk, selfpmgr and selfctl link
 * the plain library: the checks cost them nothing.
 *
 * What is checked (value.h says why each holds):
 *  - a value's tag is its object's type, and the object is not NULL;
 *  - windows lie on their stores: len <= cap, and for arrays and bytes
 *    items + cap is the end of the store; stores, bytes stores and map
 *    tables have references (refs > 0), also when one is dropped;
 *  - a map's counts agree (count <= nentries <= cap);
 *  - every object on a VM heap is not perm, every object on the constants'
 *    heap is perm, and a constant never points to anything but constants;
 *    a constant's store, bytes store or table is its own (refs == 1: VMs
 *    copy a constant before sharing a store, so a second reference means a
 *    VM value shares it and writes through it would change the constant);
 *  - the stack: sp within the running frame (above its locals, below its
 *    locals plus the operand room the compiler gave it), every index an
 *    instruction reads (constant, global, local, free variable, builtin) in
 *    range, and the value on top of the stack sound after each instruction.
 * A failed check prints "TG_CHECK failed: COND (FILE:LINE)" on stderr and
 * aborts. */
#ifndef TENGO_CHECK_H
#define TENGO_CHECK_H

#include "value.h"

#ifdef TG_CHECKS
#define TG_CHECK(cond) ((cond) ? (void)0 : tg_check_fail(#cond, __FILE__, __LINE__))
void tg_check_fail(const char *cond, const char *file, int line) __attribute__((noreturn));
/* The value and the object it points to (not what that object holds). */
void tg_check_value(struct tg_value v);
/* Every object of a heap has h->perm as its perm flag; on the constants'
 * heap, every object points only to constants and owns its stores. */
void tg_check_heap(const struct tg_heap *h);
#else
/* sizeof: the operands are named (no unused warnings), never evaluated */
#define TG_CHECK(cond) ((void)sizeof((cond) ? 1 : 0))
#define tg_check_value(v) ((void)sizeof(v))
#define tg_check_heap(h) ((void)sizeof(h))
#endif

#endif
