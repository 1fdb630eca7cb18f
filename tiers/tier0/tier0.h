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

struct rvt_program;
struct rv_ctx;
struct rt_job;

struct t0_code {
    uint8_t *code;            /* R+X mapping (W^X: written first, then mprotect'ed) */
    size_t code_size;         /* mapping size */
    size_t code_len;          /* bytes of generated code */
    const void **jump_table;  /* (pc - pc_base) / 4 -> host code of that instruction */
    uint64_t n_insns;
    uint64_t pc_base;
    /* Layout (byte offsets into code, for --dump-asm): the prologue is [0, epilogue_off), the
     * epilogue [epilogue_off, jump_table[0]), instruction i [jump_table[i], jump_table[i+1])
     * and the last one ends at stubs_off; the fall-off and exit stubs are [stubs_off,
     * code_len). */
    size_t epilogue_off, stubs_off;
    /* entry(ctx, recording): recording = the trace buffer when records are taken (tracing and
     * not unconstrained), NULL otherwise. */
    void (*entry)(struct rv_ctx *ctx, uint8_t *recording);
};

/* Translates p's whole text. Returns 0, or -1 with err = what failed and where. */
int t0_translate(const struct rvt_program *p, struct t0_code **out, char *err, size_t errlen);
void t0_code_free(struct t0_code *code);

/* Writes a listing of code to out: per guest instruction its RISC-V disassembly followed by
 * the host instructions emitted for it (LLVM's x86-64 disassembler, Intel syntax, offsets
 * from the start of the code), and the prologue, epilogue and exit stubs in their own
 * sections. p must be the program code was translated from. Returns 0, or -1 with err set. */
int t0_dump_asm(FILE *out, const struct rvt_program *p, const struct t0_code *code, char *err,
                size_t errlen);

/* Runs generated code from ctx->pc (which must be inside the text) until the next exit;
 * sets ctx->exit_reason. Points ctx->jump_table at code's table. */
void t0_run(const struct t0_code *code, struct rv_ctx *ctx);

/* The run loop of a whole job in tier 0: handles every exit as the interpreter does (ECALLs
 * through rt_ecall_step, chunk boundaries, faults and the cycle limit through the shared
 * rt_fault_* messages). Returns 0 when the guest halted, -1 when the run stopped. */
int t0_run_job(struct rt_job *job, const struct t0_code *code);

#endif
