/* lift_ops.c — the value semantics of ALU, multiply/divide and memory instructions as LLVM IR,
 * case for case those of tiers/semantics.h (RISC-V §5, §7): shift amounts masked, W forms on
 * i32 then sign-extended, division defined for /0 and MIN/-1 with selects (never UB in IR, so
 * never a host #DE), MULH* on i128.
 * Memory follows runtime/memory.h: byte a at mem + (a & ~7) + a + 8, its {clk, value} entry at
 * mem + 2*(a & ~7); the access is checked against 2^40 and its alignment first. */
#include <string.h>

#include "ir/lift_int.h"
#include "runtime/ctx.h"
#include "runtime/memory.h"
#include "runtime/trace.h"
#include "tiers/semantics.h"

static LLVMValueRef tr32(struct ir_lifter *l, LLVMValueRef v)
{
    return LLVMBuildTrunc(l->b, v, l->i32, "");
}

static LLVMValueRef sx64(struct ir_lifter *l, LLVMValueRef v)
{
    return LLVMBuildSExt(l->b, v, l->i64, "");
}

static LLVMValueRef c32(struct ir_lifter *l, uint64_t v)
{
    return LLVMConstInt(l->i32, v, 0);
}

/* a / b or a % b with RISC-V's answers for b = 0 and MIN / -1, on i64 or i32 operands. */
static LLVMValueRef divrem(struct ir_lifter *l, LLVMValueRef a, LLVMValueRef b, int is_signed,
                           int is_rem)
{
    LLVMBuilderRef B = l->b;
    LLVMTypeRef t = LLVMTypeOf(a);
    unsigned bits = LLVMGetIntTypeWidth(t);
    LLVMValueRef zero = LLVMConstInt(t, 0, 0), one = LLVMConstInt(t, 1, 0);
    LLVMValueRef ones = LLVMConstAllOnes(t);
    LLVMValueRef bz = LLVMBuildICmp(B, LLVMIntEQ, b, zero, "");
    LLVMValueRef bad = bz, ovf = NULL;
    if (is_signed) {
        LLVMValueRef min = LLVMConstInt(t, 1ull << (bits - 1), 0);
        ovf = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntEQ, a, min, ""),
                           LLVMBuildICmp(B, LLVMIntEQ, b, ones, ""), "");
        bad = LLVMBuildOr(B, bz, ovf, "");
    }
    LLVMValueRef safe_b = LLVMBuildSelect(B, bad, one, b, "");
    LLVMValueRef q;
    if (is_rem)
        q = is_signed ? LLVMBuildSRem(B, a, safe_b, "") : LLVMBuildURem(B, a, safe_b, "");
    else
        q = is_signed ? LLVMBuildSDiv(B, a, safe_b, "") : LLVMBuildUDiv(B, a, safe_b, "");
    /* with b = 1 in place: MIN / 1 = MIN and MIN % 1 = 0 are already RISC-V's overflow answers */
    return LLVMBuildSelect(B, bz, is_rem ? a : ones, q, "");
}

static LLVMValueRef mulh(struct ir_lifter *l, LLVMValueRef a, LLVMValueRef b, int sa, int sb)
{
    LLVMBuilderRef B = l->b;
    LLVMValueRef x = sa ? LLVMBuildSExt(B, a, l->i128, "") : LLVMBuildZExt(B, a, l->i128, "");
    LLVMValueRef y = sb ? LLVMBuildSExt(B, b, l->i128, "") : LLVMBuildZExt(B, b, l->i128, "");
    LLVMValueRef p = LLVMBuildMul(B, x, y, "");
    return LLVMBuildTrunc(B, LLVMBuildLShr(B, p, LLVMConstInt(l->i128, 64, 0), ""), l->i64, "");
}

/* ---- rotates ----
 * RV64IM has no rotate, so guest code spells each as a shift each way and an or (sha256:
 * srliw, slliw, or; keccak: sll, negw, srl, or). As an llvm.fshl/fshr the code generator
 * always makes one rol/ror; left to match the shifts itself it gives up when a shift's value
 * is needed elsewhere too, as the exits' write-back of the guest register holding it makes
 * it. The shifts stay for such uses (LLVM sinks them towards the exits that need them). */

static int is_op(LLVMValueRef v, LLVMOpcode op)
{
    return v && LLVMIsAInstruction(v) && LLVMGetInstructionOpcode(v) == op;
}

static int is_const(LLVMValueRef v, uint64_t *k)
{
    if (!v || !LLVMIsAConstantInt(v))
        return 0;
    *k = LLVMConstIntGetZExtValue(v);
    return 1;
}

/* One side of a maybe-rotate, as ir_alu_value built it: v = sext(op(trunc x, amount)) (w =
 * 32, the W forms) or op(x, amount) (w = 64), the amount a constant or a register masked to
 * w - 1. x (i64) and the amount (the constant, or the register before its mask: i64). */
static int shift_side(LLVMValueRef v, LLVMOpcode op, int w, LLVMValueRef *x, LLVMValueRef *amt)
{
    uint64_t mask;
    if (w == 32 && !is_op(v, LLVMSExt))
        return 0;
    v = w == 32 ? LLVMGetOperand(v, 0) : v;
    if (!is_op(v, op))
        return 0;
    *x = LLVMGetOperand(v, 0);
    *amt = LLVMGetOperand(v, 1);
    if (w == 32 && !is_op(*x, LLVMTrunc))
        return 0;
    *x = w == 32 ? LLVMGetOperand(*x, 0) : *x;
    if (LLVMIsAConstantInt(*amt))
        return 1;
    if (!is_op(*amt, LLVMAnd) || !is_const(LLVMGetOperand(*amt, 1), &mask) ||
        mask != (uint64_t)w - 1)
        return 0;
    *amt = LLVMGetOperand(*amt, 0);
    if (w == 32 && !is_op(*amt, LLVMTrunc))
        return 0;
    *amt = w == 32 ? LLVMGetOperand(*amt, 0) : *amt;
    return 1;
}

/* t = -n modulo w, as guest code computes it: sub (neg) or subw (negw) of n from a multiple
 * of w (subw's sext(trunc) keeps the low 32 bits, so the low log2(w) bits). */
static int is_neg(LLVMValueRef t, LLVMValueRef n, int w)
{
    uint64_t c;
    if (is_op(t, LLVMSExt) && is_op(LLVMGetOperand(t, 0), LLVMTrunc))
        t = LLVMGetOperand(LLVMGetOperand(t, 0), 0);
    return is_op(t, LLVMSub) && LLVMGetOperand(t, 1) == n &&
           is_const(LLVMGetOperand(t, 0), &c) && c % (uint64_t)w == 0;
}

static LLVMValueRef funnel(struct ir_lifter *l, const char *name, LLVMValueRef x,
                           LLVMValueRef amt)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef args[3] = {x, x, amt};
    return LLVMBuildCall2(l->b, LLVMIntrinsicGetType(l->c, id, &t, 1),
                          LLVMGetIntrinsicDeclaration(l->m, id, &t, 1), args, 3, "");
}

/* a op b as a rotate, sign-extended as the W forms are, or NULL if it is not one. With
 * constant amounts k and w - k (0 < k < w) the two shifts have no bit in common, so or, xor
 * and add all rotate; with register amounts n and -n only or does (n = 0 gives x | x = x,
 * as fshl does; x ^ x and x + x would not). */
static LLVMValueRef rotate_of(struct ir_lifter *l, enum rv_op op, LLVMValueRef a, LLVMValueRef b)
{
    for (int w = 32; w <= 64; w += 32)
        for (int swap = 0; swap < 2; swap++) {
            LLVMValueRef xr, xs, nr, ns, amt;
            uint64_t kr, ks;
            const char *fn;
            if (!shift_side(swap ? b : a, LLVMLShr, w, &xr, &nr) ||
                !shift_side(swap ? a : b, LLVMShl, w, &xs, &ns) || xr != xs)
                continue;
            LLVMTypeRef t = w == 32 ? l->i32 : l->i64;
            if (is_const(nr, &kr) && is_const(ns, &ks)) {
                if (kr == 0 || kr >= (uint64_t)w || kr + ks != (uint64_t)w)
                    continue;
                fn = "llvm.fshr", amt = LLVMConstInt(t, kr, 0);
            } else if (op == RV_OP_OR && is_neg(nr, ns, w)) {
                fn = "llvm.fshl", amt = w == 32 ? tr32(l, ns) : ns;
            } else if (op == RV_OP_OR && is_neg(ns, nr, w)) {
                fn = "llvm.fshr", amt = w == 32 ? tr32(l, nr) : nr;
            } else {
                continue;
            }
            LLVMValueRef v = funnel(l, fn, w == 32 ? tr32(l, xr) : xr, amt);
            return w == 32 ? sx64(l, v) : v;
        }
    return NULL;
}

LLVMValueRef ir_alu_value(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc)
{
    LLVMBuilderRef B = l->b;
    const enum rv_op op = (enum rv_op)in->op;
    const uint64_t imm = (uint64_t)in->imm;
    LLVMValueRef a1 = ir_get_reg(l, in->rs1);
    LLVMValueRef a2 = rv_op_format(op) == RV_FMT_R ? ir_get_reg(l, in->rs2) : ir_c64(l, imm);
    LLVMValueRef m63 = LLVMBuildAnd(B, a2, ir_c64(l, 63), ""), rot;
    if ((op == RV_OP_OR || op == RV_OP_XOR || op == RV_OP_ADD) && (rot = rotate_of(l, op, a1, a2)))
        return rot;
    switch (op) {
    case RV_OP_ADD: case RV_OP_ADDI: return LLVMBuildAdd(B, a1, a2, "");
    case RV_OP_SUB: return LLVMBuildSub(B, a1, a2, "");
    case RV_OP_SLL: case RV_OP_SLLI: return LLVMBuildShl(B, a1, m63, "");
    case RV_OP_SRL: case RV_OP_SRLI: return LLVMBuildLShr(B, a1, m63, "");
    case RV_OP_SRA: case RV_OP_SRAI: return LLVMBuildAShr(B, a1, m63, "");
    case RV_OP_SLT: case RV_OP_SLTI:
        return LLVMBuildZExt(B, LLVMBuildICmp(B, LLVMIntSLT, a1, a2, ""), l->i64, "");
    case RV_OP_SLTU: case RV_OP_SLTIU:
        return LLVMBuildZExt(B, LLVMBuildICmp(B, LLVMIntULT, a1, a2, ""), l->i64, "");
    case RV_OP_XOR: case RV_OP_XORI: return LLVMBuildXor(B, a1, a2, "");
    case RV_OP_OR: case RV_OP_ORI: return LLVMBuildOr(B, a1, a2, "");
    case RV_OP_AND: case RV_OP_ANDI: return LLVMBuildAnd(B, a1, a2, "");
    case RV_OP_LUI: return ir_c64(l, imm);
    case RV_OP_AUIPC: return ir_c64(l, pc + imm);
    case RV_OP_ADDW: case RV_OP_ADDIW: return sx64(l, tr32(l, LLVMBuildAdd(B, a1, a2, "")));
    case RV_OP_SUBW: return sx64(l, tr32(l, LLVMBuildSub(B, a1, a2, "")));
    case RV_OP_MULW: return sx64(l, tr32(l, LLVMBuildMul(B, a1, a2, "")));
    case RV_OP_SLLW: case RV_OP_SLLIW: case RV_OP_SRLW: case RV_OP_SRLIW: case RV_OP_SRAW:
    case RV_OP_SRAIW: {
        LLVMValueRef x = tr32(l, a1), s = LLVMBuildAnd(B, tr32(l, a2), c32(l, 31), "");
        LLVMValueRef v = (op == RV_OP_SLLW || op == RV_OP_SLLIW) ? LLVMBuildShl(B, x, s, "")
                       : (op == RV_OP_SRLW || op == RV_OP_SRLIW) ? LLVMBuildLShr(B, x, s, "")
                                                                 : LLVMBuildAShr(B, x, s, "");
        return sx64(l, v);
    }
    case RV_OP_MUL: return LLVMBuildMul(B, a1, a2, "");
    case RV_OP_MULH: return mulh(l, a1, a2, 1, 1);
    case RV_OP_MULHSU: return mulh(l, a1, a2, 1, 0);
    case RV_OP_MULHU: return mulh(l, a1, a2, 0, 0);
    case RV_OP_DIV: return divrem(l, a1, a2, 1, 0);
    case RV_OP_DIVU: return divrem(l, a1, a2, 0, 0);
    case RV_OP_REM: return divrem(l, a1, a2, 1, 1);
    case RV_OP_REMU: return divrem(l, a1, a2, 0, 1);
    case RV_OP_DIVW: return sx64(l, divrem(l, tr32(l, a1), tr32(l, a2), 1, 0));
    case RV_OP_DIVUW: return sx64(l, divrem(l, tr32(l, a1), tr32(l, a2), 0, 0));
    case RV_OP_REMW: return sx64(l, divrem(l, tr32(l, a1), tr32(l, a2), 1, 1));
    case RV_OP_REMUW: return sx64(l, divrem(l, tr32(l, a1), tr32(l, a2), 0, 1));
    default:
        return ir_c64(l, 0);   /* not an ALU op: the caller dispatches only those here */
    }
}

static LLVMValueRef gep8(struct ir_lifter *l, LLVMValueRef base, LLVMValueRef off)
{
    return LLVMBuildInBoundsGEP2(l->b, l->i8, base, &off, 1, "");
}

static void set_align(LLVMValueRef insn, unsigned a)
{
    LLVMSetAlignment(insn, a);
}

/* The doubleword's previous {clk, value} goes to the trace tail; its clk becomes clk + 1.
 * Copied as two 8-byte halves, not one 16-byte vector: the entry was usually just written by
 * 8-byte stores (its clk by the last record, its value by the guest), and a 16-byte load over
 * two pending stores cannot be store-forwarded (tier 0 measured that stall at 1.5x the whole
 * recording cost on bigint). */
static void record_access(struct ir_lifter *l, LLVMValueRef dw)
{
    LLVMBuilderRef B = l->b;
    LLVMBasicBlockRef rec_bb = LLVMAppendBasicBlockInContext(l->c, l->fn, "record");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(l->c, l->fn, "recorded");
    LLVMBuildCondBr(B, l->recording, rec_bb, done);
    LLVMPositionBuilderAtEnd(B, rec_bb);
    LLVMValueRef entry = gep8(l, l->mem, LLVMBuildShl(B, dw, ir_c64(l, 1), ""));
    LLVMValueRef slot = LLVMBuildLoad2(B, l->ptr, l->tail, "");
    for (int half = 0; half < 2; half++) {
        LLVMValueRef from = half ? gep8(l, entry, ir_c64(l, 8)) : entry;
        LLVMValueRef to = half ? gep8(l, slot, ir_c64(l, 8)) : slot;
        LLVMValueRef v = LLVMBuildLoad2(B, l->i64, from, "");
        set_align(v, 8);
        set_align(LLVMBuildStore(B, v, to), 8);
    }
    LLVMValueRef clk = LLVMBuildLoad2(B, l->i64, l->clk, "");
    set_align(LLVMBuildStore(B, LLVMBuildAdd(B, clk, ir_c64(l, 1), ""), entry), 16);
    LLVMBuildStore(B, gep8(l, slot, ir_c64(l, 16)), l->tail);
    LLVMBuildBr(B, done);
    LLVMPositionBuilderAtEnd(B, done);
}

/* 1 when the access at rs1 + imm faults: outside guest memory (2^40) or misaligned. */
static LLVMValueRef mem_faults(struct ir_lifter *l, const struct rv_insn *in, LLVMValueRef rs1)
{
    LLVMBuilderRef B = l->b;
    const unsigned size = rv_mem_width((enum rv_op)in->op);
    LLVMValueRef addr = LLVMBuildAdd(B, rs1, ir_c64(l, (uint64_t)in->imm), "");
    LLVMValueRef mask = ir_c64(l, ~(RV_MEM_ADDR_LIMIT - 1) | (size - 1));
    return LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, addr, mask, ""), ir_c64(l, 0), "");
}

int ir_access_in_run(const struct rv_insn *in, unsigned base)
{
    return ir_is_access(in) && in->rs1 == base &&
           in->imm % (int64_t)rv_mem_width((enum rv_op)in->op) == 0;
}

/* Why one check is exact for the whole run: each access is at b + o with o a multiple of its
 * size, so it is aligned iff b is a multiple of its size, and all are iff b is a multiple of
 * the largest size. And |o| < 2^11: if b + lo and b + hi (mod 2^64) are both below 2^40, every
 * b + o in between is too, with no wrap. So the check fails only when some access of the run
 * would fault; tier 0, resumed at the run's first access, then faults at the right one. */
uint32_t ir_check_access_run(struct ir_lifter *l, uint32_t i, uint32_t end, uint64_t pc)
{
    const struct rv_insn *ins = l->p->insns;
    const unsigned base = ins[i].rs1;
    if (!ir_access_in_run(&ins[i], base))
        return i;
    int64_t lo = ins[i].imm, hi = ins[i].imm;
    unsigned align = rv_mem_width((enum rv_op)ins[i].op), n = 0;
    uint32_t run_end = i;
    for (uint32_t k = i; k < end; k++) {
        const struct rv_insn *in = &ins[k];
        if (ir_access_in_run(in, base)) {
            const unsigned size = rv_mem_width((enum rv_op)in->op);
            lo = in->imm < lo ? in->imm : lo;
            hi = in->imm > hi ? in->imm : hi;
            align = size > align ? size : align;
            run_end = k + 1;
            n++;
        }
        if (base != 0 && in->rd == base && rv_op_class((enum rv_op)in->op) != RV_CLS_STORE)
            break;   /* base changes: a load into it still used the old value */
    }
    if (n < 2)
        return i;
    LLVMBuilderRef B = l->b;
    LLVMValueRef b = ir_get_reg(l, base);
    LLVMValueRef ends = LLVMBuildOr(B, LLVMBuildAdd(B, b, ir_c64(l, (uint64_t)lo), ""),
                                    LLVMBuildAdd(B, b, ir_c64(l, (uint64_t)hi), ""), "");
    LLVMValueRef bad = LLVMBuildOr(
        B, LLVMBuildAnd(B, ends, ir_c64(l, ~(RV_MEM_ADDR_LIMIT - 1)), ""),
        LLVMBuildAnd(B, b, ir_c64(l, align - 1), ""), "");
    ir_exit_if(l, LLVMBuildICmp(B, LLVMIntNE, bad, ir_c64(l, 0), ""), IR_EXIT_RESUME,
               ir_c64(l, pc));
    return run_end;
}

void ir_lift_mem(struct ir_lifter *l, const struct rv_insn *in, uint64_t pc, int checked)
{
    LLVMBuilderRef B = l->b;
    const enum rv_op op = (enum rv_op)in->op;
    const unsigned size = rv_mem_width(op);
    const int is_store = rv_op_class(op) == RV_CLS_STORE;
    LLVMValueRef base = ir_get_reg(l, in->rs1);
    if (!checked)
        ir_exit_if(l, mem_faults(l, in, base), RV_EXIT_FAULT, ir_c64(l, pc));
    LLVMValueRef addr = LLVMBuildAdd(B, base, ir_c64(l, (uint64_t)in->imm), "");
    LLVMValueRef val = is_store ? ir_get_reg(l, in->rs2) : NULL;
    /* a doubleword a run's check covers is aligned (its base is, and so is its offset); say
     * so, or LLVM, which learned that from the access's own check, masks it and loses 2a + 8 */
    LLVMValueRef dw = checked && size == 8 ? addr : LLVMBuildAnd(B, addr, ir_c64(l, ~7ull), "");
    record_access(l, dw);
    /* A doubleword is at mem + 2 * addr + 8 (its check made it aligned): one addressing
     * mode. Smaller accesses at (mem + addr) + (dw + 8): the first sum does not wait for the
     * masking, so the access is one operation after addr, not two (a table lookup's chain:
     * crc32 0.92-0.95 in --mode tier1) */
    LLVMValueRef host;
    if (size == 8)
        host = gep8(l, l->mem, LLVMBuildAdd(B, LLVMBuildAdd(B, dw, addr, ""), ir_c64(l, 8), ""));
    else
        host = gep8(l, gep8(l, l->mem, addr), LLVMBuildAdd(B, dw, ir_c64(l, 8), ""));
    LLVMTypeRef t = size == 1 ? l->i8 : size == 2 ? l->i16 : size == 4 ? l->i32 : l->i64;
    if (is_store) {
        set_align(LLVMBuildStore(B, size == 8 ? val : LLVMBuildTrunc(B, val, t, ""), host), size);
    } else {
        LLVMValueRef v = LLVMBuildLoad2(B, t, host, "");
        set_align(v, size);
        int sext = op == RV_OP_LB || op == RV_OP_LH || op == RV_OP_LW;
        if (size < 8)
            v = sext ? LLVMBuildSExt(B, v, l->i64, "") : LLVMBuildZExt(B, v, l->i64, "");
        ir_set_reg(l, in->rd, v);
    }
    ir_step_clock(l);
}
