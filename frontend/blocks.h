/* blocks.h — basic-block discovery over decoded text.
 *
 * A leader (first instruction of a basic block) is: the entry point, the target of every
 * branch and JAL that lands inside the text (4-aligned), and the instruction after every
 * instruction that ends a block (rv_insn_ends_block: branch, jump, ECALL, trap). JALR targets
 * are unknown statically; the dispatcher enters any pc through the jump table, so blocks are
 * an optimisation unit, not a correctness requirement.
 * Usage: rv_find_leaders(insns, n, pc_base, entry, leader);
 *        for (uint64_t i = 0; i < n; i = rv_block_end(insns, leader, n, i)) ... */
#ifndef RVT_FRONTEND_BLOCKS_H
#define RVT_FRONTEND_BLOCKS_H

#include <stdint.h>

#include "frontend/decode.h"

/* Fills leader_out[0..n) with 1 where a block starts, 0 elsewhere. insns[i] is the
 * instruction at pc_base + 4*i. Returns the number of leaders. */
uint64_t rv_find_leaders(const struct rv_insn *insns, uint64_t n, uint64_t pc_base,
                         uint64_t entry, uint8_t *leader_out);

/* The part of rv_find_leaders for instructions [first, end) of the n, into a leader array
 * already cleared: marks their branch and JAL targets and the instructions after their block
 * ends, and (when loop_head is not NULL, also cleared) in loop_head the targets of their
 * backward conditional branches (target <= the branch's pc): the heads of loops. Several
 * threads may mark disjoint ranges of one text at once: every mark is a relaxed atomic byte
 * store of 1, so two of them marking the same target do not race. */
void rv_mark_leaders(const struct rv_insn *insns, uint64_t first, uint64_t end, uint64_t n,
                     uint64_t pc_base, uint8_t *leader, uint8_t *loop_head);

/* Index one past the last instruction of the block starting at index i (i < n): the block
 * runs until an instruction that ends a block (included) or the next leader (excluded). */
uint64_t rv_block_end(const struct rv_insn *insns, const uint8_t *leader, uint64_t n,
                      uint64_t i);

/* Static target pc of a branch or JAL at pc; returns 0 for other instructions (then *target
 * is left alone). */
static inline int rv_insn_static_target(const struct rv_insn *in, uint64_t pc, uint64_t *target)
{
    if (rv_op_class((enum rv_op)in->op) != RV_CLS_BRANCH && in->op != RV_OP_JAL)
        return 0;
    *target = pc + (uint64_t)in->imm;
    return 1;
}

#endif
