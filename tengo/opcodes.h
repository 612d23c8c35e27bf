/* opcodes.h — the instruction set shared by the compiler and the VM.
 * Tengo's opcodes (parser/opcodes.go), renumbered, with wider operands
 * where Tengo's two bytes would limit programs: constants, array and map
 * sizes and jump targets take four bytes (little-endian). Each entry of
 * TG_OPCODES is (name, operand widths…). */
#ifndef TENGO_OPCODES_H
#define TENGO_OPCODES_H

#include <stdint.h>

#define TG_OPCODES(X)                                                  \
    X(CONSTANT, 4, 0)       /* push constants[a] */                    \
    X(NULL, 0, 0)           /* push undefined */                       \
    X(TRUE, 0, 0)                                                      \
    X(FALSE, 0, 0)                                                     \
    X(POP, 0, 0)                                                       \
    X(BINARY, 1, 0)         /* a: the operator token */                \
    X(EQUAL, 0, 0)                                                     \
    X(NOT_EQUAL, 0, 0)                                                 \
    X(MINUS, 0, 0)                                                     \
    X(BCOMPLEMENT, 0, 0)                                               \
    X(LNOT, 0, 0)                                                      \
    X(JUMP, 4, 0)                                                      \
    X(JUMP_FALSY, 4, 0)     /* pops */                                 \
    X(AND_JUMP, 4, 0)       /* jumps keeping a falsy top, else pops */ \
    X(OR_JUMP, 4, 0)                                                   \
    X(GET_GLOBAL, 2, 0)                                                \
    X(SET_GLOBAL, 2, 0)                                                \
    X(SET_SEL_GLOBAL, 2, 1) /* a: global, b: number of selectors */    \
    X(GET_LOCAL, 1, 0)                                                 \
    X(SET_LOCAL, 1, 0)      /* through the cell if captured */         \
    X(DEFINE_LOCAL, 1, 0)   /* a fresh variable: replaces any cell */  \
    X(SET_SEL_LOCAL, 1, 1)                                             \
    X(GET_LOCAL_PTR, 1, 0)  /* push the local's cell (made on demand) */ \
    X(GET_FREE, 1, 0)                                                  \
    X(SET_FREE, 1, 0)                                                  \
    X(SET_SEL_FREE, 1, 1)                                              \
    X(GET_FREE_PTR, 1, 0)                                              \
    X(GET_BUILTIN, 1, 0)                                               \
    X(ARRAY, 4, 0)          /* a elements from the stack */            \
    X(MAP, 4, 0)            /* a/2 key, value pairs */                 \
    X(ERROR, 0, 0)                                                     \
    X(IMMUTABLE, 0, 0)                                                 \
    X(INDEX, 0, 0)                                                     \
    X(SLICE_INDEX, 0, 0)                                               \
    X(CALL, 1, 1)           /* a: arguments, b: 1 when spread (x...) */ \
    X(RETURN, 1, 0)         /* a: 1 when a value is returned */        \
    X(CLOSURE, 4, 1)        /* a: function constant, b: cells */       \
    X(ITERATOR_INIT, 0, 0)                                             \
    X(ITERATOR_NEXT, 0, 0)                                             \
    X(ITERATOR_KEY, 0, 0)                                              \
    X(ITERATOR_VALUE, 0, 0)                                            \
    X(SUSPEND, 0, 0)        /* end of the main function */

enum tg_opcode {
#define TG_OP_ENUM(name, a, b) TG_OP_##name,
    TG_OPCODES(TG_OP_ENUM)
#undef TG_OP_ENUM
    TG_OP_COUNT
};

/* Operand widths of each opcode (0 when absent) and the opcode's name. */
extern const uint8_t tg_op_widths[TG_OP_COUNT][2];
extern const char *const tg_op_names[TG_OP_COUNT];

static inline uint32_t tg_read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint32_t tg_read_u16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

#endif
