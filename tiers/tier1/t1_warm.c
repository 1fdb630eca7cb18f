/* t1_warm.c — warming up a new engine (t1_engine.h): one small region-shaped function taken
 * through the whole pipeline (IR passes, code generation, JIT link, removal) on a compile
 * thread before any real region arrives. The first compile in a process pays for LLVM's
 * one-time work — the target machine and its subtarget, pass registration, the first touch of
 * several MB of LLVM code and data, the JIT linker's setup — about 3 ms here, which otherwise
 * delays the first hot loop's tier-up. The function is the IR the lifter makes for a 4-
 * instruction guest loop (a store, a guard, a recorded access, an exit), so the code paths
 * warmed are the ones regions take. */
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "tiers/tier1/t1_engine.h"

static const char warm_ir[] =
    "define i64 @rvt_warm_up(ptr noalias nocapture %ctx, ptr noalias nocapture %rec,\n"
    "                        ptr noalias nocapture %mem) nounwind {\n"
    "entry:\n"
    "  %p.a = getelementptr inbounds i8, ptr %ctx, i64 64\n"
    "  %a = load i64, ptr %p.a, align 8\n"
    "  %p.b = getelementptr inbounds i8, ptr %ctx, i64 72\n"
    "  %b = load i64, ptr %p.b, align 8\n"
    "  %p.c = getelementptr inbounds i8, ptr %ctx, i64 96\n"
    "  %c = load i64, ptr %p.c, align 8\n"
    "  %p.i = getelementptr inbounds i8, ptr %ctx, i64 120\n"
    "  %i0 = load i64, ptr %p.i, align 8\n"
    "  %p.clk = getelementptr inbounds i8, ptr %ctx, i64 264\n"
    "  %clk0 = load i64, ptr %p.clk, align 8\n"
    "  %p.num = getelementptr inbounds i8, ptr %ctx, i64 320\n"
    "  %num0 = load i64, ptr %p.num, align 8\n"
    "  %p.max = getelementptr inbounds i8, ptr %ctx, i64 328\n"
    "  %max = load i64, ptr %p.max, align 8\n"
    "  %recording = icmp ne ptr %rec, null\n"
    "  br label %head\n"
    "head:\n"
    "  %i = phi i64 [ %i0, %entry ], [ %i.next, %done ]\n"
    "  %clk = phi i64 [ %clk0, %entry ], [ %clk.next, %done ]\n"
    "  %num = phi i64 [ %num0, %entry ], [ %num.next, %done ]\n"
    "  %p.lim = getelementptr inbounds i8, ptr %ctx, i64 336\n"
    "  %lim = load atomic i64, ptr %p.lim monotonic, align 8\n"
    "  %clk.end = add i64 %clk, 32\n"
    "  %late = icmp ugt i64 %clk.end, %lim\n"
    "  %num.end = add i64 %num, 1\n"
    "  %full = icmp uge i64 %num.end, %max\n"
    "  %full.rec = and i1 %recording, %full\n"
    "  %addr = add i64 %b, %i\n"
    "  %bad = icmp ugt i64 %addr, 1099511627775\n"
    "  %stop.0 = or i1 %late, %full.rec\n"
    "  %stop = or i1 %stop.0, %bad\n"
    "  br i1 %stop, label %exit, label %body, !prof !0\n"
    "body:\n"
    "  %dw = and i64 %addr, 1099511627768\n"
    "  br i1 %recording, label %record, label %done\n"
    "record:\n"
    "  %ent.off = shl nuw nsw i64 %dw, 1\n"
    "  %ent = getelementptr inbounds i8, ptr %mem, i64 %ent.off\n"
    "  %old = load <2 x i64>, ptr %ent, align 16\n"
    "  %slot.off = shl i64 %num, 4\n"
    "  %slot.0 = getelementptr i8, ptr %rec, i64 %slot.off\n"
    "  %slot = getelementptr i8, ptr %slot.0, i64 304\n"
    "  store <2 x i64> %old, ptr %slot, align 8\n"
    "  %ent.clk = add i64 %clk, 9\n"
    "  store i64 %ent.clk, ptr %ent, align 16\n"
    "  br label %done\n"
    "done:\n"
    "  %num.next = phi i64 [ %num.end, %record ], [ %num, %body ]\n"
    "  %host.0 = getelementptr inbounds i8, ptr %mem, i64 %dw\n"
    "  %host.1 = getelementptr inbounds i8, ptr %host.0, i64 %addr\n"
    "  %host = getelementptr inbounds i8, ptr %host.1, i64 8\n"
    "  %byte = trunc i64 %c to i8\n"
    "  store i8 %byte, ptr %host, align 1\n"
    "  %i.next = add i64 %i, %a\n"
    "  %more = icmp ult i64 %i.next, %a\n"
    "  %clk.next = add i64 %clk, 32\n"
    "  br i1 %more, label %head, label %exit\n"
    "exit:\n"
    "  %x.i = phi i64 [ %i, %head ], [ %i.next, %done ]\n"
    "  %x.clk = phi i64 [ %clk, %head ], [ %clk.next, %done ]\n"
    "  %x.num = phi i64 [ %num, %head ], [ %num.next, %done ]\n"
    "  %x.pc = phi i64 [ 2097321, %head ], [ 2097336, %done ]\n"
    "  store i64 %x.i, ptr %p.i, align 8\n"
    "  store i64 %x.clk, ptr %p.clk, align 8\n"
    "  store i64 %x.num, ptr %p.num, align 8\n"
    "  br i1 %recording, label %tail, label %ret\n"
    "tail:\n"
    "  %t.off = shl i64 %x.num, 4\n"
    "  %t.0 = getelementptr i8, ptr %rec, i64 %t.off\n"
    "  %t = getelementptr i8, ptr %t.0, i64 304\n"
    "  %p.tail = getelementptr inbounds i8, ptr %ctx, i64 312\n"
    "  store ptr %t, ptr %p.tail, align 8\n"
    "  br label %ret\n"
    "ret:\n"
    "  ret i64 %x.pc\n"
    "}\n"
    "!0 = !{!\"branch_weights\", i32 1, i32 1048576}\n";

/* A compile thread's first work item (t1_engine_new queues it). Failures only mean the
 * first real region pays the one-time cost itself, so they are ignored. */
void t1_warm_up(void *arg)
{
    struct t1_engine *e = arg;
    if (t1_engine_stopping(e))
        return;
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMMemoryBufferRef buf =
        LLVMCreateMemoryBufferWithMemoryRange(warm_ir, sizeof warm_ir - 1, "rvt_warm_up", 0);
    LLVMModuleRef m = NULL;
    char *msg = NULL;
    LLVMTargetMachineRef tm = t1_tm_acquire(e);
    if (LLVMParseIRInContext(ctx, buf, &m, &msg) || !tm) {   /* takes buf */
        LLVMDisposeMessage(msg);
        goto done;
    }
    LLVMSetTarget(m, e->triple);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
    char *dl = LLVMCopyStringRepOfTargetData(td);
    LLVMSetDataLayout(m, dl);
    LLVMDisposeMessage(dl);
    LLVMDisposeTargetData(td);
    LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
    LLVMErrorRef le = LLVMRunPasses(m, t1_pipelines[e->opt_level], tm, pbo);
    LLVMDisposePassBuilderOptions(pbo);
    if (le) {
        LLVMConsumeError(le);
        goto done;
    }
    LLVMMemoryBufferRef obj = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, m, LLVMObjectFile, &msg, &obj)) {
        LLVMDisposeMessage(msg);
        goto done;
    }
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(e->jit);
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(jd);
    le = LLVMOrcLLJITAddObjectFileWithRT(e->jit, rt, obj);   /* takes obj */
    LLVMOrcExecutorAddress addr = 0;
    if (!le)
        le = LLVMOrcLLJITLookup(e->jit, &addr, "rvt_warm_up");   /* links it */
    if (le)
        LLVMConsumeError(le);
    le = LLVMOrcResourceTrackerRemove(rt);   /* the code goes again */
    if (le)
        LLVMConsumeError(le);
    LLVMOrcReleaseResourceTracker(rt);
done:
    if (tm)
        t1_tm_release(e, tm);
    if (m)
        LLVMDisposeModule(m);
    LLVMContextDispose(ctx);
}
