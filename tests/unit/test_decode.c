/* test_decode.c — rv_decode over a table of encodings (decode_cases.inc), cross-checked with
 * the GNU assembler, plus a round-trip property over random words: every word that decodes to
 * an instruction re-encodes from its fields to the same word (no ignored bits). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/decode.h"
#include "rv_enc.h"
#include "testutil.h"

struct decode_case {
    uint32_t word;
    const char *as;
    enum rv_op op;
    uint8_t rd, rs1, rs2;
    int64_t imm;
};

static const struct decode_case cases[] = {
#include "decode_cases.inc"
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

START_TEST(test_table)
{
    const struct decode_case *c = &cases[_i];
    struct rv_insn in;
    memset(&in, 0xa5, sizeof(in));
    rv_decode(c->word, &in);
    ck_assert_msg(in.op == c->op, "word 0x%08x (%s): op %s, want %s", c->word,
                  c->as ? c->as : "-", rv_op_name(in.op), rv_op_name(c->op));
    ck_assert_msg(in.rd == c->rd && in.rs1 == c->rs1 && in.rs2 == c->rs2,
                  "word 0x%08x (%s): rd/rs1/rs2 %u/%u/%u, want %u/%u/%u", c->word,
                  c->as ? c->as : "-", in.rd, in.rs1, in.rs2, c->rd, c->rs1, c->rs2);
    ck_assert_msg(in.imm == c->imm, "word 0x%08x (%s): imm %lld, want %lld", c->word,
                  c->as ? c->as : "-", (long long)in.imm, (long long)c->imm);
    ck_assert_uint_eq(in.raw, c->word);
}
END_TEST

/* Every op of rv_insns.def appears in the table. */
START_TEST(test_table_covers_every_op)
{
    for (int op = 0; op < RV_OP_COUNT; op++) {
        int seen = 0;
        for (size_t i = 0; i < N_CASES; i++)
            seen |= cases[i].op == (enum rv_op)op;
        ck_assert_msg(seen, "no decode case for %s", rv_op_name((enum rv_op)op));
    }
}
END_TEST

static int run(const char *cmd)
{
    int rc = system(cmd);
    return rc == 0 ? 0 : -1;
}

/* Assembles every row that has an assembler spelling and compares the words. */
START_TEST(test_gnu_as_agrees)
{
    char dir[] = "/tmp/rvt_decode_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], cmd[1024];
    snprintf(path, sizeof(path), "%s/t.S", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    size_t n = 0;
    for (size_t i = 0; i < N_CASES; i++)
        if (cases[i].as) {
            fprintf(f, "%s\n", cases[i].as);
            n++;
        }
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "cd %s && riscv64-unknown-elf-as -march=rv64im_zicsr -mabi=lp64 -mno-relax t.S "
             "-o t.o && riscv64-unknown-elf-objcopy -O binary -j .text t.o t.bin", dir);
    ck_assert_msg(run(cmd) == 0, "assembling the decode cases failed: %s "
                  "(needs gcc-riscv64-unknown-elf; run scripts/setup.sh)", cmd);
    snprintf(path, sizeof(path), "%s/t.bin", dir);
    size_t len = 0;
    uint8_t *bin = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(bin);
    ck_assert_uint_eq(len, n * 4);
    size_t k = 0;
    for (size_t i = 0; i < N_CASES; i++) {
        if (!cases[i].as)
            continue;
        uint32_t w;
        memcpy(&w, bin + 4 * k++, 4);
        ck_assert_msg(w == cases[i].word, "\"%s\": gas gives 0x%08x, the table says 0x%08x",
                      cases[i].as, w, cases[i].word);
    }
    free(bin);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

/* How each op is encoded: major opcode, funct3, funct7 (or -1 when not fixed). */
struct op_enc {
    uint8_t opc;
    int f3, f7;
};

static const struct op_enc enc[RV_OP_COUNT] = {
    [RV_OP_ADD] = {OP, 0, 0},      [RV_OP_SUB] = {OP, 0, 0x20},   [RV_OP_SLL] = {OP, 1, 0},
    [RV_OP_SLT] = {OP, 2, 0},      [RV_OP_SLTU] = {OP, 3, 0},     [RV_OP_XOR] = {OP, 4, 0},
    [RV_OP_SRL] = {OP, 5, 0},      [RV_OP_SRA] = {OP, 5, 0x20},   [RV_OP_OR] = {OP, 6, 0},
    [RV_OP_AND] = {OP, 7, 0},      [RV_OP_ADDW] = {OP32, 0, 0},   [RV_OP_SUBW] = {OP32, 0, 0x20},
    [RV_OP_SLLW] = {OP32, 1, 0},   [RV_OP_SRLW] = {OP32, 5, 0},   [RV_OP_SRAW] = {OP32, 5, 0x20},
    [RV_OP_MUL] = {OP, 0, 1},      [RV_OP_MULH] = {OP, 1, 1},     [RV_OP_MULHSU] = {OP, 2, 1},
    [RV_OP_MULHU] = {OP, 3, 1},    [RV_OP_DIV] = {OP, 4, 1},      [RV_OP_DIVU] = {OP, 5, 1},
    [RV_OP_REM] = {OP, 6, 1},      [RV_OP_REMU] = {OP, 7, 1},     [RV_OP_MULW] = {OP32, 0, 1},
    [RV_OP_DIVW] = {OP32, 4, 1},   [RV_OP_DIVUW] = {OP32, 5, 1},  [RV_OP_REMW] = {OP32, 6, 1},
    [RV_OP_REMUW] = {OP32, 7, 1},  [RV_OP_ADDI] = {OPIMM, 0, -1}, [RV_OP_SLTI] = {OPIMM, 2, -1},
    [RV_OP_SLTIU] = {OPIMM, 3, -1}, [RV_OP_XORI] = {OPIMM, 4, -1}, [RV_OP_ORI] = {OPIMM, 6, -1},
    [RV_OP_ANDI] = {OPIMM, 7, -1}, [RV_OP_SLLI] = {OPIMM, 1, 0},  [RV_OP_SRLI] = {OPIMM, 5, 0},
    [RV_OP_SRAI] = {OPIMM, 5, 0x20}, [RV_OP_ADDIW] = {OPIMM32, 0, -1},
    [RV_OP_SLLIW] = {OPIMM32, 1, 0}, [RV_OP_SRLIW] = {OPIMM32, 5, 0},
    [RV_OP_SRAIW] = {OPIMM32, 5, 0x20}, [RV_OP_LUI] = {LUI, -1, -1},
    [RV_OP_AUIPC] = {AUIPC, -1, -1},
    [RV_OP_LB] = {LOAD, 0, -1},    [RV_OP_LH] = {LOAD, 1, -1},    [RV_OP_LW] = {LOAD, 2, -1},
    [RV_OP_LD] = {LOAD, 3, -1},    [RV_OP_LBU] = {LOAD, 4, -1},   [RV_OP_LHU] = {LOAD, 5, -1},
    [RV_OP_LWU] = {LOAD, 6, -1},   [RV_OP_SB] = {STORE, 0, -1},   [RV_OP_SH] = {STORE, 1, -1},
    [RV_OP_SW] = {STORE, 2, -1},   [RV_OP_SD] = {STORE, 3, -1},   [RV_OP_BEQ] = {BRANCH, 0, -1},
    [RV_OP_BNE] = {BRANCH, 1, -1}, [RV_OP_BLT] = {BRANCH, 4, -1}, [RV_OP_BGE] = {BRANCH, 5, -1},
    [RV_OP_BLTU] = {BRANCH, 6, -1}, [RV_OP_BGEU] = {BRANCH, 7, -1}, [RV_OP_JAL] = {JAL, -1, -1},
    [RV_OP_JALR] = {JALR, 0, -1},  [RV_OP_ECALL] = {SYSTEM, 0, -1}, [RV_OP_FENCE] = {MISC, 0, -1},
    [RV_OP_EBREAK] = {SYSTEM, 0, -1}, [RV_OP_CSR] = {SYSTEM, -1, -1}, [RV_OP_ILLEGAL] = {0, -1, -1},
};

/* Re-encodes a decoded instruction from its fields; 0 for ops without a field-exact form. */
static uint32_t reencode(const struct rv_insn *in)
{
    const struct op_enc *e = &enc[in->op];
    uint32_t f3 = e->f3 < 0 ? 0 : (uint32_t)e->f3;
    int64_t imm = in->imm;
    switch (rv_op_format((enum rv_op)in->op)) {
    case RV_FMT_R: return R(e->f7, in->rs2, in->rs1, f3, in->rd, e->opc);
    case RV_FMT_I: return I(imm, in->rs1, f3, in->rd, e->opc);
    case RV_FMT_SHIFT: return I(imm | (int64_t)e->f7 << 5, in->rs1, f3, in->rd, e->opc);
    case RV_FMT_S: return S(imm, in->rs2, in->rs1, f3, e->opc);
    case RV_FMT_B: return B(imm, in->rs2, in->rs1, f3, e->opc);
    case RV_FMT_U: return ((uint32_t)imm & 0xfffff000) | (uint32_t)in->rd << 7 | e->opc;
    case RV_FMT_J: return J(imm, in->rd, e->opc);
    case RV_FMT_NONE: return in->op == RV_OP_ECALL ? 0x00000073 : 0x00100073;
    case RV_FMT_CSR: return I(imm, in->rs1, (in->raw >> 12) & 7, in->rd, SYSTEM);
    case RV_FMT_FENCE: return (uint32_t)imm << 20 | (in->raw & 0x000fff80) | MISC;
    default: return 0;
    }
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(test_roundtrip_random)
{
    static const uint8_t opcodes[] = {LOAD, MISC, OPIMM, AUIPC, OPIMM32, STORE, OP, LUI,
                                      OP32, BRANCH, JALR, JAL, SYSTEM};
    uint64_t s = 0x9e3779b97f4a7c15ull;
    unsigned counts[RV_OP_COUNT] = {0};
    for (int i = 0; i < 2000000; i++) {
        uint32_t w = (uint32_t)xorshift(&s);
        if (i & 1) /* half of them on a real major opcode, funct7 often 0/1/0x20 */
            w = (w & ~0x7fu) | opcodes[(w >> 7) % sizeof(opcodes)];
        if ((i & 6) == 2)
            w &= 0x41ffffffu;
        struct rv_insn in;
        rv_decode(w, &in);
        ck_assert_uint_lt(in.op, RV_OP_COUNT);
        counts[in.op]++;
        ck_assert_uint_lt(in.rd, 32);
        ck_assert_uint_lt(in.rs1, 32);
        ck_assert_uint_lt(in.rs2, 32);
        if (in.op == RV_OP_ILLEGAL)
            continue;
        ck_assert_msg((w & 3) == 3, "0x%08x: compressed-looking word decoded as %s", w,
                      rv_op_name(in.op));
        ck_assert_msg(reencode(&in) == w, "0x%08x decodes to %s rd=%u rs1=%u rs2=%u imm=%lld "
                      "which re-encodes to 0x%08x", w, rv_op_name(in.op), in.rd, in.rs1,
                      in.rs2, (long long)in.imm, reencode(&in));
    }
    for (int op = 0; op < RV_OP_COUNT; op++)
        if (op != RV_OP_ECALL && op != RV_OP_EBREAK)
            ck_assert_msg(counts[op] > 0, "random words never produced %s",
                          rv_op_name((enum rv_op)op));
}
END_TEST

START_TEST(test_op_tables)
{
    ck_assert_str_eq(rv_op_name(RV_OP_ADDW), "addw");
    ck_assert_str_eq(rv_op_name(RV_OP_ILLEGAL), ".word");
    ck_assert_int_eq(rv_op_format(RV_OP_SRAI), RV_FMT_SHIFT);
    ck_assert_int_eq(rv_op_format(RV_OP_JAL), RV_FMT_J);
    ck_assert_int_eq(rv_op_class(RV_OP_DIVUW), RV_CLS_DIV);
    ck_assert_int_eq(rv_op_class(RV_OP_CSR), RV_CLS_TRAP);
    ck_assert_int_eq(rv_op_class(RV_OP_FENCE), RV_CLS_NOP);
    for (int op = 0; op < RV_OP_COUNT; op++)
        ck_assert_ptr_nonnull(rv_op_name((enum rv_op)op));

    static const struct { uint32_t w; int ends; } ends[] = {
        {0x00000073, 1}, {0x00100073, 1}, {0x00000000, 1}, {0x0000006f, 1}, {0x00008067, 1},
        {0x00208463, 1}, {0x30011073, 1}, {0x0ff0000f, 0}, {0x00a00513, 0}, {0x00813503, 0},
        {0x00a13023, 0}, {0x023100b3, 0}, {0x12345317, 0},
    };
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        struct rv_insn in;
        rv_decode(ends[i].w, &in);
        ck_assert_msg(rv_insn_ends_block(&in) == ends[i].ends, "0x%08x (%s): ends_block %d",
                      ends[i].w, rv_op_name(in.op), rv_insn_ends_block(&in));
    }
}
END_TEST

Suite *test_decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_table, 0, (int)N_CASES);
    tcase_add_test(tc, test_table_covers_every_op);
    tcase_add_test(tc, test_gnu_as_agrees);
    tcase_add_test(tc, test_roundtrip_random);
    tcase_add_test(tc, test_op_tables);
    suite_add_tcase(s, tc);
    return s;
}
