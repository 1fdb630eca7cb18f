/* t1_compile.c — regions from guest code to linked machine code (tier1.h): lift
 * (ir/lift.c) into one module in a fresh LLVMContext, verify, optimize with the new pass
 * manager (LLVMRunPasses), emit an object with a pooled target machine, read each function's
 * size from the object's symbol table, add the object to the LLJIT under its own resource
 * tracker, look the functions up. The context is disposed at the end: the object is
 * self-contained. Code generation has a fixed cost of a few ms per module whatever its size,
 * so regions that are ready together are compiled together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Disassembler.h>
#include <llvm-c/Object.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "ir/lift.h"
#include "tiers/tier1/t1_engine.h"

/* The IR pipeline per --opt-level (docs/tier1.md has the measurements). LLVM's
 * default<O1>/<O2> pipelines cost 2-10 ms per small region and bought about 15% over the
 * short lists; level 1 (the default) runs about as fast as level 2 for about 20% less compile
 * time; level 3 is LLVM's full default<O3> for studies. mem2reg first: guest registers live in
 * scalar i64 allocas, which mem2reg promotes exactly as sroa did (same IR after the pipeline,
 * measured on the guest suite's regions) for 2% fewer instructions per compile. */
const char *const t1_pipelines[4] = {
    "function(mem2reg)",
    "function(mem2reg,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)",
    "function(mem2reg,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,gvn,dse,simplifycfg)",
    "default<O3>",
};

/* CPU time of the compiling thread: what a compile costs, whatever else the machine runs */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void t1_compiled_free(struct t1_compiled *c)
{
    free(c->ir_before);
    free(c->ir_after);
    c->ir_before = c->ir_after = NULL;
}

static char *value_text(LLVMValueRef f)
{
    char *s = LLVMPrintValueToString(f);
    char *copy = strdup(s);
    LLVMDisposeMessage(s);
    return copy;
}

/* Sizes of the named functions in an object file (0 where not found). */
static void symbol_sizes(LLVMMemoryBufferRef obj, char (*names)[32], size_t n,
                         struct t1_compiled *out)
{
    char *msg = NULL;
    LLVMBinaryRef bin = LLVMCreateBinary(obj, NULL, &msg);   /* an object needs no context */
    if (!bin) {
        LLVMDisposeMessage(msg);
        return;
    }
    LLVMSymbolIteratorRef it = LLVMObjectFileCopySymbolIterator(bin);
    for (; !LLVMObjectFileIsSymbolIteratorAtEnd(bin, it); LLVMMoveToNextSymbol(it)) {
        const char *sym = LLVMGetSymbolName(it);
        for (size_t k = 0; k < n; k++)
            if (strcmp(sym, names[k]) == 0)
                out[k].size = (size_t)LLVMGetSymbolSize(it);
    }
    LLVMDisposeSymbolIterator(it);
    LLVMDisposeBinary(bin);
}

/* Adds the object (taken) to the LLJIT under its own resource tracker and looks the named
 * functions up into out[k].fn, their sizes into out[k].size. 0, or -1 with err. */
static int link_object(struct t1_engine *e, LLVMMemoryBufferRef obj, char (*names)[32],
                       size_t n, struct t1_compiled *out, char *err, size_t errlen)
{
    symbol_sizes(obj, names, n, out);
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(e->jit);
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(jd);
    LLVMErrorRef le = LLVMOrcLLJITAddObjectFileWithRT(e->jit, rt, obj);   /* takes the buffer */
    LLVMOrcReleaseResourceTracker(rt);   /* the JITDylib keeps the code until engine free */
    if (le) {
        t1_error_text(le, "tier 1: cannot add the object to the LLJIT", err, errlen);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        LLVMOrcExecutorAddress addr = 0;
        le = LLVMOrcLLJITLookup(e->jit, &addr, names[k]);
        if (le) {
            t1_error_text(le, "tier 1: cannot link a region", err, errlen);
            return -1;
        }
        out[k].fn = (const void *)(uintptr_t)addr;
    }
    return 0;
}

/* A region compiled before, from the object cache: 1 linked (out filled), 0 not there. */
static int link_cached(struct t1_engine *e, const struct rvt_program *p,
                       const struct rt_region *r, const uint8_t key[32],
                       struct t1_compiled *out)
{
    const double t0 = now_seconds();
    LLVMMemoryBufferRef obj = t1_cache_load(e, key);
    if (!obj)
        return 0;
    char name[1][32], err[256];
    ir_region_name(p->pc_base + 4ull * r->head, r->recording, name[0], sizeof name[0]);
    /* one that does not link is compiled instead (should the failed link have defined its
     * symbol, that compile's link fails in turn and the region stays in tier 0) */
    if (link_object(e, obj, name, 1, out, err, sizeof err) != 0)
        return 0;
    out->cached = 1;
    out->seconds = out->phase_seconds[3] = now_seconds() - t0;
    return 1;
}

int t1_compile_batch(struct t1_engine *e, const struct rvt_program *p,
                     const struct rt_region *const *r, uint64_t *const *entries, size_t n,
                     int want_ir, struct t1_compiled *out, char *err, size_t errlen)
{
    memset(out, 0, n * sizeof *out);
    uint8_t key[32];
    const int cache = e->cache_dir && n == 1 && !want_ir && !(entries && entries[0]);
    if (cache) {
        t1_cache_key(e, r[0], key);
        if (link_cached(e, p, r[0], key, out))
            return 0;
    }
    const double t0 = now_seconds();
    int rc = -1;
    char (*names)[32] = calloc(n, sizeof *names);
    LLVMValueRef *fns = calloc(n, sizeof *fns);
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef m = LLVMModuleCreateWithNameInContext("rvtier_regions", ctx);
    LLVMTargetMachineRef tm = t1_tm_acquire(e);
    LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
    LLVMMemoryBufferRef obj = NULL;
    double ta = t0, tb = t0, tc = t0;
    if (!names || !fns) {
        snprintf(err, errlen, "tier 1: out of memory");
        goto done;
    }
    if (!tm) {
        snprintf(err, errlen, "tier 1: cannot create an LLVM target machine");
        goto done;
    }
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
    char *dl = LLVMCopyStringRepOfTargetData(td);
    LLVMSetDataLayout(m, dl);
    LLVMDisposeMessage(dl);
    LLVMDisposeTargetData(td);
    LLVMSetTarget(m, e->triple);
    for (size_t k = 0; k < n; k++) {
        ir_region_name(p->pc_base + 4ull * r[k]->head, r[k]->recording, names[k],
                       sizeof names[k]);
        if (r[k]->n_blocks == 0 || r[k]->blocks[0].start != r[k]->head) {
            snprintf(err, errlen, "tier 1: region %s does not start with its head block (an "
                     "rvtier bug)", names[k]);
            goto done;
        }
        fns[k] = ir_lift_region(m, p, r[k], entries ? entries[k] : NULL);
        if (!fns[k]) {
            snprintf(err, errlen, "tier 1: out of memory lifting region %s", names[k]);
            goto done;
        }
    }
    char *msg = NULL;
    if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
        snprintf(err, errlen, "tier 1: lifted IR of region %s%s is invalid (an rvtier bug): "
                 "%.300s", names[0], n > 1 ? " and others" : "", msg);
        LLVMDisposeMessage(msg);
        goto done;
    }
    LLVMDisposeMessage(msg);
    for (size_t k = 0; want_ir && k < n; k++)
        out[k].ir_before = value_text(fns[k]);
    ta = now_seconds();
    LLVMErrorRef le = LLVMRunPasses(m, t1_pipelines[e->opt_level], tm, pbo);
    tb = now_seconds();
    if (le) {
        t1_error_text(le, "tier 1: optimization failed", err, errlen);
        goto done;
    }
    for (size_t k = 0; want_ir && k < n; k++)
        out[k].ir_after = value_text(fns[k]);
    msg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, m, LLVMObjectFile, &msg, &obj)) {
        snprintf(err, errlen, "tier 1: code generation failed for %s: %s", names[0], msg);
        LLVMDisposeMessage(msg);
        obj = NULL;
        goto done;
    }
    tc = now_seconds();
    if (cache)
        t1_cache_store(e, key, obj);
    LLVMMemoryBufferRef linked = obj;
    obj = NULL;
    if (link_object(e, linked, names, n, out, err, errlen) != 0)
        goto done;
    rc = 0;
done:
    if (obj)
        LLVMDisposeMemoryBuffer(obj);
    LLVMDisposePassBuilderOptions(pbo);
    if (tm)
        t1_tm_release(e, tm);
    LLVMDisposeModule(m);
    LLVMContextDispose(ctx);
    /* one module for all: each region is charged an equal share */
    const double t1 = now_seconds();
    for (size_t k = 0; k < n; k++) {
        out[k].seconds = (t1 - t0) / (double)n;
        out[k].phase_seconds[0] = (ta - t0) / (double)n;
        out[k].phase_seconds[1] = (tb - ta) / (double)n;
        out[k].phase_seconds[2] = (tc - tb) / (double)n;
        out[k].phase_seconds[3] = (t1 - tc) / (double)n;
        if (rc != 0)
            t1_compiled_free(&out[k]);
    }
    free(names);
    free(fns);
    return rc;
}

int t1_compile(struct t1_engine *e, const struct rvt_program *p, const struct rt_region *r,
               uint64_t *entries, int want_ir, struct t1_compiled *out, char *err,
               size_t errlen)
{
    uint64_t *const ent[1] = {entries};
    return t1_compile_batch(e, p, &r, ent, 1, want_ir, out, err, errlen);
}

int t1_disasm(FILE *out, const void *fn, size_t size, char *err, size_t errlen)
{
    LLVMDisasmContextRef dc = LLVMCreateDisasm("x86_64-unknown-linux-gnu", NULL, 0, NULL, NULL);
    if (!dc) {
        snprintf(err, errlen, "LLVM x86-64 disassembler unavailable");
        return -1;
    }
    LLVMSetDisasmOptions(dc, LLVMDisassembler_Option_AsmPrinterVariant);
    const uint8_t *b = fn;
    for (size_t off = 0; off < size;) {
        char text[160];
        size_t n = LLVMDisasmInstruction(dc, (uint8_t *)(b + off), size - off, (uint64_t)off,
                                         text, sizeof text);
        if (n == 0) {
            fprintf(out, "  %6zx:  .byte 0x%02x\n", off, b[off]);
            off++;
            continue;
        }
        fprintf(out, "  %6zx: %s\n", off, text);
        off += n;
    }
    LLVMDisasmDispose(dc);
    return 0;
}
