/* x86_enc.c — the x86-64 encoder (API and operand conventions: x86_enc.h).
 *
 * Every instruction goes through two helpers: enc_rr (ModRM with mod = 11) and enc_rm (ModRM,
 * SIB and displacement for [base + index*scale + disp]). Encoding rules: Intel SDM vol. 2,
 * ch. 2.1-2.2 (prefix order legacy, REX, opcode; rsp/r12 bases need a SIB byte; rbp/r13 bases
 * need a displacement even when it is 0; rsp cannot be an index).
 * Usage: see x86_enc.h. */
#include "tiers/tier0/x86_enc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REX_W 8

void x86_asm_init(struct x86_asm *a)
{
    memset(a, 0, sizeof *a);
}

void x86_asm_free(struct x86_asm *a)
{
    free(a->buf);
    free(a->labels);
    free(a->fixups);
    memset(a, 0, sizeof *a);
}

void x86_asm_fail(struct x86_asm *a, const char *what)
{
    if (a->error)
        return;
    a->error = 1;
    a->cap = a->len;   /* every later put takes the slow path, which sees the error */
    snprintf(a->err, sizeof a->err, "x86 encoder: %s (at code offset %zu)", what, a->len);
}

static int grow(struct x86_asm *a, void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q) {
        x86_asm_fail(a, "out of memory growing the code buffer");
        return -1;
    }
    *p = q;
    *cap = n;
    return 0;
}

/* The per-byte fast path is inline: translation emits ~75 bytes per guest instruction, and a
 * call plus a capacity check per byte was most of the translation time. After an error cap is
 * clamped to len (x86_asm_fail), so the fast path always falls through to the checks. */
static void put_slow(struct x86_asm *a, const void *p, size_t n)
{
    if (a->error || grow(a, (void **)&a->buf, &a->cap, a->len + n, 1))
        return;
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static inline void put8(struct x86_asm *a, uint8_t b)
{
    if (__builtin_expect(a->len < a->cap, 1))
        a->buf[a->len++] = b;
    else
        put_slow(a, &b, 1);
}

static inline void put32(struct x86_asm *a, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    if (__builtin_expect(a->cap - a->len >= 4, 1)) {
        memcpy(a->buf + a->len, b, 4);
        a->len += 4;
    } else {
        put_slow(a, b, 4);
    }
}

static inline void put64(struct x86_asm *a, uint64_t v)
{
    put32(a, (uint32_t)v);
    put32(a, (uint32_t)(v >> 32));
}

void x86_emit_u8(struct x86_asm *a, uint8_t b)
{
    put8(a, b);
}

void x86_emit_u32(struct x86_asm *a, uint32_t v)
{
    put32(a, v);
}

void x86_emit_u64(struct x86_asm *a, uint64_t v)
{
    put64(a, v);
}

/* ---- labels ---- */

int x86_label_new(struct x86_asm *a)
{
    if (a->error || grow(a, (void **)&a->labels, &a->cap_labels, a->n_labels + 1, sizeof(int64_t)))
        return 0;
    a->labels[a->n_labels] = -1;
    return (int)a->n_labels++;
}

void x86_label_bind(struct x86_asm *a, int label)
{
    if (a->error)
        return;
    if (label < 0 || (size_t)label >= a->n_labels || a->labels[label] >= 0) {
        x86_asm_fail(a, "label bound twice or never created");
        return;
    }
    a->labels[label] = (int64_t)a->len;
}

int64_t x86_label_offset(const struct x86_asm *a, int label)
{
    if (label < 0 || (size_t)label >= a->n_labels)
        return -1;
    return a->labels[label];
}

/* A rel32 field that the label's offset fills in at x86_asm_finish. */
static void emit_label_rel32(struct x86_asm *a, int label)
{
    if (a->error)
        return;
    if (label < 0 || (size_t)label >= a->n_labels) {
        x86_asm_fail(a, "jump to a label that was never created");
        return;
    }
    if (grow(a, (void **)&a->fixups, &a->cap_fixups, a->n_fixups + 1, sizeof *a->fixups))
        return;
    a->fixups[a->n_fixups++] = (struct x86_fixup){(uint32_t)a->len, (uint32_t)label};
    put32(a, 0);
}

int x86_asm_finish(struct x86_asm *a)
{
    if (!a->error && a->len > INT32_MAX)
        x86_asm_fail(a, "code larger than 2 GiB: rel32 jumps cannot reach");
    for (size_t i = 0; i < a->n_fixups && !a->error; i++) {
        const struct x86_fixup *f = &a->fixups[i];
        int64_t to = a->labels[f->label];
        if (to < 0) {
            x86_asm_fail(a, "jump to a label that was never bound");
            break;
        }
        int32_t rel = (int32_t)(to - ((int64_t)f->at + 4));
        memcpy(a->buf + f->at, &rel, 4);
    }
    a->n_fixups = 0;
    return a->error ? -1 : 0;
}

/* ---- the two encoding helpers ---- */

static int is_simm8(int64_t v)
{
    return v >= -128 && v <= 127;
}

static int check_reg(struct x86_asm *a, int r)
{
    if (r < 0 || r > 15) {
        x86_asm_fail(a, "register number out of range 0..15");
        return -1;
    }
    return 0;
}

/* prefix (0, 0x66 or 0xF3), REX, opcode bytes, ModRM (mod = 11). rex_byte forces a REX prefix
 * so that 8-bit operands 4..7 mean spl/bpl/sil/dil rather than ah/ch/dh/bh. */
static void enc_rr(struct x86_asm *a, uint8_t prefix, int w, const uint8_t *opc, int nopc,
                   int reg, int rm, int rex_byte)
{
    if (check_reg(a, reg) || check_reg(a, rm))
        return;
    if (prefix)
        put8(a, prefix);
    uint8_t rex = (uint8_t)((w ? REX_W : 0) | ((reg >> 3) << 2) | (rm >> 3));
    if (rex || rex_byte)
        put8(a, 0x40 | rex);
    for (int i = 0; i < nopc; i++)
        put8(a, opc[i]);
    put8(a, (uint8_t)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
}

static void enc_rm(struct x86_asm *a, uint8_t prefix, int w, const uint8_t *opc, int nopc,
                   int reg, struct x86_mem m, int rex_byte)
{
    if (check_reg(a, reg) || (m.base != X86_NOREG && check_reg(a, m.base)) ||
        (m.index != X86_NOREG && check_reg(a, m.index)))
        return;
    if (m.index == X86_RSP) {
        x86_asm_fail(a, "rsp cannot be an index register");
        return;
    }
    int ss;
    switch (m.scale) {
    case 1: ss = 0; break;
    case 2: ss = 1; break;
    case 4: ss = 2; break;
    case 8: ss = 3; break;
    default: x86_asm_fail(a, "memory operand scale must be 1, 2, 4 or 8"); return;
    }
    int has_index = m.index != X86_NOREG;
    if (!has_index)
        ss = 0;
    if (prefix)
        put8(a, prefix);
    uint8_t rex = (uint8_t)((w ? REX_W : 0) | ((reg >> 3) << 2) |
                            (has_index ? (m.index >> 3) << 1 : 0) |
                            (m.base != X86_NOREG ? m.base >> 3 : 0));
    if (rex || rex_byte)
        put8(a, 0x40 | rex);
    for (int i = 0; i < nopc; i++)
        put8(a, opc[i]);
    uint8_t r3 = (uint8_t)((reg & 7) << 3);
    uint8_t sib_index = (uint8_t)((has_index ? (m.index & 7) : 4) << 3);
    if (m.base == X86_NOREG) {
        /* mod 00, rm 100, SIB base 101: [index*scale + disp32] */
        put8(a, 0x04 | r3);
        put8(a, (uint8_t)((ss << 6) | sib_index | 5));
        put32(a, (uint32_t)m.disp);
        return;
    }
    int mod = (m.disp == 0 && (m.base & 7) != 5) ? 0 : is_simm8(m.disp) ? 1 : 2;
    if (has_index || (m.base & 7) == 4) {
        put8(a, (uint8_t)((mod << 6) | r3 | 4));
        put8(a, (uint8_t)((ss << 6) | sib_index | (m.base & 7)));
    } else {
        put8(a, (uint8_t)((mod << 6) | r3 | (m.base & 7)));
    }
    if (mod == 1)
        put8(a, (uint8_t)(int8_t)m.disp);
    else if (mod == 2)
        put32(a, (uint32_t)m.disp);
}

#define OPC(...) (const uint8_t[]){__VA_ARGS__}, (int)sizeof((const uint8_t[]){__VA_ARGS__})

/* ---- integer ALU ---- */

void x86_alu_rr(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst, enum x86_reg src)
{
    enc_rr(a, 0, w64, OPC((uint8_t)(op * 8 + 1)), src, dst, 0);   /* op r/m, r */
}

void x86_alu_ri(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst, int32_t imm)
{
    if (is_simm8(imm)) {
        enc_rr(a, 0, w64, OPC(0x83), op, dst, 0);
        put8(a, (uint8_t)(int8_t)imm);
    } else {
        enc_rr(a, 0, w64, OPC(0x81), op, dst, 0);
        put32(a, (uint32_t)imm);
    }
}

void x86_alu_rm(struct x86_asm *a, enum x86_alu op, int w64, enum x86_reg dst, struct x86_mem m)
{
    enc_rm(a, 0, w64, OPC((uint8_t)(op * 8 + 3)), dst, m, 0);      /* op r, r/m */
}

void x86_alu_mi(struct x86_asm *a, enum x86_alu op, int w64, struct x86_mem m, int32_t imm)
{
    if (is_simm8(imm)) {
        enc_rm(a, 0, w64, OPC(0x83), op, m, 0);
        put8(a, (uint8_t)(int8_t)imm);
    } else {
        enc_rm(a, 0, w64, OPC(0x81), op, m, 0);
        put32(a, (uint32_t)imm);
    }
}

void x86_test_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 1, OPC(0x85), s, d, 0);
}

void x86_test_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 0, OPC(0x85), s, d, 0);
}

void x86_test_ri(struct x86_asm *a, enum x86_reg d, int32_t imm)
{
    enc_rr(a, 0, 1, OPC(0xF7), 0, d, 0);
    put32(a, (uint32_t)imm);
}

void x86_test_ri32(struct x86_asm *a, enum x86_reg d, int32_t imm)
{
    enc_rr(a, 0, 0, OPC(0xF7), 0, d, 0);
    put32(a, (uint32_t)imm);
}

void x86_test_mr(struct x86_asm *a, struct x86_mem m, enum x86_reg s)
{
    enc_rm(a, 0, 1, OPC(0x85), s, m, 0);
}

void x86_test_ri8(struct x86_asm *a, enum x86_reg d, uint8_t imm)
{
    enc_rr(a, 0, 0, OPC(0xF6), 0, d, d >= 4 && d <= 7);   /* spl..dil need a REX prefix */
    put8(a, imm);
}

void x86_shift_ri(struct x86_asm *a, enum x86_shift op, int w64, enum x86_reg d, uint8_t imm)
{
    if (imm > (w64 ? 63 : 31)) {
        x86_asm_fail(a, "shift amount out of range");
        return;
    }
    if (imm == 1) {
        enc_rr(a, 0, w64, OPC(0xD1), op, d, 0);   /* the canonical shift-by-one form */
        return;
    }
    enc_rr(a, 0, w64, OPC(0xC1), op, d, 0);
    put8(a, imm);
}

void x86_shift_rcl(struct x86_asm *a, enum x86_shift op, int w64, enum x86_reg d)
{
    enc_rr(a, 0, w64, OPC(0xD3), op, d, 0);
}

void x86_imul_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 1, OPC(0x0F, 0xAF), d, s, 0);
}

void x86_imul_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 0, OPC(0x0F, 0xAF), d, s, 0);
}

void x86_mul_r(struct x86_asm *a, enum x86_reg s) { enc_rr(a, 0, 1, OPC(0xF7), 4, s, 0); }
void x86_imul_r(struct x86_asm *a, enum x86_reg s) { enc_rr(a, 0, 1, OPC(0xF7), 5, s, 0); }
void x86_div_r(struct x86_asm *a, enum x86_reg s) { enc_rr(a, 0, 1, OPC(0xF7), 6, s, 0); }
void x86_idiv_r(struct x86_asm *a, enum x86_reg s) { enc_rr(a, 0, 1, OPC(0xF7), 7, s, 0); }
void x86_div_r32(struct x86_asm *a, enum x86_reg s) { enc_rr(a, 0, 0, OPC(0xF7), 6, s, 0); }
void x86_idiv_r32(struct x86_asm *a, enum x86_reg s) { enc_rr(a, 0, 0, OPC(0xF7), 7, s, 0); }
void x86_neg_r(struct x86_asm *a, enum x86_reg d) { enc_rr(a, 0, 1, OPC(0xF7), 3, d, 0); }
void x86_neg_r32(struct x86_asm *a, enum x86_reg d) { enc_rr(a, 0, 0, OPC(0xF7), 3, d, 0); }
void x86_not_r(struct x86_asm *a, enum x86_reg d) { enc_rr(a, 0, 1, OPC(0xF7), 2, d, 0); }
void x86_not_r32(struct x86_asm *a, enum x86_reg d) { enc_rr(a, 0, 0, OPC(0xF7), 2, d, 0); }

void x86_cqo(struct x86_asm *a)
{
    put8(a, 0x48);
    put8(a, 0x99);
}

void x86_cdq(struct x86_asm *a)
{
    put8(a, 0x99);
}

/* ---- moves ---- */

void x86_mov_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 1, OPC(0x89), s, d, 0);
}

void x86_mov_rr32(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 0, OPC(0x89), s, d, 0);
}

void x86_mov_ri32(struct x86_asm *a, enum x86_reg d, uint32_t imm)
{
    if (check_reg(a, d))
        return;
    if (d >= 8)
        put8(a, 0x41);
    put8(a, (uint8_t)(0xB8 + (d & 7)));
    put32(a, imm);
}

void x86_mov_ri(struct x86_asm *a, enum x86_reg d, int32_t imm)
{
    enc_rr(a, 0, 1, OPC(0xC7), 0, d, 0);
    put32(a, (uint32_t)imm);
}

void x86_movabs_ri(struct x86_asm *a, enum x86_reg d, uint64_t imm)
{
    if (check_reg(a, d))
        return;
    put8(a, (uint8_t)(0x48 | (d >> 3)));
    put8(a, (uint8_t)(0xB8 + (d & 7)));
    put64(a, imm);
}

void x86_mov_imm(struct x86_asm *a, enum x86_reg d, uint64_t imm)
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

void x86_movsxd_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 1, OPC(0x63), d, s, 0);
}

void x86_movsxd_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 1, OPC(0x63), d, m, 0);
}

void x86_movzx8_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 0, OPC(0x0F, 0xB6), d, s, s >= 4 && s <= 7);
}

void x86_movzx16_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 0, OPC(0x0F, 0xB7), d, s, 0);
}

void x86_movsx8_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 1, OPC(0x0F, 0xBE), d, s, 0);
}

void x86_movsx16_rr(struct x86_asm *a, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 1, OPC(0x0F, 0xBF), d, s, 0);
}

void x86_movzx8_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 0, OPC(0x0F, 0xB6), d, m, 0);
}

void x86_movzx16_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 0, OPC(0x0F, 0xB7), d, m, 0);
}

void x86_movsx8_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 1, OPC(0x0F, 0xBE), d, m, 0);
}

void x86_movsx16_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 1, OPC(0x0F, 0xBF), d, m, 0);
}

void x86_mov_rm(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 1, OPC(0x8B), d, m, 0);
}

void x86_mov_rm32(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 0, OPC(0x8B), d, m, 0);
}

void x86_mov_mr(struct x86_asm *a, struct x86_mem m, enum x86_reg s)
{
    enc_rm(a, 0, 1, OPC(0x89), s, m, 0);
}

void x86_mov_mr32(struct x86_asm *a, struct x86_mem m, enum x86_reg s)
{
    enc_rm(a, 0, 0, OPC(0x89), s, m, 0);
}

void x86_mov_mr16(struct x86_asm *a, struct x86_mem m, enum x86_reg s)
{
    enc_rm(a, 0x66, 0, OPC(0x89), s, m, 0);
}

void x86_mov_mr8(struct x86_asm *a, struct x86_mem m, enum x86_reg s)
{
    enc_rm(a, 0, 0, OPC(0x88), s, m, s >= 4 && s <= 7);
}

void x86_mov_mi(struct x86_asm *a, struct x86_mem m, int32_t imm)
{
    enc_rm(a, 0, 1, OPC(0xC7), 0, m, 0);
    put32(a, (uint32_t)imm);
}

void x86_lea(struct x86_asm *a, enum x86_reg d, struct x86_mem m)
{
    enc_rm(a, 0, 1, OPC(0x8D), d, m, 0);
}

void x86_setcc(struct x86_asm *a, enum x86_cc cc, enum x86_reg d)
{
    enc_rr(a, 0, 0, OPC(0x0F, (uint8_t)(0x90 + cc)), 0, d, d >= 4 && d <= 7);
}

void x86_cmovcc(struct x86_asm *a, enum x86_cc cc, enum x86_reg d, enum x86_reg s)
{
    enc_rr(a, 0, 1, OPC(0x0F, (uint8_t)(0x40 + cc)), d, s, 0);
}

/* ---- SSE ---- */

static int check_lane(struct x86_asm *a, uint8_t lane)
{
    if (lane > 1) {
        x86_asm_fail(a, "xmm lane must be 0 or 1");
        return -1;
    }
    return 0;
}

void x86_movq_xr(struct x86_asm *a, enum x86_xmm d, enum x86_reg s)
{
    enc_rr(a, 0x66, 1, OPC(0x0F, 0x6E), (int)d, s, 0);
}

void x86_movq_rx(struct x86_asm *a, enum x86_reg d, enum x86_xmm s)
{
    enc_rr(a, 0x66, 1, OPC(0x0F, 0x7E), (int)s, d, 0);
}

void x86_pextrq_rx(struct x86_asm *a, enum x86_reg d, enum x86_xmm s, uint8_t lane)
{
    if (check_lane(a, lane))
        return;
    enc_rr(a, 0x66, 1, OPC(0x0F, 0x3A, 0x16), (int)s, d, 0);
    put8(a, lane);
}

void x86_pextrq_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s, uint8_t lane)
{
    if (check_lane(a, lane))
        return;
    enc_rm(a, 0x66, 1, OPC(0x0F, 0x3A, 0x16), (int)s, m, 0);
    put8(a, lane);
}

void x86_pinsrq_xr(struct x86_asm *a, enum x86_xmm d, enum x86_reg s, uint8_t lane)
{
    if (check_lane(a, lane))
        return;
    enc_rr(a, 0x66, 1, OPC(0x0F, 0x3A, 0x22), (int)d, s, 0);
    put8(a, lane);
}

void x86_pinsrq_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m, uint8_t lane)
{
    if (check_lane(a, lane))
        return;
    enc_rm(a, 0x66, 1, OPC(0x0F, 0x3A, 0x22), (int)d, m, 0);
    put8(a, lane);
}

void x86_movq_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m)
{
    enc_rm(a, 0xF3, 0, OPC(0x0F, 0x7E), (int)d, m, 0);
}

void x86_movq_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s)
{
    enc_rm(a, 0x66, 0, OPC(0x0F, 0xD6), (int)s, m, 0);
}

void x86_movdqu_xm(struct x86_asm *a, enum x86_xmm d, struct x86_mem m)
{
    enc_rm(a, 0xF3, 0, OPC(0x0F, 0x6F), (int)d, m, 0);
}

void x86_movdqu_mx(struct x86_asm *a, struct x86_mem m, enum x86_xmm s)
{
    enc_rm(a, 0xF3, 0, OPC(0x0F, 0x7F), (int)s, m, 0);
}

/* ---- control flow ---- */

void x86_jcc_label(struct x86_asm *a, enum x86_cc cc, int label)
{
    put8(a, 0x0F);
    put8(a, (uint8_t)(0x80 + cc));
    emit_label_rel32(a, label);
}

void x86_jmp_label(struct x86_asm *a, int label)
{
    put8(a, 0xE9);
    emit_label_rel32(a, label);
}

void x86_call_label(struct x86_asm *a, int label)
{
    put8(a, 0xE8);
    emit_label_rel32(a, label);
}

void x86_jcc_rel32(struct x86_asm *a, enum x86_cc cc, int32_t rel)
{
    put8(a, 0x0F);
    put8(a, (uint8_t)(0x80 + cc));
    put32(a, (uint32_t)rel);
}

void x86_jmp_rel32(struct x86_asm *a, int32_t rel)
{
    put8(a, 0xE9);
    put32(a, (uint32_t)rel);
}

void x86_call_rel32(struct x86_asm *a, int32_t rel)
{
    put8(a, 0xE8);
    put32(a, (uint32_t)rel);
}

size_t x86_jcc8_fwd(struct x86_asm *a, enum x86_cc cc)
{
    put8(a, (uint8_t)(0x70 + cc));
    put8(a, 0);
    return a->len - 1;
}

size_t x86_jmp8_fwd(struct x86_asm *a)
{
    put8(a, 0xEB);
    put8(a, 0);
    return a->len - 1;
}

size_t x86_jcc32_fwd(struct x86_asm *a, enum x86_cc cc)
{
    x86_jcc_rel32(a, cc, 0);
    return a->len - 4;
}

size_t x86_jmp32_fwd(struct x86_asm *a)
{
    x86_jmp_rel32(a, 0);
    return a->len - 4;
}

void x86_bind8(struct x86_asm *a, size_t at, size_t to)
{
    if (a->error)
        return;
    int64_t rel = (int64_t)to - ((int64_t)at + 1);
    if (at >= a->len || !is_simm8(rel)) {
        x86_asm_fail(a, "short jump out of rel8 range");
        return;
    }
    a->buf[at] = (uint8_t)(int8_t)rel;
}

void x86_bind32(struct x86_asm *a, size_t at, size_t to)
{
    if (a->error)
        return;
    int64_t rel = (int64_t)to - ((int64_t)at + 4);
    if (at + 4 > a->len || rel < INT32_MIN || rel > INT32_MAX) {
        x86_asm_fail(a, "jump out of rel32 range");
        return;
    }
    int32_t r = (int32_t)rel;
    memcpy(a->buf + at, &r, 4);
}

void x86_jmp_r(struct x86_asm *a, enum x86_reg r) { enc_rr(a, 0, 0, OPC(0xFF), 4, r, 0); }
void x86_call_r(struct x86_asm *a, enum x86_reg r) { enc_rr(a, 0, 0, OPC(0xFF), 2, r, 0); }
void x86_jmp_m(struct x86_asm *a, struct x86_mem m) { enc_rm(a, 0, 0, OPC(0xFF), 4, m, 0); }
void x86_call_m(struct x86_asm *a, struct x86_mem m) { enc_rm(a, 0, 0, OPC(0xFF), 2, m, 0); }

void x86_call_abs(struct x86_asm *a, enum x86_reg scratch, const void *target)
{
    x86_movabs_ri(a, scratch, (uint64_t)(uintptr_t)target);
    x86_call_r(a, scratch);
}

void x86_push_r(struct x86_asm *a, enum x86_reg r)
{
    if (check_reg(a, r))
        return;
    if (r >= 8)
        put8(a, 0x41);
    put8(a, (uint8_t)(0x50 + (r & 7)));
}

void x86_pop_r(struct x86_asm *a, enum x86_reg r)
{
    if (check_reg(a, r))
        return;
    if (r >= 8)
        put8(a, 0x41);
    put8(a, (uint8_t)(0x58 + (r & 7)));
}

void x86_ret(struct x86_asm *a) { put8(a, 0xC3); }

void x86_ud2(struct x86_asm *a)
{
    put8(a, 0x0F);
    put8(a, 0x0B);
}
