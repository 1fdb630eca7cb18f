/* rvt_difftest.c — random-program differential tester: tier 0, tier 1 and tier-up against
 * the reference interpreter.
 *
 * From a seed it generates a valid RV64IM program (dt_gen.h), which runs through rvt_run() in
 * interp mode and in one compiled variant of --modes (tier0; tier0x3: tier 0 translated in 3
 * slices, one thread each; tier0xmm: tier 0 with DESIGN.md's XMM register map;
 * tier1; tiered1 / tiered10: tier-up at threshold 1 or 10, compiled
 * synchronously; tieredbg: threshold 2, background compile thread; tier1cache: tier1 with an
 * object cache, filled by a run on a program object of its own, then a run on another whose
 * regions must all be linked from it), taken in turn by seed, with
 * the same options (trace off, or on with chunk size 1, 7, 1000 or the default; sometimes a
 * cycle limit), and everything observable must be identical: status, error text, exit code,
 * pc, all 32 registers, clk, global_clk, instruction/ecall counts and the trace bytes. Without
 * a cycle limit of its own, the compiled run gets one far above the interpreter's clk, so a
 * compiled program that never stops is a reported mismatch. On a mismatch it prints the seed,
 * the first differing field and the program's disassembly, saves the ELF, and exits 1.
 *
 * Program i of a session uses seed S + i, so `--seed S+i --count 1` reproduces it.
 *
 * Usage: rvt_difftest [--count N] [--seed S] [--len L] [--faults PERCENT] [--modes LIST]
 *        [--verbose] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend/decode.h"
#include "frontend/disasm.h"
#include "include/rvtier.h"
#include "runtime/ctx.h"
#include "dt_gen.h"
#include "rv_enc.h"
#include "testutil.h"

/* ---- running and comparing ---- */

struct dt_outcome {
    int rc;
    struct rvt_result r;
    uint8_t *trace;
    size_t trace_len;
};

struct dt_config {
    int trace;
    uint64_t chunk;        /* 0 = default */
    uint64_t max_cycles;   /* 0 = none */
};

static void dt_discard_output(void *user, int fd, const uint8_t *data, size_t len)
{
    (void)user, (void)fd, (void)data, (void)len;
}

/* A compiled mode the interpreter is compared with. */
struct dt_variant {
    const char *name;
    enum rvt_mode mode;
    uint64_t threshold;
    int sync;
    unsigned translate_threads;   /* tier 0 translated in this many slices (0: default) */
    int cached;                   /* tier 1's regions linked from the session's code cache */
    enum rvt_reg_home reg_home;   /* tier 0's register map */
};

static const struct dt_variant DT_VARIANTS[] = {
    {"tier0", RVT_MODE_TIER0, 0, 0, 0, 0, RVT_REGS_CTX},
    {"tier0x3", RVT_MODE_TIER0, 0, 0, 3, 0, RVT_REGS_CTX},
    {"tier0xmm", RVT_MODE_TIER0, 0, 0, 0, 0, RVT_REGS_XMM},
    {"tier1", RVT_MODE_TIER1, 0, 0, 0, 0, RVT_REGS_CTX},
    {"tiered1", RVT_MODE_TIERED, 1, 1, 0, 0, RVT_REGS_CTX},
    {"tiered10", RVT_MODE_TIERED, 10, 1, 0, 0, RVT_REGS_CTX},
    {"tieredbg", RVT_MODE_TIERED, 2, 0, 0, 0, RVT_REGS_CTX},
    {"tier1cache", RVT_MODE_TIER1, 0, 0, 0, 1, RVT_REGS_CTX},
};
#define DT_N_VARIANTS (sizeof DT_VARIANTS / sizeof DT_VARIANTS[0])

static const struct dt_variant DT_INTERP = {"interp", RVT_MODE_INTERP, 0, 0, 0, 0, RVT_REGS_CTX};

static int dt_run(const struct rvt_program *p, const struct dt_variant *v,
                  const struct dt_config *cfg, const char *trace_path, const char *cache_dir,
                  struct dt_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct rvt_options o;
    rvt_options_init(&o);
    o.mode = v->mode;
    o.tier_threshold = v->threshold;
    o.sync_compile = v->sync;
    o.translate_threads = v->translate_threads;
    o.reg_home = v->reg_home;
    o.code_cache_dir = v->cached ? cache_dir : NULL;
    o.trace = cfg->trace;
    o.trace_path = cfg->trace ? trace_path : NULL;
    o.chunk_size = cfg->chunk;
    o.max_cycles = cfg->max_cycles;
    o.output = dt_discard_output;
    out->rc = rvt_run(p, &o, &out->r);
    if (cfg->trace && out->rc == 0) {
        out->trace = tu_read_file(trace_path, &out->trace_len);
        if (!out->trace) {
            fprintf(stderr, "rvt_difftest: cannot read back the trace %s\n", trace_path);
            return -1;
        }
    }
    return 0;
}

static void dt_outcome_free(struct dt_outcome *o)
{
    rvt_result_free(&o->r);
    free(o->trace);
}

/* Describes the first field where t differs from ref into buf; returns 0 if none differs. */
static int dt_compare(const struct dt_outcome *ref, const struct dt_outcome *t, char *buf,
                      size_t len)
{
    const struct rvt_result *a = &ref->r, *b = &t->r;
    if (ref->rc != t->rc)
        return snprintf(buf, len, "rvt_run returned %d (interp) vs %d (compiled)", ref->rc,
                        t->rc), 1;
    if (a->status != b->status)
        return snprintf(buf, len, "status %s (interp) vs %s (compiled); errors '%s' vs '%s'",
                        rvt_status_name(a->status), rvt_status_name(b->status), a->error,
                        b->error), 1;
    if (strcmp(a->error, b->error) != 0)
        return snprintf(buf, len, "error text\n  interp:   %s\n  compiled: %s", a->error,
                        b->error), 1;
    if (a->exit_code != b->exit_code)
        return snprintf(buf, len, "exit code %d (interp) vs %d (compiled)", a->exit_code,
                        b->exit_code), 1;
    if (a->pc != b->pc)
        return snprintf(buf, len, "pc 0x%" PRIx64 " (interp) vs 0x%" PRIx64 " (compiled)", a->pc,
                        b->pc), 1;
    for (int i = 0; i < 32; i++)
        if (a->regs[i] != b->regs[i])
            return snprintf(buf, len, "x%d = 0x%" PRIx64 " (interp) vs 0x%" PRIx64 " (compiled)", i,
                            a->regs[i], b->regs[i]), 1;
    if (a->clk != b->clk)
        return snprintf(buf, len, "clk %" PRIu64 " (interp) vs %" PRIu64 " (compiled)", a->clk,
                        b->clk), 1;
    if (a->global_clk != b->global_clk)
        return snprintf(buf, len, "global_clk %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->global_clk, b->global_clk), 1;
    if (a->stats.instructions != b->stats.instructions)
        return snprintf(buf, len, "instructions %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->stats.instructions, b->stats.instructions), 1;
    if (a->stats.ecalls != b->stats.ecalls)
        return snprintf(buf, len, "ecalls %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->stats.ecalls, b->stats.ecalls), 1;
    if (a->stats.chunks != b->stats.chunks)
        return snprintf(buf, len, "trace chunks %" PRIu64 " (interp) vs %" PRIu64 " (compiled)",
                        a->stats.chunks, b->stats.chunks), 1;
    size_t n = ref->trace_len < t->trace_len ? ref->trace_len : t->trace_len;
    for (size_t i = 0; i < n; i++)
        if (ref->trace[i] != t->trace[i])
            return snprintf(buf, len,
                            "trace byte %zu: 0x%02x (interp) vs 0x%02x (compiled) (%zu vs %zu "
                            "bytes; byte %zu is in 16-byte record slot %zu)",
                            i, ref->trace[i], t->trace[i], ref->trace_len, t->trace_len, i,
                            i / 16), 1;
    if (ref->trace_len != t->trace_len)
        return snprintf(buf, len, "trace length %zu (interp) vs %zu (compiled), equal prefix",
                        ref->trace_len, t->trace_len), 1;
    return 0;
}

static void dt_disasm(FILE *f, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct rv_insn in;
        char buf[RV_DISASM_MAX];
        uint64_t pc = TU_TEXT_ADDR + 4 * i;
        rv_decode(w[i], &in);
        rv_disasm(&in, pc, buf, sizeof buf);
        fprintf(f, "  %6" PRIx64 ":\t%08x\t%s\n", pc, w[i], buf);
    }
}

struct dt_session {
    const struct dt_variant *variants[DT_N_VARIANTS];
    unsigned n_variants;
    const char *tmpdir;
    char trace_a[4096], trace_b[4096], cache_dir[4096];
    unsigned len, fault_percent;
    int verbose;
    uint64_t insns;        /* guest instructions run in interp mode, summed */
    uint64_t runs;         /* option sets compared */
    unsigned listed;       /* mismatches printed with a full listing */
};

/* One option set: run both modes, compare, report. 0 same, 1 mismatch, -1 host problem. */
static int dt_one_config(struct dt_session *s, uint64_t seed, const struct dt_gen *g,
                         const uint8_t *elf, size_t elf_len, const struct rvt_program *p,
                         const struct dt_config *cfg)
{
    struct dt_outcome ref, t;
    int ret = -1;
    const struct dt_variant *v = s->variants[seed % s->n_variants];
    if (dt_run(p, &DT_INTERP, cfg, s->trace_a, NULL, &ref) != 0)
        return -1;
    /* a watchdog for the compiled run: a limit the interpreter's run stays far below, so a
     * correct run is unaffected and one that loops forever is reported, not waited for */
    struct dt_config watched = *cfg;
    if (!watched.max_cycles)
        watched.max_cycles = ref.r.clk / RV_CLK_STEP * 2 + 100000;
    /* the cached variant: a run on a program object of its own compiles and fills the cache,
     * the compared run is on another (a new engine, as in a new process) */
    struct rvt_program *fresh[2] = {NULL, NULL};
    char err[512];
    for (int k = 0; v->cached && k < 2; k++) {
        struct dt_outcome warm;
        if (rvt_program_load(elf, elf_len, "difftest", &fresh[k], err, sizeof err) != 0 ||
            (k == 0 && dt_run(fresh[0], v, &watched, s->trace_b, s->cache_dir, &warm) != 0)) {
            fprintf(stderr, "rvt_difftest: seed %" PRIu64 ": %s\n", seed, err);
            rvt_program_free(fresh[0]);
            rvt_program_free(fresh[1]);
            goto out_ref;
        }
        if (k == 0)
            dt_outcome_free(&warm);
    }
    int run_rc = dt_run(v->cached ? fresh[1] : p, v, &watched, s->trace_b, s->cache_dir, &t);
    rvt_program_free(fresh[0]);
    rvt_program_free(fresh[1]);
    if (run_rc != 0)
        goto out_ref;
    char why[1200];
    ret = dt_compare(&ref, &t, why, sizeof why);
    if (!ret && v->cached && t.r.stats.regions_cached != t.r.stats.regions_compiled)
        ret = snprintf(why, sizeof why, "%" PRIu64 " of %" PRIu64 " regions linked from the "
                       "code cache the run before filled", t.r.stats.regions_cached,
                       t.r.stats.regions_compiled) > 0;
    s->insns += ref.r.stats.instructions;
    s->runs++;
    if (s->verbose)
        printf("seed %" PRIu64 ": %zu words, trace %s chunk %" PRIu64 ", max_cycles %" PRIu64
               ": %s, exit %d, %" PRIu64 " insns, %zu trace bytes%s%s\n",
               seed, g->n, cfg->trace ? "on" : "off", cfg->chunk, cfg->max_cycles,
               rvt_status_name(ref.r.status), ref.r.exit_code, ref.r.stats.instructions,
               ref.trace_len, ref.r.status != RVT_OK ? ": " : "", ref.r.error);
    if (ret) {
        char path[4200];
        snprintf(path, sizeof path, "%s/rvt_difftest_%" PRIu64 ".elf",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", seed);
        FILE *f = fopen(path, "wb");
        int saved = f && fwrite(elf, 1, elf_len, f) == elf_len;
        if (f)
            fclose(f);
        printf("MISMATCH seed %" PRIu64 " interp vs %s (\"compiled\" below) "
               "(trace %s, chunk size %" PRIu64 ", max cycles %" PRIu64 "): %s\n",
               seed, v->name, cfg->trace ? "on" : "off", cfg->chunk, cfg->max_cycles, why);
        printf("  interp: %s, exit %d, pc 0x%" PRIx64 ", %" PRIu64 " instructions%s%s\n",
               rvt_status_name(ref.r.status), ref.r.exit_code, ref.r.pc,
               ref.r.stats.instructions, ref.r.status != RVT_OK ? ": " : "", ref.r.error);
        printf("  reproduce: rvt_difftest --seed %" PRIu64 " --count 1 --len %u --faults %u"
               " --modes %s%s%s\n",
               seed, s->len, s->fault_percent, v->name, saved ? "; ELF saved as " : "",
               saved ? path : "");
        /* Full listings for the first few only: one broken instruction fails most programs. */
        if (s->listed < 3) {
            s->listed++;
            printf("  data area at 0x%llx (%u bytes); program (%zu words):\n",
                   (unsigned long long)DT_DATA_ADDR, DT_DATA_SIZE, g->n);
            dt_disasm(stdout, g->w, g->n);
        }
        fflush(stdout);
    }
    dt_outcome_free(&t);
out_ref:
    dt_outcome_free(&ref);
    return ret;
}

/* Runs one program both ways. Returns 0 (same), 1 (mismatch, reported), -1 (host problem). */
static int dt_one(struct dt_session *s, uint64_t seed)
{
    struct dt_gen g;
    uint8_t *data = malloc(DT_DATA_SIZE);
    /* Every fourth program is shorter (1..len items): small programs pin bugs down faster. */
    unsigned len = seed % 4 == 3 ? 1 + (unsigned)(seed / 4 % s->len) : s->len;
    dt_generate(seed, len, s->fault_percent, &g, data);

    /* Option sets: one random (trace chunking, sometimes a cycle limit), then trace off. */
    struct dt_rng cr = {seed ^ 0x5bd1e9955bd1e995ull};
    static const uint64_t chunks[] = {1, 7, 1000, 0};
    struct dt_config cfgs[2] = {{0, 0, 0}, {0, 0, 0}};
    unsigned pick = dt_below(&cr, 5);
    cfgs[0].trace = pick < 4;
    cfgs[0].chunk = cfgs[0].trace ? chunks[pick] : 0;
    if (dt_chance(&cr, 5))
        cfgs[0].max_cycles = 1 + dt_below(&cr, 4000);
    int n_cfgs = cfgs[0].trace || cfgs[0].max_cycles ? 2 : 1;

    size_t elf_len;
    uint8_t *elf = tu_make_elf(g.w, g.n, data, DT_DATA_SIZE, DT_DATA_ADDR, &elf_len);
    struct rvt_program *p;
    char err[512];
    int ret = -1;
    if (rvt_program_load(elf, elf_len, "difftest", &p, err, sizeof err) != 0) {
        fprintf(stderr, "rvt_difftest: seed %" PRIu64 ": generated program refused: %s\n", seed,
                err);
        dt_disasm(stderr, g.w, g.n);
        goto out;
    }
    ret = 0;
    for (int c = 0; c < n_cfgs && ret == 0; c++)
        ret = dt_one_config(s, seed, &g, elf, elf_len, p, &cfgs[c]);
    rvt_program_free(p);
out:
    free(elf);
    free(data);
    free(g.w);
    return ret;
}

static int dt_parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s)
        return -1;
    *v = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

static void dt_usage(FILE *f)
{
    fprintf(f, "usage: rvt_difftest [--count N] [--seed S] [--len L] [--faults PERCENT] "
               "[--modes LIST] [--verbose]\n"
               "  runs N random RV64IM programs (seeds S, S+1, ...) in interp mode and in one\n"
               "  mode of LIST (comma-separated: tier0 tier0x3 tier0xmm tier1 tiered1 tiered10\n"
               "  tieredbg tier1cache;\n"
               "  default tier0,tier0x3,tier0xmm), the mode chosen by seed, and compares everything\n"
               "  observable (every\n"
               "  fourth program has 1..L items);\n"
               "  defaults: N=1000, S from the clock, L=300 body\n"
               "  items, faults=2 (percent of programs with one deliberate fault)\n");
}

int main(int argc, char **argv)
{
    uint64_t count = 1000, seed = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid(), len = 300,
             faults = 2;
    int verbose = 0;
    const char *modes = "tier0,tier0x3,tier0xmm";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *dst = !strcmp(a, "--count")    ? &count
                        : !strcmp(a, "--seed")   ? &seed
                        : !strcmp(a, "--len")    ? &len
                        : !strcmp(a, "--faults") ? &faults
                                                 : NULL;
        if (dst) {
            if (i + 1 >= argc || dt_parse_u64(argv[i + 1], dst) != 0) {
                fprintf(stderr, "rvt_difftest: %s needs a number\n", a);
                dt_usage(stderr);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--modes") && i + 1 < argc) {
            modes = argv[++i];
        } else if (!strcmp(a, "--verbose")) {
            verbose = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            dt_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "rvt_difftest: unknown argument '%s'\n", a);
            dt_usage(stderr);
            return 2;
        }
    }
    if (len < 1 || len > 20000 || faults > 100) {
        fprintf(stderr, "rvt_difftest: --len must be 1..20000 and --faults 0..100\n");
        return 2;
    }

    char tmpl[4096];
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpl, sizeof tmpl, "%s/rvt_difftest.XXXXXX", tmp);
    struct dt_session s = {.len = (unsigned)len, .fault_percent = (unsigned)faults,
                           .verbose = verbose};
    char list[256];
    snprintf(list, sizeof list, "%s", modes);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        size_t k = 0;
        while (k < DT_N_VARIANTS && strcmp(DT_VARIANTS[k].name, tok) != 0)
            k++;
        if (k == DT_N_VARIANTS || s.n_variants == DT_N_VARIANTS) {
            fprintf(stderr, "rvt_difftest: --modes: unknown or repeated mode '%s'\n", tok);
            dt_usage(stderr);
            return 2;
        }
        s.variants[s.n_variants++] = &DT_VARIANTS[k];
    }
    if (s.n_variants == 0) {
        fprintf(stderr, "rvt_difftest: --modes is empty\n");
        return 2;
    }
    s.tmpdir = mkdtemp(tmpl);
    if (!s.tmpdir) {
        fprintf(stderr, "rvt_difftest: cannot create a temporary directory under %s "
                        "(set TMPDIR to a writable directory)\n", tmp);
        return 2;
    }
    snprintf(s.trace_a, sizeof s.trace_a, "%s/interp.trace", s.tmpdir);
    snprintf(s.trace_b, sizeof s.trace_b, "%s/compiled.trace", s.tmpdir);
    snprintf(s.cache_dir, sizeof s.cache_dir, "%s/code-cache", s.tmpdir);

    printf("rvt_difftest: %" PRIu64 " programs from seed %" PRIu64 ", %u items each, interp vs "
           "%s\n", count, seed, s.len, modes);
    fflush(stdout);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t passed = 0, failed = 0;
    int host_error = 0;
    for (uint64_t i = 0; i < count; i++) {
        int r = dt_one(&s, seed + i);
        if (r < 0) {
            host_error = 1;
            break;
        }
        if (r == 0)
            passed++;
        else
            failed++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    unlink(s.trace_a);
    unlink(s.trace_b);
    tu_remove_dir(s.cache_dir);
    rmdir(s.tmpdir);
    printf("%.2f s, %.0f programs/s, %" PRIu64 " option sets, %" PRIu64
           " guest instructions per mode\n",
           secs, secs > 0 ? (double)(passed + failed) / secs : 0.0, s.runs, s.insns);
    printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
    return host_error ? 2 : failed ? 1 : 0;
}
