/* lift_int.h — state shared by ir/lift.c (function frame, control flow, exits) and
 * ir/lift_ops.c (the value semantics of each instruction class).
 * Guest registers and clocks live in allocas that the optimizer turns into SSA values. */
#ifndef RVT_IR_LIFT_INT_H
#define RVT_IR_LIFT_INT_H

#include <stdint.h>

#include <llvm-c/Core.h>

#include "frontend/decode.h"
#include "runtime/program.h"
#include "runtime/region.h"

/* Exit reasons as the IR carries them: enum rv_exit, plus one of the lifter's own. */
#define IR_EXIT_RESUME 0x100   /* leave at a block head and resume in its tier 0 code */

struct ir_lifter {
    LLVMContextRef c;
    LLVMModuleRef m;
    LLVMBuilderRef b;
    LLVMTypeRef i1, i8, i16, i32, i64, i128, ptr;
    LLVMValueRef fn, ctx, rec, mem;
    LLVMValueRef reg[32];             /* allocas (NULL for x0) */
    LLVMValueRef val[32];             /* each register's value as last read or written in the
                                       * member block being lifted, or NULL (ir_get_reg) */
    LLVMValueRef clk;                 /* alloca */
    LLVMValueRef tail;                /* alloca: the next record slot (a pointer, not the count:
                                       * one add per record, no shift and index) */
    LLVMValueRef clk0, gclk0;         /* ctx->clk and ctx->global_clk at entry */
    LLVMValueRef recording;           /* i1 constant: the variant (rt_region.recording) */
    LLVMValueRef rec_limit;           /* the slot at which the chunk is full: records +
                                       * max_trace_size (at most 2^32, so inside the buffer) */
    uint8_t written[32];              /* registers some member writes: stored at every exit */
    uint32_t cur;                     /* member block being lifted */
    LLVMBasicBlockRef *exit_bb;       /* per member block, made on its first exit */
    LLVMValueRef *exit_pc, *exit_reason;   /* their phis */
    LLVMBasicBlockRef *block_bb;      /* per member block */
    uint32_t *guard_insns;            /* per member block: instructions its guard covers
                                       * (the longest path through guard-less blocks), 0: none */
    uint32_t *guard_mem;              /* and the records of the path with the most of them */
    struct {                          /* the counted self-loop being lifted (lift_counted) */
        LLVMBasicBlockRef batch, body;    /* NULL when there is none */
        LLVMValueRef rem, trips, end;     /* phi: trips left; this batch's; iv after them */
        uint32_t branch;                  /* index of its back edge */
        unsigned iv;                      /* the induction variable's register */
    } loop;
    LLVMBasicBlockRef finish_bb;      /* the one return block, made on the first exit */
    LLVMValueRef fin_pc, fin_reason, fin_clk, fin_tail;   /* its phis */
    unsigned prof_kind;               /* "prof" metadata */
    LLVMValueRef unlikely;            /* branch weights of an exit branch: taken rarely */
    const struct rvt_program *p;
    const struct rt_region *r;
};

static inline LLVMValueRef ir_c64(struct ir_lifter *l, uint64_t v)
{
    return LLVMConstInt(l->i64, v, 0);
}

/* A load or store. */
static inline int ir_is_access(const struct rv_insn *in)
{
    const enum rv_class c = rv_op_class((enum rv_op)in->op);
    return c == RV_CLS_LOAD || c == RV_CLS_STORE;
}

LLVMValueRef ir_get_reg(struct ir_lifter *l, unsigned r);
void ir_set_reg(struct ir_lifter *l, unsigned r, LLVMValueRef v);
/* clk += RV_CLK_STEP, as every member instruction does (ECALLs leave the region first); the
 * exits derive global_clk from clk, so it needs no value of its own. */
void ir_step_clock(struct ir_lifter *l);
/* Leaves the region when cond holds (marked unlikely): exit with reason and pc, through the
 * current member block's exit block. */
void ir_exit_if(struct ir_lifter *l, LLVMValueRef cond, int reason, LLVMValueRef pc);
/* Unconditional exit from the current block. */
void ir_exit(struct ir_lifter *l, int reason, LLVMValueRef pc);

/* rd's value for an op of RV_ALU_SEMANTICS (tiers/semantics.h), from the registers. */
LLVMValueRef ir_alu_value(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc);
/* A load or store at pc (fault check unless `checked`, trace record, access, clock); the block
 * guard has made sure it cannot fill the trace chunk. */
void ir_lift_mem(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc, int checked);
#define IR_MAX_RUNS 4   /* access runs a block can have in force at one time */
/* Access runs: the loads and stores of a block from index i (at pc) up to end that use the
 * base register of i's access, before anything writes it, each at an offset that is a
 * multiple of its size. When there are two or more, one check here covers all of them: it
 * leaves (resuming in tier 0 at pc, which then faults exactly where it must) when any of them
 * would fault. Returns the index after the run's last access (lift those for which
 * ir_access_in_run(in, base) holds with checked = 1), or i when there is no run to check. */
uint32_t ir_check_access_run(struct ir_lifter *l, uint32_t i, uint32_t end, uint64_t pc);
int ir_access_in_run(const struct rv_insn *in, unsigned base);

/* Counted self-loops (lift_loop.c). */
enum ir_loop_kind {
    IR_LOOP_NE,     /* continue while iv != n */
    IR_LOOP_UP,     /* continue while iv ^ bias <u (n ^ bias) + adj, iv counting up */
    IR_LOOP_DOWN,   /* continue while iv ^ bias >u (n ^ bias) + adj, iv counting down */
};
struct ir_counted {
    enum ir_loop_kind kind;
    unsigned iv, bound;   /* registers: the block's one write of iv is addi iv, iv, step */
    int64_t step;         /* nonzero */
    uint64_t bias;        /* 0, or 2^63 for a signed compare */
    int adj;              /* -1, 0, +1 */
};
/* Is blk a counted self-loop (its last instruction branches back to its start)? */
int ir_counted_loop(const struct rvt_program *p, const struct rt_block *blk,
                    struct ir_counted *out);
/* At the loop's entry: the number of times the block will run, and (*ok) whether that number
 * is exact (the loop ends before iv wraps around; otherwise the region leaves at the head). */
LLVMValueRef ir_trip_count(struct ir_lifter *l, const struct ir_counted *c, LLVMValueRef *ok);

#endif
