/* x86_enc.h — x86-64 encoder for exactly the forms a RISC-V emitter needs.
 *
 * Typed functions in Intel operand order (destination first), each with its mnemonic in a
 * comment. Suffix rr = reg, reg; ri = reg, imm; rm = reg, [mem]; mr = [mem], reg; a trailing
 * 32 selects the 32-bit operand size (the result zero-extends to 64 bits, as on the hardware).
 * All state lives in struct x86_asm: the byte buffer, a sticky error flag checked once at the
 * end, and the label/fixup lists for forward jumps (patched by x86_asm_finish); code emitted
 * in one pass can use the label-free x86_*_fwd / x86_bind* instead.
 * The forms are inline, and each writes its bytes after one room check: tier 0 translates
 * tens of millions of guest instructions a second, ~10 host instructions each, and a call plus
 * a capacity check per byte was most of its translation time. Encoding rules: Intel SDM vol.
 * 2, ch. 2.1-2.2 (prefix order legacy, REX, opcode; rsp/r12 bases need a SIB byte; rbp/r13
 * bases need a displacement even when it is 0; rsp cannot be an index).
 * Code is position independent: calls to C go through a register (x86_movabs_ri + x86_call_r).
 * Usage:
 *   struct x86_asm a; x86_asm_init(&a);
 *   int l = x86_label_new(&a); x86_jcc_label(&a, X86_CC_E, l); x86_add_rr(&a, X86_RAX, X86_RBX);
 *   x86_label_bind(&a, l); x86_ret(&a);
 *   if (x86_asm_finish(&a)) fail(a.err); use a.buf[0 .. x86_here(&a)); x86_asm_free(&a); */
#ifndef RVT_TIER0_X86_ENC_H
#define RVT_TIER0_X86_ENC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
    uint8_t *pos;              /* where the next byte goes: the code is [buf, pos). A pointer,
                                * not a length: each form then loads and stores one field */
    size_t cap;
    int fixed;                 /* buf is caller-owned (an mmap): running out is an error */
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
/* Sets the sticky error (first message wins); cap drops to the length, so every later form
 * fails its room check and emits nothing (unless the room is checked by the caller). */
void x86_asm_fail(struct x86_asm *a, const char *what);

int x86_label_new(struct x86_asm *a);
void x86_label_bind(struct x86_asm *a, int label);
/* Offset a label was bound to, or -1. */
int64_t x86_label_offset(const struct x86_asm *a, int label);

/* Raw bytes (for tests and data); prefer the typed functions. */
void x86_emit_u8(struct x86_asm *a, uint8_t b);
void x86_emit_u32(struct x86_asm *a, uint32_t v);
void x86_emit_u64(struct x86_asm *a, uint64_t v);

/* ---- the encoding core ---- */

#define X86_MAX_INSN 16   /* one instruction is at most 15 bytes */
/* Room for X86_MAX_INSN more bytes (grows a malloc'ed buffer), or the error is set. */
void x86_room_slow(struct x86_asm *a);

/* A translation unit that guarantees room itself defines X86_ROOM_CHECKED to 0 before its
 * first include of this header: tier 0's emitter checks once per guest instruction for far
 * more than its longest sequence (t0_emit.c code_room) and stops at the first error, and the
 * check per host instruction was ~10% of its translation work. Its forms then write at the
 * end of the buffer without looking (an error still sticks, and still fails the result). */
#ifndef X86_ROOM_CHECKED
#define X86_ROOM_CHECKED 1
#endif

/* Where the next instruction's bytes go, or NULL after an error. */
static inline uint8_t *x86_begin(struct x86_asm *a)
{
    if (!X86_ROOM_CHECKED) {
        uint8_t *p = a->pos;
        if (!p)   /* never (the buffer is mapped): lets the forms drop their NULL tests */
            __builtin_unreachable();
        return p;
    }
    if (__builtin_expect(a->cap - (size_t)(a->pos - a->buf) < X86_MAX_INSN, 0)) {
        x86_room_slow(a);
        if (a->error)
            return NULL;
    }
    return a->pos;
}
static inline void x86_end(struct x86_asm *a, uint8_t *p)
{
    a->pos = p;
}
static inline uint8_t *x86_put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
    return p + 4;
}

/* [prefix] [REX] opcode (1-3 bytes, low byte first) ModRM(mod = 11). force_rex selects
 * spl/bpl/sil/dil rather than ah/ch/dh/bh for a byte operand in 4..7. Returns the position
 * after the ModRM (for an immediate), or NULL. */
__attribute__((always_inline)) static inline uint8_t *x86_enc_rr(struct x86_asm *a, uint8_t prefix, int w, uint32_t opc,
                                  int nopc, int reg, int rm, int force_rex)
{
    uint8_t *p = x86_begin(a);
    if (!p)
        return NULL;
    if (prefix)
        *p++ = prefix;
    const unsigned rex = (w ? 8u : 0u) | (((unsigned)reg >> 3 & 1) << 2) | ((unsigned)rm >> 3 & 1);
    if (rex || force_rex)
        *p++ = (uint8_t)(0x40 | rex);
    *p++ = (uint8_t)opc;
    if (nopc > 1)
        *p++ = (uint8_t)(opc >> 8);
    if (nopc > 2)
        *p++ = (uint8_t)(opc >> 16);
    *p++ = (uint8_t)(0xC0 | (reg & 7) << 3 | (rm & 7));
    return p;
}

/* The same with a memory operand: ModRM, SIB and displacement for [base + index*scale + disp].
 * Checks the operand (rsp index, scale) and sets the error for a bad one. */
uint8_t *x86_enc_rm_slow(struct x86_asm *a, const char *why);
__attribute__((always_inline)) static inline uint8_t *x86_enc_rm(struct x86_asm *a, uint8_t prefix, int w, uint32_t opc,
                                  int nopc, int reg, struct x86_mem m, int force_rex)
{
    const int has_index = m.index != X86_NOREG;
    if (__builtin_expect(m.index == X86_RSP, 0))
        return x86_enc_rm_slow(a, "rsp cannot be an index register");
    unsigned ss;
    switch (m.scale) {
    case 1: ss = 0; break;
    case 2: ss = 1; break;
    case 4: ss = 2; break;
    case 8: ss = 3; break;
    default: return x86_enc_rm_slow(a, "memory operand scale must be 1, 2, 4 or 8");
    }
    if (!has_index)
        ss = 0;
    uint8_t *p = x86_begin(a);
    if (!p)
        return NULL;
    if (prefix)
        *p++ = prefix;
    const unsigned rex = (w ? 8u : 0u) | (((unsigned)reg >> 3 & 1) << 2) |
                         (has_index ? ((unsigned)m.index >> 3 & 1) << 1 : 0) |
                         (m.base != X86_NOREG ? ((unsigned)m.base >> 3 & 1) : 0);
    if (rex || force_rex)
        *p++ = (uint8_t)(0x40 | rex);
    *p++ = (uint8_t)opc;
    if (nopc > 1)
        *p++ = (uint8_t)(opc >> 8);
    if (nopc > 2)
        *p++ = (uint8_t)(opc >> 16);
    const unsigned r3 = ((unsigned)reg & 7) << 3;
    const unsigned sib_index = (has_index ? ((unsigned)m.index & 7) : 4) << 3;
    if (m.base == X86_NOREG) {
        /* mod 00, rm 100, SIB base 101: [index*scale + disp32] */
        *p++ = (uint8_t)(0x04 | r3);
        *p++ = (uint8_t)(ss << 6 | sib_index | 5);
        return x86_put32(p, (uint32_t)m.disp);
    }
    const unsigned b = (unsigned)m.base & 7;
    const unsigned mod = (m.disp == 0 && b != 5) ? 0 : (m.disp >= -128 && m.disp <= 127) ? 1 : 2;
    if (has_index || b == 4) {
        *p++ = (uint8_t)(mod << 6 | r3 | 4);
        *p++ = (uint8_t)(ss << 6 | sib_index | b);
    } else {
        *p++ = (uint8_t)(mod << 6 | r3 | b);
    }
    if (mod == 1)
        *p++ = (uint8_t)(int8_t)m.disp;
    else if (mod == 2)
        p = x86_put32(p, (uint32_t)m.disp);
    return p;
}

/* Finishes an instruction started by x86_enc_*: an optional 8- or 32-bit immediate. */
static inline void x86_done(struct x86_asm *a, uint8_t *p)
{
    if (p)
        x86_end(a, p);
}
static inline void x86_done8(struct x86_asm *a, uint8_t *p, uint8_t imm)
{
    if (p) {
        *p++ = imm;
        x86_end(a, p);
    }
}
static inline void x86_done32(struct x86_asm *a, uint8_t *p, uint32_t imm)
{
    if (p)
        x86_end(a, x86_put32(p, imm));
}
static inline int x86_is_simm8(int64_t v)
{
    return v >= -128 && v <= 127;
}

#include "tiers/tier0/x86_forms.h"

#endif
