/* test_program.c — program loading (runtime/program.c): a text large enough to be decoded on
 * several threads (one slice each) must come out exactly as one thread decodes it: every
 * instruction as rv_decode makes it, every leader as rv_find_leaders marks it and every loop
 * head as rv_mark_leaders does on one thread, branch targets across slice boundaries
 * included. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/blocks.h"
#include "runtime/program.h"
#include "rv_asm.h"
#include "testutil.h"

/* 200,000 words: random ALU forms, every 7th a branch (up to 2 KiB either way) or a JAL (up
 * to 64 KiB), so some targets lie in another slice. */
START_TEST(threaded_load_matches_one_thread)
{
    enum { N = 200000 };
    uint32_t *w = malloc(N * sizeof *w);
    ck_assert_ptr_nonnull(w);
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const uint32_t r = (uint32_t)(s >> 33);
        const int32_t off = (int32_t)(r % 1024) * 4 - 2048;   /* +-2 KiB, 4-aligned */
        if (i % 7 == 3)
            w[i] = RV_BNE(r % 32, (r >> 5) % 32, off);
        else if (i % 7 == 5)
            w[i] = RV_JAL(1, off * 32);
        else
            w[i] = RV_ADDI(r % 32, (r >> 5) % 32, (int32_t)(r % 2048) - 1024);
    }
    struct rvt_program *p = tu_load(w, N, NULL, 0);
    ck_assert_uint_eq(p->n_insns, N);
    uint8_t *leader = malloc(N);
    struct rv_insn *in = malloc(N * sizeof *in);
    ck_assert_ptr_nonnull(leader);
    ck_assert_ptr_nonnull(in);
    for (size_t i = 0; i < N; i++)
        rv_decode(w[i], &in[i]);
    const uint64_t leaders = rv_find_leaders(in, N, p->pc_base, p->img.entry, leader);
    ck_assert_uint_gt(leaders, N / 8);
    uint8_t *heads = calloc(N, 1);
    uint8_t *scratch = calloc(N, 1);
    ck_assert(heads && scratch);
    rv_mark_leaders(in, 0, N, N, p->pc_base, scratch, heads);
    free(scratch);
    for (size_t i = 0; i < N; i++) {
        const struct rv_insn *a = &p->insns[i], *b = &in[i];   /* fields: padding is not */
        ck_assert_msg(a->op == b->op && a->rd == b->rd && a->rs1 == b->rs1 && a->rs2 == b->rs2 &&
                          a->imm == b->imm && a->raw == b->raw,
                      "insn %zu differs", i);
        ck_assert_msg(p->leader[i] == leader[i], "insn %zu: leader %u, one thread %u", i,
                      p->leader[i], leader[i]);
        ck_assert_msg(p->loop_head[i] == heads[i], "insn %zu: loop head %u, one thread %u", i,
                      p->loop_head[i], heads[i]);
    }
    free(heads);
    free(in);
    free(leader);
    free(w);
    rvt_program_free(p);
}
END_TEST

Suite *test_program_suite(void)
{
    Suite *s = suite_create("program");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, threaded_load_matches_one_thread);
    suite_add_tcase(s, tc);
    return s;
}
