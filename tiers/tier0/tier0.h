/* tier0.h — tier 0: the whole program translated at load into one executable buffer by a
 * direct x86-64 emitter, one host sequence per guest instruction, guest registers in the static
 * map of tiers/regmap.h. Semantics are the reference interpreter's (tiers/interp/interp.c).
 *
 * Generated code exits to C with ctx->exit_reason (enum rv_exit) and the full guest state
 * spilled to ctx: ECALL (pc = the ECALL, clk before it), CHUNK (after a load/store, pc = next),
 * CYCLES (clk > clk_limit after a control transfer, pc = next), FAULT (pc = the faulting
 * instruction, which had no effect; or pc = text end after falling off it). Fault details
 * (address, target, word) are re-derived in C from the instruction at pc and the unchanged
 * registers, so no extra ctx fields are needed.
 * Usage:
 *   struct t0_code *code; if (t0_translate(prog, &code, err, n)) fail(err);
 *   t0_run_job(job, code);   (or: t0_run(code, ctx) once, then inspect ctx->exit_reason)
 *   t0_dump_asm(stdout, prog, code, err, n);   (the listing behind `rvtier run --dump-asm`)
 *   t0_code_free(code); */
#ifndef RVT_TIER0_TIER0_H
#define RVT_TIER0_TIER0_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tiers/regmap.h"

struct rvt_program;
struct rv_ctx;
struct rt_job;

/* A dispatch block: what generated code reaches from r13 (RM_JUMP_TABLE) = table; c =
 * T0_COUNTER_SLOTS(n) (n rounded up to even, so the table stays 8-byte aligned):
 *   owed_clk[i] at r13 - 32 - 8c + 4i: clk the code at pc_base + 4i has not added yet (tier 0
 *                                      adds clocks per block, t0_emit.h); a table jump
 *                                      subtracts it first; 0 at every leader;
 *   counters[i] at r13 - 32 - 4c + 4i: executions left before block head i exits with HOT;
 *   masks[k]    at r13 - 32 + 8k:      an access of 2^k bytes at address a faults iff
 *                                      a & masks[k] (outside guest memory or misaligned);
 *   table[i]    at r13 + 8i:           host code for pc_base + 4i (tier 0, or tier 1's gate;
 *                                      in the tier-0-only block, past a block head's counter);
 *   t1_fn[i]    at r13 + 8n + 8i:      tier 1 region function entered at head i when the entry
 *                                      does not record (tiered only; NULL: none yet);
 *   t1_fn_rec[i] at r13 + 16n + 8i:    the same when it records (ir/lift.h, the variants).
 * Every jump to a known in-text target goes through table[] with rbx = i, so installing a
 * region is two atomic 8-byte stores (t1_fn[i], then table[i]) and no code patching. */
#define T0_COUNTER_SLOTS(n) (((n) + 1) & ~(uint64_t)1)
#define T0_MASKS_DISP (-32)
#define T0_COUNTERS_DISP(n) (T0_MASKS_DISP - 4 * (int32_t)T0_COUNTER_SLOTS(n))
#define T0_OWED_DISP(n) (T0_COUNTERS_DISP(n) - 4 * (int32_t)T0_COUNTER_SLOTS(n))
/* Most slices (threads) one translation is cut into. */
#define T0_MAX_SLICES 8u

struct t0_dispatch {
    void *block;              /* the allocation */
    uint32_t *owed_clk;
    int32_t *counters;
    uint64_t *masks;
    const void **table;
    const void **t1_fn;       /* NULL in the tier-0-only block */
    const void **t1_fn_rec;
};

struct t0_code {
    struct rv_regmap map;     /* where guest registers live in this code (and its gate) */
    uint8_t *code;            /* R+X mapping (W^X: written first, then mprotect'ed) */
    size_t code_size;         /* mapping size */
    size_t code_len;          /* bytes of generated code */
    uint32_t *insn_off;       /* offset of instruction i's code; insn_off[n] = stubs_off */
    /* Runs of --mode tier0 use t0_only (its table never changes); tiered and tier1 runs use
     * tiered, whose table the dispatcher (runtime/tierup.c) rewrites while code runs. tiered
     * is made by t0_code_tiered when the first such run starts (block == NULL until then):
     * tier 0 runs do not pay for its 16 bytes per instruction. */
    struct t0_dispatch t0_only, tiered;
    const void *t1_gate;      /* enters tier 1 code: see t0_emit.c emit_gate */
    uint64_t n_insns;
    uint64_t pc_base;
    /* Layout (byte offsets into code, for --dump-asm): the prologue is [0, epilogue_off), the
     * epilogue, exit tails and the tier 1 gate [epilogue_off, insn_off[0]), instruction i
     * [insn_off[i], t0_insn_end(i)); all exit stubs are at stubs_off or later. The text was
     * translated in n_slices slices (t0_translate_opts): slice k holds the instructions
     * from slice[k].first to the next slice's first, its guest code ends at main_end and its
     * exit stubs are [stubs, stubs_end) (the last slice's start with falling off the text).
     * The bytes in between are reserved address space, never run; only the first few past
     * an area's end may be written (trace record and register move copies are fixed-size). */
    size_t epilogue_off, stubs_off;
    unsigned n_slices;
    struct t0_slice_span {
        uint64_t first;
        size_t main_end, stubs, stubs_end;
    } slice[T0_MAX_SLICES];
    size_t code_bytes;        /* bytes of generated code in all (the areas, not the gaps) */
    /* entry(ctx, recording): recording = the trace buffer when records are taken (tracing and
     * not unconstrained), NULL otherwise. */
    void (*entry)(struct rv_ctx *ctx, uint8_t *recording);
};

/* Bytes of generated code (the guest code and the stubs, not the unused gaps between them). */
static inline size_t t0_code_bytes(const struct t0_code *c)
{
    return c->code_bytes;
}
/* Code offset where instruction i's code ends. */
static inline size_t t0_insn_end(const struct t0_code *c, uint64_t i)
{
    for (unsigned k = 0; k + 1 < c->n_slices; k++)
        if (c->slice[k + 1].first == i + 1)
            return c->slice[k].main_end;
    return c->insn_off[i + 1];
}

/* How to translate ({0}: the default). */
struct t0_options {
    const struct rv_regmap *map;   /* NULL: rv_regmap_default (tests put every register in
                                    * every location class) */
    /* Threads, each translating a slice of whole blocks (at most T0_MAX_SLICES, and no more
     * than the text has blocks). 0: one per online CPU, with at least T0_SLICE_MIN
     * instructions each (below that a thread's start costs more than it saves: tier 0
     * translates ~10-15 M instructions/s per thread); 1: the calling thread only. The code
     * runs the same either way: each instruction's code is the same but for its rel32s to
     * stubs and tails (and for the swaps of a two-block loop that a slice boundary splits:
     * each block then swaps on its own), and a slice whose text falls through ends with a jmp
     * to the next. */
    unsigned threads;
};
#define T0_SLICE_MIN 16384u

/* Translates p's whole text with the default register map and threads. Returns 0, or -1
 * with err = what failed and where. */
int t0_translate(const struct rvt_program *p, struct t0_code **out, char *err, size_t errlen);
/* The same with options. */
int t0_translate_opts(const struct rvt_program *p, const struct t0_options *o,
                      struct t0_code **out, char *err, size_t errlen);
void t0_code_free(struct t0_code *code);
/* Makes code->tiered (once; p must be the program code was translated from; the caller
 * serializes calls, as rvt_program's lock does). Returns 0, or -1 when out of memory. */
int t0_code_tiered(struct t0_code *code, const struct rvt_program *p);

/* Writes a listing of code to out: per guest instruction its RISC-V disassembly followed by
 * the host instructions emitted for it (LLVM's x86-64 disassembler, Intel syntax, offsets
 * from the start of the code), and the prologue, epilogue and exit stubs in their own
 * sections. p must be the program code was translated from. Returns 0, or -1 with err set. */
int t0_dump_asm(FILE *out, const struct rvt_program *p, const struct t0_code *code, char *err,
                size_t errlen);

/* Writes code's symbols to out in perf's map format ("START SIZE NAME" in hex, a line each):
 * t0_<pc> per guest block, plus the shared entry/exit code and the exit stubs. p must be the
 * program code was translated from. Returns 0, or -1 on a write error. */
int t0_perf_map(FILE *out, const struct rvt_program *p, const struct t0_code *code);

/* Runs generated code from ctx->pc (which must be inside the text) until the next exit;
 * sets ctx->exit_reason. Points ctx->jump_table at the dispatch block's table. */
void t0_run(const struct t0_code *code, const struct t0_dispatch *d, struct rv_ctx *ctx);

/* The run loop of a whole job in tier 0 (and tier 1, entered from tier 0 code): handles every
 * exit as the interpreter does (ECALLs through rt_ecall_step, chunk boundaries, faults and the
 * cycle limit through the shared rt_fault_* messages); HOT exits go to rt_tierup_hot() when
 * the job tiers up (job->tierup), and are ignored otherwise. Returns 0 when the guest halted,
 * -1 when the run stopped. */
int t0_run_job(struct rt_job *job, const struct t0_code *code);

/* Largest text tier 0 translates: table and region-function displacements from r13 are
 * disp32. */
#define T0_MAX_INSNS (1u << 27)

#endif
