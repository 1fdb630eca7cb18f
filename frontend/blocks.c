/* blocks.c — leaders and block extents (frontend/blocks.h). One linear pass over the text. */
#include "frontend/blocks.h"

#include <string.h>

int rv_insn_static_target(const struct rv_insn *in, uint64_t pc, uint64_t *target)
{
    enum rv_class c = rv_op_class((enum rv_op)in->op);
    if (c != RV_CLS_BRANCH && in->op != RV_OP_JAL)
        return 0;
    *target = pc + (uint64_t)in->imm;
    return 1;
}

static void mark(uint8_t *leader, uint64_t n, uint64_t pc_base, uint64_t pc)
{
    if ((pc & 3) || pc < pc_base)
        return;
    uint64_t i = (pc - pc_base) / 4;
    if (i < n)
        leader[i] = 1;
}

uint64_t rv_find_leaders(const struct rv_insn *insns, uint64_t n, uint64_t pc_base,
                         uint64_t entry, uint8_t *leader_out)
{
    if (n == 0)
        return 0;
    memset(leader_out, 0, n);
    mark(leader_out, n, pc_base, entry);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t pc = pc_base + 4 * i, target;
        if (rv_insn_static_target(&insns[i], pc, &target))
            mark(leader_out, n, pc_base, target);
        if (rv_insn_ends_block(&insns[i]) && i + 1 < n)
            leader_out[i + 1] = 1;
    }
    uint64_t count = 0;
    for (uint64_t i = 0; i < n; i++)
        count += leader_out[i];
    return count;
}

uint64_t rv_block_end(const struct rv_insn *insns, const uint8_t *leader, uint64_t n,
                      uint64_t i)
{
    for (;;) {
        if (rv_insn_ends_block(&insns[i]))
            return i + 1;
        i++;
        if (i >= n || leader[i])
            return i;
    }
}
