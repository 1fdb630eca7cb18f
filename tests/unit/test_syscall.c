/* test_syscall.c — rt_syscall() on a hand-built job: every SP1 syscall (WRITE to each fd,
 * HINT_LEN/HINT_READ, COMMIT, HALT, ENTER/EXIT_UNCONSTRAINED), the four built-in precompiles
 * against independent references, their trace records and memory clocks, the Linux ABI, the
 * errors, and a precompile library compiled and loaded at test time. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/job.h"
#include "runtime/precompile.h"
#include "runtime/sha256.h"
#include "runtime/syscall.h"
#include "runtime/trace.h"
#include "testutil.h"

#define ECALL_PC 0x1000ULL
#define ECALL_CLK 10001ULL
#define TRACE_RECORDS 8192

struct fx {
    struct rvt_program prog;
    struct rvt_options opt;
    struct rvt_result res;
    struct rt_job job;
    uint8_t *tbuf;
    struct rt_bytes out[3];     /* guest fd 1 and 2 */
};

static void out_cb(void *user, int fd, const uint8_t *d, size_t n)
{
    struct fx *f = user;
    ck_assert(fd == 1 || fd == 2);
    ck_assert_int_eq(rt_bytes_append(&f->out[fd], d, n), 0);
}

static struct fx *fx_new(enum rvt_abi abi, int tracing, const struct rvt_input *in, size_t n_in)
{
    struct fx *f = calloc(1, sizeof *f);
    ck_assert_ptr_nonnull(f);
    f->prog.pc_base = ECALL_PC;
    f->prog.n_insns = 16;
    rvt_options_init(&f->opt);
    f->opt.abi = abi;
    f->opt.inputs = in;
    f->opt.n_inputs = n_in;
    f->opt.output = out_cb;
    f->opt.output_user = f;
    ck_assert_int_eq(rt_job_init(&f->job, &f->prog, &f->opt, &f->res), 0);
    if (tracing) {
        f->tbuf = calloc(1, RV_TRACE_HDR_SIZE + TRACE_RECORDS * sizeof(struct rv_mem_record));
        ck_assert_ptr_nonnull(f->tbuf);
        f->job.ctx.trace_buf = f->tbuf;
        f->job.ctx.trace_tail = (uint64_t *)(f->tbuf + RV_TRACE_HDR_SIZE);
        f->job.ctx.max_trace_size = TRACE_RECORDS;
    }
    return f;
}

static void fx_free(struct fx *f)
{
    rt_job_fini(&f->job);
    free(f->tbuf);
    free(f->out[1].data);
    free(f->out[2].data);
    free(f);
}

/* The i-th trace record. */
static struct rv_mem_record rec(struct fx *f, uint64_t i)
{
    ck_assert_uint_lt(i, f->job.ctx.num_mem_reads);
    struct rv_mem_record r;
    memcpy(&r, f->tbuf + RV_TRACE_HDR_SIZE + i * sizeof r, sizeof r);
    return r;
}

static enum rt_sc_result sp1(struct fx *f, uint64_t code, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct rv_ctx *c = &f->job.ctx;
    c->regs[RV_REG_T0] = code;
    c->regs[RV_REG_A0] = a0;
    c->regs[RV_REG_A1] = a1;
    c->regs[RV_REG_A2] = a2;
    c->pc = ECALL_PC;
    c->clk = ECALL_CLK;
    return rt_syscall(&f->job);
}

static void put(struct fx *f, uint64_t a, const void *d, size_t n)
{
    rt_mem_write(f->job.ctx.mem, a, d, n);
}

static uint64_t *entry(struct fx *f, uint64_t a)
{
    return rt_mem_entry(f->job.ctx.mem, a);
}

static void expect_error(struct fx *f, const char *needle)
{
    ck_assert_int_eq(f->job.stopped, 1);
    ck_assert_int_eq(f->res.status, RVT_SYSCALL_ERROR);
    ck_assert_msg(strstr(f->res.error, needle), "error \"%s\" lacks \"%s\"", f->res.error, needle);
    ck_assert_msg(strstr(f->res.error, "0x1000"), "error \"%s\" lacks the pc", f->res.error);
}

/* ---- WRITE, COMMIT, HALT ---- */

START_TEST(test_write_fds)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 1, NULL, 0);
    put(f, 0x2003, "hello, world", 12);   /* unaligned start, spans doublewords */
    entry(f, 0x2000)[0] = 55;
    ck_assert_int_eq(sp1(f, 0x02, 1, 0x2003, 12), RT_SC_NEXT);
    ck_assert_uint_eq(f->out[1].len, 12);
    ck_assert_mem_eq(f->out[1].data, "hello, world", 12);
    ck_assert_uint_eq(f->job.ctx.regs[RV_REG_T0], 2);        /* SP1: t0 = code */
    ck_assert_int_eq(sp1(f, 0x02, 2, 0x2003, 5), RT_SC_NEXT);
    ck_assert_mem_eq(f->out[2].data, "hello", 5);
    ck_assert_int_eq(sp1(f, 0x02, 13, 0x2003 + 7, 5), RT_SC_NEXT);
    ck_assert_int_eq(sp1(f, 0x02, 13, 0x2003, 2), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.public_values.len, 7);
    ck_assert_mem_eq(f->job.public_values.data, "worldhe", 7);
    /* fd 14 pushes to the front of the input queue. */
    ck_assert_int_eq(rt_inputs_push_back(&f->job.inputs, (const uint8_t *)"zz", 2), 0);
    ck_assert_int_eq(sp1(f, 0x02, 14, 0x2003, 4), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.inputs.count, 2);
    ck_assert_uint_eq(rt_inputs_front(&f->job.inputs)->len, 4);
    ck_assert_mem_eq(rt_inputs_front(&f->job.inputs)->data, "hell", 4);
    /* Other fds are ignored, as SP1 does; zero bytes is fine. */
    ck_assert_int_eq(sp1(f, 0x02, 3, 0x2003, 4), RT_SC_NEXT);
    ck_assert_int_eq(sp1(f, 0x02, 1, 0, 0), RT_SC_NEXT);
    ck_assert_uint_eq(f->out[1].len, 12);
    /* WRITE reads without tracing and leaves the memory clocks alone. */
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 0);
    ck_assert_uint_eq(entry(f, 0x2000)[0], 55);
    ck_assert_int_eq(f->job.stopped, 0);
    fx_free(f);
}
END_TEST

START_TEST(test_write_errors)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x02, 1, RV_MEM_ADDR_LIMIT - 4, 8), RT_SC_STOP);
    expect_error(f, "WRITE");
    fx_free(f);
    f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x02, 15, 0x2000, 8), RT_SC_STOP);
    expect_error(f, "hook");
    fx_free(f);
}
END_TEST

START_TEST(test_commit_and_halt)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 1, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x10, 3, 0xdeadbeef, 0), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.committed[3], 0xdeadbeef);
    /* A u32 sign-extended into a1 by the RV64 ABI: the low 32 bits count. */
    ck_assert_int_eq(sp1(f, 0x10, 7, 0xffffffff80000001ULL, 0), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.committed[7], 0x80000001u);
    ck_assert_int_eq(sp1(f, 0x1A, 0, 5, 0), RT_SC_NEXT);      /* COMMIT_DEFERRED_PROOFS */
    ck_assert_uint_eq(f->job.ctx.regs[RV_REG_T0], 0x1A);
    ck_assert_int_eq(sp1(f, 0x00, 0x12345603, 0, 0), RT_SC_HALT);
    ck_assert_int_eq(f->job.halted, 1);
    ck_assert_int_eq(f->job.exit_code, 0x03);                  /* low 8 bits */
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 0);
    fx_free(f);

    f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x10, 8, 1, 0), RT_SC_STOP);
    expect_error(f, "COMMIT");
    fx_free(f);
}
END_TEST

/* ---- hints ---- */

START_TEST(test_hints)
{
    const struct rvt_input in[] = {{(const uint8_t *)"abcdefghij", 10},
                                   {(const uint8_t *)"12345678", 8}};
    struct fx *f = fx_new(RVT_ABI_SP1, 1, in, 2);
    for (uint64_t a = 0x3000; a < 0x3020; a += 8) {
        entry(f, a)[0] = 77;
        entry(f, a)[1] = ~0ULL;
    }
    ck_assert_int_eq(sp1(f, 0xF0, 0, 0, 0), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.ctx.regs[RV_REG_T0], 10);
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 1);
    ck_assert_uint_eq(rec(f, 0).clk, UINT64_MAX);
    ck_assert_uint_eq(rec(f, 0).value, 10);

    ck_assert_int_eq(sp1(f, 0xF1, 0x3000, 10, 0), RT_SC_NEXT);
    ck_assert_uint_eq(entry(f, 0x3000)[0], 0);
    ck_assert_mem_eq(&entry(f, 0x3000)[1], "abcdefgh", 8);
    ck_assert_uint_eq(entry(f, 0x3008)[0], 0);
    ck_assert_uint_eq(entry(f, 0x3008)[1], 0x6a69);          /* "ij", zero-padded */
    ck_assert_uint_eq(entry(f, 0x3010)[0], 77);              /* untouched */
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 1);          /* HINT_READ records nothing */

    /* A multiple of 8: SP1 still writes one more, zero, doubleword. */
    ck_assert_int_eq(sp1(f, 0xF1, 0x3010, 8, 0), RT_SC_NEXT);
    ck_assert_mem_eq(&entry(f, 0x3010)[1], "12345678", 8);
    ck_assert_uint_eq(entry(f, 0x3018)[0], 0);
    ck_assert_uint_eq(entry(f, 0x3018)[1], 0);

    ck_assert_int_eq(sp1(f, 0xF0, 0, 0, 0), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.ctx.regs[RV_REG_T0], UINT64_MAX);
    ck_assert_uint_eq(rec(f, 1).clk, UINT64_MAX);
    ck_assert_uint_eq(rec(f, 1).value, UINT64_MAX);

    ck_assert_int_eq(sp1(f, 0xF1, 0x3000, 0, 0), RT_SC_STOP);
    expect_error(f, "exhausted");
    fx_free(f);
}
END_TEST

START_TEST(test_hint_errors)
{
    const struct rvt_input in[] = {{(const uint8_t *)"abcdefghij", 10}};
    struct fx *f = fx_new(RVT_ABI_SP1, 0, in, 1);
    ck_assert_int_eq(sp1(f, 0xF1, 0x3000, 9, 0), RT_SC_STOP);
    expect_error(f, "next input buffer has 10");
    fx_free(f);
    f = fx_new(RVT_ABI_SP1, 0, in, 1);
    ck_assert_int_eq(sp1(f, 0xF1, 0x3004, 10, 0), RT_SC_STOP);
    expect_error(f, "8-aligned");
    fx_free(f);
    f = fx_new(RVT_ABI_SP1, 0, in, 1);
    ck_assert_int_eq(sp1(f, 0xF1, RV_MEM_ADDR_LIMIT - 8, 10, 0), RT_SC_STOP);
    expect_error(f, "HINT_READ");
    fx_free(f);
}
END_TEST

/* ---- unconstrained blocks ---- */

START_TEST(test_unconstrained)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 1, NULL, 0);
    struct rv_ctx *c = &f->job.ctx;
    uint64_t five = 5, ninety = 90;
    put(f, 0x4000, &five, 8);
    c->global_clk = 40;
    c->regs[7] = 0x77;
    ck_assert_int_eq(sp1(f, 0x03, 0, 0, 0), RT_SC_RESUME);
    ck_assert_uint_eq(c->regs[RV_REG_T0], 1);
    ck_assert_uint_eq(c->is_unconstrained, 1);
    ck_assert_uint_eq(c->pc, ECALL_PC + 4);
    ck_assert_uint_eq(c->clk, ECALL_CLK + 264);
    ck_assert_uint_eq(c->global_clk, 40);      /* SP1 counts ENTER at EXIT */

    /* Inside: memory and registers change, output and hints stay. */
    put(f, 0x4000, &ninety, 8);
    put(f, 0x5000, &ninety, 8);
    c->regs[7] = 0x99;
    put(f, 0x2000, "hint", 4);
    c->regs[RV_REG_T0] = 0x02;
    c->regs[RV_REG_A0] = 14;
    c->regs[RV_REG_A1] = 0x2000;
    c->regs[RV_REG_A2] = 4;
    c->pc = 0x1100;
    c->clk = 90001;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_NEXT);
    c->regs[RV_REG_A0] = 1;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_NEXT);
    c->regs[RV_REG_A0] = 13;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_NEXT);
    c->regs[RV_REG_T0] = 0x04;
    c->pc = 0x1200;
    c->clk = 99001;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_RESUME);

    ck_assert_uint_eq(c->is_unconstrained, 0);
    ck_assert_uint_eq(c->regs[RV_REG_T0], 0);
    ck_assert_uint_eq(c->regs[7], 0x77);
    ck_assert_uint_eq(c->regs[RV_REG_A0], 0);
    ck_assert_uint_eq(c->pc, ECALL_PC + 4);
    ck_assert_uint_eq(c->clk, ECALL_CLK + 264);
    ck_assert_uint_eq(c->global_clk, 41);
    uint64_t v;
    rt_mem_read(c->mem, 0x4000, &v, 8);
    ck_assert_uint_eq(v, 5);
    rt_mem_read(c->mem, 0x5000, &v, 8);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(f->out[1].len, 4);                    /* kept, as in SP1 */
    ck_assert_uint_eq(f->job.public_values.len, 4);
    ck_assert_uint_eq(f->job.inputs.count, 1);
    ck_assert_uint_eq(c->num_mem_reads, 0);
    ck_assert_int_eq(f->job.stopped, 0);
    fx_free(f);
}
END_TEST

START_TEST(test_unconstrained_errors)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x04, 0, 0, 0), RT_SC_STOP);
    expect_error(f, "outside an unconstrained block");
    fx_free(f);
    /* Only WRITE and EXIT are allowed inside (SP1 minimal/ecall.rs). */
    static const uint32_t banned[] = {0xF0, 0x10, 0x00, 0x03, 0x00010109};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++) {
        f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
        ck_assert_int_eq(sp1(f, 0x03, 0, 0, 0), RT_SC_RESUME);
        ck_assert_int_eq(sp1(f, banned[i], 0x6000, 0, 0), RT_SC_STOP);
        expect_error(f, "unconstrained block");
        fx_free(f);
    }
}
END_TEST

/* ---- precompiles ---- */

static const uint32_t sha_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

START_TEST(test_builtin_table)
{
    char err[256];
    for (size_t i = 0; i < rt_precompiles_builtin_count; i++)
        ck_assert_msg(rt_precompile_check(&rt_precompiles_builtin[i], err, sizeof err) == 0,
                      "%s", err);
    ck_assert_uint_eq(rt_precompile_records(rt_precompile_find(NULL, 0x00300105)), 288);
    ck_assert_uint_eq(rt_precompile_records(rt_precompile_find(NULL, 0x00010106)), 88);
    ck_assert_uint_eq(rt_precompile_records(rt_precompile_find(NULL, 0x00010109)), 75);
    ck_assert_uint_eq(rt_precompile_records(rt_precompile_find(NULL, 0x0001011D)), 20);
    ck_assert_ptr_null(rt_precompile_find(NULL, 0x00010107));
    ck_assert_str_eq(rt_syscall_name(0x00010107), "ED_ADD");
    ck_assert_ptr_null(rt_syscall_name(0x00000077));
}
END_TEST

/* SHA-256("abc") through SHA_EXTEND then SHA_COMPRESS, one 32-bit word per 8-byte slot. */
START_TEST(test_sha256_abc)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 1, NULL, 0);
    const uint64_t w = 0x8000, h = 0x9000;
    uint8_t block[64] = {'a', 'b', 'c', 0x80};
    block[63] = 24;
    for (int i = 0; i < 64; i++) {
        uint64_t v = i < 16 ? (uint64_t)block[4 * i] << 24 | block[4 * i + 1] << 16 |
                                  block[4 * i + 2] << 8 | block[4 * i + 3]
                            : 0xabcdef;           /* junk the extend overwrites */
        put(f, w + 8 * i, &v, 8);
        entry(f, w + 8 * i)[0] = 3;
    }
    for (int i = 0; i < 8; i++) {
        uint64_t v = sha_iv[i];
        put(f, h + 8 * i, &v, 8);
        entry(f, h + 8 * i)[0] = 4;
    }
    const uint64_t C = ECALL_CLK;
    ck_assert_int_eq(sp1(f, 0x00300105, w, 0, 0), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.ctx.regs[RV_REG_T0], 0x00300105);
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 288);
    /* Iteration i=16: reads w[1], w[14], w[0], w[9] (old clk 3), then writes w[16] at C+1. */
    ck_assert_uint_eq(rec(f, 0).clk, 3);
    ck_assert_uint_eq(rec(f, 0).value, entry(f, w + 8)[1]);
    ck_assert_uint_eq(rec(f, 4).clk, 3);
    ck_assert_uint_eq(rec(f, 4).value, 0xabcdef);
    ck_assert_uint_eq(rec(f, 5).clk, C + 1);
    ck_assert_uint_eq(rec(f, 5).value, entry(f, w + 8 * 16)[1]);
    /* Iteration i=18 reads w[16] (as w[i-2]) as written in iteration 16. */
    ck_assert_uint_eq(rec(f, 13).clk, C + 1);
    ck_assert_uint_eq(rec(f, 13).value, entry(f, w + 8 * 16)[1]);
    /* The last write is stamped C+48; w[1] was last read in iteration 17 at C+2. */
    ck_assert_uint_eq(entry(f, w + 8 * 63)[0], C + 48);
    ck_assert_uint_eq(entry(f, w + 8 * 1)[0], C + 2);
    ck_assert_uint_eq(entry(f, w + 8 * 15)[0], C + 16);     /* w[15] last read at i=31 */

    uint64_t before = f->job.ctx.num_mem_reads;
    uint64_t w0_clk = entry(f, w)[0];
    ck_assert_int_eq(sp1(f, 0x00010106, w, h, 0), RT_SC_NEXT);
    ck_assert_uint_eq(f->job.ctx.num_mem_reads - before, 88);
    ck_assert_uint_eq(rec(f, before + 0).clk, 4);            /* h[0] read at C */
    ck_assert_uint_eq(rec(f, before + 0).value, sha_iv[0]);
    ck_assert_uint_eq(rec(f, before + 8).clk, w0_clk);       /* w[0] read at C+1 */
    ck_assert_uint_eq(rec(f, before + 72).clk, C);           /* old h[0] as the read left it */
    ck_assert_uint_eq(rec(f, before + 72).value, sha_iv[0]);
    ck_assert_uint_eq(rec(f, before + 73).clk, C + 2);       /* new h[0] */
    ck_assert_uint_eq(entry(f, w)[0], C + 1);
    ck_assert_uint_eq(entry(f, h)[0], C + 2);

    uint8_t digest[32], want[32];
    for (int i = 0; i < 8; i++) {
        uint64_t v = entry(f, h + 8 * i)[1];
        ck_assert_uint_eq(v >> 32, 0);                      /* zero-extended */
        digest[4 * i] = (uint8_t)(v >> 24);
        digest[4 * i + 1] = (uint8_t)(v >> 16);
        digest[4 * i + 2] = (uint8_t)(v >> 8);
        digest[4 * i + 3] = (uint8_t)v;
    }
    rt_sha256("abc", 3, want);
    ck_assert_mem_eq(digest, want, 32);
    ck_assert_uint_eq(digest[0], 0xba);
    fx_free(f);
}
END_TEST

/* Keccak-256 of a short message with the permutation alone (rate 136, pad 0x01 .. 0x80). */
static void keccak256(const uint8_t *m, size_t len, uint8_t out[32])
{
    uint64_t st[25] = {0};
    uint8_t block[136] = {0};
    if (len)
        memcpy(block, m, len);
    block[len] ^= 0x01;
    block[135] ^= 0x80;
    for (int i = 0; i < 17; i++) {
        uint64_t lane;
        memcpy(&lane, block + 8 * i, 8);
        st[i] ^= lane;
    }
    rt_pc_keccak_permute(st);
    memcpy(out, st, 32);
}

START_TEST(test_keccak)
{
    uint8_t d[32];
    static const uint8_t empty[32] = {
        0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
        0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};
    keccak256(NULL, 0, d);
    ck_assert_mem_eq(d, empty, 32);
    static const uint8_t abc[32] = {
        0x4e, 0x03, 0x65, 0x7a, 0xea, 0x45, 0xa9, 0x4f, 0xc7, 0xd4, 0x7b, 0xa8, 0x26, 0xc8, 0xd6, 0x67,
        0xc0, 0xd1, 0xe6, 0xe3, 0x3a, 0x64, 0xa0, 0x36, 0xec, 0x44, 0xf5, 0x8f, 0xa1, 0x2d, 0x6c, 0x45};
    keccak256((const uint8_t *)"abc", 3, d);
    ck_assert_mem_eq(d, abc, 32);

    /* Through the syscall: the zero state (Keccak team's KeccakF-1600 known answer). */
    struct fx *f = fx_new(RVT_ABI_SP1, 1, NULL, 0);
    const uint64_t s = 0xa000;
    for (int i = 0; i < 25; i++)
        entry(f, s + 8 * i)[0] = 9;
    ck_assert_int_eq(sp1(f, 0x00010109, s, 0, 0), RT_SC_NEXT);
    ck_assert_uint_eq(entry(f, s)[1], 0xF1258F7940E1DDE7ULL);
    ck_assert_uint_eq(entry(f, s + 8)[1], 0x84D5CCF933C0478AULL);
    ck_assert_uint_eq(entry(f, s + 8 * 24)[1], 0xEAF1FF7B5CECA249ULL);
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 75);
    ck_assert_uint_eq(rec(f, 0).clk, 9);
    ck_assert_uint_eq(rec(f, 25).clk, ECALL_CLK);            /* old lane 0, stamped by the read */
    ck_assert_uint_eq(rec(f, 25).value, 0);
    ck_assert_uint_eq(rec(f, 26).clk, ECALL_CLK + 1);
    ck_assert_uint_eq(rec(f, 26).value, 0xF1258F7940E1DDE7ULL);
    ck_assert_uint_eq(entry(f, s + 8 * 24)[0], ECALL_CLK + 1);
    fx_free(f);
}
END_TEST

START_TEST(test_uint256_mul)
{
    static const uint64_t x[4] = {0xaaaaaaaaaaaaaaaaULL, 0x0f0f0f0f0f0f0f0fULL,
                                  0xfedcba0987654321ULL, 0x1234567890abcdefULL};
    static const uint64_t y[4] = {0x1111111111111111ULL, 0xffffffffffffffffULL,
                                  0x0123456789abcdefULL, 0xdeadbeefcafebabeULL};
    static const struct { uint64_t m[4], want[4]; } v[] = {
        {{0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL},
         {0x3687b6b58b143512ULL, 0x2056b8ba8a23b3adULL, 0x831b6ce19517ff26ULL, 0x1065b58073129a32ULL}},
        {{0, 0, 0, 0},   /* 2^256 */
         {0x9f49f49f49f49f4aULL, 0x5fb50a5fb50a5fb5ULL, 0x8adcc856f389b982ULL, 0x04aefa82182a7b13ULL}},
        {{~0ULL, ~0ULL, ~0ULL, ~0ULL},
         {0xa034fa8cb50eecd8ULL, 0x7673298aa39572ffULL, 0xdfd467075b19024eULL, 0x1484b870fa92db22ULL}},
        {{7, 0, 0, 0}, {3, 0, 0, 0}},
    };
    for (size_t t = 0; t < sizeof v / sizeof v[0]; t++) {
        struct fx *f = fx_new(RVT_ABI_SP1, 1, NULL, 0);
        const uint64_t xp = 0xb000, yp = 0xc000;
        put(f, xp, x, 32);
        put(f, yp, y, 32);
        put(f, yp + 32, v[t].m, 32);
        for (int i = 0; i < 4; i++)
            entry(f, xp + 8 * i)[0] = 11;
        for (int i = 0; i < 8; i++)
            entry(f, yp + 8 * i)[0] = 12;
        ck_assert_int_eq(sp1(f, 0x0001011D, xp, yp, 0), RT_SC_NEXT);
        uint64_t got[4];
        rt_mem_read(f->job.ctx.mem, xp, got, 32);
        for (int i = 0; i < 4; i++)
            ck_assert_msg(got[i] == v[t].want[i], "case %zu limb %d: 0x%016llx", t, i,
                          (unsigned long long)got[i]);
        ck_assert_uint_eq(f->job.ctx.num_mem_reads, 20);
        ck_assert_uint_eq(rec(f, 0).clk, 11);                /* x peeked ... */
        ck_assert_uint_eq(rec(f, 4).clk, 12);                /* y read at C */
        ck_assert_uint_eq(rec(f, 12).clk, 11);               /* ... so x's old clk is still 11 */
        ck_assert_uint_eq(rec(f, 12).value, x[0]);
        ck_assert_uint_eq(rec(f, 13).clk, ECALL_CLK + 1);
        ck_assert_uint_eq(entry(f, yp + 8 * 7)[0], ECALL_CLK);
        ck_assert_uint_eq(entry(f, xp)[0], ECALL_CLK + 1);
        fx_free(f);
    }
}
END_TEST

START_TEST(test_precompile_untraced)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    const uint64_t s = 0xa000;
    entry(f, s)[0] = 9;
    ck_assert_int_eq(sp1(f, 0x00010109, s, 0, 0), RT_SC_NEXT);
    ck_assert_uint_eq(entry(f, s)[1], 0xF1258F7940E1DDE7ULL);
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 0);
    ck_assert_uint_eq(entry(f, s)[0], ECALL_CLK + 1);       /* SP1's mw stamps regardless */
    fx_free(f);
}
END_TEST

START_TEST(test_precompile_errors)
{
    struct fx *f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x00300105, 0x8000, 8, 0), RT_SC_STOP);
    expect_error(f, "must be 0");
    fx_free(f);
    f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x0001011D, 0x8004, 0x9000, 0), RT_SC_STOP);
    expect_error(f, "UINT256_MUL");
    fx_free(f);
    f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x00010106, 0x8000, RV_MEM_ADDR_LIMIT - 32, 0), RT_SC_STOP);
    expect_error(f, "SHA_COMPRESS");
    fx_free(f);
    f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x00010107, 0x8000, 0x9000, 0), RT_SC_STOP);
    expect_error(f, "ED_ADD");
    fx_free(f);
    f = fx_new(RVT_ABI_SP1, 0, NULL, 0);
    ck_assert_int_eq(sp1(f, 0x00000077, 0, 0, 0), RT_SC_STOP);
    expect_error(f, "unknown syscall code 0x00000077");
    fx_free(f);
}
END_TEST

/* ---- Linux ABI ---- */

START_TEST(test_linux_abi)
{
    struct fx *f = fx_new(RVT_ABI_LINUX, 1, NULL, 0);
    struct rv_ctx *c = &f->job.ctx;
    put(f, 0x2001, "linux!", 6);
    c->regs[RV_REG_A7] = 64;
    c->regs[RV_REG_A0] = 1;
    c->regs[RV_REG_A1] = 0x2001;
    c->regs[RV_REG_A2] = 6;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_NEXT);
    ck_assert_uint_eq(c->regs[RV_REG_A0], 6);
    ck_assert_mem_eq(f->out[1].data, "linux!", 6);
    c->regs[RV_REG_A7] = 93;
    c->regs[RV_REG_A0] = 0x103;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_HALT);
    ck_assert_int_eq(f->job.exit_code, 3);
    ck_assert_uint_eq(c->num_mem_reads, 0);
    fx_free(f);

    f = fx_new(RVT_ABI_LINUX, 0, NULL, 0);
    f->job.ctx.pc = ECALL_PC;
    f->job.ctx.regs[RV_REG_A7] = 63;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_STOP);
    expect_error(f, "Linux syscall 63");
    fx_free(f);
    f = fx_new(RVT_ABI_LINUX, 0, NULL, 0);
    f->job.ctx.pc = ECALL_PC;
    f->job.ctx.regs[RV_REG_A7] = 64;
    f->job.ctx.regs[RV_REG_A0] = 5;
    ck_assert_int_eq(rt_syscall(&f->job), RT_SC_STOP);
    expect_error(f, "fd 5");
    fx_free(f);
}
END_TEST

/* ---- a precompile library, compiled here ---- */

static const char lib_src[] =
    "#include \"runtime/precompile.h\"\n"
    "#include \"runtime/ctx.h\"\n"
    "static int add_into(uint64_t *dst, uint64_t *src) {\n"
    "    if (src[2] == 13) return 7;\n"
    "    for (int i = 0; i < 3; i++) dst[i] += src[i];\n"
    "    return 0;\n"
    "}\n"
    "static const struct rt_precompile entries[] = {\n"
    "    {.code = 0x00010107, .name = \"ED_ADD_TEST\", .n_args = 2,\n"
    "     .args = {{RV_REG_A0, 3}, {RV_REG_A1, 3}},\n"
    "     .steps = {{RT_PC_READ, 1, 0, 3}, {RT_PC_BUMP, 0, 0, 0}, {RT_PC_WRITE, 0, 0, 3}},\n"
    "     .fn = (rt_pc_fn *)add_into},\n"
    "    {.code = 0x000001F5, .name = \"CUSTOM\", .n_args = 2,\n"
    "     .args = {{RV_REG_A0, 3}, {RV_REG_A1, 3}},\n"
    "     .steps = {{RT_PC_WRITE, 0, 1, 1}},\n"
    "     .fn = (rt_pc_fn *)add_into},\n"
    "};\n"
    "const struct rt_precompile_table rvtier_precompiles = {RT_PRECOMPILE_ABI_VERSION, 2, entries};\n"
    ;

static const char clash_src[] =
    "#include \"runtime/precompile.h\"\n"
    "static int nop(uint64_t *a) { (void)a; return 0; }\n"
    "static const struct rt_precompile e[] = {{.code = 0x00300105, .name = \"MINE\", .n_args = 1,\n"
    "    .args = {{10, 1}}, .steps = {{RT_PC_READ, 0, 0, 1}}, .fn = (rt_pc_fn *)nop}};\n"
    "const struct rt_precompile_table rvtier_precompiles = {RT_PRECOMPILE_ABI_VERSION, 1, e};\n";

/* Writes src to dir/name.c and builds dir/name.so; returns the .so path (malloc'd). */
static char *build_lib(const char *dir, const char *name, const char *src)
{
    const char *srcdir = getenv("RVT_SRC_DIR");
    ck_assert_msg(srcdir != NULL, "RVT_SRC_DIR must point at the rvtier sources (ctest sets it)");
    char c_path[512], cmd[2048];
    snprintf(c_path, sizeof c_path, "%s/%s.c", dir, name);
    FILE *fp = fopen(c_path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(src, fp);
    fclose(fp);
    char *so = malloc(512);
    snprintf(so, 512, "%s/%s.so", dir, name);
    snprintf(cmd, sizeof cmd, "cc -std=c17 -Wall -Werror -shared -fPIC -I'%s' -o '%s' '%s'",
             srcdir, so, c_path);
    ck_assert_msg(system(cmd) == 0, "cannot build the test library: %s", cmd);
    return so;
}

START_TEST(test_library)
{
    char dir[] = "/tmp/rvt_pc_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *so = build_lib(dir, "ext", lib_src);
    char *clash = build_lib(dir, "clash", clash_src);
    char err[512];
    struct rt_precompile_set set;
    rt_precompile_set_init(&set);
    ck_assert_int_eq(rt_precompile_load_library(&set, "/nonexistent/x.so", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.so"));
    ck_assert_int_eq(rt_precompile_load_library(&set, clash, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "built-in precompile"), "%s", err);
    ck_assert_uint_eq(set.n, 0);
    ck_assert_int_eq(rt_precompile_load_library(&set, so, err, sizeof err), 0);
    ck_assert_uint_eq(set.n, 2);
    ck_assert_int_eq(rt_precompile_load_library(&set, so, err, sizeof err), -1);  /* again */
    ck_assert_msg(strstr(err, "loaded before"), "%s", err);

    struct fx *f = fx_new(RVT_ABI_SP1, 1, NULL, 0);
    f->opt.precompiles = &set;
    const uint64_t a = 0xd000, b = 0xe000, va[3] = {1, 2, 3}, vb[3] = {10, 20, 30};
    put(f, a, va, 24);
    put(f, b, vb, 24);
    ck_assert_int_eq(sp1(f, 0x00010107, a, b, 0), RT_SC_NEXT);     /* an SP1 code */
    uint64_t got[3];
    rt_mem_read(f->job.ctx.mem, a, got, 24);
    ck_assert_uint_eq(got[0], 11);
    ck_assert_uint_eq(got[2], 33);
    ck_assert_uint_eq(f->job.ctx.num_mem_reads, 3 + 6);
    ck_assert_uint_eq(rec(f, 4).clk, ECALL_CLK + 1);
    ck_assert_int_eq(sp1(f, 0x000001F5, a, b, 0), RT_SC_NEXT);     /* a code of its own */
    rt_mem_read(f->job.ctx.mem, a, got, 24);
    ck_assert_uint_eq(got[0], 11);                                  /* only dw 1 is written */
    ck_assert_uint_eq(got[1], 42);
    ck_assert_uint_eq(got[2], 33);
    uint64_t thirteen = 13;
    put(f, b + 16, &thirteen, 8);
    ck_assert_int_eq(sp1(f, 0x000001F5, a, b, 0), RT_SC_STOP);
    expect_error(f, "returned 7");
    fx_free(f);

    rt_precompile_set_free(&set);
    free(so);
    free(clash);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

Suite *test_syscall_suite(void)
{
    Suite *s = suite_create("syscall");
    TCase *tc = tcase_create("sp1");
    tcase_add_test(tc, test_write_fds);
    tcase_add_test(tc, test_write_errors);
    tcase_add_test(tc, test_commit_and_halt);
    tcase_add_test(tc, test_hints);
    tcase_add_test(tc, test_hint_errors);
    tcase_add_test(tc, test_unconstrained);
    tcase_add_test(tc, test_unconstrained_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("precompiles");
    tcase_add_test(tc, test_builtin_table);
    tcase_add_test(tc, test_sha256_abc);
    tcase_add_test(tc, test_keccak);
    tcase_add_test(tc, test_uint256_mul);
    tcase_add_test(tc, test_precompile_untraced);
    tcase_add_test(tc, test_precompile_errors);
    tcase_add_test(tc, test_library);
    suite_add_tcase(s, tc);
    tc = tcase_create("linux");
    tcase_add_test(tc, test_linux_abi);
    suite_add_tcase(s, tc);
    return s;
}
