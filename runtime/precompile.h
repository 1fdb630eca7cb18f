/* precompile.h — precompiles as data: a table of {code, name, argument layout, memory schedule,
 * host function}, one generic executor, and loading more of them from a shared library.
 *
 * A precompile's arguments are guest pointers taken from registers (a0, a1). The generic path
 * (rt_precompile_exec) checks each pointer (8-aligned, [ptr, ptr + 8*dwords) inside guest
 * memory), copies the doublewords into host buffers, calls the host function through libffi as
 *     int fn(uint64_t *arg0, uint64_t *arg1, ...)     (0 = success)
 * and then replays the memory schedule against guest memory: the trace records, the entry
 * clocks and the written values, exactly in SP1's order (docs/syscalls.md). The function reads
 * its inputs from the buffers and leaves the final value of every doubleword the schedule
 * writes in the same buffers; doublewords it does not write are ignored.
 *
 * The schedule is a list of steps run with a memory clock that starts at the ECALL's clk:
 *   RT_PC_READ  arg, first, count   record {clk, value} of each doubleword, stamp it with the clock
 *   RT_PC_PEEK  arg, first, count   record without stamping (SP1's mr_slice_unsafe)
 *   RT_PC_WRITE arg, first, count   record the old {clk, value} and the new {clock, value}, store
 *   RT_PC_BUMP                      clock += 1 (SP1's bump_memory_clk)
 *   RT_PC_LOOP  count ... RT_PC_END the steps between, count times, with the loop index i added
 *                                   to every `first` inside (one level, no nesting)
 * Records are only made when tracing (rt_tracing()); reads stamp only when tracing, writes always
 * stamp (as SP1's mr / mw do).
 *
 * Extra precompiles (e.g. the elliptic-curve ones) come from a shared library exporting
 *     const struct rt_precompile_table rvtier_precompiles = { RT_PRECOMPILE_ABI_VERSION, n, entries };
 * They may use any code that is not one of rvtier's own syscalls or built-in precompiles
 * (in particular the SP1 codes syscalls.def lists as not built in).
 * Usage: struct rt_precompile_set s; rt_precompile_set_init(&s);
 *        if (rt_precompile_load_library(&s, "libec.so", err, sizeof err)) fail(err);
 *        opts.precompiles = &s; ... rvt_run(...); ... rt_precompile_set_free(&s); */
#ifndef RVT_RUNTIME_PRECOMPILE_H
#define RVT_RUNTIME_PRECOMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/syscall.h"

struct rt_job;

#define RT_PRECOMPILE_ABI_VERSION 1
#define RT_PRECOMPILE_TABLE_SYMBOL "rvtier_precompiles"
#define RT_PC_MAX_ARGS 4
#define RT_PC_MAX_STEPS 16
#define RT_PC_MAX_DWORDS 512    /* all arguments together */

enum rt_pc_step_kind {
    RT_PC_STOP = 0,     /* end of the schedule (a zeroed step) */
    RT_PC_READ,
    RT_PC_PEEK,
    RT_PC_WRITE,
    RT_PC_BUMP,
    RT_PC_LOOP,
    RT_PC_END,
};

struct rt_pc_step {
    uint8_t kind;       /* enum rt_pc_step_kind */
    uint8_t arg;        /* READ/PEEK/WRITE: index into rt_precompile.args */
    uint16_t first;     /* first doubleword (+ loop index inside a LOOP) */
    uint16_t count;     /* doublewords; LOOP: iterations */
};

struct rt_pc_arg {
    uint8_t reg;        /* guest register holding the pointer (RV_REG_A0, RV_REG_A1, ...) */
    uint16_t dwords;    /* doublewords the host function sees */
};

/* The generic function type of the table; the real one is int fn(uint64_t *, ...) with
 * n_args pointers, and it is only ever called through libffi with that signature. */
typedef void rt_pc_fn(void);

struct rt_precompile {
    uint32_t code;                              /* the value in t0 */
    const char *name;
    uint8_t n_args;
    struct rt_pc_arg args[RT_PC_MAX_ARGS];
    uint32_t zero_regs;                         /* bit r: guest register r must hold 0 */
    struct rt_pc_step steps[RT_PC_MAX_STEPS];   /* ends at the first RT_PC_STOP */
    rt_pc_fn *fn;
};

/* What a precompile library exports under RT_PRECOMPILE_TABLE_SYMBOL. */
struct rt_precompile_table {
    uint32_t abi_version;                       /* RT_PRECOMPILE_ABI_VERSION */
    uint32_t count;
    const struct rt_precompile *entries;
};

/* Precompiles loaded from libraries. Read-only while runs use it (shareable between threads). */
struct rt_precompile_set {
    struct rt_precompile *entries;   /* copies; names and functions point into the libraries */
    size_t n, cap;
    void **libs;                     /* dlopen handles, closed by rt_precompile_set_free */
    size_t n_libs;
};

/* Flags of the syscalls.def lines. */
enum { RT_SYS_UNCONSTRAINED_OK = 1, RT_SYS_PRECOMPILE = 2 };

/* The SP1 name of a syscall code ("SHA_EXTEND"), or NULL if syscalls.def does not list it. */
const char *rt_syscall_name(uint32_t code);

/* The built-in table (SHA_EXTEND, SHA_COMPRESS, KECCAK_PERMUTE, UINT256_MUL). */
extern const struct rt_precompile rt_precompiles_builtin[];
extern const size_t rt_precompiles_builtin_count;

void rt_precompile_set_init(struct rt_precompile_set *s);
void rt_precompile_set_free(struct rt_precompile_set *s);
/* dlopens path, reads its table, checks every entry; returns 0, or -1 with err filled
 * (nothing is added then). */
int rt_precompile_load_library(struct rt_precompile_set *s, const char *path, char *err,
                               size_t errlen);
/* Checks one entry's layout and schedule; 0 or -1 with err filled. */
int rt_precompile_check(const struct rt_precompile *p, char *err, size_t errlen);
/* Records the schedule leaves when tracing (1 per read/peek, 2 per write). */
uint64_t rt_precompile_records(const struct rt_precompile *p);
/* Built-ins first, then set (may be NULL). NULL if no precompile has this code. */
const struct rt_precompile *rt_precompile_find(const struct rt_precompile_set *s, uint32_t code);

/* Runs p for the ECALL at job->ctx.pc (the generic path above). RT_SC_NEXT, or RT_SC_STOP
 * after rt_job_fail(). t0 is left to the caller. */
enum rt_sc_result rt_precompile_exec(struct rt_job *job, const struct rt_precompile *p);

/* The built-in host functions (plain C, usable directly). */
int rt_pc_sha_extend(uint64_t *w /* 64: w[0..16] in, w[16..64] out, low 32 bits each */);
int rt_pc_sha_compress(uint64_t *w /* 64 */, uint64_t *h /* 8, in and out */);
int rt_pc_keccak_permute(uint64_t *state /* 25 lanes */);
int rt_pc_uint256_mul(uint64_t *x /* 4, in and out */, uint64_t *y_mod /* 8: y, modulus */);

#endif
