/* lift.c — see lift.h. The function frame (state in from ctx, state out at the exits), the
 * member blocks and every control transfer: direct edges between members stay inside; edges to
 * other pcs, ECALLs, traps and faults leave with (pc, reason). A JALR switches over the
 * region's call-return points, so a loop that calls a function inside the region does not
 * leave it to return.
 *
 * Exits are per member block: each block has one exit block, which writes the guest registers
 * back, then all go to one finish block for the clocks, record count, pc and reason (a phi
 * each). One exit block for the whole function (the first design) needed a phi per guest
 * register with an input per exit edge — thousands for a 100-instruction region — and LLVM's
 * code generation time went into those phis and the spills they caused (docs/tier1.md).
 *
 * Chunk boundaries and the cycle limit are checked once per member block, at its head, for the
 * whole block (block_guard): if the block could fill the trace chunk or pass the limit, the
 * region leaves at the head (no effect yet) and tier 0 runs the block, exactly, with its
 * per-instruction checks. So the hot path has no per-branch or per-record checks; each access
 * keeps its own fault check, in place. */
#include "ir/lift.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/lift_int.h"
#include "runtime/ctx.h"
#include "runtime/trace.h"

void ir_region_name(uint64_t head_pc, int recording, char *out, size_t len)
{
    snprintf(out, len, "r_%" PRIx64 "%s", head_pc, recording ? "_rec" : "");
}

/* A register read twice in a member block is one LLVM value, not two loads of its alloca
 * (mem2reg would make them one anyway): so ir_alu_value can tell that two shifts have the
 * same operand. Safe because a member block is lifted on one path: every later point of the
 * block is dominated by every earlier one (side branches only go to exits, and the record
 * diamond reads and writes no register). Reset at each member block's head. */
LLVMValueRef ir_get_reg(struct ir_lifter *l, unsigned r)
{
    if (r == 0)
        return ir_c64(l, 0);
    if (!l->val[r])
        l->val[r] = LLVMBuildLoad2(l->b, l->i64, l->reg[r], "");
    return l->val[r];
}

void ir_set_reg(struct ir_lifter *l, unsigned r, LLVMValueRef v)
{
    if (r != 0) {
        LLVMBuildStore(l->b, v, l->reg[r]);
        l->val[r] = v;
    }
}

void ir_step_clock(struct ir_lifter *l)
{
    LLVMValueRef v = LLVMBuildLoad2(l->b, l->i64, l->clk, "");
    LLVMBuildStore(l->b, LLVMBuildAdd(l->b, v, ir_c64(l, RV_CLK_STEP), ""), l->clk);
}

static LLVMBasicBlockRef exit_block(struct ir_lifter *l);

void ir_exit(struct ir_lifter *l, int reason, LLVMValueRef pc)
{
    LLVMBasicBlockRef here = LLVMGetInsertBlock(l->b);
    LLVMBasicBlockRef out = exit_block(l);
    LLVMValueRef r = ir_c64(l, (uint64_t)reason);
    LLVMAddIncoming(l->exit_pc[l->cur], &pc, &here, 1);
    LLVMAddIncoming(l->exit_reason[l->cur], &r, &here, 1);
    LLVMBuildBr(l->b, out);
}

void ir_exit_if(struct ir_lifter *l, LLVMValueRef cond, int reason, LLVMValueRef pc)
{
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(l->c, l->fn, "exit");
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(l->c, l->fn, "");
    LLVMValueRef br = LLVMBuildCondBr(l->b, cond, out, cont);
    /* branch weights, not llvm.expect: our pipelines do not run lower-expect, so code
     * generation would never see the hint; with weights it lays the exits out of line */
    LLVMSetMetadata(br, l->prof_kind, l->unlikely);
    LLVMPositionBuilderAtEnd(l->b, out);
    ir_exit(l, reason, pc);
    LLVMPositionBuilderAtEnd(l->b, cont);
}

static LLVMValueRef ctx_field(struct ir_lifter *l, int off)
{
    LLVMValueRef o = ir_c64(l, (uint64_t)off);
    return LLVMBuildInBoundsGEP2(l->b, l->i8, l->ctx, &o, 1, "");
}

static LLVMValueRef load_ctx(struct ir_lifter *l, int off)
{
    LLVMValueRef v = LLVMBuildLoad2(l->b, l->i64, ctx_field(l, off), "");
    LLVMSetAlignment(v, 8);
    return v;
}

static void store_ctx(struct ir_lifter *l, int off, LLVMValueRef v)
{
    LLVMSetAlignment(LLVMBuildStore(l->b, v, ctx_field(l, off)), 8);
}

/* Continue at a static pc: the member block, or leave the region for it. */
static void go_to(struct ir_lifter *l, uint64_t pc)
{
    int64_t idx = rt_program_index(l->p, pc);
    int k = idx < 0 ? -1 : rt_region_block_of(l->r, (uint32_t)idx);
    if (k >= 0)
        LLVMBuildBr(l->b, l->block_bb[k]);
    else
        ir_exit(l, RV_EXIT_NONE, ir_c64(l, pc));
}

static LLVMIntPredicate branch_pred(enum rv_op op)
{
    switch (op) {
    case RV_OP_BEQ: return LLVMIntEQ;
    case RV_OP_BNE: return LLVMIntNE;
    case RV_OP_BLT: return LLVMIntSLT;
    case RV_OP_BGE: return LLVMIntSGE;
    case RV_OP_BLTU: return LLVMIntULT;
    default: return LLVMIntUGE;   /* BGEU */
    }
}

static void lift_branch(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc)
{
    LLVMBuilderRef B = l->b;
    const uint64_t target = pc + (uint64_t)in->imm;
    LLVMValueRef cond = LLVMBuildICmp(B, branch_pred((enum rv_op)in->op), ir_get_reg(l, in->rs1),
                                      ir_get_reg(l, in->rs2), "");
    if (rt_program_index(l->p, target) < 0)   /* taken: a fault before any effect */
        ir_exit_if(l, cond, RV_EXIT_FAULT, ir_c64(l, pc));
    ir_step_clock(l);
    if (rt_program_index(l->p, target) < 0) {
        go_to(l, pc + 4);
        return;
    }
    LLVMBasicBlockRef taken = LLVMAppendBasicBlockInContext(l->c, l->fn, "taken");
    LLVMBasicBlockRef not_taken = LLVMAppendBasicBlockInContext(l->c, l->fn, "not_taken");
    LLVMBuildCondBr(B, cond, taken, not_taken);
    LLVMPositionBuilderAtEnd(B, taken);
    go_to(l, target);
    LLVMPositionBuilderAtEnd(B, not_taken);
    go_to(l, pc + 4);
}

/* Member block k as a JALR target: the head (an indirect call), or a call's return point
 * (the block after a JAL/JALR that links). */
static int jalr_may_land(const struct rvt_program *p, const struct rt_region *r, uint32_t k)
{
    uint32_t s = r->blocks[k].start;
    return k == 0 || (s > 0 && rv_op_class((enum rv_op)p->insns[s - 1].op) == RV_CLS_JUMP &&
                      p->insns[s - 1].rd != 0);
}

/* JALR: target checked before any effect; then a switch over the member blocks a return (or
 * an indirect call to the head) can land on; anything else leaves through the table. */
static void lift_jalr(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc)
{
    LLVMBuilderRef B = l->b;
    const struct rvt_program *p = l->p;
    LLVMValueRef t = LLVMBuildAnd(B, LLVMBuildAdd(B, ir_get_reg(l, in->rs1),
                                                  ir_c64(l, (uint64_t)in->imm), ""),
                                  ir_c64(l, ~1ull), "");
    LLVMValueRef off = LLVMBuildSub(B, t, ir_c64(l, p->pc_base), "");
    LLVMValueRef bad = LLVMBuildOr(
        B, LLVMBuildICmp(B, LLVMIntUGE, off, ir_c64(l, p->n_insns * 4), ""),
        LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, off, ir_c64(l, 3), ""), ir_c64(l, 0), ""), "");
    ir_exit_if(l, bad, RV_EXIT_FAULT, ir_c64(l, pc));
    ir_set_reg(l, in->rd, ir_c64(l, pc + 4));
    ir_step_clock(l);
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(l->c, l->fn, "jalr_out");
    unsigned n_cases = 0;
    for (uint32_t k = 0; k < l->r->n_blocks; k++)
        n_cases += jalr_may_land(p, l->r, k);
    LLVMValueRef sw = LLVMBuildSwitch(B, t, out, n_cases);
    for (uint32_t k = 0; k < l->r->n_blocks; k++)
        if (jalr_may_land(p, l->r, k))
            LLVMAddCase(sw, ir_c64(l, p->pc_base + 4ull * l->r->blocks[k].start),
                        l->block_bb[k]);
    LLVMPositionBuilderAtEnd(B, out);
    ir_exit(l, RV_EXIT_NONE, t);
}

static void counted_branch(struct ir_lifter *l, uint64_t pc);

/* One instruction; returns 1 if it ended the block (control left it). */
static int lift_insn(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc, int checked)
{
    switch (rv_op_class((enum rv_op)in->op)) {
    case RV_CLS_ALU: case RV_CLS_ALU32: case RV_CLS_MUL: case RV_CLS_DIV:
        ir_set_reg(l, in->rd, ir_alu_value(l, in, pc));
        ir_step_clock(l);
        return 0;
    case RV_CLS_LOAD: case RV_CLS_STORE:
        ir_lift_mem(l, in, pc, checked);
        return 0;
    case RV_CLS_NOP:   /* FENCE */
        ir_step_clock(l);
        return 0;
    case RV_CLS_BRANCH:
        if (l->loop.body && pc == l->p->pc_base + 4ull * l->loop.branch)
            counted_branch(l, pc);
        else
            lift_branch(l, in, pc);
        return 1;
    case RV_CLS_JUMP:
        if (in->op == RV_OP_JALR) {
            lift_jalr(l, in, pc);
            return 1;
        }
        if (rt_program_index(l->p, pc + (uint64_t)in->imm) < 0) {
            ir_exit(l, RV_EXIT_FAULT, ir_c64(l, pc));
            return 1;
        }
        ir_set_reg(l, in->rd, ir_c64(l, pc + 4));
        ir_step_clock(l);
        go_to(l, pc + (uint64_t)in->imm);
        return 1;
    case RV_CLS_SYSTEM:   /* ECALL: C runs it with pc = the ECALL and its clk */
        ir_exit(l, RV_EXIT_ECALL, ir_c64(l, pc));
        return 1;
    case RV_CLS_TRAP:
        ir_exit(l, RV_EXIT_FAULT, ir_c64(l, pc));
        return 1;
    }
    return 1;
}

/* clk_limit, as every guard reads it: atomic, relaxed (a cancel lowers it from another
 * thread while we run). */
static LLVMValueRef load_clk_limit(struct ir_lifter *l)
{
    LLVMValueRef lim = LLVMBuildLoad2(l->b, l->i64, ctx_field(l, RV_CTX_CLK_LIMIT), "");
    LLVMSetAlignment(lim, 8);
    LLVMSetOrdering(lim, LLVMAtomicOrderingMonotonic);
    return lim;
}

/* The head guard of a member block: leave (resume in tier 0 at the head, before any effect)
 * unless the block, and every guard-less path on from it (guard_plan), surely runs through.
 * Tier 0 checks the cycle limit after each control transfer and the chunk after each access;
 * neither can fire on the way when
 *   - clk + the path's clock steps <= the limit (re-read here every time, atomic, relaxed: a
 *     cancel from another thread lowers it while we run), and
 *   - the trace tail + the path's records stays below the chunk's limit.
 * Faults stay checked in place, at each access. Computing every address the head could at the
 * head as well, to check them all in the guard (stop 12's design), cost more than it saved:
 * with the checks in place, --mode tier1 ran sort 0.80 and keccak 0.81 of the time, the rest
 * 0.94-1.05 (docs/tier1.md). */
static void block_guard(struct ir_lifter *l, const struct rt_block *blk)
{
    LLVMBuilderRef B = l->b;
    const uint64_t n_mem = l->guard_mem[l->cur];
    LLVMValueRef lim = load_clk_limit(l);
    LLVMValueRef clk = LLVMBuildLoad2(B, l->i64, l->clk, "");
    const uint64_t steps = RV_CLK_STEP * (uint64_t)l->guard_insns[l->cur];
    LLVMValueRef stop = LLVMBuildICmp(B, LLVMIntUGT, LLVMBuildAdd(B, clk, ir_c64(l, steps), ""),
                                      lim, "");
    if (n_mem) {
        LLVMValueRef tail = LLVMBuildLoad2(B, l->ptr, l->tail, "");
        LLVMValueRef off = ir_c64(l, 16 * n_mem);
        LLVMValueRef after = LLVMBuildGEP2(B, l->i8, tail, &off, 1, "");
        LLVMValueRef full = LLVMBuildICmp(B, LLVMIntUGE, after, l->rec_limit, "");
        stop = LLVMBuildOr(B, stop, LLVMBuildAnd(B, l->recording, full, ""), "");
    }
    ir_exit_if(l, stop, IR_EXIT_RESUME, ir_c64(l, l->p->pc_base + 4ull * blk->start));
}

/* Member blocks that the region's direct edges lead to from member k's last instruction
 * (branch target and fall-through, JAL target, the next leader): succ[0..return). */
static unsigned direct_successors(const struct ir_lifter *l, uint32_t k, uint32_t succ[2])
{
    const struct rvt_program *p = l->p;
    const uint32_t last = l->r->blocks[k].end - 1;
    const struct rv_insn *in = &p->insns[last];
    const uint64_t pc = p->pc_base + 4ull * last;
    uint64_t to[2];
    unsigned n = 0, m = 0;
    switch (rv_op_class((enum rv_op)in->op)) {
    case RV_CLS_BRANCH:
        to[n++] = pc + (uint64_t)in->imm;
        to[n++] = pc + 4;
        break;
    case RV_CLS_JUMP:   /* a JALR's landings are never guard-less (guard_plan) */
        if (in->op == RV_OP_JAL)
            to[n++] = pc + (uint64_t)in->imm;
        break;
    case RV_CLS_SYSTEM:
    case RV_CLS_TRAP:
        break;
    default:
        to[n++] = pc + 4;
        break;
    }
    for (unsigned i = 0; i < n; i++) {
        int64_t idx = rt_program_index(p, to[i]);
        int b = idx < 0 ? -1 : rt_region_block_of(l->r, (uint32_t)idx);
        if (b >= 0)
            succ[m++] = (uint32_t)b;
    }
    return m;
}

/* Loads and stores in a block: the records it makes in the recording variant. */
static uint32_t block_accesses(const struct rvt_program *p, const struct rt_block *blk)
{
    uint32_t n = 0;
    for (uint32_t i = blk->start; i < blk->end; i++)
        n += (uint32_t)ir_is_access(&p->insns[i]);
    return n;
}

/* Which blocks keep a guard, and what each covers (l->guard_insns, l->guard_mem). It is
 * enough that every cycle of the region passes a guard, and that a guard covers the longest
 * path from its block through guard-less blocks (in instructions, and in records for the
 * recording variant) to the next guard or an exit. So guards stand on the head, on the blocks
 * a JALR may land on (entered by the switch, not by a direct edge), and on the targets of the
 * back edges of a depth-first walk over the direct edges (every cycle has one); the blocks
 * left over form a DAG, and the walk computes each block's longest path in post-order, when
 * every guard-less successor is done. fibonacci's loop (split in two by the branch into its
 * middle) and sieve's counting loop (six blocks) read clk_limit once per iteration instead
 * of once per block. A guard only ever covers more steps than the path it starts, so under a
 * limit the region leaves early (tier 0 then stops exactly), never late. */
static int guard_plan(struct ir_lifter *l)
{
    const uint32_t n = l->r->n_blocks;
    const struct rvt_program *p = l->p;
    uint8_t *state = calloc(n, 1);   /* 0: not seen, 1: on the walk's stack, 2: done */
    uint8_t *guarded = calloc(n, 1), *n_succ = calloc(n, 1), *next = calloc(n, 1);
    uint32_t (*succ)[2] = calloc(n, sizeof *succ);
    uint32_t *stack = calloc(n, sizeof *stack);
    int ok = state && guarded && n_succ && next && succ && stack;
    for (uint32_t k = 0; ok && k < n; k++) {
        n_succ[k] = (uint8_t)direct_successors(l, k, succ[k]);
        guarded[k] = (uint8_t)jalr_may_land(p, l->r, k);   /* the head too */
    }
    for (uint32_t root = 0; ok && root < n; root++) {
        if (state[root])
            continue;
        guarded[root] = 1;   /* the head, or a block no guard of the walk reaches */
        uint32_t sp = 0;
        stack[sp++] = root;
        state[root] = 1;
        while (sp) {
            const uint32_t u = stack[sp - 1];
            if (next[u] < n_succ[u]) {
                const uint32_t s = succ[u][next[u]++];
                if (state[s] == 1)
                    guarded[s] = 1;   /* a back edge */
                else if (state[s] == 0) {
                    state[s] = 1;
                    stack[sp++] = s;
                }
                continue;
            }
            uint32_t insns = 0, mem = 0;
            for (unsigned i = 0; i < n_succ[u]; i++) {
                const uint32_t s = succ[u][i];
                if (!guarded[s]) {
                    insns = l->guard_insns[s] > insns ? l->guard_insns[s] : insns;
                    mem = l->guard_mem[s] > mem ? l->guard_mem[s] : mem;
                }
            }
            mem += block_accesses(p, &l->r->blocks[u]);
            l->guard_insns[u] = insns + (l->r->blocks[u].end - l->r->blocks[u].start);
            l->guard_mem[u] = mem;
            state[u] = 2;
            sp--;
        }
    }
    for (uint32_t k = 0; ok && k < n; k++)
        if (!guarded[k])
            l->guard_insns[k] = l->guard_mem[k] = 0;
    free(state);
    free(guarded);
    free(n_succ);
    free(next);
    free(succ);
    free(stack);
    return ok ? 0 : -1;
}

/* A counted self-loop (lift_loop.c) runs in batches, and its body has no guard: each batch
 * takes as many trips as surely fit, so that every guard the block would pass on the way would
 * hold. The batch's last trip is the strictest (clk and the trace tail only grow): n trips fit
 * when clk + ((n - 1) * len + G) * 8 <= limit and the tail + ((n - 1) * m + G_mem) records
 * stays below the chunk's limit, where G and G_mem are what the block's guard covers
 * (guard_plan) and m its accesses. A batch is also at most 2^26 guest instructions, so that a
 * cancel (which lowers clk_limit) still stops the run within that many. When no trip fits the
 * region leaves at the head, as the guard would, and tier 0 goes on exactly. */
#define IR_COUNTED_MAX_INSNS (1u << 26)

static LLVMValueRef umin(LLVMBuilderRef B, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntULT, a, b, ""), a, b, "");
}

/* How many `per` fit in have - need: 0 when need > have, no bound when per is 0. */
static LLVMValueRef how_many_fit(struct ir_lifter *l, LLVMValueRef have, LLVMValueRef need,
                                 uint64_t per)
{
    LLVMBuilderRef B = l->b;
    LLVMValueRef q = per ? LLVMBuildUDiv(B, LLVMBuildSub(B, have, need, ""), ir_c64(l, per), "")
                         : ir_c64(l, UINT64_MAX);
    return LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntUGE, have, need, ""), q, ir_c64(l, 0), "");
}

/* The trips of the next batch: at most rem, and as many as fit. */
static LLVMValueRef batch_trips(struct ir_lifter *l, const struct rt_block *blk,
                                LLVMValueRef rem)
{
    LLVMBuilderRef B = l->b;
    const uint64_t len = blk->end - blk->start, g = l->guard_insns[l->cur];
    LLVMValueRef need = LLVMBuildAdd(B, LLVMBuildLoad2(B, l->i64, l->clk, ""),
                                     ir_c64(l, RV_CLK_STEP * (g - len)), "");
    LLVMValueRef n = how_many_fit(l, load_clk_limit(l), need, RV_CLK_STEP * len);
    n = umin(B, umin(B, rem, n), ir_c64(l, IR_COUNTED_MAX_INSNS / len));
    if (l->r->recording && l->guard_mem[l->cur]) {   /* below the limit: at most limit - 1 */
        const uint64_t m = block_accesses(l->p, blk);
        LLVMValueRef tail = LLVMBuildPtrToInt(B, LLVMBuildLoad2(B, l->ptr, l->tail, ""),
                                              l->i64, "");
        need = LLVMBuildAdd(B, tail, ir_c64(l, 16 * (l->guard_mem[l->cur] - m)), "");
        LLVMValueRef last = LLVMBuildSub(B, LLVMBuildPtrToInt(B, l->rec_limit, l->i64, ""),
                                         ir_c64(l, 1), "");
        n = umin(B, n, how_many_fit(l, last, need, 16 * m));
    }
    return n;
}

static void lift_body(struct ir_lifter *l, const struct rt_block *blk);

/* pre (block_bb): the trip count, 0 when it is not exact (iv would wrap around: the first
 * batch then has no trips, the region leaves at the head and tier 0 runs the loop). batch: rem trips to go, n of them now, which end when iv
 * reaches end = iv + n * step. counted: the body; its back edge (counted_branch) compares iv
 * with end instead of the guest's compare, so iv stays the loop's one counter. */
static void lift_counted(struct ir_lifter *l, const struct rt_block *blk,
                         const struct ir_counted *c)
{
    LLVMBuilderRef B = l->b;
    LLVMValueRef head = ir_c64(l, l->p->pc_base + 4ull * blk->start);
    LLVMValueRef ok, n = ir_trip_count(l, c, &ok);
    n = LLVMBuildSelect(B, ok, n, ir_c64(l, 0), "");   /* not exact: no batch, leave at once */
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef batch = LLVMAppendBasicBlockInContext(l->c, l->fn, "batch");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(l->c, l->fn, "counted");
    LLVMBuildBr(B, batch);
    LLVMPositionBuilderAtEnd(B, batch);
    memset(l->val, 0, sizeof l->val);   /* batch and body are loops: pre's values are not theirs */
    l->loop.rem = LLVMBuildPhi(B, l->i64, "rem");
    LLVMAddIncoming(l->loop.rem, &n, &pre, 1);
    l->loop.trips = batch_trips(l, blk, l->loop.rem);
    ir_exit_if(l, LLVMBuildICmp(B, LLVMIntEQ, l->loop.trips, ir_c64(l, 0), ""), IR_EXIT_RESUME,
               head);
    LLVMValueRef span = LLVMBuildMul(B, l->loop.trips, ir_c64(l, (uint64_t)c->step), "");
    l->loop.end = LLVMBuildAdd(B, ir_get_reg(l, c->iv), span, "end");
    LLVMBuildBr(B, body);
    LLVMPositionBuilderAtEnd(B, body);
    memset(l->val, 0, sizeof l->val);
    l->loop.batch = batch;
    l->loop.body = body;
    l->loop.branch = blk->end - 1;
    l->loop.iv = c->iv;
    lift_body(l, blk);
    memset(&l->loop, 0, sizeof l->loop);
}

/* The back edge of a counted loop (the block's last instruction, a branch to its start). */
static void counted_branch(struct ir_lifter *l, uint64_t pc)
{
    LLVMBuilderRef B = l->b;
    ir_step_clock(l);
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(l->c, l->fn, "batch_done");
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(l->c, l->fn, "not_taken");
    LLVMValueRef more = LLVMBuildICmp(B, LLVMIntNE, ir_get_reg(l, l->loop.iv), l->loop.end, "");
    LLVMBuildCondBr(B, more, l->loop.body, done);
    LLVMPositionBuilderAtEnd(B, done);
    LLVMValueRef left = LLVMBuildSub(B, l->loop.rem, l->loop.trips, "");
    LLVMAddIncoming(l->loop.rem, &left, &done, 1);
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, left, ir_c64(l, 0), ""), out, l->loop.batch);
    LLVMPositionBuilderAtEnd(B, out);
    go_to(l, pc + 4);
}

static void lift_block(struct ir_lifter *l, const struct rt_block *blk)
{
    struct ir_counted c;
    if (l->guard_insns[l->cur] && ir_counted_loop(l->p, blk, &c)) {
        lift_counted(l, blk, &c);
        return;
    }
    if (l->guard_insns[l->cur])
        block_guard(l, blk);
    lift_body(l, blk);
}

static void lift_body(struct ir_lifter *l, const struct rt_block *blk)
{
    const struct rvt_program *p = l->p;
    /* Access runs in force: accesses before a run's end for which ir_access_in_run(.., base)
     * holds are checked. Several at once, as in a copy loop's interleaved loads from one base
     * and stores to another; an access no run covers has its own check, so a full table only
     * costs checks. */
    struct { uint32_t end; unsigned base; } run[IR_MAX_RUNS] = {{0, 0}};
    for (uint32_t i = blk->start; i < blk->end; i++) {
        const struct rv_insn *in = &p->insns[i];
        const uint64_t pc = p->pc_base + 4ull * i;
        int checked = 0;
        if (ir_is_access(in)) {
            unsigned free_slot = IR_MAX_RUNS;
            for (unsigned k = 0; k < IR_MAX_RUNS && !checked; k++) {
                if (i >= run[k].end)
                    free_slot = k;
                else
                    checked = ir_access_in_run(in, run[k].base);
            }
            if (!checked && free_slot < IR_MAX_RUNS) {
                const uint32_t e = ir_check_access_run(l, i, blk->end, pc);
                if (e > i) {
                    run[free_slot].end = e;
                    run[free_slot].base = in->rs1;
                    checked = 1;
                }
            }
        }
        if (lift_insn(l, in, pc, checked))
            return;
    }
    if (blk->end >= p->n_insns)   /* fell off the end of the text: tier 0's fall-off fault */
        ir_exit(l, RV_EXIT_FAULT, ir_c64(l, p->pc_base + 4ull * p->n_insns));
    else
        go_to(l, p->pc_base + 4ull * blk->end);
}

/* Which guest registers the region reads or writes (only those are loaded / stored back). */
static void scan_regs(const struct rvt_program *p, const struct rt_region *r, uint8_t used[32],
                      uint8_t written[32])
{
    for (uint32_t k = 0; k < r->n_blocks; k++)
        for (uint32_t i = r->blocks[k].start; i < r->blocks[k].end; i++) {
            const struct rv_insn *in = &p->insns[i];
            used[in->rs1] = used[in->rs2] = used[in->rd] = 1;
            written[in->rd] = 1;
        }
    used[0] = written[0] = 0;
}

/* The function's one return block, made on the first exit: the clocks, record count, trace
 * tail, pc and exit reason, with a phi each over the member blocks' exit blocks. Returns the
 * next pc, with bit 0 set for IR_EXIT_RESUME (tier 0's gate resumes in tier 0 code there, not
 * through the table, which may lead back into this region). Shared, because this part is the
 * same for every exit: per exit block it was about 20 instructions that code generation paid
 * for again and again. */
static LLVMBasicBlockRef finish_block(struct ir_lifter *l)
{
    if (l->finish_bb)
        return l->finish_bb;
    LLVMBuilderRef B = l->b;
    LLVMBasicBlockRef saved = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef bb = l->finish_bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "finish");
    LLVMPositionBuilderAtEnd(B, bb);
    LLVMValueRef pc = l->fin_pc = LLVMBuildPhi(B, l->i64, "pc");
    LLVMValueRef reason = l->fin_reason = LLVMBuildPhi(B, l->i64, "reason");
    LLVMValueRef clk = l->fin_clk = LLVMBuildPhi(B, l->i64, "clk");
    LLVMValueRef tail = l->fin_tail = LLVMBuildPhi(B, l->ptr, "tail");
    store_ctx(l, RV_CTX_CLK, clk);
    LLVMValueRef steps = LLVMBuildUDiv(B, LLVMBuildSub(B, clk, l->clk0, ""),
                                       ir_c64(l, RV_CLK_STEP), "");
    store_ctx(l, RV_CTX_GLOBAL_CLK, LLVMBuildAdd(B, l->gclk0, steps, ""));
    LLVMValueRef t1 = load_ctx(l, RV_CTX_TIER1_INSNS);
    store_ctx(l, RV_CTX_TIER1_INSNS, LLVMBuildAdd(B, t1, steps, ""));
    store_ctx(l, RV_CTX_PC, pc);
    LLVMValueRef resume = LLVMBuildICmp(B, LLVMIntEQ, reason, ir_c64(l, IR_EXIT_RESUME), "");
    store_ctx(l, RV_CTX_EXIT_REASON,
              LLVMBuildSelect(B, resume, ir_c64(l, RV_EXIT_NONE), reason, ""));
    LLVMValueRef ret = LLVMBuildOr(B, pc, LLVMBuildZExt(B, resume, l->i64, ""), "");
    /* the count follows the tail (trace.h); a non-recording entry left both alone */
    LLVMBasicBlockRef tail_bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "tail");
    LLVMBasicBlockRef ret_bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "ret");
    LLVMBuildCondBr(B, l->recording, tail_bb, ret_bb);
    LLVMPositionBuilderAtEnd(B, tail_bb);
    LLVMSetAlignment(LLVMBuildStore(B, tail, ctx_field(l, RV_CTX_TRACE_TAIL)), 8);
    LLVMValueRef bytes = LLVMBuildSub(B, LLVMBuildPtrToInt(B, tail, l->i64, ""),
                                      LLVMBuildPtrToInt(B, l->rec, l->i64, ""), "");
    LLVMValueRef num = LLVMBuildLShr(B, LLVMBuildSub(B, bytes, ir_c64(l, RV_TRACE_HDR_SIZE), ""),
                                     ir_c64(l, 4), "");
    store_ctx(l, RV_CTX_NUM_MEM_READS, num);
    LLVMBuildBr(B, ret_bb);
    LLVMPositionBuilderAtEnd(B, ret_bb);
    LLVMBuildRet(B, ret);
    LLVMPositionBuilderAtEnd(B, saved);
    return bb;
}

/* The exit block of the current member block, made on its first use: phis for (pc, reason),
 * the written registers stored to ctx, then on to the shared finish block. The register
 * values reaching it are the allocas' (mem2reg makes phis only for those the block itself
 * changes). */
static LLVMBasicBlockRef exit_block(struct ir_lifter *l)
{
    const uint32_t k = l->cur;
    if (l->exit_bb[k])
        return l->exit_bb[k];
    LLVMBasicBlockRef fin = finish_block(l);
    LLVMBuilderRef B = l->b;
    LLVMBasicBlockRef saved = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "exit_block");
    LLVMPositionBuilderAtEnd(B, bb);
    LLVMValueRef pc = l->exit_pc[k] = LLVMBuildPhi(B, l->i64, "pc");
    LLVMValueRef reason = l->exit_reason[k] = LLVMBuildPhi(B, l->i64, "reason");
    for (unsigned r = 1; r < 32; r++)
        if (l->written[r])
            store_ctx(l, RV_CTX_REGS + 8 * (int)r, LLVMBuildLoad2(B, l->i64, l->reg[r], ""));
    LLVMValueRef clk = LLVMBuildLoad2(B, l->i64, l->clk, "");
    LLVMValueRef tail = LLVMBuildLoad2(B, l->ptr, l->tail, "");
    LLVMBuildBr(B, fin);
    LLVMAddIncoming(l->fin_pc, &pc, &bb, 1);
    LLVMAddIncoming(l->fin_reason, &reason, &bb, 1);
    LLVMAddIncoming(l->fin_clk, &clk, &bb, 1);
    LLVMAddIncoming(l->fin_tail, &tail, &bb, 1);
    LLVMPositionBuilderAtEnd(B, saved);
    return l->exit_bb[k] = bb;
}

LLVMValueRef ir_lift_region(LLVMModuleRef m, const struct rvt_program *p,
                            const struct rt_region *r, uint64_t *entries)
{
    struct ir_lifter L = {.m = m, .p = p, .r = r};
    struct ir_lifter *l = &L;
    l->c = LLVMGetModuleContext(m);
    l->i1 = LLVMInt1TypeInContext(l->c);
    l->i8 = LLVMInt8TypeInContext(l->c);
    l->i16 = LLVMInt16TypeInContext(l->c);
    l->i32 = LLVMInt32TypeInContext(l->c);
    l->i64 = LLVMInt64TypeInContext(l->c);
    l->i128 = LLVMIntTypeInContext(l->c, 128);
    l->ptr = LLVMPointerTypeInContext(l->c, 0);
    LLVMTypeRef params[3] = {l->ptr, l->ptr, l->ptr};
    char name[32];
    ir_region_name(p->pc_base + 4ull * r->head, r->recording, name, sizeof name);
    l->fn = LLVMAddFunction(m, name, LLVMFunctionType(l->i64, params, 3, 0));
    unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
    unsigned nocapture = LLVMGetEnumAttributeKindForName("nocapture", 9);
    for (unsigned i = 0; i < 3; i++) {
        LLVMAddAttributeAtIndex(l->fn, i + 1, LLVMCreateEnumAttribute(l->c, noalias, 0));
        LLVMAddAttributeAtIndex(l->fn, i + 1, LLVMCreateEnumAttribute(l->c, nocapture, 0));
    }
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(l->fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(l->c, nounwind, 0));
    l->ctx = LLVMGetParam(l->fn, 0);
    l->rec = LLVMGetParam(l->fn, 1);
    l->mem = LLVMGetParam(l->fn, 2);
    l->prof_kind = LLVMGetMDKindIDInContext(l->c, "prof", 4);
    LLVMMetadataRef w[3] = {LLVMMDStringInContext2(l->c, "branch_weights", 14),
                            LLVMValueAsMetadata(LLVMConstInt(l->i32, 1, 0)),
                            LLVMValueAsMetadata(LLVMConstInt(l->i32, 1 << 20, 0))};
    l->unlikely = LLVMMetadataAsValue(l->c, LLVMMDNodeInContext2(l->c, w, 3));

    l->b = LLVMCreateBuilderInContext(l->c);
    LLVMBuilderRef B = l->b;
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(l->c, l->fn, "entry");
    l->block_bb = calloc(r->n_blocks, sizeof *l->block_bb);
    l->exit_bb = calloc(r->n_blocks, sizeof *l->exit_bb);
    l->exit_pc = calloc(r->n_blocks, sizeof *l->exit_pc);
    l->exit_reason = calloc(r->n_blocks, sizeof *l->exit_reason);
    l->guard_insns = calloc(r->n_blocks, sizeof *l->guard_insns);
    l->guard_mem = calloc(r->n_blocks, sizeof *l->guard_mem);
    if (!l->block_bb || !l->exit_bb || !l->exit_pc || !l->exit_reason || !l->guard_insns ||
        !l->guard_mem || guard_plan(l) != 0) {
        LLVMDeleteFunction(l->fn);
        l->fn = NULL;
        goto done;
    }
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        char bn[32];
        snprintf(bn, sizeof bn, "b_%" PRIx64, (uint64_t)(p->pc_base + 4ull * r->blocks[k].start));
        l->block_bb[k] = LLVMAppendBasicBlockInContext(l->c, l->fn, bn);
    }
    uint8_t used[32] = {0};
    scan_regs(p, r, used, l->written);

    LLVMPositionBuilderAtEnd(B, entry);
    for (unsigned i = 1; i < 32; i++) {
        l->reg[i] = LLVMBuildAlloca(B, l->i64, "");
        LLVMBuildStore(B, used[i] ? load_ctx(l, RV_CTX_REGS + 8 * (int)i) : ir_c64(l, 0),
                       l->reg[i]);
    }
    l->clk = LLVMBuildAlloca(B, l->i64, "clk");
    l->tail = LLVMBuildAlloca(B, l->ptr, "tail");
    l->clk0 = load_ctx(l, RV_CTX_CLK);
    l->gclk0 = load_ctx(l, RV_CTX_GLOBAL_CLK);
    /* a constant: LLVM folds every record and chunk test of the other case away */
    l->recording = LLVMConstInt(l->i1, r->recording != 0, 0);
    LLVMBuildStore(B, l->clk0, l->clk);
    /* records + num_mem_reads and records + max_trace_size (the gate stored the count); not
     * inbounds: the plain variant's rec is NULL, and folds every use away */
    LLVMValueRef rec_off[2] = {load_ctx(l, RV_CTX_NUM_MEM_READS),
                               load_ctx(l, RV_CTX_MAX_TRACE_SIZE)};
    for (int k = 0; k < 2; k++) {
        LLVMValueRef off = LLVMBuildAdd(B, ir_c64(l, RV_TRACE_HDR_SIZE),
                                        LLVMBuildShl(B, rec_off[k], ir_c64(l, 4), ""), "");
        rec_off[k] = LLVMBuildGEP2(B, l->i8, l->rec, &off, 1, "");
    }
    LLVMBuildStore(B, rec_off[0], l->tail);
    l->rec_limit = rec_off[1];
    if (entries) {   /* a statistic: relaxed load and store, not a locked add on every entry */
        LLVMValueRef cnt = LLVMConstIntToPtr(ir_c64(l, (uint64_t)(uintptr_t)entries), l->ptr);
        LLVMValueRef v = LLVMBuildLoad2(B, l->i64, cnt, "");
        LLVMSetOrdering(v, LLVMAtomicOrderingMonotonic);
        LLVMSetAlignment(v, 8);
        LLVMValueRef st = LLVMBuildStore(B, LLVMBuildAdd(B, v, ir_c64(l, 1), ""), cnt);
        LLVMSetOrdering(st, LLVMAtomicOrderingMonotonic);
        LLVMSetAlignment(st, 8);
    }
    LLVMBuildBr(B, l->block_bb[0]);
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        l->cur = k;
        memset(l->val, 0, sizeof l->val);
        LLVMPositionBuilderAtEnd(B, l->block_bb[k]);
        lift_block(l, &r->blocks[k]);
    }
done:
    LLVMDisposeBuilder(B);
    free(l->block_bb);
    free(l->exit_bb);
    free(l->exit_pc);
    free(l->exit_reason);
    free(l->guard_insns);
    free(l->guard_mem);
    return l->fn;
}
