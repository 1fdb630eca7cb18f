/* lift_loop.c — counted self-loops: a member block that branches back to its own start on a
 * compare of an induction variable (one `addi iv, iv, c` in the block) with a register the
 * block leaves alone. Its trip count is known when the loop is entered, so lift.c lifts such a
 * block without its head guard, as a loop run in batches of as many trips as surely fit under
 * the cycle limit and in the trace chunk (lift_counted); the back edge goes by the count.
 *
 * Why: an exit at the loop head must write back every register the loop writes, so the values
 * of the loop's temporaries from the last iteration stay live around the back edge for it alone.
 * Without the guard (a throwaway build, `--mode tier1`) matmul ran 0.70-0.78 of the time, sha256
 * 0.87-0.92, bigint 0.90-0.92; a guard that kept its exit but tested a register counter instead
 * of clk_limit gained nothing (docs/tier1.md). */
#include "ir/lift_int.h"

/* Writes rd (stores and branches carry no rd). */
static int writes_rd(const struct rv_insn *in)
{
    switch (rv_op_class((enum rv_op)in->op)) {
    case RV_CLS_ALU: case RV_CLS_ALU32: case RV_CLS_MUL: case RV_CLS_DIV:
    case RV_CLS_LOAD: case RV_CLS_JUMP:
        return in->rd != 0;
    default:
        return 0;
    }
}

int ir_counted_loop(const struct rvt_program *p, const struct rt_block *blk,
                    struct ir_counted *out)
{
    if (blk->end - blk->start < 2)
        return 0;
    const struct rv_insn *br = &p->insns[blk->end - 1];
    const uint64_t pc = p->pc_base + 4ull * (blk->end - 1);
    if (rv_op_class((enum rv_op)br->op) != RV_CLS_BRANCH || br->op == RV_OP_BEQ ||
        pc + (uint64_t)br->imm != p->pc_base + 4ull * blk->start || br->rs1 == br->rs2)
        return 0;
    unsigned writes[32] = {0};
    const struct rv_insn *step[32] = {0};
    for (uint32_t i = blk->start; i + 1 < blk->end; i++) {
        const struct rv_insn *in = &p->insns[i];
        if (writes_rd(in)) {
            writes[in->rd]++;
            step[in->rd] = in;
        }
    }
    for (int side = 0; side < 2; side++) {
        const unsigned iv = side ? br->rs2 : br->rs1, n = side ? br->rs1 : br->rs2;
        const struct rv_insn *s = step[iv];
        if (iv == 0 || writes[iv] != 1 || writes[n] != 0 || s->op != RV_OP_ADDI ||
            s->rs1 != iv || s->imm == 0)
            continue;
        const int up = s->imm > 0;
        struct ir_counted c = {.iv = iv, .bound = n, .step = s->imm};
        /* "continue while" as iv != n, or as iv ^ bias <u (n ^ bias) + adj counting up, or
         * iv ^ bias >u (n ^ bias) + adj counting down (the bias maps signed order onto
         * unsigned; adj turns <= and >= into < and >) */
        const int is_signed = br->op == RV_OP_BLT || br->op == RV_OP_BGE;
        c.bias = is_signed ? 1ull << 63 : 0;
        switch (br->op) {
        case RV_OP_BNE:
            c.kind = IR_LOOP_NE;
            break;
        case RV_OP_BLT: case RV_OP_BLTU:   /* iv < n up (side 0); n < iv down (side 1) */
            c.kind = side ? IR_LOOP_DOWN : IR_LOOP_UP;
            if (up == side)
                continue;
            break;
        default:   /* BGE(U): iv >= n down: iv > n - 1; n >= iv up: iv < n + 1 */
            c.kind = side ? IR_LOOP_UP : IR_LOOP_DOWN;
            c.adj = side ? 1 : -1;
            if (up != side)
                continue;
            break;
        }
        *out = c;
        return 1;
    }
    return 0;
}

/* How many times the block runs from here (v0 = iv on entry), and whether that count is
 * exact: the loop ends before iv wraps around. When it is not, the region leaves at the head
 * and tier 0 runs the loop. */
LLVMValueRef ir_trip_count(struct ir_lifter *l, const struct ir_counted *c, LLVMValueRef *ok)
{
    LLVMBuilderRef B = l->b;
    LLVMValueRef v0 = ir_get_reg(l, c->iv), n = ir_get_reg(l, c->bound);
    const uint64_t a = c->step > 0 ? (uint64_t)c->step : 0 - (uint64_t)c->step;
    LLVMValueRef ca = ir_c64(l, a);
    if (c->kind == IR_LOOP_NE) {   /* iv reaches n after d / a steps if a divides d, d != 0 */
        LLVMValueRef d = c->step > 0 ? LLVMBuildSub(B, n, v0, "") : LLVMBuildSub(B, v0, n, "");
        *ok = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntNE, d, ir_c64(l, 0), ""),
                           LLVMBuildICmp(B, LLVMIntEQ, LLVMBuildURem(B, d, ca, ""),
                                         ir_c64(l, 0), ""), "");
        return LLVMBuildUDiv(B, d, ca, "trips");
    }
    LLVMValueRef x0 = LLVMBuildXor(B, v0, ir_c64(l, c->bias), "");
    LLVMValueRef nb = LLVMBuildXor(B, n, ir_c64(l, c->bias), "");
    LLVMValueRef y = LLVMBuildAdd(B, nb, ir_c64(l, (uint64_t)(int64_t)c->adj), "");
    LLVMValueRef fine = LLVMConstInt(l->i1, 1, 0);
    if (c->adj)   /* n + 1 and n - 1 must not wrap */
        fine = LLVMBuildICmp(B, LLVMIntNE, nb, ir_c64(l, c->adj > 0 ? UINT64_MAX : 0), "");
    /* Entered with x0 already past y, the block runs once, if that step does not wrap. */
    LLVMValueRef past, once, span, room;
    if (c->kind == IR_LOOP_UP) {   /* x0 < y, and y + a - 1 stays below 2^64 */
        past = LLVMBuildICmp(B, LLVMIntUGE, x0, y, "");
        once = LLVMBuildICmp(B, LLVMIntULE, x0, ir_c64(l, ~a), "");
        room = LLVMBuildICmp(B, LLVMIntULE, y, ir_c64(l, 0 - a), "");
        span = LLVMBuildSub(B, y, x0, "");
    } else {                       /* x0 > y, and y - a + 1 stays at or above 0 */
        past = LLVMBuildICmp(B, LLVMIntULE, x0, y, "");
        once = LLVMBuildICmp(B, LLVMIntUGE, x0, ca, "");
        room = LLVMBuildICmp(B, LLVMIntUGE, y, ir_c64(l, a - 1), "");
        span = LLVMBuildSub(B, x0, y, "");
    }
    *ok = LLVMBuildAnd(B, fine, LLVMBuildSelect(B, past, once, room, ""), "");
    LLVMValueRef n_trips = LLVMBuildUDiv(B, LLVMBuildAdd(B, span, ir_c64(l, a - 1), ""), ca, "");
    return LLVMBuildSelect(B, past, ir_c64(l, 1), n_trips, "trips");
}
