/* tier1.h — tier 1: hot regions compiled by LLVM into code that runs under tier 0's register
 * and trace conventions (the region functions of ir/lift.h, entered through tier 0's gate).
 *
 * struct t1_engine owns one ORC LLJIT (code of every region of one program, each region in
 * its own resource tracker), a pool of target machines (one per compiling thread: they are
 * not thread-safe) and the background compile threads with their queue. Each compile builds
 * its module in its own LLVMContext, so contexts are never shared between threads; the
 * optimized module is emitted to an object by our target machine and added to the LLJIT as
 * an object file, which also gives each function's size (for --dump-asm).
 * Usage:
 *   struct t1_engine *e = t1_engine_new(opt_level, threads, err, n);
 *   t1_compile(e, prog, &region, &entries, dump, &out, err, n);          (on this thread)
 *   t1_engine_submit(e, work_fn, arg);                          (on a compile thread)
 *   t1_engine_free(e);   (waits for the compile threads, frees all code) */
#ifndef RVT_TIER1_TIER1_H
#define RVT_TIER1_TIER1_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/program.h"
#include "runtime/region.h"

#define T1_DEFAULT_OPT_LEVEL 1   /* chosen by measurement: docs/tier1.md "Opt levels" */

struct t1_engine;

struct t1_compiled {
    const void *fn;          /* the region function (ir/lift.h) */
    size_t size;             /* bytes of its machine code */
    double seconds;          /* lift + optimize + codegen + link (compiling thread's CPU) */
    double phase_seconds[4]; /* lift and verify, IR passes, code generation, JIT link */
    int cached;              /* linked from the object cache (t1_engine_set_cache): seconds
                                is the load and link */
    char *ir_before, *ir_after;   /* when asked for (malloc'd; t1_compiled_free) */
};

/* The LLVMRunPasses pipeline of each --opt-level 0..3. */
extern const char *const t1_pipelines[4];

struct t1_engine *t1_engine_new(int opt_level, unsigned threads, char *err, size_t errlen);
/* Stops the compile threads (queued work still runs its work function, which should check
 * t1_engine_stopping() and only clean up), then frees all code. */
void t1_engine_free(struct t1_engine *e);
int t1_engine_opt_level(const struct t1_engine *e);

/* The object cache on disk (tiers/tier1/t1_cache.c): once set, t1_compile (one region) links
 * a region compiled earlier, by any process, for the same rvtier build, LLVM, host CPU, opt
 * level and program text from dir, and stores what it compiles there (dir is created if
 * missing). Set it before the first compile. Batches of several regions and compiles that
 * keep IR or count entries (--dump-ir) are not cached. max_bytes bounds dir's objects
 * (t1_cache_trim after this engine's first store and after each max_bytes/16 it stores;
 * 0 = T1_CACHE_DEFAULT_MAX, UINT64_MAX = no bound). 0, or -1 with err. */
#define T1_CACHE_DEFAULT_MAX (1ull << 30)
int t1_engine_set_cache(struct t1_engine *e, const char *dir, uint64_t max_bytes,
                        const struct rvt_program *p, char *err, size_t errlen);
int t1_engine_caches(const struct t1_engine *e);
/* What set_cache checks first, for a command line's early error: dir exists or can be made,
 * is a writable directory, and this build has an id. 0, or -1 with err. */
int t1_cache_dir_check(const char *dir, char *err, size_t errlen);
/* If dir's objects add up to more than max_bytes, removes the least recently used (by
 * mtime: a link touches its file) until they fit in 3/4 of it; also removes temporary
 * files older than an hour (a writer that died before its rename). Safe against other
 * processes using dir: a reader holds its file open, a writer's rename is atomic. Counts
 * what it removed into *removed and *removed_bytes (may be NULL); the bytes left. */
uint64_t t1_cache_trim(const char *dir, uint64_t max_bytes, uint64_t *removed,
                       uint64_t *removed_bytes);

/* Compiles region r of p on the calling thread. entries: the region's entry counter (may be
 * NULL). want_ir: keep the IR text before and after optimization. Returns 0, or -1 with err
 * (what failed; the region then simply stays in tier 0). */
int t1_compile(struct t1_engine *e, const struct rvt_program *p, const struct rt_region *r,
               uint64_t *entries, int want_ir, struct t1_compiled *out, char *err,
               size_t errlen);
void t1_compiled_free(struct t1_compiled *c);
/* n regions (distinct heads) in one module: out[n]; each region is charged 1/n of the time.
 * entries may be NULL. All or nothing: on failure no function is linked. */
int t1_compile_batch(struct t1_engine *e, const struct rvt_program *p,
                     const struct rt_region *const *r, uint64_t *const *entries, size_t n,
                     int want_ir, struct t1_compiled *out, char *err, size_t errlen);

/* Runs work(arg) on a compile thread, in submission order per thread. Returns 0, or -1 if
 * the engine is shutting down (work is not run; the caller still owns arg). */
int t1_engine_submit(struct t1_engine *e, void (*work)(void *arg), void *arg);
/* Takes up to max queued items whose work function is work off the queue, in order (their
 * args into args), so that one compile thread can batch them; stops at the first such item
 * for which fits(arg, ctx) is 0 (fits may be NULL: all fit). Returns how many. */
size_t t1_engine_take(struct t1_engine *e, void (*work)(void *arg), void **args, size_t max,
                      int (*fits)(const void *arg, void *ctx), void *ctx);
/* 1 once t1_engine_free has begun: queued work should skip compiling. */
int t1_engine_stopping(struct t1_engine *e);
/* Work submitted but not finished. */
size_t t1_engine_pending(struct t1_engine *e);

/* Disassembles size bytes of machine code at fn (LLVM's x86-64 disassembler, Intel syntax)
 * to out, one instruction per line with its offset. */
int t1_disasm(FILE *out, const void *fn, size_t size, char *err, size_t errlen);

#endif
