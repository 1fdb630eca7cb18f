/* ctx.h — the run context shared by the interpreter, generated code (tiers 0 and 1) and the
 * C runtime. The only layout authority: every offset generated code uses is a named macro
 * pinned here with _Static_assert, and tier 1 reaches fields by an i8 GEP plus that offset.
 * Usage: struct rv_ctx *c = &job->ctx; c->regs[10] is guest a0 whenever C code runs. */
#ifndef RVT_RUNTIME_CTX_H
#define RVT_RUNTIME_CTX_H

#include <stddef.h>
#include <stdint.h>

struct rt_job;

/* Why the generated code returned to C (RV_CTX_EXIT_REASON). */
enum rv_exit {
    RV_EXIT_NONE = 0,
    RV_EXIT_CHUNK,      /* trace chunk full after a load/store/ECALL; pc = next instruction */
    RV_EXIT_ECALL,      /* ECALL at pc: C handles it, then resumes */
    RV_EXIT_HALT,       /* guest halted */
    RV_EXIT_FAULT,      /* fault recorded in the job; the run stops */
    RV_EXIT_CYCLES,     /* clk passed clk_limit at a control transfer */
    RV_EXIT_HOT,        /* a block head's execution counter reached 0; pc = that head */
};

struct rv_ctx {
    uint64_t regs[32];          /* x0..x31 whenever C code runs (x0 stays 0); tier 0 keeps its
                                   memory-resident registers here all the time (regmap.h) */
    /* The two fields generated code reads on every branch and every load/store come right
     * after regs: with RM_CTX_BIAS they and x2..x31 are a disp8 away (regmap.h). */
    uint64_t clk_limit;         /* --max-cycles as a clk bound; UINT64_MAX = none */
    /* Tier 0: the record slot at which the chunk is full (trace_buf's records + max_trace_size),
     * or UINTPTR_MAX when the entry takes no records; set by t0_run on every entry. */
    uint64_t *trace_limit;
    uint64_t pc;                /* guest pc whenever C code runs */
    uint64_t clk;               /* SP1 clk: starts at 1, +8 per instruction, +256 more per ECALL */
    uint64_t global_clk;        /* instructions executed outside unconstrained mode */
    uint64_t is_unconstrained;  /* 1 between ENTER_ and EXIT_UNCONSTRAINED: no trace records */
    uint8_t *mem;               /* host address of guest doubleword 0's entry (see memory.h) */
    const void **jump_table;    /* (pc - pc_base)/4 -> host code, owned by the tier in use */
    uint8_t *trace_buf;         /* current chunk: struct rv_trace_header, then records */
    uint64_t *trace_tail;       /* next free {clk, value} record slot */
    uint64_t num_mem_reads;     /* records in the current chunk */
    uint64_t max_trace_size;    /* chunk size in records; 0 = tracing off */
    uint64_t pc_base;           /* first text address (jump table index 0) */
    uint64_t text_words;        /* jump table length */
    uint64_t exit_reason;       /* enum rv_exit, set by generated code before returning */
    uint64_t saved_rsp;         /* host stack pointer of the C caller, for tier code */
    struct rt_job *job;         /* the run this context belongs to */
    uint64_t tier1_insns;       /* guest instructions executed by tier 1 code (stats) */
    uint64_t tier1_entries;     /* tier 1 region calls by the gate (stats) */
    /* Tier 0's memo of the last division of each family (enum rv_div_family), {a, b, q, r}
     * (RV_DIV_MEMO_*), which a div/rem paired with an earlier rem/div of the same operands
     * reads instead of dividing again (t0_emit_div.c). A quotient and remainder are a pure
     * function of a and b, so any consistent entry is valid: rt_job_init makes the zeroed
     * context's ones 0 / 0 (q all ones, r 0). */
    uint64_t div_memo[4][4];
};
enum rv_div_family { RV_DIV_UNSIGNED, RV_DIV_SIGNED, RV_DIV_UNSIGNED_W, RV_DIV_SIGNED_W };
enum { RV_DIV_MEMO_A, RV_DIV_MEMO_B, RV_DIV_MEMO_Q, RV_DIV_MEMO_R };

#define RV_CTX_REGS             0
#define RV_CTX_CLK_LIMIT        256
#define RV_CTX_TRACE_LIMIT      264
#define RV_CTX_PC               272
#define RV_CTX_CLK              280
#define RV_CTX_GLOBAL_CLK       288
#define RV_CTX_IS_UNCONSTRAINED 296
#define RV_CTX_MEM              304
#define RV_CTX_JUMP_TABLE       312
#define RV_CTX_TRACE_BUF        320
#define RV_CTX_TRACE_TAIL       328
#define RV_CTX_NUM_MEM_READS    336
#define RV_CTX_MAX_TRACE_SIZE   344
#define RV_CTX_PC_BASE          352
#define RV_CTX_TEXT_WORDS       360
#define RV_CTX_EXIT_REASON      368
#define RV_CTX_SAVED_RSP        376
#define RV_CTX_JOB              384
#define RV_CTX_TIER1_INSNS      392
#define RV_CTX_TIER1_ENTRIES    400
#define RV_CTX_DIV_MEMO         408

_Static_assert(offsetof(struct rv_ctx, regs) == RV_CTX_REGS, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, pc) == RV_CTX_PC, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, clk) == RV_CTX_CLK, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, global_clk) == RV_CTX_GLOBAL_CLK, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, is_unconstrained) == RV_CTX_IS_UNCONSTRAINED, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, mem) == RV_CTX_MEM, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, jump_table) == RV_CTX_JUMP_TABLE, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, trace_buf) == RV_CTX_TRACE_BUF, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, trace_tail) == RV_CTX_TRACE_TAIL, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, num_mem_reads) == RV_CTX_NUM_MEM_READS, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, max_trace_size) == RV_CTX_MAX_TRACE_SIZE, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, clk_limit) == RV_CTX_CLK_LIMIT, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, pc_base) == RV_CTX_PC_BASE, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, text_words) == RV_CTX_TEXT_WORDS, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, exit_reason) == RV_CTX_EXIT_REASON, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, saved_rsp) == RV_CTX_SAVED_RSP, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, job) == RV_CTX_JOB, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, tier1_insns) == RV_CTX_TIER1_INSNS, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, trace_limit) == RV_CTX_TRACE_LIMIT, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, tier1_entries) == RV_CTX_TIER1_ENTRIES, "ctx layout");
_Static_assert(offsetof(struct rv_ctx, div_memo) == RV_CTX_DIV_MEMO, "ctx layout");

/* Clock steps (SP1). */
#define RV_CLK_START      1
#define RV_CLK_STEP       8
#define RV_CLK_ECALL_XTRA 256

/* Guest registers the syscall ABIs name. */
enum { RV_REG_RA = 1, RV_REG_SP = 2, RV_REG_T0 = 5, RV_REG_A0 = 10, RV_REG_A1 = 11,
       RV_REG_A2 = 12, RV_REG_A7 = 17 };

#endif
