/* t0_emit_div.c — tier 0 code for RV64M division and remainder.
 *
 * Division never raises #DE: the RISC-V special cases (x/0 = -1, x%0 = x, MIN/-1 = MIN,
 * MIN%-1 = 0; ISA §7.2) are branched around idiv/div, matching tiers/semantics.h.
 * A quotient and a remainder of the same operands, as C's / and % make them (bigint's
 * `q = x / d; ...; x = x % d`), are one x86 division: the first of such a pair in a block
 * (the producer: its operands unchanged until the second, the consumer) computes both and
 * keeps {a, b, q, r} in ctx->div_memo of its family; the consumer reads its result from there
 * when its operands equal the memo's, and divides itself when they do not (it was entered
 * without passing the producer: a jump into the block, a chunk or ECALL exit resumed through
 * the table). A memo entry is a pure function of its operands, so that is always correct.
 * Usage: t0_emit_div(e, i, in) from t0_emit_muldiv (t0_emit_alu.c), rax = rs1, rcx = rs2
 * loaded; leaves rd's value in rax, not yet written back. */
/* room is checked once per guest instruction (code_room), not per host one: x86_enc.h */
#define X86_ROOM_CHECKED 0
#include "runtime/ctx.h"
#include "tiers/tier0/t0_emit.h"

#define RA X86_RAX
#define RC X86_RCX
#define RD X86_RDX

/* Longest distance from a producer to its consumer that is looked at. */
#define PAIR_WINDOW 16u

struct div_kind {
    enum rv_div_family family;
    int is_signed, is_rem, w32;
};

static int div_kind(enum rv_op op, struct div_kind *k)
{
    switch (op) {
    case RV_OP_DIV:   *k = (struct div_kind){RV_DIV_SIGNED, 1, 0, 0}; return 0;
    case RV_OP_DIVU:  *k = (struct div_kind){RV_DIV_UNSIGNED, 0, 0, 0}; return 0;
    case RV_OP_REM:   *k = (struct div_kind){RV_DIV_SIGNED, 1, 1, 0}; return 0;
    case RV_OP_REMU:  *k = (struct div_kind){RV_DIV_UNSIGNED, 0, 1, 0}; return 0;
    case RV_OP_DIVW:  *k = (struct div_kind){RV_DIV_SIGNED_W, 1, 0, 1}; return 0;
    case RV_OP_DIVUW: *k = (struct div_kind){RV_DIV_UNSIGNED_W, 0, 0, 1}; return 0;
    case RV_OP_REMW:  *k = (struct div_kind){RV_DIV_SIGNED_W, 1, 1, 1}; return 0;
    case RV_OP_REMUW: *k = (struct div_kind){RV_DIV_UNSIGNED_W, 0, 1, 1}; return 0;
    default:          return -1;
    }
}

static struct x86_mem memo(enum rv_div_family f, int field)
{
    return t0_ctx(RV_CTX_DIV_MEMO + 32 * (int32_t)f + 8 * field);
}

/* The consumer of producer i in its block: the next div/rem of the same family, the other
 * kind and the same operands, with neither operand written on the way; 0 if none. */
static uint64_t find_consumer(const struct t0_emitter *e, uint64_t i, const struct rv_insn *in,
                              const struct div_kind *k)
{
    const struct rvt_program *p = e->p;
    if (in->rd == in->rs1 || in->rd == in->rs2)
        return 0;
    const uint64_t end = i + PAIR_WINDOW < p->n_insns ? i + PAIR_WINDOW : p->n_insns;
    for (uint64_t j = i + 1; j < end && !p->leader[j]; j++) {
        const struct rv_insn *n = &p->insns[j];
        struct div_kind nk;
        if (div_kind((enum rv_op)n->op, &nk) == 0 && nk.family == k->family &&
            nk.is_rem != k->is_rem && n->rs1 == in->rs1 && n->rs2 == in->rs2)
            return n->rd ? j : 0;   /* rd = x0 emits nothing */
        if (n->rd && (n->rd == in->rs1 || n->rd == in->rs2))
            return 0;
        if (rv_insn_ends_block(n))
            return 0;
    }
    return 0;
}

/* rax = a / b and rdx = a % b per RISC-V (before a W result's sign extension). */
static void emit_div_both(struct x86_asm *a, const struct div_kind *k)
{
    if (k->w32)
        x86_test_rr32(a, RC, RC);
    else
        x86_test_rr(a, RC, RC);
    const size_t to_zero = x86_jcc8_fwd(a, X86_CC_E);
    size_t to_done = 0;
    if (k->is_signed) {
        /* b == -1: quotient -a (wraps to MIN for MIN), remainder 0 */
        if (k->w32)
            x86_cmp_ri32(a, RC, -1);
        else
            x86_cmp_ri(a, RC, -1);
        const size_t to_div = x86_jcc8_fwd(a, X86_CC_NE);
        x86_xor_rr32(a, RD, RD);
        if (k->w32)
            x86_neg_r32(a, RA);
        else
            x86_neg_r(a, RA);
        to_done = x86_jmp8_fwd(a);
        x86_bind8(a, to_div, x86_here(a));
        if (k->w32) {
            x86_cdq(a);
            x86_idiv_r32(a, RC);
        } else {
            x86_cqo(a);
            x86_idiv_r(a, RC);
        }
    } else {
        x86_xor_rr32(a, RD, RD);
        if (k->w32)
            x86_div_r32(a, RC);
        else
            x86_div_r(a, RC);
    }
    const size_t to_done2 = x86_jmp8_fwd(a);
    /* b == 0: quotient all ones, remainder a */
    x86_bind8(a, to_zero, x86_here(a));
    x86_mov_rr(a, RD, RA);
    x86_mov_ri(a, RA, -1);
    if (k->is_signed)
        x86_bind8(a, to_done, x86_here(a));
    x86_bind8(a, to_done2, x86_here(a));
}

/* rax = rax / rcx or rax % rcx per RISC-V: the division alone. */
static void emit_div_one(struct x86_asm *a, const struct div_kind *k)
{
    emit_div_both(a, k);
    if (k->is_rem)
        x86_mov_rr(a, RA, RD);
}

void t0_emit_div(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    struct div_kind k;
    if (div_kind((enum rv_op)in->op, &k) != 0) {
        x86_asm_fail(a, "t0_emit_div called for a non-division opcode");
        return;
    }
    if (e->div_consumer && e->div_consumer == i) {   /* the second of a pair: the memo */
        e->div_consumer = 0;
        x86_cmp_rm(a, RA, memo(k.family, RV_DIV_MEMO_A));
        const size_t miss_a = x86_jcc8_fwd(a, X86_CC_NE);
        x86_cmp_rm(a, RC, memo(k.family, RV_DIV_MEMO_B));
        const size_t miss_b = x86_jcc8_fwd(a, X86_CC_NE);
        x86_mov_rm(a, RA, memo(k.family, k.is_rem ? RV_DIV_MEMO_R : RV_DIV_MEMO_Q));
        const size_t done = x86_jmp8_fwd(a);
        x86_bind8(a, miss_a, x86_here(a));
        x86_bind8(a, miss_b, x86_here(a));
        emit_div_one(a, &k);
        x86_bind8(a, done, x86_here(a));
        return;
    }
    const uint64_t consumer = find_consumer(e, i, in, &k);
    if (!consumer) {
        emit_div_one(a, &k);
        return;
    }
    e->div_consumer = consumer;
    x86_mov_mr(a, memo(k.family, RV_DIV_MEMO_A), RA);
    x86_mov_mr(a, memo(k.family, RV_DIV_MEMO_B), RC);
    emit_div_both(a, &k);
    if (k.w32) {   /* the memo holds results as rd gets them */
        x86_movsxd_rr(a, RA, RA);
        x86_movsxd_rr(a, RD, RD);
    }
    x86_mov_mr(a, memo(k.family, RV_DIV_MEMO_Q), RA);
    x86_mov_mr(a, memo(k.family, RV_DIV_MEMO_R), RD);
    if (k.is_rem)
        x86_mov_rr(a, RA, RD);
}
