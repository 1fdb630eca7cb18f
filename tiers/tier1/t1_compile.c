/* t1_compile.c — one region from guest code to installed machine code (tier1.h):
 * lift (ir/lift.c) in a fresh LLVMContext, verify, optimize with the new pass manager
 * (LLVMRunPasses, "default<On>"), emit an object with a pooled target machine, read the
 * function's size from the object's symbol table, add the object to the LLJIT under its own
 * resource tracker, look the function up. The context is disposed at the end: the object is
 * self-contained. */
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

/* CPU time of the compiling thread: what a compile costs, whatever else the machine runs */
/* The IR pipeline per --opt-level. Measured on the guest suite (LLVM 19, see the issue note):
 * LLVM's default<O1>/<O2> pipelines cost 2-10 ms per small region and bought about 15% over
 * the short list at level 2, whose cost is a fraction of code generation's; level 3 is
 * LLVM's full default<O3> for studies. sroa first: guest registers live in allocas. */
const char *const t1_pipelines[4] = {
    "function(sroa)",
    "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)",
    "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,gvn,dse,simplifycfg)",
    "default<O3>",
};

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

static char *module_text(LLVMModuleRef m)
{
    char *s = LLVMPrintModuleToString(m);
    char *copy = strdup(s);
    LLVMDisposeMessage(s);
    return copy;
}

static size_t symbol_size(LLVMMemoryBufferRef obj, LLVMContextRef ctx, const char *name)
{
    char *msg = NULL;
    LLVMBinaryRef bin = LLVMCreateBinary(obj, ctx, &msg);
    if (!bin) {
        LLVMDisposeMessage(msg);
        return 0;
    }
    size_t size = 0;
    LLVMSymbolIteratorRef it = LLVMObjectFileCopySymbolIterator(bin);
    for (; !LLVMObjectFileIsSymbolIteratorAtEnd(bin, it); LLVMMoveToNextSymbol(it))
        if (strcmp(LLVMGetSymbolName(it), name) == 0)
            size = (size_t)LLVMGetSymbolSize(it);
    LLVMDisposeSymbolIterator(it);
    LLVMDisposeBinary(bin);
    return size;
}

int t1_compile(struct t1_engine *e, const struct rvt_program *p, const struct rt_region *r,
               uint64_t *entries, int want_ir, struct t1_compiled *out, char *err,
               size_t errlen)
{
    memset(out, 0, sizeof *out);
    const double t0 = now_seconds();
    int rc = -1;
    char name[32];
    ir_region_name(p->pc_base + 4ull * r->head, name, sizeof name);
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef m = LLVMModuleCreateWithNameInContext(name, ctx);
    LLVMTargetMachineRef tm = t1_tm_acquire(e);
    LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
    LLVMMemoryBufferRef obj = NULL;
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
    ir_lift_region(m, p, r, entries);
    char *msg = NULL;
    if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
        snprintf(err, errlen, "tier 1: lifted IR of region %s is invalid (an rvtier bug): %.300s",
                 name, msg);
        LLVMDisposeMessage(msg);
        goto done;
    }
    LLVMDisposeMessage(msg);
    if (want_ir)
        out->ir_before = module_text(m);
    const char *pipeline = t1_pipelines[e->opt_level];
    double ta = now_seconds();
    LLVMErrorRef le = LLVMRunPasses(m, pipeline, tm, pbo);
    double tb = now_seconds();
    if (le) {
        t1_error_text(le, "tier 1: optimization failed", err, errlen);
        goto done;
    }
    if (want_ir)
        out->ir_after = module_text(m);
    msg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, m, LLVMObjectFile, &msg, &obj)) {
        snprintf(err, errlen, "tier 1: code generation failed for %s: %s", name, msg);
        LLVMDisposeMessage(msg);
        obj = NULL;
        goto done;
    }
    double tc = now_seconds();
    out->size = symbol_size(obj, ctx, name);
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(e->jit);
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(jd);
    le = LLVMOrcLLJITAddObjectFileWithRT(e->jit, rt, obj);   /* takes the buffer */
    obj = NULL;
    LLVMOrcReleaseResourceTracker(rt);   /* the JITDylib keeps the code until engine free */
    if (le) {
        t1_error_text(le, "tier 1: cannot add the object to the LLJIT", err, errlen);
        goto done;
    }
    LLVMOrcExecutorAddress addr = 0;
    le = LLVMOrcLLJITLookup(e->jit, &addr, name);
    if (le) {
        t1_error_text(le, "tier 1: cannot link the region", err, errlen);
        goto done;
    }
    out->fn = (const void *)(uintptr_t)addr;
    out->phase_seconds[0] = ta - t0;
    out->phase_seconds[1] = tb - ta;
    out->phase_seconds[2] = tc - tb;
    out->phase_seconds[3] = now_seconds() - tc;
    rc = 0;
done:
    if (obj)
        LLVMDisposeMemoryBuffer(obj);
    LLVMDisposePassBuilderOptions(pbo);
    if (tm)
        t1_tm_release(e, tm);
    LLVMDisposeModule(m);
    LLVMContextDispose(ctx);
    out->seconds = now_seconds() - t0;
    if (rc != 0)
        t1_compiled_free(out);
    return rc;
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
