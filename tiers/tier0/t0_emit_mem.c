/* t0_emit_mem.c — tier 0 code for loads and stores (SP1 memory layout, runtime/memory.h).
 *
 * a = rs1 + imm must be < 2^40 and aligned to the access size, else the instruction exits with
 * FAULT before any effect (one test against the mask 0xFFFFFF00_00000000 | (size - 1)).
 * When recording (r14 != NULL), the doubleword's previous {clk, value} entry is copied to the
 * trace tail and its clk set to clk + 1 (rt_trace_mem_access). Guest byte a lives at
 * mem + 2*(a & ~7) + 8 + (a & 7) = mem + (a & ~7) + a + 8 (mem + 2a + 8 for an aligned
 * doubleword). After the instruction, a full chunk (num_mem_reads >= max_trace_size) exits
 * with CHUNK and pc = next.
 * Usage: t0_emit_mem(e, i, in) from the translate loop. */
#include "runtime/ctx.h"
#include "runtime/memory.h"
#include "tiers/tier0/t0_emit.h"

#define ADDR X86_RBX   /* guest address */
#define HOST X86_RAX   /* (a & ~7) [+ a] */
#define VAL  X86_RCX   /* loaded / stored value */

static unsigned access_size(enum rv_op op)
{
    switch (op) {
    case RV_OP_LB: case RV_OP_LBU: case RV_OP_SB: return 1;
    case RV_OP_LH: case RV_OP_LHU: case RV_OP_SH: return 2;
    case RV_OP_LW: case RV_OP_LWU: case RV_OP_SW: return 4;
    default: return 8;
    }
}

/* The trace record of the access whose doubleword entry is at entry (skipped when not
 * recording). */
static void emit_record(struct t0_emitter *e, struct x86_mem entry)
{
    struct x86_asm *a = &e->a;
    int skip = x86_label_new(a);
    x86_test_rr(a, RM_TRACE_BUF, RM_TRACE_BUF);
    x86_jcc_label(a, X86_CC_E, skip);
    x86_movdqu_xm(a, RM_XTMP, entry);
    x86_movdqu_mx(a, x86_mem(RM_TRACE_TAIL, 0), RM_XTMP);
    x86_lea(a, X86_RDX, x86_mem(RM_CLK, t0_clk_disp(e) + 1));   /* this instruction's clk + 1 */
    x86_mov_mr(a, entry, X86_RDX);
    x86_add_ri(a, RM_TRACE_NUM, 1);
    x86_add_ri(a, RM_TRACE_TAIL, 16);
    x86_label_bind(a, skip);
}

void t0_emit_mem(struct t0_emitter *e, uint64_t i, const struct rv_insn *in)
{
    struct x86_asm *a = &e->a;
    enum rv_op op = (enum rv_op)in->op;
    unsigned size = access_size(op);
    int is_store = rv_op_class(op) == RV_CLS_STORE;

    t0_load_reg(e, ADDR, in->rs1);
    if (in->imm)
        x86_add_ri(a, ADDR, (int32_t)in->imm);
    x86_movabs_ri(a, HOST, ~(RV_MEM_ADDR_LIMIT - 1) | (size - 1));
    x86_test_rr(a, ADDR, HOST);
    x86_jcc_label(a, X86_CC_NE, t0_cold_exit(e, RV_EXIT_FAULT, t0_pc(e, i)));
    if (is_store)
        t0_load_reg(e, VAL, in->rs2);
    struct x86_mem m;
    if (size == 8) {
        /* aligned: a & 7 = 0, so the entry is at mem + 2a and the value 8 bytes further */
        emit_record(e, x86_mem_idx(RM_MEM, ADDR, 2, 0));
        m = x86_mem_idx(RM_MEM, ADDR, 2, 8);
    } else {
        x86_mov_rr(a, HOST, ADDR);
        x86_and_ri(a, HOST, -8);
        emit_record(e, x86_mem_idx(RM_MEM, HOST, 2, 0));
        x86_add_rr(a, HOST, ADDR);
        m = x86_mem_idx(RM_MEM, HOST, 1, 8);
    }
    switch (op) {
    case RV_OP_LB:  x86_movsx8_rm(a, VAL, m); break;
    case RV_OP_LBU: x86_movzx8_rm(a, VAL, m); break;
    case RV_OP_LH:  x86_movsx16_rm(a, VAL, m); break;
    case RV_OP_LHU: x86_movzx16_rm(a, VAL, m); break;
    case RV_OP_LW:  x86_movsxd_rm(a, VAL, m); break;
    case RV_OP_LWU: x86_mov_rm32(a, VAL, m); break;   /* zero-extends */
    case RV_OP_LD:  x86_mov_rm(a, VAL, m); break;
    case RV_OP_SB:  x86_mov_mr8(a, m, VAL); break;
    case RV_OP_SH:  x86_mov_mr16(a, m, VAL); break;
    case RV_OP_SW:  x86_mov_mr32(a, m, VAL); break;
    case RV_OP_SD:  x86_mov_mr(a, m, VAL); break;
    default:
        x86_asm_fail(a, "t0_emit_mem called for a non-memory opcode");
        return;
    }
    if (!is_store)
        t0_store_reg(e, in->rd, VAL);
    t0_step_clock(e);
    /* chunk boundary: only records grow num_mem_reads, so only a recording run can hit it */
    int skip = x86_label_new(a);
    x86_test_rr(a, RM_TRACE_BUF, RM_TRACE_BUF);
    x86_jcc_label(a, X86_CC_E, skip);
    x86_cmp_rm(a, RM_TRACE_NUM, x86_mem(RM_CTX, RV_CTX_MAX_TRACE_SIZE));
    x86_jcc_label(a, X86_CC_AE, t0_cold_exit(e, RV_EXIT_CHUNK, t0_pc(e, i + 1)));
    x86_label_bind(a, skip);
}
