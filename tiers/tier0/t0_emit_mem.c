/* t0_emit_mem.c — tier 0 code for loads and stores.
 *
 * Address a = rs1 + imm (rs1's home GPR used in place when imm = 0). An access outside guest
 * memory (a >= 2^40) or misaligned for its size exits with FAULT before any effect: one
 * `test a, [r13 + masks]` (struct t0_dispatch) against 0xFFFFFF00_00000000 | (size - 1).
 * When recording (r9 != NULL), the doubleword's previous {clk, value} entry is copied to the
 * trace tail and its clk set to clk + 1 (rt_trace_mem_access). Guest byte a lives at
 * mem + 2*(a & ~7) + 8 + (a & 7) = mem + (a & ~7) + a + 8 (mem + 2a + 8 for an aligned
 * doubleword). A load goes straight into rd's home GPR when it has one. A full chunk
 * (tail >= ctx->trace_limit) exits with CHUNK and pc = next: the test sits in the record
 * block, which only a recording run enters, and its stub does the access itself before it
 * exits, so an untraced access pays nothing for chunks.
 * Usage: t0_emit_mem(e, i, in) from the translate loop. */
/* room is checked once per guest instruction (code_room), not per host one: x86_enc.h */
#define X86_ROOM_CHECKED 0
#include <string.h>

#include "runtime/ctx.h"
#include "runtime/memory.h"
#include "tiers/semantics.h"
#include "tiers/tier0/t0_emit.h"
#include "tiers/tier0/tier0.h"

#define ADDR X86_RBX   /* the guest address when it is not rs1's home itself */
#define HOST X86_RCX   /* a & ~7, for the sub-doubleword forms */
#define BYTES X86_RDX  /* mem + a, for them too (the record's scratch before that) */
#define VAL X86_RAX    /* the value when rd/rs2 has no home GPR */

static unsigned log2_size(unsigned size)
{
    return size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;
}

/* The trace record of the access whose doubleword entry is at entry (skipped when not
 * recording), then the chunk test, whose jae rel32 ends the sequence (bound by the caller).
 * The old {clk, value} is copied with two 8-byte loads, not one 16-byte one: the
 * entry was often just written by 8-byte stores (its clk by the last record, its value by the
 * program), and a load spanning two pending stores cannot be forwarded from them (a ~10 cycle
 * stall, measured: 1.5x the recording cost on bigint). Returns the offset of the lea's disp
 * (this instruction's clk + 1) from the start of the sequence, or 0 when it is not a disp8. */
static size_t emit_record_code(struct t0_emitter *e, struct x86_mem entry)
{
    struct x86_asm *a = &e->a;
    struct x86_mem value = entry;
    value.disp += 8;
    const size_t start = x86_here(a);
    const int32_t clk1 = t0_clk_disp(e) + 1;
    x86_test_rr(a, RM_TRACE_TAIL, RM_TRACE_TAIL);
    const size_t skip = x86_jcc8_fwd(a, X86_CC_E);
    x86_mov_rm(a, X86_RDX, entry);
    x86_mov_mr(a, x86_mem(RM_TRACE_TAIL, 0), X86_RDX);
    x86_mov_rm(a, X86_RDX, value);
    x86_mov_mr(a, x86_mem(RM_TRACE_TAIL, 8), X86_RDX);
    x86_lea(a, X86_RDX, x86_mem(RM_CLK, clk1));   /* this instruction's clk + 1 */
    const size_t disp_at = x86_here(a) - 1 - start;
    x86_mov_mr(a, entry, X86_RDX);
    x86_add_ri(a, RM_TRACE_TAIL, 16);
    x86_cmp_rm(a, RM_TRACE_TAIL, t0_ctx(RV_CTX_TRACE_LIMIT));
    x86_jcc32_fwd(a, X86_CC_AE);
    x86_bind8(a, skip, x86_here(a));
    return x86_is_simm8(clk1) ? disp_at : 0;
}

/* The record for the entry at mem + 2 * idx; returns the offset of its chunk test's rel32
 * (main code). Its bytes depend only on idx and the clk disp (the rel32 is bound later), so
 * each idx's sequence is kept after its first use and later copied with the disp8 patched:
 * ~10 instructions of emitter work instead of ~180 (the sequence is 11 host instructions). */
static size_t emit_record(struct t0_emitter *e, enum x86_reg idx)
{
    struct x86_asm *a = &e->a;
    struct t0_record_tpl *t = &e->record_tpl[idx];
    const int32_t clk1 = t0_clk_disp(e) + 1;
    if (t->len && x86_is_simm8(clk1)) {
        /* a fixed-size copy (room: code_room); the bytes past len are overwritten by what
         * follows, or lie in the unused part of the reservation */
        memcpy(a->pos, t->bytes, sizeof t->bytes);
        a->pos[t->disp_at] = (uint8_t)clk1;
        a->pos += t->len;
        return x86_here(a) - 4;
    }
    const size_t start = x86_here(a);
    const size_t disp_at = emit_record_code(e, x86_mem_idx(RM_MEM, idx, 2, 0));
    const size_t len = x86_here(a) - start;
    if (disp_at && len <= sizeof t->bytes && !a->error) {
        memcpy(t->bytes, a->buf + start, len);
        t->len = (uint8_t)len;
        t->disp_at = (uint8_t)disp_at;
    }
    return x86_here(a) - 4;
}

void t0_emit_mem(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    const enum rv_op op = (enum rv_op)in->op;
    const unsigned size = rv_mem_width(op);
    const int is_store = rv_op_class(op) == RV_CLS_STORE;

    enum x86_reg addr = t0_home(e, in->rs1);
    if (addr == X86_NOREG || in->imm) {
        if (addr != X86_NOREG)
            x86_lea(a, ADDR, x86_mem(addr, (int32_t)in->imm));
        else {
            t0_load_reg(e, ADDR, in->rs1);
            if (in->imm)
                x86_add_ri(a, ADDR, (int32_t)in->imm);
        }
        addr = ADDR;
    }
    x86_test_mr(a, x86_mem(RM_JUMP_TABLE, T0_MASKS_DISP + 8 * (int32_t)log2_size(size)), addr);
    t0_jcc_exit(e, X86_CC_NE, RV_EXIT_FAULT, t0_pc(e, i));
    const enum x86_reg val = is_store ? t0_src(e, in->rs2, VAL) : t0_dst(e, in->rd, VAL);
    struct x86_mem m;
    size_t chunk_rel;
    if (size == 8) {
        /* aligned: a & 7 = 0, so the entry is at mem + 2a and the value 8 bytes further */
        chunk_rel = emit_record(e, addr);
        m = x86_mem_idx(RM_MEM, addr, 2, 8);
    } else {
        /* at (mem + a) + (a & ~7) + 8: the sum does not wait for the mask, so the access is
         * one operation after a, not two (a table lookup's chain) */
        x86_mov_rr(a, HOST, addr);
        x86_and_ri(a, HOST, -8);
        chunk_rel = emit_record(e, HOST);
    }
    const size_t access = x86_here(a);   /* from here on, what the chunk stub repeats */
    if (size != 8) {
        x86_lea(a, BYTES, x86_mem_idx(RM_MEM, addr, 1, 0));
        m = x86_mem_idx(BYTES, HOST, 1, 8);
    }
    switch (op) {
    case RV_OP_LB:  x86_movsx8_rm(a, val, m); break;
    case RV_OP_LBU: x86_movzx8_rm(a, val, m); break;
    case RV_OP_LH:  x86_movsx16_rm(a, val, m); break;
    case RV_OP_LHU: x86_movzx16_rm(a, val, m); break;
    case RV_OP_LW:  x86_movsxd_rm(a, val, m); break;
    case RV_OP_LWU: x86_mov_rm32(a, val, m); break;   /* zero-extends */
    case RV_OP_LD:  x86_mov_rm(a, val, m); break;
    case RV_OP_SB:  x86_mov_mr8(a, m, val); break;
    case RV_OP_SH:  x86_mov_mr16(a, m, val); break;
    case RV_OP_SW:  x86_mov_mr32(a, m, val); break;
    case RV_OP_SD:  x86_mov_mr(a, m, val); break;
    default:
        x86_asm_fail(a, "t0_emit_mem called for a non-memory opcode");
        return;
    }
    if (!is_store)
        t0_store_reg(e, in->rd, val);
    t0_step_clock(e);
    t0_bind_exit_after(e, chunk_rel, RV_EXIT_CHUNK, t0_pc(e, i + 1), access);
}
