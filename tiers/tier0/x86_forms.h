/* x86_forms.h — the typed instruction forms of the x86-64 encoder, inline over the encoding
 * core of x86_enc.h (include that header, not this one). Intel operand order, destination
 * first; each form has its mnemonic in a comment. */
#ifndef RVT_TIER0_X86_FORMS_H
#define RVT_TIER0_X86_FORMS_H

/* Always inlined: with constant operands each form folds to a few byte stores. */
#define X86_FORM static inline __attribute__((always_inline))

/* ---- integer ALU ---- */

/* op r/m, r */
X86_FORM void x86_alu_rr(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst,
                              enum x86_reg src)
{
    x86_done(a, x86_enc_rr(a, 0, w64, (uint32_t)op * 8 + 1, 1, src, dst, 0));
}
/* op r, imm (imm8 form when it fits) */
X86_FORM void x86_alu_ri(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst,
                              int32_t imm)
{
    if (x86_is_simm8(imm))
        x86_done8(a, x86_enc_rr(a, 0, w64, 0x83, 1, op, dst, 0), (uint8_t)(int8_t)imm);
    else
        x86_done32(a, x86_enc_rr(a, 0, w64, 0x81, 1, op, dst, 0), (uint32_t)imm);
}
/* op r, r/m */
X86_FORM void x86_alu_rm(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst,
                              struct x86_mem m)
{
    x86_done(a, x86_enc_rm(a, 0, w64, (uint32_t)op * 8 + 3, 1, dst, m, 0));
}
/* op r/m, imm */
X86_FORM void x86_alu_mi(struct x86_asm *a, enum x86_alu op, int w64, struct x86_mem m,
                              int32_t imm)
{
    if (x86_is_simm8(imm))
        x86_done8(a, x86_enc_rm(a, 0, w64, 0x83, 1, op, m, 0), (uint8_t)(int8_t)imm);
    else
        x86_done32(a, x86_enc_rm(a, 0, w64, 0x81, 1, op, m, 0), (uint32_t)imm);
}

#define X86_ALU_FORMS(name, op)                                                               \
    /* name r64, r64 */                                                                       \
    X86_FORM void x86_##name##_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)          \
    { x86_alu_rr(a, op, 1, d, s); }                                                           \
    /* name r32, r32 */                                                                       \
    X86_FORM void x86_##name##_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)        \
    { x86_alu_rr(a, op, 0, d, s); }                                                           \
    /* name r64, imm32 (sign-extended; imm8 form when it fits) */                             \
    X86_FORM void x86_##name##_ri(struct x86_asm *a, enum x86_reg d, int32_t i)               \
    { x86_alu_ri(a, op, 1, d, i); }                                                           \
    /* name r32, imm32 */                                                                     \
    X86_FORM void x86_##name##_ri32(struct x86_asm *a, enum x86_reg d, int32_t i)             \
    { x86_alu_ri(a, op, 0, d, i); }                                                           \
    /* name r64, qword ptr [m] */                                                             \
    X86_FORM void x86_##name##_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)        \
    { x86_alu_rm(a, op, 1, d, m); }                                                           \
    /* name qword ptr [m], imm32 */                                                           \
    X86_FORM void x86_##name##_mi(struct x86_asm *a, struct x86_mem m, int32_t i)             \
    { x86_alu_mi(a, op, 1, m, i); }
X86_ALU_FORMS(add, X86_ALU_ADD)
X86_ALU_FORMS(or, X86_ALU_OR)
X86_ALU_FORMS(and, X86_ALU_AND)
X86_ALU_FORMS(sub, X86_ALU_SUB)
X86_ALU_FORMS(xor, X86_ALU_XOR)
X86_ALU_FORMS(cmp, X86_ALU_CMP)
#undef X86_ALU_FORMS

/* test r64, r64 */
X86_FORM void x86_test_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0, 1, 0x85, 1, s, d, 0));
}
/* test r32, r32 */
X86_FORM void x86_test_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0, 0, 0x85, 1, s, d, 0));
}
/* test r64, imm32 */
X86_FORM void x86_test_ri(struct x86_asm *a, enum x86_reg d, int32_t imm)
{
    x86_done32(a, x86_enc_rr(a, 0, 1, 0xF7, 1, 0, d, 0), (uint32_t)imm);
}
/* test r32, imm32 */
X86_FORM void x86_test_ri32(struct x86_asm *a, enum x86_reg d, int32_t imm)
{
    x86_done32(a, x86_enc_rr(a, 0, 0, 0xF7, 1, 0, d, 0), (uint32_t)imm);
}
/* test qword [m], r64 */
X86_FORM void x86_test_mr(struct x86_asm *a, struct x86_mem m, enum x86_reg s)
{
    x86_done(a, x86_enc_rm(a, 0, 1, 0x85, 1, s, m, 0));
}
/* test r8, imm8 (spl..dil need a REX prefix) */
X86_FORM void x86_test_ri8(struct x86_asm *a, enum x86_reg d, uint8_t imm)
{
    x86_done8(a, x86_enc_rr(a, 0, 0, 0xF6, 1, 0, d, d >= 4 && d <= 7), imm);
}

/* ---- shifts, multiply, divide, unary ---- */

void x86_shift_range_error(struct x86_asm *a);
/* shl/shr/sar/ror r, imm8 (imm 0..63, or 0..31 for 32-bit; 1 uses the D1 form) */
X86_FORM void x86_shift_ri(struct x86_asm *a, enum x86_shift op, int w64, enum x86_reg d,
                                uint8_t imm)
{
    if (imm > (w64 ? 63 : 31))
        x86_shift_range_error(a);
    else if (imm == 1)
        x86_done(a, x86_enc_rr(a, 0, w64, 0xD1, 1, op, d, 0));
    else
        x86_done8(a, x86_enc_rr(a, 0, w64, 0xC1, 1, op, d, 0), imm);
}
/* shl/shr/sar/ror r, cl */
X86_FORM void x86_shift_rcl(struct x86_asm *a, enum x86_shift op, int w64, enum x86_reg d)
{
    x86_done(a, x86_enc_rr(a, 0, w64, 0xD3, 1, op, d, 0));
}
#define X86_SHIFT_FORMS(name, op)                                                             \
    /* name r64, imm8 */                                                                      \
    X86_FORM void x86_##name##_ri(struct x86_asm *a, enum x86_reg d, uint8_t i)               \
    { x86_shift_ri(a, op, 1, d, i); }                                                         \
    /* name r32, imm8 */                                                                      \
    X86_FORM void x86_##name##_ri32(struct x86_asm *a, enum x86_reg d, uint8_t i)             \
    { x86_shift_ri(a, op, 0, d, i); }                                                         \
    /* name r64, cl */                                                                        \
    X86_FORM void x86_##name##_rcl(struct x86_asm *a, enum x86_reg d)                         \
    { x86_shift_rcl(a, op, 1, d); }                                                           \
    /* name r32, cl */                                                                        \
    X86_FORM void x86_##name##_rcl32(struct x86_asm *a, enum x86_reg d)                       \
    { x86_shift_rcl(a, op, 0, d); }
X86_SHIFT_FORMS(shl, X86_SHL)
X86_SHIFT_FORMS(shr, X86_SHR)
X86_SHIFT_FORMS(sar, X86_SAR)
X86_SHIFT_FORMS(ror, X86_ROR)
#undef X86_SHIFT_FORMS

/* imul r64, r64 */
X86_FORM void x86_imul_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0, 1, 0xAF0F, 2, d, s, 0));
}
/* imul r32, r32 */
X86_FORM void x86_imul_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0, 0, 0xAF0F, 2, d, s, 0));
}
/* One-operand group 3 (F7 /n): rdx:rax forms and unary ops. */
#define X86_GROUP3(name, digit, w)                                                            \
    X86_FORM void x86_##name(struct x86_asm *a, enum x86_reg s)                               \
    { x86_done(a, x86_enc_rr(a, 0, w, 0xF7, 1, digit, s, 0)); }
X86_GROUP3(mul_r, 4, 1)      /* mul r64: rdx:rax = rax * s unsigned */
X86_GROUP3(imul_r, 5, 1)     /* imul r64: signed */
X86_GROUP3(div_r, 6, 1)      /* div r64 */
X86_GROUP3(idiv_r, 7, 1)     /* idiv r64 */
X86_GROUP3(div_r32, 6, 0)    /* div r32 */
X86_GROUP3(idiv_r32, 7, 0)   /* idiv r32 */
X86_GROUP3(neg_r, 3, 1)      /* neg r64 */
X86_GROUP3(neg_r32, 3, 0)    /* neg r32 */
X86_GROUP3(not_r, 2, 1)      /* not r64 */
X86_GROUP3(not_r32, 2, 0)    /* not r32 */
#undef X86_GROUP3

/* cqo: rdx = sign of rax */
X86_FORM void x86_cqo(struct x86_asm *a)
{
    uint8_t *p = x86_begin(a);
    if (p) {
        p[0] = 0x48;
        p[1] = 0x99;
        x86_end(a, p + 2);
    }
}
/* cdq: edx = sign of eax */
X86_FORM void x86_cdq(struct x86_asm *a)
{
    uint8_t *p = x86_begin(a);
    if (p) {
        p[0] = 0x99;
        x86_end(a, p + 1);
    }
}

/* ---- moves ---- */

/* mov r64, r64 */
X86_FORM void x86_mov_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0, 1, 0x89, 1, s, d, 0));
}
/* mov r32, r32 */
X86_FORM void x86_mov_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0, 0, 0x89, 1, s, d, 0));
}
/* mov r32, imm32 (zero-extends) */
X86_FORM void x86_mov_ri32(struct x86_asm *a, enum x86_reg d, uint32_t imm)
{
    uint8_t *p = x86_begin(a);
    if (!p)
        return;
    if (d >= 8)
        *p++ = 0x41;
    *p++ = (uint8_t)(0xB8 + (d & 7));
    x86_end(a, x86_put32(p, imm));
}
/* lea r64, [rip + rel] (rel from the end of this 7-byte instruction): REX.W 8D /r, ModRM
 * mod 00 rm 101 */
X86_FORM void x86_lea_rip(struct x86_asm *a, enum x86_reg d, int32_t rel)
{
    uint8_t *p = x86_begin(a);
    if (!p)
        return;
    *p++ = (uint8_t)(0x48 | (d >> 3) << 2);
    *p++ = 0x8D;
    *p++ = (uint8_t)(0x05 | (d & 7) << 3);
    x86_end(a, x86_put32(p, (uint32_t)rel));
}
/* mov r64, simm32 (C7 /0) */
X86_FORM void x86_mov_ri(struct x86_asm *a, enum x86_reg d, int32_t imm)
{
    x86_done32(a, x86_enc_rr(a, 0, 1, 0xC7, 1, 0, d, 0), (uint32_t)imm);
}
/* movabs r64, imm64 */
X86_FORM void x86_movabs_ri(struct x86_asm *a, enum x86_reg d, uint64_t imm)
{
    uint8_t *p = x86_begin(a);
    if (!p)
        return;
    *p++ = (uint8_t)(0x48 | (d >> 3));
    *p++ = (uint8_t)(0xB8 + (d & 7));
    memcpy(p, &imm, 8);
    x86_end(a, p + 8);
}
/* Shortest of the above for a 64-bit value (xor r32,r32 for 0: clobbers flags). */
X86_FORM void x86_mov_imm(struct x86_asm *a, enum x86_reg d, uint64_t imm)
{
    if (imm == 0)
        x86_alu_rr(a, X86_ALU_XOR, 0, d, d);
    else if (imm <= UINT32_MAX)
        x86_mov_ri32(a, d, (uint32_t)imm);
    else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX)
        x86_mov_ri(a, d, (int32_t)imm);
    else
        x86_movabs_ri(a, d, imm);
}

#define X86_MOV_RR(name, w, opc, nopc, rex_s)                                                 \
    X86_FORM void x86_##name(struct x86_asm *a, enum x86_reg d, enum x86_reg s)               \
    { x86_done(a, x86_enc_rr(a, 0, w, opc, nopc, d, s, rex_s)); }
X86_MOV_RR(movsxd_rr, 1, 0x63, 1, 0)                     /* movsxd r64, r32 */
X86_MOV_RR(movzx8_rr, 0, 0xB60F, 2, s >= 4 && s <= 7)    /* movzx r32, r8 */
X86_MOV_RR(movzx16_rr, 0, 0xB70F, 2, 0)                  /* movzx r32, r16 */
X86_MOV_RR(movsx8_rr, 1, 0xBE0F, 2, 0)                   /* movsx r64, r8 */
X86_MOV_RR(movsx16_rr, 1, 0xBF0F, 2, 0)                  /* movsx r64, r16 */
#undef X86_MOV_RR

#define X86_MOV_RM(name, prefix, w, opc, nopc)                                                \
    X86_FORM void x86_##name(struct x86_asm *a, enum x86_reg d, struct x86_mem m)             \
    { x86_done(a, x86_enc_rm(a, prefix, w, opc, nopc, d, m, 0)); }
X86_MOV_RM(movsxd_rm, 0, 1, 0x63, 1)       /* movsxd r64, dword [m] */
X86_MOV_RM(movzx8_rm, 0, 0, 0xB60F, 2)     /* movzx r32, byte [m] */
X86_MOV_RM(movzx16_rm, 0, 0, 0xB70F, 2)    /* movzx r32, word [m] */
X86_MOV_RM(movsx8_rm, 0, 1, 0xBE0F, 2)     /* movsx r64, byte [m] */
X86_MOV_RM(movsx16_rm, 0, 1, 0xBF0F, 2)    /* movsx r64, word [m] */
X86_MOV_RM(mov_rm, 0, 1, 0x8B, 1)          /* mov r64, qword [m] */
X86_MOV_RM(mov_rm32, 0, 0, 0x8B, 1)        /* mov r32, dword [m] */
X86_MOV_RM(lea, 0, 1, 0x8D, 1)             /* lea r64, [m] */
#undef X86_MOV_RM

#define X86_MOV_MR(name, prefix, w, opc, rex_s)                                               \
    X86_FORM void x86_##name(struct x86_asm *a, struct x86_mem m, enum x86_reg s)             \
    { x86_done(a, x86_enc_rm(a, prefix, w, opc, 1, s, m, rex_s)); }
X86_MOV_MR(mov_mr, 0, 1, 0x89, 0)                        /* mov qword [m], r64 */
X86_MOV_MR(mov_mr32, 0, 0, 0x89, 0)                      /* mov dword [m], r32 */
X86_MOV_MR(mov_mr16, 0x66, 0, 0x89, 0)                   /* mov word [m], r16 */
X86_MOV_MR(mov_mr8, 0, 0, 0x88, s >= 4 && s <= 7)        /* mov byte [m], r8 */
#undef X86_MOV_MR

/* mov qword [m], simm32 */
X86_FORM void x86_mov_mi(struct x86_asm *a, struct x86_mem m, int32_t imm)
{
    x86_done32(a, x86_enc_rm(a, 0, 1, 0xC7, 1, 0, m, 0), (uint32_t)imm);
}
/* setcc r8 */
X86_FORM void x86_setcc(struct x86_asm *a, enum x86_cc cc, enum x86_reg d)
{
    x86_done(a, x86_enc_rr(a, 0, 0, 0x900F + ((uint32_t)cc << 8), 2, 0, d, d >= 4 && d <= 7));
}
/* cmovcc r64, r64 */
X86_FORM void x86_cmovcc(struct x86_asm *a, enum x86_cc cc, enum x86_reg d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0, 1, 0x400F + ((uint32_t)cc << 8), 2, d, s, 0));
}

/* ---- SSE: the register map's XMM lanes ---- */

void x86_lane_error(struct x86_asm *a);
/* movq xmm, r64 */
X86_FORM void x86_movq_xr(struct x86_asm *a, enum x86_xmm d, enum x86_reg s)
{
    x86_done(a, x86_enc_rr(a, 0x66, 1, 0x6E0F, 2, (int)d, s, 0));
}
/* movq r64, xmm */
X86_FORM void x86_movq_rx(struct x86_asm *a, enum x86_reg d, enum x86_xmm s)
{
    x86_done(a, x86_enc_rr(a, 0x66, 1, 0x7E0F, 2, (int)s, d, 0));
}
/* The lane forms (66 REX.W 0F 3A op /r ib): reg = the xmm, rm = the GPR or memory. */
X86_FORM void x86_lane_rr(struct x86_asm *a, uint32_t opc, int xmm, enum x86_reg r,
                          uint8_t lane)
{
    if (lane > 1)
        x86_lane_error(a);
    else
        x86_done8(a, x86_enc_rr(a, 0x66, 1, opc, 3, xmm, r, 0), lane);
}
X86_FORM void x86_lane_rm(struct x86_asm *a, uint32_t opc, int xmm, struct x86_mem m,
                          uint8_t lane)
{
    if (lane > 1)
        x86_lane_error(a);
    else
        x86_done8(a, x86_enc_rm(a, 0x66, 1, opc, 3, xmm, m, 0), lane);
}
#define X86_PEXTRQ 0x163A0F
#define X86_PINSRQ 0x223A0F
/* pextrq r64, xmm, lane */
X86_FORM void x86_pextrq_rx(struct x86_asm *a, enum x86_reg d, enum x86_xmm s, uint8_t lane)
{
    x86_lane_rr(a, X86_PEXTRQ, (int)s, d, lane);
}
/* pextrq qword [m], xmm, lane */
X86_FORM void x86_pextrq_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s, uint8_t lane)
{
    x86_lane_rm(a, X86_PEXTRQ, (int)s, m, lane);
}
/* pinsrq xmm, r64, lane */
X86_FORM void x86_pinsrq_xr(struct x86_asm *a, enum x86_xmm d, enum x86_reg s, uint8_t lane)
{
    x86_lane_rr(a, X86_PINSRQ, (int)d, s, lane);
}
/* pinsrq xmm, qword [m], lane */
X86_FORM void x86_pinsrq_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m, uint8_t lane)
{
    x86_lane_rm(a, X86_PINSRQ, (int)d, m, lane);
}
/* movq xmm, qword [m] (zeroes the upper lane) */
X86_FORM void x86_movq_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m)
{
    x86_done(a, x86_enc_rm(a, 0xF3, 0, 0x7E0F, 2, (int)d, m, 0));
}
/* movq qword [m], xmm */
X86_FORM void x86_movq_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s)
{
    x86_done(a, x86_enc_rm(a, 0x66, 0, 0xD60F, 2, (int)s, m, 0));
}
/* movdqu xmm, xmmword [m] */
X86_FORM void x86_movdqu_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m)
{
    x86_done(a, x86_enc_rm(a, 0xF3, 0, 0x6F0F, 2, (int)d, m, 0));
}
/* movdqu xmmword [m], xmm */
X86_FORM void x86_movdqu_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s)
{
    x86_done(a, x86_enc_rm(a, 0xF3, 0, 0x7F0F, 2, (int)s, m, 0));
}

/* ---- control flow ---- */

void x86_jcc_label(struct x86_asm *a, enum x86_cc cc, int label);   /* jcc rel32 */
void x86_jmp_label(struct x86_asm *a, int label);                   /* jmp rel32 */
void x86_call_label(struct x86_asm *a, int label);                  /* call rel32 */

/* jcc rel32 (raw) */
X86_FORM void x86_jcc_rel32(struct x86_asm *a, enum x86_cc cc, int32_t rel)
{
    uint8_t *p = x86_begin(a);
    if (p) {
        p[0] = 0x0F;
        p[1] = (uint8_t)(0x80 + cc);
        x86_end(a, x86_put32(p + 2, (uint32_t)rel));
    }
}
/* jmp rel32 / call rel32 (raw) */
X86_FORM void x86_op_rel32(struct x86_asm *a, uint8_t op, int32_t rel)
{
    uint8_t *p = x86_begin(a);
    if (p) {
        p[0] = op;
        x86_end(a, x86_put32(p + 1, (uint32_t)rel));
    }
}
X86_FORM void x86_jmp_rel32(struct x86_asm *a, int32_t rel) { x86_op_rel32(a, 0xE9, rel); }
X86_FORM void x86_call_rel32(struct x86_asm *a, int32_t rel) { x86_op_rel32(a, 0xE8, rel); }

/* Forward jumps without labels, for code emitted in one pass: *_fwd emits the jump with a zero
 * displacement and returns the offset of its displacement field; x86_bind8 / x86_bind32 point
 * it at `to` (x86_here(a) for the current position). A rel8 that cannot reach sets the error. */
X86_FORM size_t x86_here(const struct x86_asm *a) { return (size_t)(a->pos - a->buf); }
/* jcc rel8 / jmp rel8 */
X86_FORM size_t x86_op8_fwd(struct x86_asm *a, uint8_t op)
{
    uint8_t *p = x86_begin(a);
    if (!p)
        return 0;
    p[0] = op;
    p[1] = 0;
    x86_end(a, p + 2);
    return x86_here(a) - 1;
}
X86_FORM size_t x86_jcc8_fwd(struct x86_asm *a, enum x86_cc cc)
{
    return x86_op8_fwd(a, (uint8_t)(0x70 + cc));
}
X86_FORM size_t x86_jmp8_fwd(struct x86_asm *a) { return x86_op8_fwd(a, 0xEB); }
/* jcc rel32 / jmp rel32 */
X86_FORM size_t x86_jcc32_fwd(struct x86_asm *a, enum x86_cc cc)
{
    x86_jcc_rel32(a, cc, 0);
    return x86_here(a) - 4;
}
X86_FORM size_t x86_jmp32_fwd(struct x86_asm *a)
{
    x86_jmp_rel32(a, 0);
    return x86_here(a) - 4;
}
void x86_bind_range_error(struct x86_asm *a);
X86_FORM void x86_bind8(struct x86_asm *a, size_t at, size_t to)
{
    const int64_t rel = (int64_t)to - ((int64_t)at + 1);
    if (a->error)
        return;
    if (at >= x86_here(a) || !x86_is_simm8(rel))
        x86_bind_range_error(a);
    else
        a->buf[at] = (uint8_t)(int8_t)rel;
}
X86_FORM void x86_bind32(struct x86_asm *a, size_t at, size_t to)
{
    const int64_t rel = (int64_t)to - ((int64_t)at + 4);
    if (a->error)
        return;
    if (at + 4 > x86_here(a) || rel < INT32_MIN || rel > INT32_MAX) {
        x86_bind_range_error(a);
        return;
    }
    const int32_t r = (int32_t)rel;
    memcpy(a->buf + at, &r, 4);
}

/* jmp r64 / call r64 / jmp qword [m] / call qword [m] */
X86_FORM void x86_jmp_r(struct x86_asm *a, enum x86_reg r)
{
    x86_done(a, x86_enc_rr(a, 0, 0, 0xFF, 1, 4, r, 0));
}
X86_FORM void x86_call_r(struct x86_asm *a, enum x86_reg r)
{
    x86_done(a, x86_enc_rr(a, 0, 0, 0xFF, 1, 2, r, 0));
}
X86_FORM void x86_jmp_m(struct x86_asm *a, struct x86_mem m)
{
    x86_done(a, x86_enc_rm(a, 0, 0, 0xFF, 1, 4, m, 0));
}
X86_FORM void x86_call_m(struct x86_asm *a, struct x86_mem m)
{
    x86_done(a, x86_enc_rm(a, 0, 0, 0xFF, 1, 2, m, 0));
}
/* call an absolute address: movabs scratch, target; call scratch */
X86_FORM void x86_call_abs(struct x86_asm *a, enum x86_reg scratch, const void *target)
{
    x86_movabs_ri(a, scratch, (uint64_t)(uintptr_t)target);
    x86_call_r(a, scratch);
}
/* push r64 / pop r64 */
X86_FORM void x86_push_pop(struct x86_asm *a, uint8_t op, enum x86_reg r)
{
    uint8_t *p = x86_begin(a);
    if (!p)
        return;
    if (r >= 8)
        *p++ = 0x41;
    *p++ = (uint8_t)(op + (r & 7));
    x86_end(a, p);
}
X86_FORM void x86_push_r(struct x86_asm *a, enum x86_reg r) { x86_push_pop(a, 0x50, r); }
X86_FORM void x86_pop_r(struct x86_asm *a, enum x86_reg r) { x86_push_pop(a, 0x58, r); }
/* nop of n bytes, 1 <= n <= 9: the forms both vendors recommend (0F 1F /0 with a
 * ModRM/SIB/displacement of the length, 66 prefixes for the odd ones); padding, executed. */
X86_FORM void x86_nop(struct x86_asm *a, unsigned n)
{
    static const uint8_t forms[9][9] = {
        {0x90},
        {0x66, 0x90},
        {0x0F, 0x1F, 0x00},
        {0x0F, 0x1F, 0x40, 0x00},
        {0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    uint8_t *p = x86_begin(a);
    if (p && n >= 1 && n <= 9) {
        memcpy(p, forms[n - 1], n);
        x86_end(a, p + n);
    }
}
/* ret / ud2 */
X86_FORM void x86_ret(struct x86_asm *a)
{
    uint8_t *p = x86_begin(a);
    if (p) {
        p[0] = 0xC3;
        x86_end(a, p + 1);
    }
}
X86_FORM void x86_ud2(struct x86_asm *a)
{
    uint8_t *p = x86_begin(a);
    if (p) {
        p[0] = 0x0F;
        p[1] = 0x0B;
        x86_end(a, p + 2);
    }
}

#endif
