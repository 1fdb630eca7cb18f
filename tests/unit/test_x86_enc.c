/* test_x86_enc.c — the x86-64 encoder (tiers/tier0/x86_enc.h) checked against LLVM's
 * disassembler: every form over all registers, both xmm lanes, the rsp/rbp/r12/r13 addressing
 * special cases and edge immediates must disassemble (Intel syntax) to exactly the intended
 * text and consume exactly the emitted bytes. test_x86_enc.inc adds golden bytes (from GNU as)
 * so that an encoding that LLVM would accept but that differs from the canonical one is caught. */
#include <check.h>
#include <inttypes.h>
#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiers/tier0/x86_enc.h"

static const char *const R64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const R32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *const R16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                                    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *const R8[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                                   "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *const CC[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                   "s", "ns", "p", "np", "l", "ge", "le", "g"};
static const char *const ALU[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
static const enum x86_alu ALU_USED[] = {X86_ALU_ADD, X86_ALU_OR, X86_ALU_AND,
                                        X86_ALU_SUB, X86_ALU_XOR, X86_ALU_CMP};
static const int32_t IMMS[] = {0, 1, -1, 127, 128, -128, -129, 255, 0x12345678,
                               INT32_MIN, INT32_MAX};
static const int32_t DISPS[] = {0, 1, -1, 127, 128, -128, -129, 0x1000, INT32_MIN, INT32_MAX};

/* One test's state: the disassembler, the code being checked, and where the current
 * instruction starts. */
struct enc_t {
    LLVMDisasmContextRef dc;
    struct x86_asm a;
    size_t start;
    int checked;
};

static void t_init(struct enc_t *t)
{
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86Disassembler();
    t->dc = LLVMCreateDisasm("x86_64-pc-linux-gnu", NULL, 0, NULL, NULL);
    ck_assert_msg(t->dc != NULL, "LLVMCreateDisasm(x86_64) failed");
    ck_assert_msg(LLVMSetDisasmOptions(t->dc, LLVMDisassembler_Option_AsmPrinterVariant),
                  "cannot select Intel syntax");
    x86_asm_init(&t->a);
    t->start = 0;
    t->checked = 0;
}

static void t_fini(struct enc_t *t)
{
    if (getenv("RVT_TEST_VERBOSE"))
        fprintf(stderr, "x86_enc: %d instructions checked\n", t->checked);
    x86_asm_free(&t->a);
    LLVMDisasmDispose(t->dc);
}

static void t_begin(struct enc_t *t)
{
    t->start = x86_here(&t->a);
}

/* Disassembles one instruction at buf[0..len) and normalizes LLVM's "\tmnem\tops" to
 * "mnem ops". Returns the bytes consumed. */
static size_t disasm_one(struct enc_t *t, uint8_t *buf, size_t len, char *out, size_t n)
{
    char raw[256];
    size_t used = LLVMDisasmInstruction(t->dc, buf, len, 0, raw, sizeof raw);
    const char *s = raw;
    while (*s == '\t' || *s == ' ')
        s++;
    size_t j = 0;
    for (; *s && j + 1 < n; s++)
        out[j++] = *s == '\t' ? ' ' : *s;
    out[j] = 0;
    return used;
}

static void hex(const uint8_t *b, size_t n, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 4 < cap; i++)
        j += (size_t)snprintf(out + j, cap - j, "%s%02x", i ? " " : "", b[i]);
    out[j] = 0;
}

/* The instruction emitted since t_begin must disassemble to exactly fmt... and use every
 * emitted byte. */
__attribute__((format(printf, 2, 3))) static void t_expect(struct enc_t *t, const char *fmt, ...)
{
    char want[256], got[256], bytes[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    ck_assert_msg(!t->a.error, "encoder error for '%s': %s", want, t->a.err);
    size_t n = x86_here(&t->a) - t->start;
    hex(t->a.buf + t->start, n, bytes, sizeof bytes);
    ck_assert_msg(n > 0, "nothing emitted for '%s'", want);
    size_t used = disasm_one(t, t->a.buf + t->start, n, got, sizeof got);
    ck_assert_msg(used == n, "'%s': emitted %zu bytes [%s], disassembler used %zu ('%s')", want,
                  n, bytes, used, got);
    ck_assert_msg(strcmp(got, want) == 0, "bytes [%s]: want '%s', got '%s'", bytes, want, got);
    t->checked++;
}

/* "[base + 8*index - 16]" as LLVM prints it. */
static void fmt_mem(char *out, size_t n, struct x86_mem m)
{
    size_t j = 0;
    j += (size_t)snprintf(out + j, n - j, "[");
    if (m.base != X86_NOREG)
        j += (size_t)snprintf(out + j, n - j, "%s", R64[m.base]);
    if (m.index != X86_NOREG) {
        if (m.base != X86_NOREG)
            j += (size_t)snprintf(out + j, n - j, " + ");
        if (m.scale != 1 || m.base == X86_NOREG)
            j += (size_t)snprintf(out + j, n - j, "%d*", m.scale);
        j += (size_t)snprintf(out + j, n - j, "%s", R64[m.index]);
    }
    if (m.base == X86_NOREG && m.index == X86_NOREG)
        j += (size_t)snprintf(out + j, n - j, "%" PRId32, m.disp);
    else if (m.disp > 0)
        j += (size_t)snprintf(out + j, n - j, " + %" PRId32, m.disp);
    else if (m.disp < 0)
        j += (size_t)snprintf(out + j, n - j, " - %" PRId64, -(int64_t)m.disp);
    snprintf(out + j, n - j, "]");
}

/* A spread of memory operands: every base (and none), indexes including r12/r13/rbp and none,
 * every scale, edge displacements. Returns the count written to ms (capacity cap). */
static size_t mem_spread(struct x86_mem *ms, size_t cap)
{
    static const enum x86_reg idx[] = {X86_NOREG, X86_RAX, X86_RBP, X86_R8, X86_R12, X86_R13,
                                       X86_R15};
    static const uint8_t scales[] = {1, 2, 4, 8};
    size_t k = 0;
    for (int b = -1; b < 16; b++)
        for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
            for (size_t s = 0; s < 4; s++)
                for (size_t d = 0; d < sizeof DISPS / sizeof DISPS[0]; d++) {
                    if (idx[i] == X86_NOREG && s > 0)
                        continue;
                    if (b < 0 && idx[i] == X86_NOREG)
                        continue;   /* absolute [disp32]: covered by the golden table */
                    if (k < cap)
                        ms[k++] = x86_mem_idx((enum x86_reg)b, idx[i], scales[s], DISPS[d]);
                }
    return k;
}

#define MEM_CAP 4096

START_TEST(test_alu)
{
    struct enc_t t;
    t_init(&t);
    for (size_t o = 0; o < sizeof ALU_USED / sizeof ALU_USED[0]; o++) {
        enum x86_alu op = ALU_USED[o];
        for (int d = 0; d < 16; d++) {
            for (int s = 0; s < 16; s++) {
                t_begin(&t);
                x86_alu_rr(&t.a, op, 1, d, s);
                t_expect(&t, "%s %s, %s", ALU[op], R64[d], R64[s]);
                t_begin(&t);
                x86_alu_rr(&t.a, op, 0, d, s);
                t_expect(&t, "%s %s, %s", ALU[op], R32[d], R32[s]);
            }
            for (size_t i = 0; i < sizeof IMMS / sizeof IMMS[0]; i++) {
                int32_t v = IMMS[i];
                t_begin(&t);
                x86_alu_ri(&t.a, op, 1, d, v);
                t_expect(&t, "%s %s, %" PRId32, ALU[op], R64[d], v);
                t_begin(&t);
                x86_alu_ri(&t.a, op, 0, d, v);
                /* LLVM prints a sign-extended imm8 signed, an imm32 of a 32-bit op unsigned */
                if (v >= -128 && v <= 127)
                    t_expect(&t, "%s %s, %" PRId32, ALU[op], R32[d], v);
                else
                    t_expect(&t, "%s %s, %" PRIu32, ALU[op], R32[d], (uint32_t)v);
            }
        }
    }
    /* the typed wrappers route to the right operation */
    t_begin(&t); x86_add_rr(&t.a, X86_R11, X86_RSP); t_expect(&t, "add r11, rsp");
    t_begin(&t); x86_sub_rr32(&t.a, X86_RBP, X86_R13); t_expect(&t, "sub ebp, r13d");
    t_begin(&t); x86_and_ri(&t.a, X86_RBX, -8); t_expect(&t, "and rbx, -8");
    t_begin(&t); x86_xor_ri32(&t.a, X86_R9, 1); t_expect(&t, "xor r9d, 1");
    t_begin(&t); x86_or_rr(&t.a, X86_RAX, X86_RDX); t_expect(&t, "or rax, rdx");
    t_begin(&t); x86_cmp_ri(&t.a, X86_R8, 4096); t_expect(&t, "cmp r8, 4096");
    for (int d = 0; d < 16; d++) {
        for (int s = 0; s < 16; s++) {
            t_begin(&t); x86_test_rr(&t.a, d, s); t_expect(&t, "test %s, %s", R64[d], R64[s]);
            t_begin(&t); x86_test_rr32(&t.a, d, s); t_expect(&t, "test %s, %s", R32[d], R32[s]);
        }
        for (size_t i = 0; i < sizeof IMMS / sizeof IMMS[0]; i++) {
            t_begin(&t); x86_test_ri(&t.a, d, IMMS[i]);
            t_expect(&t, "test %s, %" PRId32, R64[d], IMMS[i]);
            t_begin(&t); x86_test_ri32(&t.a, d, IMMS[i]);
            t_expect(&t, "test %s, %" PRIu32, R32[d], (uint32_t)IMMS[i]);
        }
    }
    struct x86_mem ms[MEM_CAP];
    size_t nm = mem_spread(ms, MEM_CAP);
    for (size_t i = 0; i < nm; i++) {
        char mt[96];
        fmt_mem(mt, sizeof mt, ms[i]);
        enum x86_alu op = ALU_USED[i % 6];
        int r = (int)(i * 7 % 16);
        t_begin(&t); x86_alu_rm(&t.a, op, 1, r, ms[i]);
        t_expect(&t, "%s %s, qword ptr %s", ALU[op], R64[r], mt);
        int32_t v = IMMS[i % (sizeof IMMS / sizeof IMMS[0])];
        t_begin(&t); x86_alu_mi(&t.a, op, 1, ms[i], v);
        t_expect(&t, "%s qword ptr %s, %" PRId32, ALU[op], mt, v);
        t_begin(&t); x86_test_mr(&t.a, ms[i], r);
        t_expect(&t, "test qword ptr %s, %s", mt, R64[r]);
    }
    for (int d = 0; d < 16; d++) {
        static const uint8_t imm8[] = {0, 1, 3, 7, 0x80, 0xff};
        for (size_t i = 0; i < sizeof imm8; i++) {
            t_begin(&t); x86_test_ri8(&t.a, d, imm8[i]);
            t_expect(&t, "test %s, %d", R8[d], (int8_t)imm8[i]);   /* LLVM prints it signed */
        }
    }
    ck_assert_int_gt(t.checked, 10000);
    t_fini(&t);
}
END_TEST

START_TEST(test_shift_mul_div)
{
    struct enc_t t;
    t_init(&t);
    static const char *const sh[8] = {[X86_ROR] = "ror", [X86_SHL] = "shl", [X86_SHR] = "shr",
                                      [X86_SAR] = "sar"};
    static const enum x86_shift ops[] = {X86_ROR, X86_SHL, X86_SHR, X86_SAR};
    static const uint8_t amts[] = {0, 1, 2, 31, 32, 63};
    for (int d = 0; d < 16; d++) {
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
            for (size_t i = 0; i < sizeof amts; i++) {
                /* a shift by 1 uses the D1 form, which LLVM prints without the count */
                char cnt[8] = "";
                if (amts[i] != 1)
                    snprintf(cnt, sizeof cnt, ", %u", amts[i]);
                t_begin(&t); x86_shift_ri(&t.a, ops[o], 1, d, amts[i]);
                t_expect(&t, "%s %s%s", sh[ops[o]], R64[d], cnt);
                if (amts[i] < 32) {
                    t_begin(&t); x86_shift_ri(&t.a, ops[o], 0, d, amts[i]);
                    t_expect(&t, "%s %s%s", sh[ops[o]], R32[d], cnt);
                }
            }
            t_begin(&t); x86_shift_rcl(&t.a, ops[o], 1, d);
            t_expect(&t, "%s %s, cl", sh[ops[o]], R64[d]);
            t_begin(&t); x86_shift_rcl(&t.a, ops[o], 0, d);
            t_expect(&t, "%s %s, cl", sh[ops[o]], R32[d]);
        }
        for (int s = 0; s < 16; s++) {
            t_begin(&t); x86_imul_rr(&t.a, d, s); t_expect(&t, "imul %s, %s", R64[d], R64[s]);
            t_begin(&t); x86_imul_rr32(&t.a, d, s); t_expect(&t, "imul %s, %s", R32[d], R32[s]);
        }
        t_begin(&t); x86_mul_r(&t.a, d); t_expect(&t, "mul %s", R64[d]);
        t_begin(&t); x86_imul_r(&t.a, d); t_expect(&t, "imul %s", R64[d]);
        t_begin(&t); x86_div_r(&t.a, d); t_expect(&t, "div %s", R64[d]);
        t_begin(&t); x86_idiv_r(&t.a, d); t_expect(&t, "idiv %s", R64[d]);
        t_begin(&t); x86_div_r32(&t.a, d); t_expect(&t, "div %s", R32[d]);
        t_begin(&t); x86_idiv_r32(&t.a, d); t_expect(&t, "idiv %s", R32[d]);
        t_begin(&t); x86_neg_r(&t.a, d); t_expect(&t, "neg %s", R64[d]);
        t_begin(&t); x86_neg_r32(&t.a, d); t_expect(&t, "neg %s", R32[d]);
        t_begin(&t); x86_not_r(&t.a, d); t_expect(&t, "not %s", R64[d]);
        t_begin(&t); x86_not_r32(&t.a, d); t_expect(&t, "not %s", R32[d]);
    }
    t_begin(&t); x86_shl_ri(&t.a, X86_R12, 12); t_expect(&t, "shl r12, 12");
    t_begin(&t); x86_sar_rcl32(&t.a, X86_RBP); t_expect(&t, "sar ebp, cl");
    t_begin(&t); x86_shr_ri32(&t.a, X86_RAX, 31); t_expect(&t, "shr eax, 31");
    t_begin(&t); x86_cqo(&t.a); t_expect(&t, "cqo");
    t_begin(&t); x86_cdq(&t.a); t_expect(&t, "cdq");
    /* out-of-range shift amounts are refused, not silently masked */
    struct x86_asm bad;
    x86_asm_init(&bad);
    x86_shift_ri(&bad, X86_SHL, 0, X86_RAX, 32);
    ck_assert_int_eq(bad.error, 1);
    x86_asm_free(&bad);
    t_fini(&t);
}
END_TEST

START_TEST(test_mov)
{
    struct enc_t t;
    t_init(&t);
    static const uint64_t imm64[] = {0, 1, 127, 128, 0x7fffffff, 0x80000000, 0xffffffff,
                                     0x100000000ULL, 0xffffffff80000000ULL, UINT64_MAX,
                                     0x123456789abcdef0ULL, 0x8000000000000000ULL};
    for (int d = 0; d < 16; d++) {
        for (int s = 0; s < 16; s++) {
            t_begin(&t); x86_mov_rr(&t.a, d, s); t_expect(&t, "mov %s, %s", R64[d], R64[s]);
            t_begin(&t); x86_mov_rr32(&t.a, d, s); t_expect(&t, "mov %s, %s", R32[d], R32[s]);
            t_begin(&t); x86_movsxd_rr(&t.a, d, s);
            t_expect(&t, "movsxd %s, %s", R64[d], R32[s]);
            t_begin(&t); x86_movzx8_rr(&t.a, d, s); t_expect(&t, "movzx %s, %s", R32[d], R8[s]);
            t_begin(&t); x86_movzx16_rr(&t.a, d, s);
            t_expect(&t, "movzx %s, %s", R32[d], R16[s]);
            t_begin(&t); x86_movsx8_rr(&t.a, d, s); t_expect(&t, "movsx %s, %s", R64[d], R8[s]);
            t_begin(&t); x86_movsx16_rr(&t.a, d, s);
            t_expect(&t, "movsx %s, %s", R64[d], R16[s]);
            for (int cc = 0; cc < 16; cc++) {
                t_begin(&t); x86_cmovcc(&t.a, cc, d, s);
                t_expect(&t, "cmov%s %s, %s", CC[cc], R64[d], R64[s]);
            }
        }
        for (int cc = 0; cc < 16; cc++) {
            t_begin(&t); x86_setcc(&t.a, cc, d); t_expect(&t, "set%s %s", CC[cc], R8[d]);
        }
        for (size_t i = 0; i < sizeof IMMS / sizeof IMMS[0]; i++) {
            t_begin(&t); x86_mov_ri32(&t.a, d, (uint32_t)IMMS[i]);
            t_expect(&t, "mov %s, %" PRIu32, R32[d], (uint32_t)IMMS[i]);
            t_begin(&t); x86_mov_ri(&t.a, d, IMMS[i]);
            t_expect(&t, "mov %s, %" PRId32, R64[d], IMMS[i]);
        }
        for (size_t i = 0; i < sizeof imm64 / sizeof imm64[0]; i++) {
            uint64_t v = imm64[i];
            t_begin(&t); x86_movabs_ri(&t.a, d, v);
            t_expect(&t, "movabs %s, %" PRId64, R64[d], (int64_t)v);
            t_begin(&t); x86_mov_imm(&t.a, d, v);
            if (v == 0)
                t_expect(&t, "xor %s, %s", R32[d], R32[d]);
            else if (v <= UINT32_MAX)
                t_expect(&t, "mov %s, %" PRIu64, R32[d], v);
            else if ((int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX)
                t_expect(&t, "mov %s, %" PRId64, R64[d], (int64_t)v);
            else
                t_expect(&t, "movabs %s, %" PRId64, R64[d], (int64_t)v);
        }
    }
    ck_assert_int_gt(t.checked, 5000);
    t_fini(&t);
}
END_TEST

START_TEST(test_mem)
{
    struct enc_t t;
    t_init(&t);
    struct x86_mem ms[MEM_CAP];
    size_t nm = mem_spread(ms, MEM_CAP);
    ck_assert_int_gt(nm, 2000);
    for (size_t i = 0; i < nm; i++) {
        char mt[96];
        fmt_mem(mt, sizeof mt, ms[i]);
        int r = (int)(i * 5 % 16);
        t_begin(&t); x86_mov_rm(&t.a, r, ms[i]);
        t_expect(&t, "mov %s, qword ptr %s", R64[r], mt);
        t_begin(&t); x86_mov_rm32(&t.a, r, ms[i]);
        t_expect(&t, "mov %s, dword ptr %s", R32[r], mt);
        t_begin(&t); x86_movsxd_rm(&t.a, r, ms[i]);
        t_expect(&t, "movsxd %s, dword ptr %s", R64[r], mt);
        t_begin(&t); x86_movzx8_rm(&t.a, r, ms[i]);
        t_expect(&t, "movzx %s, byte ptr %s", R32[r], mt);
        t_begin(&t); x86_movzx16_rm(&t.a, r, ms[i]);
        t_expect(&t, "movzx %s, word ptr %s", R32[r], mt);
        t_begin(&t); x86_movsx8_rm(&t.a, r, ms[i]);
        t_expect(&t, "movsx %s, byte ptr %s", R64[r], mt);
        t_begin(&t); x86_movsx16_rm(&t.a, r, ms[i]);
        t_expect(&t, "movsx %s, word ptr %s", R64[r], mt);
        t_begin(&t); x86_mov_mr(&t.a, ms[i], r);
        t_expect(&t, "mov qword ptr %s, %s", mt, R64[r]);
        t_begin(&t); x86_mov_mr32(&t.a, ms[i], r);
        t_expect(&t, "mov dword ptr %s, %s", mt, R32[r]);
        t_begin(&t); x86_mov_mr16(&t.a, ms[i], r);
        t_expect(&t, "mov word ptr %s, %s", mt, R16[r]);
        t_begin(&t); x86_mov_mr8(&t.a, ms[i], r);
        t_expect(&t, "mov byte ptr %s, %s", mt, R8[r]);
        int32_t v = IMMS[i % (sizeof IMMS / sizeof IMMS[0])];
        t_begin(&t); x86_mov_mi(&t.a, ms[i], v);
        t_expect(&t, "mov qword ptr %s, %" PRId32, mt, v);
        t_begin(&t); x86_lea(&t.a, r, ms[i]);
        t_expect(&t, "lea %s, %s", R64[r], mt);
        t_begin(&t); x86_jmp_m(&t.a, ms[i]);
        t_expect(&t, "jmp qword ptr %s", mt);
        t_begin(&t); x86_call_m(&t.a, ms[i]);
        t_expect(&t, "call qword ptr %s", mt);
    }
    /* every register as the stored byte (spl..dil need a REX prefix) at an r12 base */
    for (int r = 0; r < 16; r++) {
        t_begin(&t); x86_mov_mr8(&t.a, x86_mem(X86_R12, 0), r);
        t_expect(&t, "mov byte ptr [r12], %s", R8[r]);
    }
    /* bad operands set the sticky error */
    struct x86_asm bad;
    x86_asm_init(&bad);
    x86_mov_rm(&bad, X86_RAX, x86_mem_idx(X86_RBX, X86_RSP, 1, 0));
    ck_assert_int_eq(bad.error, 1);
    ck_assert_ptr_nonnull(strstr(bad.err, "rsp cannot be an index"));
    size_t len = x86_here(&bad);
    x86_ret(&bad);
    ck_assert_uint_eq(x86_here(&bad), len);   /* sticky: nothing more is emitted */
    ck_assert_int_eq(x86_asm_finish(&bad), -1);
    x86_asm_free(&bad);
    x86_asm_init(&bad);
    x86_lea(&bad, X86_RAX, x86_mem_idx(X86_RBX, X86_RCX, 3, 0));
    ck_assert_int_eq(bad.error, 1);
    x86_asm_free(&bad);
    ck_assert_int_gt(t.checked, 30000);
    t_fini(&t);
}
END_TEST

START_TEST(test_sse)
{
    struct enc_t t;
    t_init(&t);
    for (int x = 0; x < 16; x++) {
        for (int r = 0; r < 16; r++) {
            t_begin(&t); x86_movq_xr(&t.a, x, r); t_expect(&t, "movq xmm%d, %s", x, R64[r]);
            t_begin(&t); x86_movq_rx(&t.a, r, x); t_expect(&t, "movq %s, xmm%d", R64[r], x);
            for (uint8_t l = 0; l < 2; l++) {
                t_begin(&t); x86_pextrq_rx(&t.a, r, x, l);
                t_expect(&t, "pextrq %s, xmm%d, %u", R64[r], x, l);
                t_begin(&t); x86_pinsrq_xr(&t.a, x, r, l);
                t_expect(&t, "pinsrq xmm%d, %s, %u", x, R64[r], l);
            }
        }
    }
    struct x86_mem ms[MEM_CAP];
    size_t nm = mem_spread(ms, MEM_CAP);
    for (size_t i = 0; i < nm; i++) {
        char mt[96];
        fmt_mem(mt, sizeof mt, ms[i]);
        int x = (int)(i * 3 % 16);
        uint8_t l = (uint8_t)(i & 1);
        t_begin(&t); x86_pextrq_mx(&t.a, ms[i], x, l);
        t_expect(&t, "pextrq qword ptr %s, xmm%d, %u", mt, x, l);
        t_begin(&t); x86_pinsrq_xm(&t.a, x, ms[i], l);
        t_expect(&t, "pinsrq xmm%d, qword ptr %s, %u", x, mt, l);
        t_begin(&t); x86_movdqu_xm(&t.a, x, ms[i]);
        t_expect(&t, "movdqu xmm%d, xmmword ptr %s", x, mt);
        t_begin(&t); x86_movq_xm(&t.a, x, ms[i]);
        t_expect(&t, "movq xmm%d, qword ptr %s", x, mt);
        t_begin(&t); x86_movq_mx(&t.a, ms[i], x);
        t_expect(&t, "movq qword ptr %s, xmm%d", mt, x);
        t_begin(&t); x86_movdqu_mx(&t.a, ms[i], x);
        t_expect(&t, "movdqu xmmword ptr %s, xmm%d", mt, x);
    }
    struct x86_asm bad;
    x86_asm_init(&bad);
    x86_pinsrq_xr(&bad, X86_XMM0, X86_RAX, 2);
    ck_assert_int_eq(bad.error, 1);
    x86_asm_free(&bad);
    t_fini(&t);
}
END_TEST

START_TEST(test_control)
{
    struct enc_t t;
    t_init(&t);
    static const int32_t rels[] = {0, 1, -1, 127, 128, -128, -129, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        for (int cc = 0; cc < 16; cc++) {
            t_begin(&t); x86_jcc_rel32(&t.a, cc, rels[i]);
            t_expect(&t, "j%s %" PRId32, CC[cc], rels[i]);
        }
        t_begin(&t); x86_jmp_rel32(&t.a, rels[i]); t_expect(&t, "jmp %" PRId32, rels[i]);
        t_begin(&t); x86_call_rel32(&t.a, rels[i]); t_expect(&t, "call %" PRId32, rels[i]);
        for (int r = 0; r < 16; r++) {
            t_begin(&t); x86_lea_rip(&t.a, r, rels[i]);
            if (rels[i] == 0)
                t_expect(&t, "lea %s, [rip]", R64[r]);
            else
                t_expect(&t, "lea %s, [rip %c %lld]", R64[r], rels[i] < 0 ? '-' : '+',
                         rels[i] < 0 ? -(long long)rels[i] : (long long)rels[i]);
        }
    }
    for (int r = 0; r < 16; r++) {
        t_begin(&t); x86_jmp_r(&t.a, r); t_expect(&t, "jmp %s", R64[r]);
        t_begin(&t); x86_call_r(&t.a, r); t_expect(&t, "call %s", R64[r]);
        t_begin(&t); x86_push_r(&t.a, r); t_expect(&t, "push %s", R64[r]);
        t_begin(&t); x86_pop_r(&t.a, r); t_expect(&t, "pop %s", R64[r]);
    }
    t_begin(&t); x86_ret(&t.a); t_expect(&t, "ret");
    t_begin(&t); x86_ud2(&t.a); t_expect(&t, "ud2");
    /* padding: each length is one instruction of exactly that many bytes */
    static const char *const nops[10] = {
        NULL, "nop", "nop", "nop dword ptr [rax]", "nop dword ptr [rax]",
        "nop dword ptr [rax + rax]", "nop word ptr [rax + rax]", "nop dword ptr [rax]",
        "nop dword ptr [rax + rax]", "nop word ptr [rax + rax]"};
    for (unsigned n = 1; n <= 9; n++) {
        t_begin(&t); x86_nop(&t.a, n); t_expect(&t, "%s", nops[n]);
    }
    t_begin(&t); x86_jmp_m(&t.a, x86_mem_idx(X86_R13, X86_RBX, 8, 0));
    t_expect(&t, "jmp qword ptr [r13 + 8*rbx]");
    t_fini(&t);
}
END_TEST

/* Labels: forward and backward jumps are patched to the bound offsets. */
START_TEST(test_labels)
{
    struct enc_t t;
    t_init(&t);
    struct x86_asm *a = &t.a;
    int back = x86_label_new(a), fwd = x86_label_new(a), fwd2 = x86_label_new(a);
    x86_label_bind(a, back);                     /* 0 */
    x86_jcc_label(a, X86_CC_NE, fwd);            /* 0: 6 bytes */
    x86_jmp_label(a, fwd2);                      /* 6: 5 bytes */
    x86_call_label(a, back);                     /* 11: 5 bytes */
    x86_ret(a);                                  /* 16 */
    x86_label_bind(a, fwd);                      /* 17 */
    x86_jmp_label(a, back);                      /* 17: 5 bytes */
    x86_label_bind(a, fwd2);                     /* 22 */
    x86_ret(a);
    ck_assert_int_eq(x86_asm_finish(a), 0);
    ck_assert_int_eq(x86_label_offset(a, fwd), 17);
    char got[128];
    ck_assert_uint_eq(disasm_one(&t, a->buf + 0, 6, got, sizeof got), 6);
    ck_assert_str_eq(got, "jne 11");     /* 17 - 6 */
    ck_assert_uint_eq(disasm_one(&t, a->buf + 6, 5, got, sizeof got), 5);
    ck_assert_str_eq(got, "jmp 11");     /* 22 - 11 */
    ck_assert_uint_eq(disasm_one(&t, a->buf + 11, 5, got, sizeof got), 5);
    ck_assert_str_eq(got, "call -16");   /* 0 - 16 */
    ck_assert_uint_eq(disasm_one(&t, a->buf + 17, 5, got, sizeof got), 5);
    ck_assert_str_eq(got, "jmp -22");
    t_fini(&t);

    struct x86_asm b;
    x86_asm_init(&b);
    int never = x86_label_new(&b);
    x86_jmp_label(&b, never);
    ck_assert_int_eq(x86_asm_finish(&b), -1);
    ck_assert_ptr_nonnull(strstr(b.err, "never bound"));
    x86_asm_free(&b);
    x86_asm_init(&b);
    int l = x86_label_new(&b);
    x86_label_bind(&b, l);
    x86_label_bind(&b, l);
    ck_assert_int_eq(b.error, 1);
    x86_asm_free(&b);
}
END_TEST

/* Label-free forward jumps: rel8 and rel32 forms point where x86_bind8/x86_bind32 say; a rel8
 * that cannot reach is an error, not a wrong jump. */
START_TEST(test_forward_jumps)
{
    struct enc_t t;
    t_init(&t);
    struct x86_asm *a = &t.a;
    char got[128];
    for (int cc = 0; cc < 16; cc++) {
        const size_t start = x86_here(a);
        const size_t j8 = x86_jcc8_fwd(a, cc);
        x86_ret(a);
        x86_ret(a);
        x86_bind8(a, j8, x86_here(a));
        ck_assert_uint_eq(disasm_one(&t, a->buf + start, 2, got, sizeof got), 2);
        char want[32];
        snprintf(want, sizeof want, "j%s 2", CC[cc]);
        ck_assert_str_eq(got, want);
        const size_t s32 = x86_here(a);
        const size_t j32 = x86_jcc32_fwd(a, cc);
        for (int k = 0; k < 200; k++)
            x86_ret(a);
        x86_bind32(a, j32, x86_here(a));
        ck_assert_uint_eq(disasm_one(&t, a->buf + s32, 6, got, sizeof got), 6);
        snprintf(want, sizeof want, "j%s 200", CC[cc]);
        ck_assert_str_eq(got, want);
    }
    const size_t s8 = x86_here(a), jmp8 = x86_jmp8_fwd(a);
    x86_bind8(a, jmp8, s8);   /* backwards is fine too: jmp -2 */
    ck_assert_uint_eq(disasm_one(&t, a->buf + s8, 2, got, sizeof got), 2);
    ck_assert_str_eq(got, "jmp -2");
    const size_t s32 = x86_here(a), jmp32 = x86_jmp32_fwd(a);
    x86_bind32(a, jmp32, 0);
    ck_assert_uint_eq(disasm_one(&t, a->buf + s32, 5, got, sizeof got), 5);
    char want[32];
    snprintf(want, sizeof want, "jmp %" PRId64, -(int64_t)(s32 + 5));
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(a->error, 0);
    const size_t far = x86_jcc8_fwd(a, X86_CC_E);
    for (int k = 0; k < 200; k++)
        x86_ret(a);
    x86_bind8(a, far, x86_here(a));
    ck_assert_int_eq(a->error, 1);
    ck_assert_ptr_nonnull(strstr(a->err, "out of range"));
    t_fini(&t);
}
END_TEST

/* Golden bytes (from GNU as) for representative forms, including the special cases. */
struct golden {
    const char *hex;
    const char *text;
};

static void emit_golden(struct x86_asm *a, int row)
{
    int k = 0;
#define G(call, bytes, txt) if (row == k++) { call; return; }
#include "test_x86_enc.inc"
#undef G
}

START_TEST(test_golden)
{
    static const struct golden rows[] = {
#define G(call, bytes, txt) {bytes, txt},
#include "test_x86_enc.inc"
#undef G
    };
    struct enc_t t;
    t_init(&t);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        t_begin(&t);
        emit_golden(&t.a, (int)i);
        char bytes[128];
        hex(t.a.buf + t.start, x86_here(&t.a) - t.start, bytes, sizeof bytes);
        ck_assert_msg(strcmp(bytes, rows[i].hex) == 0, "golden row %zu '%s': want [%s], got [%s]",
                      i, rows[i].text, rows[i].hex, bytes);
        t_expect(&t, "%s", rows[i].text);
    }
    ck_assert_int_gt(t.checked, 30);
    t_fini(&t);
}
END_TEST

Suite *test_x86_enc_suite(void)
{
    Suite *s = suite_create("x86_enc");
    TCase *tc = tcase_create("encode");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_alu);
    tcase_add_test(tc, test_forward_jumps);
    tcase_add_test(tc, test_shift_mul_div);
    tcase_add_test(tc, test_mov);
    tcase_add_test(tc, test_mem);
    tcase_add_test(tc, test_sse);
    tcase_add_test(tc, test_control);
    tcase_add_test(tc, test_labels);
    tcase_add_test(tc, test_golden);
    suite_add_tcase(s, tc);
    return s;
}
