/* tierup.c — see tierup.h. Program-level state is shared by every run of the program (a
 * service's jobs): regions compiled for one run are installed for all later ones. The lock
 * guards the region list; per-head status changes with atomic compare-and-swap so that two
 * runs hitting the same hot head form and compile its region once. */
#include "runtime/tierup.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ir/lift.h"
#include "runtime/fork_join.h"
#include "runtime/job.h"
#include "runtime/perf_map.h"
#include "runtime/wallclock.h"
#include "runtime/region.h"
#include "runtime/trace.h"
#include "tiers/tier0/tier0.h"
#include "tiers/tier1/tier1.h"

/* Per leader and variant (plain, recording: region.h), an enum rt_head_state. Members are
 * marked covered: every block of a hot loop reaches the threshold at about the same time, and
 * without this each would form its own copy of the same loop (seven 19-instruction regions
 * for one loop of sort). The two variants of a head are formed and compiled independently,
 * each when the head gets hot in runs of its kind: a head whose region exists only in the
 * other variant is run by tier 0 (the gate falls back to the head's code and counter), so it
 * gets hot again there. */
#define RETRIES_UNTIL_LOOP 2   /* re-arm a non-loop region this often before taking it */

struct region_rec {
    uint64_t head_pc;
    uint32_t first, last;        /* instruction index range the blocks cover */
    uint32_t n_insns, n_blocks;
    double compile_seconds;
    double phase_seconds[4];     /* lift, IR passes, code generation, JIT link (tier1.h) */
    double installed_at;         /* monotonic seconds */
    uint8_t recording;           /* the variant */
    uint8_t cached;              /* linked from the object cache, not compiled */
    uint64_t entries;            /* with --dump-ir, the region function counts its entries
                                  * here (index.tsv); otherwise it is not compiled in: one
                                  * write to a shared line per entry, for a statistic */
    const void *fn;
    size_t size;
};

struct rt_tier1 {
    struct t1_engine *engine;
    const struct t0_code *code;
    int32_t armed;               /* the threshold the counters were armed with */
    uint8_t *state[2];           /* per variant (plain, recording), per instruction: HEAD_* */
    uint8_t *attempts;
    pthread_mutex_t lock;        /* guards the fields below */
    struct region_rec **regions; /* installed, in install order */
    size_t n_regions, cap_regions;
    uint64_t failures;
    int static_done[2];
};

struct compile_req {
    struct rt_tier1 *t1;
    const struct rvt_program *p;
    struct rt_region region;
    char *dump_dir;
};

static void write_text(const char *dir, const char *name, const char *suffix, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
    FILE *f = fopen(path, "w");
    if (!f)
        return;   /* the index names the files; a missing one shows the problem */
    fputs(text, f);
    fclose(f);
}

static void install(struct rt_tier1 *t1, const struct rvt_program *p, const struct rt_region *r,
                    struct region_rec *rec, const struct t1_compiled *c)
{
    const struct t0_dispatch *d = &t1->code->tiered;
    rec->fn = c->fn;
    rec->size = c->size;
    rec->compile_seconds = c->seconds;
    rec->cached = (uint8_t)c->cached;
    memcpy(rec->phase_seconds, c->phase_seconds, sizeof rec->phase_seconds);
    rec->head_pc = p->pc_base + 4ull * r->head;
    rec->recording = r->recording;
    rec->n_insns = r->n_insns;
    rec->n_blocks = r->n_blocks;
    rec->first = UINT32_MAX;
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        if (r->blocks[k].start < rec->first)
            rec->first = r->blocks[k].start;
        if (r->blocks[k].end - 1 > rec->last)
            rec->last = r->blocks[k].end - 1;
    }
    pthread_mutex_lock(&t1->lock);
    if (t1->n_regions == t1->cap_regions) {
        size_t cap = t1->cap_regions ? 2 * t1->cap_regions : 64;
        struct region_rec **n = realloc(t1->regions, cap * sizeof *n);
        if (!n) {
            pthread_mutex_unlock(&t1->lock);
            __atomic_store_n(&t1->state[r->recording][r->head], RT_HEAD_REJECTED, __ATOMIC_RELEASE);
            free(rec);
            return;   /* not installed: the head stays in tier 0 */
        }
        t1->regions = n;
        t1->cap_regions = cap;
    }
    rec->installed_at = rt_wallclock();
    t1->regions[t1->n_regions++] = rec;
    /* the function first, then the table entry that leads to the gate which calls it; the
     * counter re-armed, so that runs of the other kind (which the gate sends to the head's
     * tier 0 code while their variant is missing) can make the head hot for theirs */
    const void **fns = r->recording ? d->t1_fn_rec : d->t1_fn;
    __atomic_store_n(&fns[r->head], c->fn, __ATOMIC_RELEASE);
    __atomic_store_n(&d->table[r->head], t1->code->t1_gate, __ATOMIC_RELEASE);
    __atomic_store_n(&t1->state[r->recording][r->head], RT_HEAD_INSTALLED, __ATOMIC_RELEASE);
    __atomic_store_n(&d->counters[r->head], t1->armed, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&t1->lock);
    if (p->perf_map)
        rt_perf_map_region(p->perf_map, c->fn, c->size, rec->head_pc, r->recording);
}

static void reject(struct rt_tier1 *t1, const struct rvt_program *p, const struct rt_region *r,
                   const char *err)
{
    __atomic_store_n(&t1->state[r->recording][r->head], RT_HEAD_REJECTED, __ATOMIC_RELEASE);
    pthread_mutex_lock(&t1->lock);
    if (t1->failures++ == 0)
        fprintf(stderr, "rvtier: warning: region at 0x%llx stays in tier 0: %s\n",
                (unsigned long long)(p->pc_base + 4ull * r->head), err);
    pthread_mutex_unlock(&t1->lock);
}

/* Compiles regions r[0..n) in one module and installs them. On failure each is retried on its
 * own, and one that still fails is rejected (stays in tier 0) with the error reported once
 * per program on stderr: it is an rvtier bug, never a guest's. */
static void compile_regions(struct rt_tier1 *t1, const struct rvt_program *p,
                            const struct rt_region *const *r, size_t n, const char *dump_dir)
{
    if (n > 1 && !dump_dir && t1_engine_caches(t1->engine)) {
        /* the object cache keeps one region per object: a batch would be one key */
        for (size_t k = 0; k < n; k++)
            compile_regions(t1, p, &r[k], 1, dump_dir);
        return;
    }
    struct region_rec **recs = calloc(n, sizeof *recs);
    uint64_t **entries = calloc(n, sizeof *entries);
    struct t1_compiled *c = calloc(n, sizeof *c);
    char err[512] = "out of memory";
    int ok = recs && entries && c;
    for (size_t k = 0; ok && k < n; k++) {
        recs[k] = calloc(1, sizeof *recs[k]);
        ok = recs[k] != NULL;
        if (ok)
            entries[k] = dump_dir ? &recs[k]->entries : NULL;
    }
    if (ok && t1_compile_batch(t1->engine, p, r, entries, n, dump_dir != NULL, c, err,
                               sizeof err) == 0) {
        for (size_t k = 0; k < n; k++) {
            if (dump_dir) {
                char name[32];
                ir_region_name(p->pc_base + 4ull * r[k]->head, r[k]->recording, name,
                               sizeof name);
                write_text(dump_dir, name, ".before.ll", c[k].ir_before);
                write_text(dump_dir, name, ".after.ll", c[k].ir_after);
            }
            install(t1, p, r[k], recs[k], &c[k]);   /* takes recs[k] */
            recs[k] = NULL;
            t1_compiled_free(&c[k]);
        }
    } else if (ok && n > 1) {
        for (size_t k = 0; k < n; k++)
            compile_regions(t1, p, &r[k], 1, dump_dir);
    } else {
        for (size_t k = 0; k < n; k++)
            reject(t1, p, r[k], err);
    }
    for (size_t k = 0; recs && k < n; k++)
        free(recs[k]);
    free(recs);
    free(entries);
    free(c);
}

#define BATCH_MAX 32
/* A background batch takes queued regions while it stays within this many guest
 * instructions: one module amortizes code generation's fixed cost (about 3 ms here), but no
 * region is installed before the whole batch is compiled, so a large region queued behind a
 * small hot loop would delay it for nothing (sha256's 90-instruction round loop waited 40 ms
 * for the 160-instruction loop that calls it). */
#define BATCH_INSNS 200

static int batch_fits(const void *req, void *insns)
{
    return *(uint32_t *)insns + ((const struct compile_req *)req)->region.n_insns <= BATCH_INSNS;
}

/* A compile thread's work: this request and others queued meanwhile, in one module. */
static void compile_work(void *arg)
{
    void *reqs[BATCH_MAX];
    struct compile_req *q = arg;
    reqs[0] = q;
    size_t n = 1;
    uint32_t insns = q->region.n_insns;
    while (n < BATCH_MAX &&
           t1_engine_take(q->t1->engine, compile_work, reqs + n, 1, batch_fits, &insns) == 1)
        insns += ((struct compile_req *)reqs[n++])->region.n_insns;
    const struct rt_region *regions[BATCH_MAX];
    for (size_t k = 0; k < n; k++)
        regions[k] = &((struct compile_req *)reqs[k])->region;
    if (!t1_engine_stopping(q->t1->engine))
        compile_regions(q->t1, q->p, regions, n, q->dump_dir);
    for (size_t k = 0; k < n; k++) {
        struct compile_req *x = reqs[k];
        rt_region_free(&x->region);
        free(x->dump_dir);
        free(x);
    }
}

static struct rt_tier1 *tier1_create(struct rvt_program *p, const struct t0_code *code,
                                     const struct rvt_options *o, char *err, size_t errlen)
{
    struct rt_tier1 *t1 = calloc(1, sizeof *t1);
    if (!t1) {
        snprintf(err, errlen, "out of memory for tier 1 state");
        return NULL;
    }
    pthread_mutex_init(&t1->lock, NULL);
    t1->code = code;
    /* the tiered dispatch block, made now rather than at translation (p->lock is held; the
     * code is p's, so not really const) */
    if (t0_code_tiered((struct t0_code *)code, p) != 0) {
        snprintf(err, errlen, "out of memory for the tiered jump table");
        rt_tier1_free(t1);
        return NULL;
    }
    if (!(t1->state[0] = calloc(p->n_insns, 1)) || !(t1->state[1] = calloc(p->n_insns, 1)) ||
        !(t1->attempts = calloc(p->n_insns, 1))) {
        snprintf(err, errlen, "out of memory for tier 1 state");
        rt_tier1_free(t1);
        return NULL;
    }
    t1->engine = t1_engine_new(o->opt_level, o->compile_threads, err, errlen);
    if (!t1->engine || (o->code_cache_dir &&
                        t1_engine_set_cache(t1->engine, o->code_cache_dir,
                                            o->code_cache_max, p, err, errlen))) {
        rt_tier1_free(t1);
        return NULL;
    }
    uint64_t th = o->tier_threshold ? o->tier_threshold : RT_DEFAULT_TIER_THRESHOLD;
    t1->armed = th > INT32_MAX ? INT32_MAX : (int32_t)th;
    for (uint64_t i = 0; i < p->n_insns; i++)
        if (p->leader[i])
            code->tiered.counters[i] = t1->armed;
    return t1;
}

void rt_tier1_free(struct rt_tier1 *t1)
{
    if (!t1)
        return;
    t1_engine_free(t1->engine);   /* joins the compile threads before the state goes */
    for (size_t i = 0; i < t1->n_regions; i++)
        free(t1->regions[i]);
    free(t1->regions);
    free(t1->state[0]);
    free(t1->state[1]);
    free(t1->attempts);
    pthread_mutex_destroy(&t1->lock);
    free(t1);
}

/* Takes leader idx, if no region has it (NONE, or RETRY: hot once, no loop yet), into state to
 * (BUSY: heads a region now; COVERED: a member of one). 1 if taken. */
static int take_head(uint8_t *state, uint32_t idx, uint8_t to)
{
    uint8_t st = __atomic_load_n(&state[idx], __ATOMIC_ACQUIRE);
    return (st == RT_HEAD_NONE || st == RT_HEAD_RETRY) &&
           __atomic_compare_exchange_n(&state[idx], &st, to, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

/* Claims leader idx to head a region of its own. 1 if claimed. */
static int claim_head(uint8_t *state, uint32_t idx)
{
    return take_head(state, idx, RT_HEAD_BUSY);
}

/* tier1 mode: the static regions, formed here and compiled here before the run, once per
 * program and variant (the one this run starts in), on --compile-threads threads (default one
 * per CPU): this thread and helpers each take the next batch until none is left. A batch is
 * one module of up to BATCH_MAX regions (its fixed cost is paid once), and there are at least
 * two batches per thread, so that one thread's long batch does not leave the others idle. */
struct static_work {
    struct rt_tier1 *t1;
    const struct rvt_program *p;
    const struct rt_region *const *regions;
    size_t n, per_batch, next;   /* next: the first region no thread has taken (atomic) */
    const char *dump_dir;
};

static void *static_worker(void *arg)
{
    struct static_work *w = arg;
    for (;;) {
        const size_t k = __atomic_fetch_add(&w->next, w->per_batch, __ATOMIC_RELAXED);
        if (k >= w->n)
            return NULL;
        const size_t m = w->n - k < w->per_batch ? w->n - k : w->per_batch;
        compile_regions(w->t1, w->p, w->regions + k, m, w->dump_dir);
    }
}

static int compile_static(struct rt_job *job, struct rt_tier1 *t1)
{
    const struct rvt_program *p = job->prog;
    const int v = rt_tracing(&job->ctx);
    pthread_mutex_lock(&t1->lock);
    int done = t1->static_done[v];
    t1->static_done[v] = 1;
    pthread_mutex_unlock(&t1->lock);
    if (done)
        return 0;
    uint32_t *heads;
    int64_t n = rt_region_static_heads(p, &heads);
    if (n < 0)
        return rt_job_fail(job, RVT_HOST_ERROR, "out of memory finding tier 1 regions");
    struct rt_region *regions = calloc((size_t)n + 1, sizeof *regions);
    const struct rt_region **ptrs = calloc((size_t)n + 1, sizeof *ptrs);
    size_t nr = 0;
    int rc = regions && ptrs ? 0 : rt_job_fail(job, RVT_HOST_ERROR, "out of memory forming "
                                               "tier 1 regions");
    for (int64_t k = 0; rc == 0 && k < n; k++) {
        if (!claim_head(t1->state[v], heads[k]))   /* taken by an earlier run's region */
            continue;
        if (rt_region_form(p, heads[k], NULL, 0, NULL, RT_REGION_STATIC_MAX_INSNS,
                           &regions[nr]) != 0) {
            rc = rt_job_fail(job, RVT_HOST_ERROR, "out of memory forming tier 1 regions");
            break;
        }
        regions[nr].recording = (uint8_t)v;
        ptrs[nr] = &regions[nr];
        nr++;
    }
    if (rc == 0 && nr) {
        size_t threads = job->opt->compile_threads ? job->opt->compile_threads
                                                   : rt_fork_join_parts(nr, 0, RT_FORK_JOIN_MAX);
        if (threads > RT_FORK_JOIN_MAX)
            threads = RT_FORK_JOIN_MAX;
        size_t per = (nr + 2 * threads - 1) / (2 * threads);
        struct static_work w = {t1, p, ptrs, nr, per < BATCH_MAX ? per : BATCH_MAX, 0,
                                job->opt->dump_ir_dir};
        rt_fork_join(threads, static_worker, &w, 0);   /* workers share w */
    }
    while (nr)
        rt_region_free(&regions[--nr]);
    free(regions);
    free(ptrs);
    free(heads);
    return rc;
}

int rt_tierup_begin(struct rt_job *job, struct rt_tierup *tu, const struct t0_code *code)
{
    struct rvt_program *p = (struct rvt_program *)job->prog;   /* tier state hangs off it */
    const struct rvt_options *o = job->opt;
    memset(tu, 0, sizeof *tu);
    if (o->dump_ir_dir && mkdir(o->dump_ir_dir, 0777) != 0 && errno != EEXIST)
        return rt_job_fail(job, RVT_HOST_ERROR, "--dump-ir %s: cannot create the directory: %s",
                           o->dump_ir_dir, strerror(errno));
    pthread_mutex_lock(&p->lock);
    char err[400] = "";
    if (!p->tier1)
        p->tier1 = tier1_create(p, code, o, err, sizeof err);
    struct rt_tier1 *t1 = p->tier1;
    pthread_mutex_unlock(&p->lock);
    if (!t1)
        return rt_job_fail(job, RVT_HOST_ERROR, "tier 1 unavailable: %s; use --mode tier0", err);
    tu->t1 = t1;
    tu->static_only = o->mode == RVT_MODE_TIER1;
    tu->sync = o->sync_compile;
    job->tierup = tu;
    /* tier1 mode's up-front compiles count as this run's (their at_seconds are <= 0) */
    pthread_mutex_lock(&t1->lock);
    tu->regions_at_start = t1->n_regions;
    pthread_mutex_unlock(&t1->lock);
    if (tu->static_only && compile_static(job, t1) != 0)
        return -1;
    tu->start = rt_wallclock();
    return 0;
}

/* Re-forms r at r->rejoin (which the caller found set): tier 0 reaches a block only fallen
 * into (a rotated loop's middle, where it was first entered) only by falling through, never
 * through the table, so a region headed there would never run; the block its loop jumps back
 * to is entered through the table on every iteration. Returns 0 with r replaced and its head
 * claimed (RT_HEAD_BUSY), or -1 with r unchanged (the rejoin block is taken or OOM). */
static int reroot(struct rt_tier1 *t1, const struct rvt_program *p, struct rt_region *r)
{
    const uint32_t h = r->rejoin;
    const uint8_t v = r->recording;
    if (!claim_head(t1->state[v], h))
        return -1;
    struct rt_region r2;
    if (rt_region_form(p, h, t1->code->tiered.counters, t1->armed, t1->state[v],
                       RT_REGION_MAX_INSNS, &r2) != 0) {
        __atomic_store_n(&t1->state[v][h], RT_HEAD_NONE, __ATOMIC_RELEASE);
        return -1;
    }
    rt_region_free(r);
    *r = r2;
    r->recording = v;
    return 0;
}

/* While head's region waits for the compile thread, table jumps to head go past its
 * counter, as in a tier-0-only run: counting it no longer decides anything, and a one-block
 * loop then stays in its swaps (t0_loop_branch sees its own code in the table). Only while the
 * entry is still the counter: once a region of either variant is installed it is the gate,
 * which install() stores after this, or which is already there when the other variant's
 * region is the one queued now. */
void rt_tierup_stop_counting(struct rt_tier1 *t1, uint32_t head)
{
    const struct t0_code *c = t1->code;
    const void *counter = c->code + c->insn_off[head];
    __atomic_compare_exchange_n(&c->tiered.table[head], &counter, c->t0_only.table[head], 0,
                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

int rt_tierup_hot(struct rt_job *job, uint64_t pc)
{
    struct rt_tierup *tu = job->tierup;
    struct rt_tier1 *t1 = tu->t1;
    const struct rvt_program *p = job->prog;
    int64_t idx = rt_program_index(p, pc);
    const int v = rt_tracing(&job->ctx);   /* the variant this run needs here now */
    uint8_t *state = t1->state[v];
    if (tu->static_only || idx < 0 || !claim_head(state, (uint32_t)idx))
        return 0;
    struct rt_region r;
    if (rt_region_form(p, (uint32_t)idx, t1->code->tiered.counters, t1->armed, state,
                       RT_REGION_MAX_INSNS, &r) != 0) {
        __atomic_store_n(&state[idx], RT_HEAD_REJECTED, __ATOMIC_RELEASE);
        return 0;
    }
    r.recording = (uint8_t)v;
    if (!r.has_back_edge && r.rejoin != RT_REGION_NO_REJOIN) {
        /* covered while the loop is formed from its rejoin, so the hot block is a member */
        __atomic_store_n(&state[idx], RT_HEAD_COVERED, __ATOMIC_RELEASE);
        if (reroot(t1, p, &r) != 0)
            __atomic_store_n(&state[idx], RT_HEAD_BUSY, __ATOMIC_RELEASE);
    }
    if (r.head != idx) {
        /* the hot block was only fallen into: its loop is now rooted where it jumps back; the
         * hot block is released below (a member, it is then marked covered) */
        t1->code->tiered.counters[idx] = t1->armed;
        __atomic_store_n(&state[idx], RT_HEAD_NONE, __ATOMIC_RELEASE);
        idx = r.head;
    }
    if (!r.has_back_edge && t1->attempts[idx] < RETRIES_UNTIL_LOOP) {
        /* not a loop yet (its other blocks may not have run): look again later */
        t1->attempts[idx]++;
        rt_region_free(&r);
        /* one more: the run resumes at the head through this counter (the HOT exit came
         * before the head ran), and at threshold 1 that alone fired it again at once, three
         * times in a row, and a loop head formed its region before its body ever ran */
        t1->code->tiered.counters[idx] = t1->armed < INT32_MAX ? t1->armed + 1 : t1->armed;
        __atomic_store_n(&state[idx], RT_HEAD_RETRY, __ATOMIC_RELEASE);
        return 0;
    }
    for (uint32_t k = 1; k < r.n_blocks; k++)
        take_head(state, r.blocks[k].start, RT_HEAD_COVERED);
    const char *dump = job->opt->dump_ir_dir;
    if (!tu->sync) {
        rt_tierup_stop_counting(t1, (uint32_t)idx);
        struct compile_req *q = calloc(1, sizeof *q);
        if (q) {
            *q = (struct compile_req){t1, p, r, dump ? strdup(dump) : NULL};
            if (t1_engine_submit(t1->engine, compile_work, q) == 0)
                return 0;
            free(q->dump_dir);
            free(q);
        }
    }
    const struct rt_region *one = &r;
    compile_regions(t1, p, &one, 1, dump);
    rt_region_free(&r);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void write_index(const char *dir, struct rt_tier1 *t1, uint64_t pc_base)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.tsv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    /* a batch's compile time is shared equally by its regions (tiers/tier1/tier1.h) */
    fprintf(f, "# head_pc\tfirst_pc\tlast_pc\tblocks\tinsns\tcompile_ms\tlift_ms\topt_ms\t"
            "codegen_ms\tlink_ms\tentered\tcode_bytes\tir\n");
    for (size_t i = 0; i < t1->n_regions; i++) {
        const struct region_rec *r = t1->regions[i];
        fprintf(f, "0x%llx\t0x%llx\t0x%llx\t%u\t%u\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%llu\t%zu\t"
                "r_%llx%s.{before,after}.ll\n",
                (unsigned long long)r->head_pc, (unsigned long long)(pc_base + 4ull * r->first),
                (unsigned long long)(pc_base + 4ull * r->last), r->n_blocks, r->n_insns,
                r->compile_seconds * 1e3, r->phase_seconds[0] * 1e3, r->phase_seconds[1] * 1e3,
                r->phase_seconds[2] * 1e3, r->phase_seconds[3] * 1e3,
                (unsigned long long)__atomic_load_n(&r->entries, __ATOMIC_RELAXED), r->size,
                (unsigned long long)r->head_pc, r->recording ? "_rec" : "");
    }
    fclose(f);
}

void rt_tierup_end(struct rt_job *job, struct rt_tierup *tu)
{
    struct rt_tier1 *t1 = tu->t1;
    struct rvt_stats *s = &job->res->stats;
    const double end = rt_wallclock();
    s->tier1_instructions = job->ctx.tier1_insns;
    s->tier1_entries = job->ctx.tier1_entries;
    pthread_mutex_lock(&t1->lock);
    s->regions_warm = tu->regions_at_start;
    size_t n = t1->n_regions - tu->regions_at_start;
    double *secs = n ? malloc(n * sizeof *secs) : NULL;
    s->timeline = n ? calloc(n, sizeof *s->timeline) : NULL;
    if (n && (!secs || !s->timeline))
        n = 0;
    for (size_t i = 0; i < n; i++) {
        const struct region_rec *r = t1->regions[tu->regions_at_start + i];
        if (r->installed_at > end)
            break;
        s->timeline[i] = (struct rvt_tierup){r->head_pc, r->n_insns, r->n_blocks,
                                             r->installed_at - tu->start, r->compile_seconds};
        secs[i] = r->compile_seconds;
        s->compile_seconds_total += r->compile_seconds;
        s->regions_cached += r->cached;
        s->tierups++;
    }
    s->regions_compiled = s->tierups;
    if (s->tierups) {
        qsort(secs, s->tierups, sizeof *secs, cmp_double);
        s->compile_seconds_median = secs[s->tierups / 2];
    }
    free(secs);
    if (job->opt->dump_ir_dir)
        write_index(job->opt->dump_ir_dir, t1, job->prog->pc_base);
    pthread_mutex_unlock(&t1->lock);
    job->tierup = NULL;
}

int rt_tier1_dump_asm(FILE *out, struct rvt_program *p, char *err, size_t errlen)
{
    struct rt_tier1 *t1 = p->tier1;
    if (!t1)
        return 0;
    pthread_mutex_lock(&t1->lock);
    int rc = 0;
    for (size_t i = 0; i < t1->n_regions && rc == 0; i++) {
        const struct region_rec *r = t1->regions[i];
        fprintf(out, "\n# tier 1 region r_%llx%s: pc 0x%llx..0x%llx, %u blocks, %u instructions, "
                "%zu bytes of x86-64\n", (unsigned long long)r->head_pc,
                r->recording ? "_rec" : "",
                (unsigned long long)(p->pc_base + 4ull * r->first),
                (unsigned long long)(p->pc_base + 4ull * r->last), r->n_blocks, r->n_insns,
                r->size);
        rc = t1_disasm(out, r->fn, r->size, err, errlen);
    }
    pthread_mutex_unlock(&t1->lock);
    return rc;
}
