/* blocks.c — leaders and block extents (frontend/blocks.h). One linear pass over the text. */
#include "frontend/blocks.h"

#include <string.h>

static void mark(uint8_t *leader, uint64_t n, uint64_t pc_base, uint64_t pc)
{
    if ((pc & 3) || pc < pc_base)
        return;
    uint64_t i = (pc - pc_base) / 4;
    if (i < n)
        __atomic_store_n(&leader[i], 1, __ATOMIC_RELAXED);   /* a plain byte store on x86 */
}

void rv_mark_leaders(const struct rv_insn *insns, uint64_t first, uint64_t end, uint64_t n,
                     uint64_t pc_base, uint8_t *leader, uint8_t *loop_head)
{
    for (uint64_t i = first; i < end; i++) {
        const enum rv_op op = (enum rv_op)insns[i].op;
        if (!rv_insn_ends_block(&insns[i]))   /* most instructions: one table lookup */
            continue;
        const uint64_t target = pc_base + 4 * i + (uint64_t)insns[i].imm;
        if (op == RV_OP_JAL || rv_op_class(op) == RV_CLS_BRANCH)
            mark(leader, n, pc_base, target);
        if (loop_head && rv_op_class(op) == RV_CLS_BRANCH && insns[i].imm <= 0)
            mark(loop_head, n, pc_base, target);
        mark(leader, n, pc_base, pc_base + 4 * (i + 1));
    }
}

uint64_t rv_find_leaders(const struct rv_insn *insns, uint64_t n, uint64_t pc_base,
                         uint64_t entry, uint8_t *leader_out)
{
    if (n == 0)
        return 0;
    memset(leader_out, 0, n);
    mark(leader_out, n, pc_base, entry);
    rv_mark_leaders(insns, 0, n, n, pc_base, leader_out, NULL);
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
