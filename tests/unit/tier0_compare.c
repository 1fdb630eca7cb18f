/* tier0_compare.c — see tier0_compare.h. */
#include "tier0_compare.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/job.h"
#include "runtime/trace.h"
#include "testutil.h"
#include "tiers/interp/interp.h"
#include "tiers/tier0/tier0.h"

static void collect_output(void *user, int fd, const uint8_t *data, size_t len)
{
    FILE *f = user;
    fputc('0' + fd, f);
    fwrite(data, 1, len, f);
}

struct rvt_program *t0cmp_load(const uint32_t *w, size_t n, const uint8_t *data, size_t dlen)
{
    size_t len;
    uint8_t *elf = tu_make_elf(w, n, data, dlen, TU_DATA_ADDR, &len);
    struct rvt_program *p;
    char err[512];
    int rc = rvt_program_load(elf, len, "t0test", &p, err, sizeof err);
    free(elf);
    ck_assert_msg(rc == 0, "program refused: %s", err);
    return p;
}

/* A register ranking shuffled by a seed (Fisher-Yates over xorshift), in the layout that has
 * every location class (GPR, solo XMM, both lanes of a pair, ctx). */
void t0cmp_shuffled_map(uint64_t seed, struct rv_regmap *m)
{
    uint8_t rank[31];
    for (int k = 0; k < 31; k++)
        rank[k] = (uint8_t)(k + 1);
    uint64_t s = seed | 1;
    for (int k = 30; k > 0; k--) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        int j = (int)(s % (uint64_t)(k + 1));
        uint8_t t = rank[k];
        rank[k] = rank[j];
        rank[j] = t;
    }
    rv_regmap_ranked(rank, RV_LAYOUT_MIXED, m);
}

static void scrambled_map(const struct rvt_program *p, struct rv_regmap *m)
{
    uint64_t seed = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < p->n_insns && i < 64; i++)
        seed = (seed ^ p->insns[i].raw) * 0x100000001b3ull;
    t0cmp_shuffled_map(seed, m);
}

/* One run as rvt_run does it, but with initial registers and the trace kept in memory.
 * chunk == 0: no trace. tier0: 0 = interpreter, 1 = tier 0 with the default register map
 * (which the tests' register choices are made against), 2 = tier 0 with a map
 * scrambled from the program's words, so every register meets every location class. */
void t0cmp_run_mode(const struct rvt_program *p, const uint64_t *regs, int tier0,
                    uint64_t chunk, uint64_t max_cycles, enum rvt_abi abi, struct outcome *out)
{
    memset(out, 0, sizeof *out);
    struct rvt_options o;
    rvt_options_init(&o);
    o.abi = abi;
    FILE *outf = open_memstream(&out->output, &out->output_len);
    o.output = collect_output;
    o.output_user = outf;
    o.max_cycles = max_cycles;
    o.trace = chunk != 0;
    o.chunk_size = chunk;
    struct rvt_result r;
    memset(&r, 0, sizeof r);
    struct rt_job *job = calloc(1, sizeof *job);
    ck_assert_int_eq(rt_job_init(job, p, &o, &r), 0);
    struct rv_ctx *c = &job->ctx;
    if (regs)
        memcpy(c->regs, regs, sizeof c->regs);
    c->regs[0] = 0;
    FILE *ms = NULL;
    char err[512];
    if (chunk) {
        ms = open_memstream(&out->trace, &out->trace_len);
        ck_assert_int_eq(rt_trace_open_stream(&job->trace, ms, chunk, err, sizeof err), 0);
        c->max_trace_size = job->trace.chunk_size;
        rt_trace_begin_chunk(&job->trace, c);
    }
    if (tier0) {
        struct t0_code *code;
        struct rv_regmap scrambled;
        scrambled_map(p, &scrambled);
        /* 2: every register elsewhere; 3: the text cut into slices, one thread each */
        const struct t0_options to = {.map = tier0 == 2 ? &scrambled : NULL,
                                      .threads = tier0 == 3 ? 3 : 1};
        ck_assert_msg(t0_translate_opts(p, &to, &code, err, sizeof err) == 0, "translate: %s",
                      err);
        out->rc = t0_run_job(job, code);
        t0_code_free(code);
    } else {
        out->rc = interp_run(job);
    }
    if (chunk) {
        rt_trace_end_chunk(&job->trace, c);
        ck_assert_int_eq(rt_trace_close(&job->trace, err, sizeof err), 0);
        fclose(ms);
    }
    out->status = job->stopped ? r.status : RVT_OK;
    snprintf(out->error, sizeof out->error, "%s", r.error);
    out->halted = job->halted;
    out->exit_code = job->exit_code;
    memcpy(out->regs, c->regs, sizeof out->regs);
    out->pc = c->pc;
    out->clk = c->clk;
    out->global_clk = c->global_clk;
    rt_job_fini(job);
    free(job);
    fclose(outf);
}

/* Asserts that a tier 0 outcome t equals the interpreter's, everything observable. */
void t0cmp_expect_same(const char *what, int map, const struct outcome *t,
                       const struct outcome *ref)
{
    const char *m = map == 2   ? " (scrambled register map)"
                    : map == 3 ? " (translated in slices)"
                               : "";
    ck_assert_msg(t->rc == ref->rc && t->status == ref->status,
                  "%s%s: rc/status %d/%d vs interp %d/%d (%s | %s)", what, m, t->rc, t->status,
                  ref->rc, ref->status, t->error, ref->error);
    ck_assert_msg(strcmp(t->error, ref->error) == 0, "%s%s: error '%s' vs interp '%s'", what,
                  m, t->error, ref->error);
    ck_assert_msg(t->halted == ref->halted && t->exit_code == ref->exit_code, "%s%s: halt",
                  what, m);
    for (int r = 0; r < 32; r++)
        ck_assert_msg(t->regs[r] == ref->regs[r], "%s%s: x%d = %#llx vs interp %#llx", what, m,
                      r, (unsigned long long)t->regs[r], (unsigned long long)ref->regs[r]);
    ck_assert_msg(t->pc == ref->pc, "%s%s: pc %#llx vs interp %#llx", what, m,
                  (unsigned long long)t->pc, (unsigned long long)ref->pc);
    ck_assert_msg(t->clk == ref->clk, "%s%s: clk %llu vs interp %llu", what, m,
                  (unsigned long long)t->clk, (unsigned long long)ref->clk);
    ck_assert_msg(t->global_clk == ref->global_clk, "%s%s: global_clk %llu vs interp %llu",
                  what, m, (unsigned long long)t->global_clk,
                  (unsigned long long)ref->global_clk);
    ck_assert_msg(t->trace_len == ref->trace_len &&
                      (t->trace_len == 0 || memcmp(t->trace, ref->trace, t->trace_len) == 0),
                  "%s%s: trace differs (%zu vs interp %zu bytes)", what, m, t->trace_len,
                  ref->trace_len);
    ck_assert_msg(t->output_len == ref->output_len &&
                      memcmp(t->output, ref->output, t->output_len) == 0,
                  "%s%s: guest output differs (%zu vs interp %zu bytes)", what, m,
                  t->output_len, ref->output_len);
}

/* Runs p in the interpreter and in tier 0 with both register maps and translated in slices,
 * and asserts identical outcomes; returns the interpreter's in *ref. */
void t0cmp_compare_abi(const struct rvt_program *p, const uint64_t *regs, uint64_t chunk,
                       uint64_t max_cycles, enum rvt_abi abi, const char *what,
                       struct outcome *ref)
{
    t0cmp_run_mode(p, regs, 0, chunk, max_cycles, abi, ref);
    for (int map = 1; map <= 3; map++) {
        struct outcome t;
        t0cmp_run_mode(p, regs, map, chunk, max_cycles, abi, &t);
        t0cmp_expect_same(what, map, &t, ref);
        free(t.trace);
        free(t.output);
    }
    free(ref->output);
    ref->output = NULL;
}

void t0cmp_compare(const struct rvt_program *p, const uint64_t *regs, uint64_t chunk,
                   uint64_t max_cycles, const char *what, struct outcome *ref)
{
    t0cmp_compare_abi(p, regs, chunk, max_cycles, RVT_ABI_SP1, what, ref);
}

void t0cmp_compare_words(const uint32_t *w, size_t n, const uint8_t *data, size_t dlen,
                         const uint64_t *regs, uint64_t chunk, uint64_t max_cycles,
                         const char *what, struct outcome *ref)
{
    struct rvt_program *p = t0cmp_load(w, n, data, dlen);
    t0cmp_compare(p, regs, chunk, max_cycles, what, ref);
    rvt_program_free(p);
}

