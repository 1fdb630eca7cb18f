/* x86_enc.h — x86-64 encoder for exactly the forms a RISC-V emitter needs.
 *
 * Typed functions in Intel operand order (destination first), each with its mnemonic in a
 * comment. Suffix rr = reg, reg; ri = reg, imm; rm = reg, [mem]; mr = [mem], reg; a trailing
 * 32 selects the 32-bit operand size (the result zero-extends to 64 bits, as on the hardware).
 * All state lives in struct x86_asm: the growable byte buffer, a sticky error flag checked once
 * at the end, and the label/fixup lists for forward jumps (patched by x86_asm_finish).
 * Code is position independent: calls to C go through a register (x86_movabs_ri + x86_call_r).
 * Usage:
 *   struct x86_asm a; x86_asm_init(&a);
 *   int l = x86_label_new(&a); x86_jcc_label(&a, X86_CC_E, l); x86_add_rr(&a, X86_RAX, X86_RBX);
 *   x86_label_bind(&a, l); x86_ret(&a);
 *   if (x86_asm_finish(&a)) fail(a.err); use a.buf[0 .. a.len); x86_asm_free(&a); */
#ifndef RVT_TIER0_X86_ENC_H
#define RVT_TIER0_X86_ENC_H

#include <stddef.h>
#include <stdint.h>

enum x86_reg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NOREG = -1,            /* no base / no index in a memory operand */
};

enum x86_xmm {
    X86_XMM0, X86_XMM1, X86_XMM2, X86_XMM3, X86_XMM4, X86_XMM5, X86_XMM6, X86_XMM7,
    X86_XMM8, X86_XMM9, X86_XMM10, X86_XMM11, X86_XMM12, X86_XMM13, X86_XMM14, X86_XMM15,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum x86_cc {
    X86_CC_O = 0, X86_CC_NO = 1, X86_CC_B = 2, X86_CC_AE = 3, X86_CC_E = 4, X86_CC_NE = 5,
    X86_CC_BE = 6, X86_CC_A = 7, X86_CC_S = 8, X86_CC_NS = 9, X86_CC_P = 10, X86_CC_NP = 11,
    X86_CC_L = 12, X86_CC_GE = 13, X86_CC_LE = 14, X86_CC_G = 15,
};

/* The eight classic ALU operations; the value is the /digit of the 0x81/0x83 group. */
enum x86_alu {
    X86_ALU_ADD = 0, X86_ALU_OR = 1, X86_ALU_ADC = 2, X86_ALU_SBB = 3,
    X86_ALU_AND = 4, X86_ALU_SUB = 5, X86_ALU_XOR = 6, X86_ALU_CMP = 7,
};

/* Shift group /digit of 0xC1/0xD3. */
enum x86_shift { X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };

/* Memory operand [base + index*scale + disp]. base may be X86_NOREG ([index*scale + disp32]);
 * index may be X86_NOREG; index must not be rsp; scale is 1, 2, 4 or 8. */
struct x86_mem {
    enum x86_reg base;
    enum x86_reg index;
    uint8_t scale;
    int32_t disp;
};

static inline struct x86_mem x86_mem(enum x86_reg base, int32_t disp)
{
    return (struct x86_mem){base, X86_NOREG, 1, disp};
}
static inline struct x86_mem x86_mem_idx(enum x86_reg base, enum x86_reg index, uint8_t scale,
                                         int32_t disp)
{
    return (struct x86_mem){base, index, scale, disp};
}

struct x86_fixup {
    uint32_t at;      /* offset of the rel32 field; the displacement is relative to at + 4 */
    uint32_t label;
};

struct x86_asm {
    uint8_t *buf;
    size_t len, cap;
    int error;                 /* sticky: set by the first failure, everything after is a no-op */
    char err[160];
    int64_t *labels;           /* bound offset per label, -1 while unbound */
    size_t n_labels, cap_labels;
    struct x86_fixup *fixups;
    size_t n_fixups, cap_fixups;
};

void x86_asm_init(struct x86_asm *a);
void x86_asm_free(struct x86_asm *a);
/* Patches every fixup. Returns 0, or -1 with a->err set (also for any earlier error). */
int x86_asm_finish(struct x86_asm *a);
/* Sets the sticky error (first message wins). */
void x86_asm_fail(struct x86_asm *a, const char *what);

int x86_label_new(struct x86_asm *a);
void x86_label_bind(struct x86_asm *a, int label);
/* Offset a label was bound to, or -1. */
int64_t x86_label_offset(const struct x86_asm *a, int label);

/* Raw bytes (for tests and data); prefer the typed functions. */
void x86_emit_u8(struct x86_asm *a, uint8_t b);
void x86_emit_u32(struct x86_asm *a, uint32_t v);
void x86_emit_u64(struct x86_asm *a, uint64_t v);

/* ---- integer ALU ---- */
void x86_alu_rr(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst, enum x86_reg src);
void x86_alu_ri(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst, int32_t imm);
void x86_alu_rm(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst,
                struct x86_mem m);
void x86_alu_mi(struct x86_asm *a, enum x86_alu op, int w64, struct x86_mem m, int32_t imm);

#define X86_ALU_FORMS(name, op)                                                               \
    /* name r64, r64 */                                                                       \
    static inline void x86_##name##_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)     \
    { x86_alu_rr(a, op, 1, d, s); }                                                           \
    /* name r32, r32 */                                                                       \
    static inline void x86_##name##_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)   \
    { x86_alu_rr(a, op, 0, d, s); }                                                           \
    /* name r64, imm32 (sign-extended; imm8 form when it fits) */                             \
    static inline void x86_##name##_ri(struct x86_asm *a, enum x86_reg d, int32_t i)          \
    { x86_alu_ri(a, op, 1, d, i); }                                                           \
    /* name r32, imm32 */                                                                     \
    static inline void x86_##name##_ri32(struct x86_asm *a, enum x86_reg d, int32_t i)        \
    { x86_alu_ri(a, op, 0, d, i); }                                                           \
    /* name r64, qword ptr [m] */                                                             \
    static inline void x86_##name##_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)   \
    { x86_alu_rm(a, op, 1, d, m); }                                                           \
    /* name qword ptr [m], imm32 */                                                           \
    static inline void x86_##name##_mi(struct x86_asm *a, struct x86_mem m, int32_t i)        \
    { x86_alu_mi(a, op, 1, m, i); }
X86_ALU_FORMS(add, X86_ALU_ADD)
X86_ALU_FORMS(or, X86_ALU_OR)
X86_ALU_FORMS(and, X86_ALU_AND)
X86_ALU_FORMS(sub, X86_ALU_SUB)
X86_ALU_FORMS(xor, X86_ALU_XOR)
X86_ALU_FORMS(cmp, X86_ALU_CMP)
#undef X86_ALU_FORMS

void x86_test_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s);     /* test r64, r64 */
void x86_test_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s);   /* test r32, r32 */
void x86_test_ri(struct x86_asm *a, enum x86_reg d, int32_t imm);        /* test r64, imm32 */
void x86_test_ri32(struct x86_asm *a, enum x86_reg d, int32_t imm);      /* test r32, imm32 */
void x86_test_mr(struct x86_asm *a, struct x86_mem m, enum x86_reg s);   /* test qword [m], r64 */
void x86_test_ri8(struct x86_asm *a, enum x86_reg d, uint8_t imm);       /* test r8, imm8 */

/* shl/shr/sar r, imm8 (imm 0..63, or 0..31 for 32-bit) and r, cl */
void x86_shift_ri(struct x86_asm *a, enum x86_shift op, int w64, enum x86_reg d, uint8_t imm);
void x86_shift_rcl(struct x86_asm *a, enum x86_shift op, int w64, enum x86_reg d);
#define X86_SHIFT_FORMS(name, op)                                                             \
    /* name r64, imm8 */                                                                      \
    static inline void x86_##name##_ri(struct x86_asm *a, enum x86_reg d, uint8_t i)          \
    { x86_shift_ri(a, op, 1, d, i); }                                                         \
    /* name r32, imm8 */                                                                      \
    static inline void x86_##name##_ri32(struct x86_asm *a, enum x86_reg d, uint8_t i)        \
    { x86_shift_ri(a, op, 0, d, i); }                                                         \
    /* name r64, cl */                                                                        \
    static inline void x86_##name##_rcl(struct x86_asm *a, enum x86_reg d)                    \
    { x86_shift_rcl(a, op, 1, d); }                                                           \
    /* name r32, cl */                                                                        \
    static inline void x86_##name##_rcl32(struct x86_asm *a, enum x86_reg d)                  \
    { x86_shift_rcl(a, op, 0, d); }
X86_SHIFT_FORMS(shl, X86_SHL)
X86_SHIFT_FORMS(shr, X86_SHR)
X86_SHIFT_FORMS(sar, X86_SAR)
X86_SHIFT_FORMS(ror, X86_ROR)
#undef X86_SHIFT_FORMS

void x86_imul_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s);     /* imul r64, r64 */
void x86_imul_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s);   /* imul r32, r32 */
/* One-operand group 3 (F7 /n): rdx:rax forms and unary ops. */
void x86_mul_r(struct x86_asm *a, enum x86_reg s);      /* mul r64: rdx:rax = rax * s unsigned */
void x86_imul_r(struct x86_asm *a, enum x86_reg s);     /* imul r64: signed */
void x86_div_r(struct x86_asm *a, enum x86_reg s);      /* div r64 */
void x86_idiv_r(struct x86_asm *a, enum x86_reg s);     /* idiv r64 */
void x86_div_r32(struct x86_asm *a, enum x86_reg s);    /* div r32 */
void x86_idiv_r32(struct x86_asm *a, enum x86_reg s);   /* idiv r32 */
void x86_neg_r(struct x86_asm *a, enum x86_reg d);      /* neg r64 */
void x86_neg_r32(struct x86_asm *a, enum x86_reg d);    /* neg r32 */
void x86_not_r(struct x86_asm *a, enum x86_reg d);      /* not r64 */
void x86_not_r32(struct x86_asm *a, enum x86_reg d);    /* not r32 */
void x86_cqo(struct x86_asm *a);                        /* cqo: rdx = sign of rax */
void x86_cdq(struct x86_asm *a);                        /* cdq: edx = sign of eax */

/* ---- moves ---- */
void x86_mov_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s);     /* mov r64, r64 */
void x86_mov_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s);   /* mov r32, r32 */
void x86_mov_ri32(struct x86_asm *a, enum x86_reg d, uint32_t imm);     /* mov r32, imm32 */
void x86_mov_ri(struct x86_asm *a, enum x86_reg d, int32_t imm);  /* mov r64, simm32 (C7 /0) */
void x86_movabs_ri(struct x86_asm *a, enum x86_reg d, uint64_t imm);    /* movabs r64, imm64 */
/* Shortest of the above for a 64-bit value (xor r32,r32 for 0: clobbers flags). */
void x86_mov_imm(struct x86_asm *a, enum x86_reg d, uint64_t imm);
void x86_movsxd_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s);  /* movsxd r64, r32 */
void x86_movsxd_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m);/* movsxd r64, dword [m] */
void x86_movzx8_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s);  /* movzx r32, r8 */
void x86_movzx16_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s); /* movzx r32, r16 */
void x86_movsx8_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s);  /* movsx r64, r8 */
void x86_movsx16_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s); /* movsx r64, r16 */
void x86_movzx8_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m);  /* movzx r32, byte [m] */
void x86_movzx16_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m); /* movzx r32, word [m] */
void x86_movsx8_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m);  /* movsx r64, byte [m] */
void x86_movsx16_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m); /* movsx r64, word [m] */
void x86_mov_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m);     /* mov r64, qword [m] */
void x86_mov_rm32(struct x86_asm *a, enum x86_reg d, struct x86_mem m);   /* mov r32, dword [m] */
void x86_mov_mr(struct x86_asm *a, struct x86_mem m, enum x86_reg s);     /* mov qword [m], r64 */
void x86_mov_mr32(struct x86_asm *a, struct x86_mem m, enum x86_reg s);   /* mov dword [m], r32 */
void x86_mov_mr16(struct x86_asm *a, struct x86_mem m, enum x86_reg s);   /* mov word [m], r16 */
void x86_mov_mr8(struct x86_asm *a, struct x86_mem m, enum x86_reg s);    /* mov byte [m], r8 */
void x86_mov_mi(struct x86_asm *a, struct x86_mem m, int32_t imm);   /* mov qword [m], simm32 */
void x86_lea(struct x86_asm *a, enum x86_reg d, struct x86_mem m);        /* lea r64, [m] */
void x86_setcc(struct x86_asm *a, enum x86_cc cc, enum x86_reg d);        /* setcc r8 */
void x86_cmovcc(struct x86_asm *a, enum x86_cc cc, enum x86_reg d, enum x86_reg s); /* cmovcc */

/* ---- SSE: the register map's XMM lanes ---- */
void x86_movq_xr(struct x86_asm *a, enum x86_xmm d, enum x86_reg s);    /* movq xmm, r64 */
void x86_movq_rx(struct x86_asm *a, enum x86_reg d, enum x86_xmm s);    /* movq r64, xmm */
void x86_pextrq_rx(struct x86_asm *a, enum x86_reg d, enum x86_xmm s, uint8_t lane);
                                                            /* pextrq r64, xmm, lane */
void x86_pextrq_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s, uint8_t lane);
                                                            /* pextrq qword [m], xmm, lane */
void x86_pinsrq_xr(struct x86_asm *a, enum x86_xmm d, enum x86_reg s, uint8_t lane);
                                                            /* pinsrq xmm, r64, lane */
void x86_pinsrq_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m, uint8_t lane);
                                                            /* pinsrq xmm, qword [m], lane */
void x86_movq_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m);    /* movq xmm, qword [m] */
void x86_movq_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s);    /* movq qword [m], xmm */
void x86_movdqu_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m);  /* movdqu xmm, [m] */
void x86_movdqu_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s);  /* movdqu [m], xmm */

/* ---- control flow ---- */
void x86_jcc_label(struct x86_asm *a, enum x86_cc cc, int label);   /* jcc rel32 */
void x86_jmp_label(struct x86_asm *a, int label);                   /* jmp rel32 */
void x86_call_label(struct x86_asm *a, int label);                  /* call rel32 */
void x86_jcc_rel32(struct x86_asm *a, enum x86_cc cc, int32_t rel); /* jcc rel32 (raw) */
void x86_jmp_rel32(struct x86_asm *a, int32_t rel);                 /* jmp rel32 (raw) */
void x86_call_rel32(struct x86_asm *a, int32_t rel);                /* call rel32 (raw) */
/* Forward jumps without labels, for code emitted in one pass: *_fwd emits the jump with a zero
 * displacement and returns the offset of its displacement field; x86_bind8 / x86_bind32 point
 * it at `to` (x86_here(a) for the current position). A rel8 that cannot reach sets the error. */
size_t x86_jcc8_fwd(struct x86_asm *a, enum x86_cc cc);             /* jcc rel8 */
size_t x86_jmp8_fwd(struct x86_asm *a);                             /* jmp rel8 */
size_t x86_jcc32_fwd(struct x86_asm *a, enum x86_cc cc);            /* jcc rel32 */
size_t x86_jmp32_fwd(struct x86_asm *a);                            /* jmp rel32 */
void x86_bind8(struct x86_asm *a, size_t at, size_t to);
void x86_bind32(struct x86_asm *a, size_t at, size_t to);
static inline size_t x86_here(const struct x86_asm *a) { return a->len; }
void x86_jmp_r(struct x86_asm *a, enum x86_reg r);                  /* jmp r64 */
void x86_call_r(struct x86_asm *a, enum x86_reg r);                 /* call r64 */
void x86_jmp_m(struct x86_asm *a, struct x86_mem m);                /* jmp qword [m] */
void x86_call_m(struct x86_asm *a, struct x86_mem m);               /* call qword [m] */
/* call an absolute address: movabs scratch, target; call scratch */
void x86_call_abs(struct x86_asm *a, enum x86_reg scratch, const void *target);
void x86_push_r(struct x86_asm *a, enum x86_reg r);                 /* push r64 */
void x86_pop_r(struct x86_asm *a, enum x86_reg r);                  /* pop r64 */
void x86_ret(struct x86_asm *a);                                    /* ret */
void x86_ud2(struct x86_asm *a);                                    /* ud2 */

#endif
