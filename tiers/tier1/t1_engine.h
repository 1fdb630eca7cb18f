/* t1_engine.h — struct t1_engine's fields, shared by the tier 1 sources only (the public
 * interface is tier1.h). */
#ifndef RVT_TIER1_T1_ENGINE_H
#define RVT_TIER1_T1_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/TargetMachine.h>

#include "tiers/tier1/tier1.h"

#define T1_MAX_THREADS 16
#define T1_MAX_TMS (T1_MAX_THREADS + 2)

struct work_item;

struct t1_engine {
    LLVMOrcLLJITRef jit;
    char *triple;
    LLVMTargetRef target;
    int opt_level;                         /* 0..3: the pass pipeline and codegen level */
    char *cache_dir;                       /* --code-cache (t1_cache.c), or NULL */
    uint8_t cache_prefix[32];              /* the part of every region's key that is the
                                              same for all: build, LLVM, host, level, text */
    uint64_t cache_max;                    /* bytes of objects dir may hold (t1_cache_trim) */
    _Atomic uint64_t cache_unswept;        /* bytes this engine stored since its last trim;
                                              UINT64_MAX before its first store */
    pthread_mutex_t lock;                  /* guards everything below */
    pthread_cond_t wake;
    LLVMTargetMachineRef tms[T1_MAX_TMS];  /* idle target machines */
    unsigned n_tms;
    pthread_t threads[T1_MAX_THREADS];
    unsigned n_threads;
    struct work_item *head, *tail;
    size_t pending;
    int stopping;
};

/* A target machine for the calling thread's exclusive use until released. */
LLVMTargetMachineRef t1_tm_acquire(struct t1_engine *e);
void t1_tm_release(struct t1_engine *e, LLVMTargetMachineRef tm);
/* The object cache (t1_cache.c; only when cache_dir is set): a region's key, the object
 * stored under it (NULL: a miss), and storing one (failures only cost a later compile). */
void t1_cache_key(const struct t1_engine *e, const struct rt_region *r, uint8_t key[32]);
LLVMMemoryBufferRef t1_cache_load(const struct t1_engine *e, const uint8_t key[32]);
void t1_cache_store(struct t1_engine *e, const uint8_t key[32], LLVMMemoryBufferRef obj);

/* "<what>: <LLVM's message>" into err; consumes e. */
void t1_error_text(LLVMErrorRef e, const char *what, char *err, size_t errlen);

#endif
