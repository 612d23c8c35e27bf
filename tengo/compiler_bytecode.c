/* compiler_bytecode.c — the compiled program once built: the opcode table,
 * freeing, global lookup, source positions and the listing. */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "opcodes.h"

const uint8_t tg_op_widths[TG_OP_COUNT][2] = {
#define TG_OP_W(name, a, b) { a, b },
    TG_OPCODES(TG_OP_W)
#undef TG_OP_W
};
const char *const tg_op_names[TG_OP_COUNT] = {
#define TG_OP_N(name, a, b) #name,
    TG_OPCODES(TG_OP_N)
#undef TG_OP_N
};

void tg_bytecode_free(struct tg_bytecode *bc)
{
    if (!bc)
        return;
    for (uint32_t i = 0; i < bc->ncodes; i++) {
        free(bc->codes[i]->insts);
        free(bc->codes[i]->map_ip);
        free(bc->codes[i]->map_pos);
        free(bc->codes[i]->filename);
        free(bc->codes[i]);
    }
    free(bc->codes);
    for (uint32_t i = 0; i < bc->nglobal_names; i++)
        free(bc->globals[i].name);
    free(bc->globals);
    free(bc->constants);
    free(bc->filename);
    tg_heap_free(&bc->heap);
    free(bc);
}

int tg_bytecode_global(const struct tg_bytecode *bc, const char *name)
{
    for (uint32_t i = 0; i < bc->nglobal_names; i++)
        if (strcmp(bc->globals[i].name, name) == 0)
            return (int)bc->globals[i].index;
    return -1;
}

struct tg_pos tg_code_pos(const struct tg_code *code, uint32_t ip)
{
    /* map_ip is ascending; the last entry at or before ip */
    uint32_t lo = 0, hi = code->nmap;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (code->map_ip[mid] <= ip)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return (struct tg_pos){ 0, 0, 0 };
    return code->map_pos[lo - 1];
}

void tg_code_dump(buf_t *out, const struct tg_code *code)
{
    for (uint32_t ip = 0; ip < code->len;) {
        uint8_t op = code->insts[ip];
        buf_printf(out, "%04u %s", ip, op < TG_OP_COUNT ? tg_op_names[op] : "?");
        uint32_t at = ip + 1;
        for (int k = 0; k < 2 && op < TG_OP_COUNT; k++) {
            int w = tg_op_widths[op][k];
            if (!w)
                continue;
            uint32_t v = w == 4 ? tg_read_u32(code->insts + at)
                                : w == 2 ? tg_read_u16(code->insts + at) : code->insts[at];
            buf_printf(out, " %u", v);
            at += (uint32_t)w;
        }
        buf_putc(out, '\n');
        ip = at;
    }
}
