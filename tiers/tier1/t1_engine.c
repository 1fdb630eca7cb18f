/* t1_engine.c — the LLJIT, the target machine pool and the compile threads (tier1.h).
 * LLVM's target registry is initialised once per process (pthread_once): it is LLVM's own
 * global, idempotent, and not state of ours. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Error.h>
#include <llvm-c/Core.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/Support.h>
#include <llvm-c/TargetMachine.h>

#include "tiers/tier1/t1_engine.h"

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;

/* Once per process: the only LLVM options rvtier sets, for every level. Code generation skips
 * loop strength reduction: guest loops come already strength-reduced by the guest's compiler,
 * and on the guest suite LSR cost 10-15% of code generation time and made matmul's and
 * keccak's loops slower (0.023 vs 0.034 s, 0.045 vs 0.049 s in --mode tier1). It skips the
 * machine instruction scheduler too: 6.5% of code generation's instructions on the tiered
 * regions of the guest suite, and the out-of-order host ran the code as fast without it
 * (--mode tier1 geomean 1.00x over 8 runs each). Innermost loops start on a 64-byte line
 * (LLVM's default is 16): a region's loop is small, and one that straddles a line boundary
 * fetches two lines per iteration where it fits in one; fibonacci's 42-byte loop ran 1.4-2x
 * slower when it straddled (tiered, 0.68-0.72 of the time aligned). Process-wide options are
 * all the C API offers; there is no per-target-machine switch for any of them. */
static void llvm_init(void)
{
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    LLVMInitializeNativeDisassembler();
    const char *const args[] = {"rvtier", "-disable-lsr", "-enable-misched=false",
                                "-x86-experimental-pref-innermost-loop-alignment=6"};
    LLVMParseCommandLineOptions(4, args, "");
}

void t1_error_text(LLVMErrorRef e, const char *what, char *err, size_t errlen)
{
    char *m = LLVMGetErrorMessage(e);
    snprintf(err, errlen, "%s: %s", what, m);
    LLVMDisposeErrorMessage(m);
}

struct work_item {
    void (*work)(void *);
    void *arg;
    struct work_item *next;
};

static void *compile_thread(void *arg)
{
    struct t1_engine *e = arg;
    pthread_mutex_lock(&e->lock);
    for (;;) {
        while (!e->head && !e->stopping)
            pthread_cond_wait(&e->wake, &e->lock);
        if (!e->head)
            break;   /* stopping and nothing left */
        struct work_item *w = e->head;
        e->head = w->next;
        if (!e->head)
            e->tail = NULL;
        pthread_mutex_unlock(&e->lock);
        w->work(w->arg);
        free(w);
        pthread_mutex_lock(&e->lock);
        e->pending--;
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

LLVMTargetMachineRef t1_tm_acquire(struct t1_engine *e)
{
    pthread_mutex_lock(&e->lock);
    LLVMTargetMachineRef tm = e->n_tms ? e->tms[--e->n_tms] : NULL;
    pthread_mutex_unlock(&e->lock);
    if (tm)
        return tm;
    /* level 0 still selects instructions with SelectionDAG: FastISel code ran no faster
     * than tier 0's */
    static const LLVMCodeGenOptLevel levels[] = {LLVMCodeGenLevelLess, LLVMCodeGenLevelLess,
                                                 LLVMCodeGenLevelDefault,
                                                 LLVMCodeGenLevelAggressive};
    char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
    tm = LLVMCreateTargetMachine(e->target, e->triple, cpu, features, levels[e->opt_level],
                                 LLVMRelocPIC, LLVMCodeModelSmall);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    return tm;
}

void t1_tm_release(struct t1_engine *e, LLVMTargetMachineRef tm)
{
    pthread_mutex_lock(&e->lock);
    if (e->n_tms < T1_MAX_TMS) {
        e->tms[e->n_tms++] = tm;
        tm = NULL;
    }
    pthread_mutex_unlock(&e->lock);
    if (tm)
        LLVMDisposeTargetMachine(tm);
}

struct t1_engine *t1_engine_new(int opt_level, unsigned threads, char *err, size_t errlen)
{
    pthread_once(&llvm_once, llvm_init);
    struct t1_engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "tier 1: out of memory");
        return NULL;
    }
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->wake, NULL);
    e->opt_level = opt_level < 0 ? T1_DEFAULT_OPT_LEVEL : opt_level > 3 ? 3 : opt_level;
    e->triple = LLVMGetDefaultTargetTriple();
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(e->triple, &e->target, &msg)) {
        snprintf(err, errlen, "tier 1: no LLVM target for %s: %s", e->triple, msg);
        LLVMDisposeMessage(msg);
        goto fail;
    }
    LLVMErrorRef le = LLVMOrcCreateLLJIT(&e->jit, LLVMOrcCreateLLJITBuilder());
    if (le) {
        t1_error_text(le, "tier 1: cannot create the LLVM ORC LLJIT", err, errlen);
        goto fail;
    }
    /* memcpy/memset the optimizer may introduce resolve to the process's libc */
    LLVMOrcDefinitionGeneratorRef gen;
    le = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
        &gen, LLVMOrcLLJITGetGlobalPrefix(e->jit), NULL, NULL);
    if (le) {
        t1_error_text(le, "tier 1: cannot resolve process symbols", err, errlen);
        goto fail;
    }
    LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(e->jit), gen);
    e->n_threads = threads ? threads : 1;
    if (e->n_threads > T1_MAX_THREADS)
        e->n_threads = T1_MAX_THREADS;
    for (unsigned i = 0; i < e->n_threads; i++)
        if (pthread_create(&e->threads[i], NULL, compile_thread, e) != 0) {
            e->n_threads = i;
            snprintf(err, errlen, "tier 1: cannot start a compile thread");
            goto fail;
        }
    return e;
fail:
    t1_engine_free(e);
    return NULL;
}

int t1_engine_opt_level(const struct t1_engine *e)
{
    return e->opt_level;
}

int t1_engine_submit(struct t1_engine *e, void (*work)(void *), void *arg)
{
    struct work_item *w = malloc(sizeof *w);
    if (!w)
        return -1;
    *w = (struct work_item){work, arg, NULL};
    pthread_mutex_lock(&e->lock);
    if (e->stopping || e->n_threads == 0) {
        pthread_mutex_unlock(&e->lock);
        free(w);
        return -1;
    }
    if (e->tail)
        e->tail->next = w;
    else
        e->head = w;
    e->tail = w;
    e->pending++;
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->lock);
    return 0;
}

size_t t1_engine_take(struct t1_engine *e, void (*work)(void *), void **args, size_t max,
                      int (*fits)(const void *arg, void *ctx), void *ctx)
{
    size_t n = 0;
    pthread_mutex_lock(&e->lock);
    struct work_item **link = &e->head, *prev = NULL;
    while (*link && n < max) {
        struct work_item *w = *link;
        if (w->work != work) {
            prev = w;
            link = &w->next;
            continue;
        }
        if (fits && !fits(w->arg, ctx))
            break;
        *link = w->next;
        if (e->tail == w)
            e->tail = prev;
        args[n++] = w->arg;
        free(w);
        e->pending--;
    }
    pthread_mutex_unlock(&e->lock);
    return n;
}

int t1_engine_stopping(struct t1_engine *e)
{
    pthread_mutex_lock(&e->lock);
    int s = e->stopping;
    pthread_mutex_unlock(&e->lock);
    return s;
}

size_t t1_engine_pending(struct t1_engine *e)
{
    pthread_mutex_lock(&e->lock);
    size_t n = e->pending;
    pthread_mutex_unlock(&e->lock);
    return n;
}

void t1_engine_free(struct t1_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->stopping = 1;
    pthread_cond_broadcast(&e->wake);
    pthread_mutex_unlock(&e->lock);
    for (unsigned i = 0; i < e->n_threads; i++)
        pthread_join(e->threads[i], NULL);
    /* work left in the queue was finished by the threads before they exited (they only stop
     * on an empty queue), so every item's owner got its callback */
    for (unsigned i = 0; i < e->n_tms; i++)
        LLVMDisposeTargetMachine(e->tms[i]);
    if (e->jit)
        LLVMOrcDisposeLLJIT(e->jit);
    if (e->triple)
        LLVMDisposeMessage(e->triple);
    free(e->cache_dir);
    pthread_cond_destroy(&e->wake);
    pthread_mutex_destroy(&e->lock);
    free(e);
}
