/* rvtier.h — public API of librvtier: load an RV64IM guest ELF once, run it many times.
 *
 * No global mutable state: programs are immutable once loaded and may be shared by runs on
 * many threads; each rvt_run() owns its own memory, context and trace.
 * Usage:
 *   struct rvt_program *p; char err[512];
 *   if (rvt_program_load(bytes, len, "guest.elf", &p, err, sizeof err)) { puts(err); ... }
 *   struct rvt_options o; rvt_options_init(&o);
 *   struct rvt_result r; rvt_run(p, &o, &r); ... rvt_result_free(&r); rvt_program_free(p); */
#ifndef RVTIER_H
#define RVTIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rvt_program;
struct rt_precompile_set;   /* runtime/precompile.h: precompiles loaded from libraries */

enum rvt_abi { RVT_ABI_SP1 = 0, RVT_ABI_LINUX = 1 };

/* interp: the reference interpreter. tier0: tier 0 code only. tier1: a region at every
 * target of a backward branch or jump (loop heads, and functions called from code after them;
 * rt_region_static_heads) compiled before the run starts (A/B studies). tiered: tier 0 with
 * hot regions compiled while the guest runs. */
enum rvt_mode { RVT_MODE_INTERP = 0, RVT_MODE_TIER0 = 1, RVT_MODE_TIER1 = 2, RVT_MODE_TIERED = 3 };

enum rvt_status {
    RVT_OK = 0,          /* the guest halted (its exit code is in exit_code) */
    RVT_FAULT,           /* bad memory access, bad jump, trap instruction */
    RVT_SYSCALL_ERROR,   /* unknown syscall code or bad syscall arguments */
    RVT_CYCLE_LIMIT,     /* --max-cycles reached */
    RVT_HOST_ERROR,      /* the host failed (out of memory, trace file write, ...) */
    RVT_CANCELLED,       /* rvt_monitor_cancel() stopped the run (error says why) */
};

struct rvt_input {
    const uint8_t *data;
    size_t len;
};

/* Lets another thread watch and stop a run in progress (a service's watchdog, a DELETE).
 * One monitor per run; create it before rvt_run and free it after rvt_run returned. */
struct rvt_monitor;

/* Where guest writes to fd 1 and 2 go. NULL: to the process's own stdout/stderr. */
typedef void rvt_output_fn(void *user, int fd, const uint8_t *data, size_t len);

/* RVT_REGS_CTX (default): in ctx->regs, which this project's AMD hosts forward from store to
 * load with no latency; RVT_REGS_XMM: in XMM lanes, DESIGN.md's map (docs/tier0.md). */
enum rvt_reg_home { RVT_REGS_CTX = 0, RVT_REGS_XMM };

struct rvt_options {
    enum rvt_abi abi;
    enum rvt_mode mode;
    const struct rvt_input *inputs;   /* SP1 stdin buffers, in order */
    size_t n_inputs;
    int trace;                        /* record a trace */
    const char *trace_path;           /* where to write it (NULL: record, count, discard) */
    uint64_t chunk_size;              /* records per chunk; 0 = default */
    uint64_t max_cycles;              /* 0 = no limit (docs/cli.md says how cycles count) */
    rvt_output_fn *output;
    void *output_user;
    const struct rt_precompile_set *precompiles;  /* extra precompiles; NULL = built-ins only */
    struct rvt_monitor *monitor;      /* NULL: none */

    /* tier 1 (modes tier1 and tiered); 0 = default for each */
    uint64_t tier_threshold;          /* block executions before its region is compiled */
    unsigned compile_threads;         /* tiered: background compile threads of the program
                                         (its first tiered run fixes it; default 1); tier1:
                                         threads compiling before the run (default one per
                                         CPU) */
    int sync_compile;                 /* compile on the guest's thread when a block gets hot */
    int opt_level;                    /* LLVM pipeline 0..3; -1 = default */
    const char *dump_ir_dir;          /* write each region's IR (.ll) and an index here */
    const char *code_cache_dir;       /* keep compiled regions here and link them from here
                                         in later processes (tiers/tier1/tier1.h); the
                                         program's first tier1/tiered run fixes it */
    uint64_t code_cache_max;          /* bytes the cache directory may hold; the oldest
                                         objects go first (0 = 1 GiB, UINT64_MAX = no
                                         bound; fixed with the directory) */

    /* tier 0 translation threads (0 = one per CPU for large texts; tiers/tier0/tier0.h
     * t0_options); a program is translated once, by its first run */
    unsigned translate_threads;
    /* where tier 0 keeps the 25 guest registers without a GPR home (tiers/regmap.h; fixed,
     * like translate_threads, by the program's first run) */
    enum rvt_reg_home reg_home;
};

/* One region installed while the run ran (the tier-up timeline). */
struct rvt_tierup {
    uint64_t head_pc;
    uint32_t n_insns;                 /* guest instructions in the region */
    uint32_t n_blocks;
    double at_seconds;                /* since the run started */
    double compile_seconds;
};

struct rvt_stats {
    uint64_t instructions;            /* guest instructions executed, unconstrained ones too */
    uint64_t ecalls;
    uint64_t chunks;                  /* trace chunks written */
    uint64_t trace_bytes;
    double seconds;                   /* run time, loading and translation excluded */
    double translate_seconds;         /* tier 0 translation of the program (0 in interp mode) */
    uint64_t translated_instructions; /* guest instructions tier 0 translated */
    unsigned translate_threads;       /* on how many threads (slices of the text) */
    enum rvt_reg_home reg_home;       /* where its code keeps the registers without a GPR */
    /* tier 1 */
    uint64_t tier1_instructions;      /* guest instructions executed in tier 1 code */
    uint64_t tier1_entries;           /* tier 1 region calls (each a map spill and reload) */
    uint64_t regions_warm;            /* regions of the program already compiled at start */
    uint64_t regions_compiled;        /* regions compiled during this run */
    uint64_t regions_cached;          /* of those, linked from --code-cache, not compiled */
    uint64_t tierups;                 /* regions installed during this run (= timeline) */
    double compile_seconds_total;     /* of the regions compiled during this run */
    double compile_seconds_median;
    struct rvt_tierup *timeline;      /* tierups entries, malloc'd (rvt_result_free) */
};

struct rvt_result {
    enum rvt_status status;
    int exit_code;                    /* the guest's, when status == RVT_OK */
    char error[512];                  /* what went wrong, where, and what to do (status != OK) */
    uint64_t pc;                      /* pc at halt or fault */
    uint64_t regs[32];
    uint64_t clk;
    uint64_t global_clk;
    uint8_t *public_values;           /* bytes written to fd 13 (malloc'd) */
    size_t public_values_len;
    uint32_t committed_digest[8];     /* the words COMMIT set */
    uint8_t public_values_sha256[32];
    int digest_match;                 /* SHA-256(public values) == committed words */
    struct rvt_stats stats;
};

/* name is used in messages only (may be NULL). Returns 0, or -1 with err filled. */
int rvt_program_load(const uint8_t *elf, size_t len, const char *name,
                     struct rvt_program **out, char *err, size_t errlen);
int rvt_program_load_file(const char *path, struct rvt_program **out, char *err, size_t errlen);
void rvt_program_free(struct rvt_program *p);

void rvt_options_init(struct rvt_options *o);
/* Runs to completion. Returns 0 when the run finished (whatever the guest did: see
 * result->status); -1 if the run could not start (result->error says why). */
int rvt_run(const struct rvt_program *p, const struct rvt_options *o, struct rvt_result *result);
void rvt_result_free(struct rvt_result *r);

const char *rvt_status_name(enum rvt_status s);
const char *rvt_mode_name(enum rvt_mode m);

struct rvt_monitor *rvt_monitor_new(void);
void rvt_monitor_free(struct rvt_monitor *m);
/* Stops the run at its next control transfer or syscall with status RVT_CANCELLED and error
 * "cancelled: <reason>". Thread-safe; before the run starts it makes the run stop at once. */
void rvt_monitor_cancel(struct rvt_monitor *m, const char *reason);
/* Bytes of guest memory the run has touched so far (0 before it starts and after it ends).
 * Thread-safe; costs one fstat. */
uint64_t rvt_monitor_memory_bytes(struct rvt_monitor *m);
/* Guest instructions executed so far (approximate while running: updated at exits to C). */
uint64_t rvt_monitor_instructions(struct rvt_monitor *m);

#ifdef __cplusplus
}
#endif
#endif
