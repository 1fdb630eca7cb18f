/* tier1_compare.c — see tier1_compare.h. */
#include "tier1_compare.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rvtier.h"
#include "testutil.h"

void t1cmp_open(struct t1cmp *c, int traced, uint64_t chunk_size)
{
    memset(c, 0, sizeof *c);
    c->traced = traced;
    c->chunk_size = chunk_size;
    snprintf(c->dir, sizeof c->dir, "/tmp/rvt_test_limits_XXXXXX");
    if (traced)
        ck_assert_ptr_nonnull(mkdtemp(c->dir));
    snprintf(c->t_ref, sizeof c->t_ref, "%s/interp.trace", c->dir);
    snprintf(c->t_got, sizeof c->t_got, "%s/tier1.trace", c->dir);
}

void t1cmp_close(struct t1cmp *c)
{
    if (c->traced)
        ck_assert_int_eq(tu_remove_dir(c->dir), 0);
}

struct t1cmp_run t1cmp_limit(struct t1cmp *c, struct rvt_program *p, uint64_t limit)
{
    struct rvt_options o;
    struct rvt_result ref, got;
    rvt_options_init(&o);
    o.trace = c->traced;
    o.chunk_size = c->chunk_size;
    o.max_cycles = limit;
    o.mode = RVT_MODE_INTERP;
    o.trace_path = c->t_ref;
    ck_assert_int_eq(rvt_run(p, &o, &ref), 0);
    o.mode = RVT_MODE_TIER1;
    o.trace_path = c->t_got;
    ck_assert_int_eq(rvt_run(p, &o, &got), 0);
    ck_assert_msg(got.status == ref.status && got.clk == ref.clk &&
                  got.stats.instructions == ref.stats.instructions &&
                  memcmp(got.regs, ref.regs, sizeof got.regs) == 0 &&
                  strcmp(got.error, ref.error) == 0,
                  "limit %llu, chunk %llu: tier1 %s clk %llu (%s), interp %s clk %llu (%s)",
                  (unsigned long long)limit, (unsigned long long)c->chunk_size,
                  rvt_status_name(got.status), (unsigned long long)got.clk, got.error,
                  rvt_status_name(ref.status), (unsigned long long)ref.clk, ref.error);
    if (c->traced) {
        size_t na, nb;
        uint8_t *a = tu_read_file(c->t_ref, &na), *b = tu_read_file(c->t_got, &nb);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_msg(na == nb && memcmp(a, b, na) == 0,
                      "limit %llu, chunk %llu: traces differ (%zu vs %zu bytes)",
                      (unsigned long long)limit, (unsigned long long)c->chunk_size, na, nb);
        free(a);
        free(b);
    }
    const struct t1cmp_run r = {ref.status, ref.stats.instructions,
                                got.stats.tier1_instructions};
    rvt_result_free(&ref);
    rvt_result_free(&got);
    return r;
}

void t1cmp_every_limit(struct rvt_program *p, int traced, uint64_t chunk_size, int share)
{
    struct t1cmp c;
    t1cmp_open(&c, traced, chunk_size);
    /* with no limit first, for the length; near one, a guard leaves early and tier 0 runs
     * the rest */
    const struct t1cmp_run r = t1cmp_limit(&c, p, 0);
    ck_assert(r.status == RVT_OK || r.status == RVT_FAULT);
    const uint64_t n = r.instructions, t1 = r.tier1_instructions;
    const uint64_t least = share == 2 ? n / 2 : share == 1 ? 1 : 0;
    ck_assert_msg(t1 >= least, "chunk %llu, %s: %llu of %llu instructions in tier 1",
                  (unsigned long long)chunk_size, traced ? "traced" : "untraced",
                  (unsigned long long)t1, (unsigned long long)n);
    for (uint64_t limit = 1; limit <= n + 2; limit++)
        t1cmp_limit(&c, p, limit);
    t1cmp_close(&c);
}

static void *cancel_later(void *arg)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    rvt_monitor_cancel(arg, "test says stop");
    return NULL;
}

void t1cmp_run_cancelled(struct rvt_program *p, enum rvt_mode mode, struct rvt_result *r)
{
    struct rvt_options o;
    rvt_options_init(&o);
    o.mode = mode;
    o.tier_threshold = 5;
    o.sync_compile = 1;
    if (mode == RVT_MODE_TIER1 || mode == RVT_MODE_TIERED) {
        /* compile the regions first (the program keeps them): the cancel below comes after
         * a fixed 100 ms, and a cold compile in the ASan Debug build on a loaded machine took
         * longer than that, so the cancel stopped the run before tier 1 ever ran */
        o.max_cycles = 1000;
        ck_assert_int_eq(rvt_run(p, &o, r), 0);
        ck_assert_msg(r->status == RVT_CYCLE_LIMIT, "mode %s: warm-up status %s (%s)",
                      rvt_mode_name(mode), rvt_status_name(r->status), r->error);
        ck_assert_uint_gt(r->stats.tier1_instructions, 0);
        rvt_result_free(r);
        o.max_cycles = 0;
    }
    struct rvt_monitor *m = rvt_monitor_new();
    o.monitor = m;
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, m);
    ck_assert_int_eq(rvt_run(p, &o, r), 0);
    pthread_join(th, NULL);
    rvt_monitor_free(m);
    ck_assert_msg(r->status == RVT_CANCELLED, "mode %s: status %s (%s)", rvt_mode_name(mode),
                  rvt_status_name(r->status), r->error);
    ck_assert_ptr_nonnull(strstr(r->error, "test says stop"));
    ck_assert_uint_eq(r->stats.regions_compiled, 0);   /* the 100 ms went on running */
}
