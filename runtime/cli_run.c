/* cli_run.c — `rvtier run PROGRAM.elf [options]`: options, inputs, the run, and the report
 * (plain, --stats, or one --json object). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "include/rvtier.h"
#include "runtime/cli.h"
#include "runtime/job.h"
#include "runtime/perf_map.h"
#include "runtime/precompile.h"
#include "runtime/program.h"
#include "runtime/result_json.h"
#include "runtime/tierup.h"
#include "tiers/tier0/tier0.h"
#include "tiers/tier1/tier1.h"

static const char run_usage[] =
    "usage: rvtier run PROGRAM.elf [options]\n"
    "\n"
    "  --abi sp1|linux       syscall ABI (default sp1; linux: a7=93/94 exit, 64 write)\n"
    "  --mode MODE           tiered (default): tier 0 code, hot loops compiled by LLVM in\n"
    "                        the background and swapped in while the guest runs;\n"
    "                        interp: the reference interpreter;\n"
    "                        tier0: only the whole-program x86-64 translation made at load;\n"
    "                        tier1: a region at every target of a backward branch or jump\n"
    "                        (loop heads, and functions called from code after them)\n"
    "                        compiled before the run starts (for A/B studies; compile\n"
    "                        time is not run time)\n"
    "  --tier-threshold N    (tiered) executions of a block before its region is compiled\n"
    "                        (default 1000)\n"
    "  --compile-threads N   (tiered) background compile threads (default 1); (tier1) threads\n"
    "                        compiling the regions before the run (default one per CPU)\n"
    "  --sync-compile        (tiered) compile on the guest's thread when a block gets hot:\n"
    "                        slower, but the same regions at the same points in every run\n"
    "  --opt-level N         LLVM optimization level 0..3 for tier 1 (default 1)\n"
    "  --translate-threads N (not interp) translate the text in N slices of whole blocks,\n"
    "                        one thread each (default: one per CPU, for texts of 16384\n"
    "                        instructions or more per thread; at most 8)\n"
    "  --reg-home ctx|xmm    (not interp) where tier 0 keeps the 25 guest registers that\n"
    "                        have no host GPR: ctx (default; in memory, which AMD CPUs\n"
    "                        forward from store to load at no latency) or xmm (XMM lanes,\n"
    "                        DESIGN.md's map; for A/B studies and other hosts)\n"
    "  --dump-ir DIR         write each region's LLVM IR before and after optimization\n"
    "                        (DIR/r_<pc>.before.ll, .after.ll; r_<pc>_rec.* for the\n"
    "                        variant that records a trace) and DIR/index.tsv\n"
    "  --code-cache DIR      (tier1, tiered) keep each compiled region's object in DIR (made\n"
    "                        if missing) and link it from there in later runs of the same\n"
    "                        program by the same rvtier build on the same CPU and opt level\n"
    "                        instead of compiling it again (not with --dump-ir)\n"
    "  --code-cache-max BYTES\n"
    "                        bound on DIR: past it the least recently used objects are\n"
    "                        removed, down to 3/4 of it (default 1073741824; 0 = no bound)\n"
    "  --input FILE          append FILE's bytes as one SP1 stdin buffer (repeatable, in order)\n"
    "  --input-hex HEX       append a buffer given in hex, e.g. 0a0b0c (0x prefix allowed)\n"
    "  --input-u64 N         append N as 8 little-endian bytes (how SP1 serialises a u64)\n"
    "  --trace FILE          record the execution trace into FILE (docs/trace-format.md)\n"
    "  --chunk-size N        trace records per chunk (default 1048576)\n"
    "  --max-cycles N        stop the run when clk passes 1 + 8*N (an instruction is 1 cycle,\n"
    "                        an ECALL 33); checked at every branch, jump and ECALL\n"
    "  --precompile-lib LIB  load extra precompiles from the shared library LIB (its exported\n"
    "                        table `rvtier_precompiles`, docs/syscalls.md); repeatable\n"
    "  --perf-map            (not interp) write /tmp/perf-PID.map (path on stderr) naming the\n"
    "                        JIT code for `perf report`, as it is made: t0_<pc> per tier 0\n"
    "                        block, r_<pc>[_rec] per installed tier 1 region (the names of\n"
    "                        --dump-ir and --dump-asm)\n"
    "  --dump-asm FILE       (not interp) write each guest instruction with the x86-64 code\n"
    "                        tier 0 made for it (and prologue, epilogue, stubs), then the\n"
    "                        machine code of every tier 1 region installed by the end\n"
    "  --stats               print instructions, clk, chunks, seconds and MIPS to stderr\n"
    "  --json                print one JSON object with the result on stdout; the guest's\n"
    "                        stdout/stderr go into it instead of passing through\n"
    "  -h, --help            this text\n"
    "\n"
    "Exit status: the guest's exit code when it halts; 101 when the run fails; 2 for usage\n"
    "errors and refused ELFs.\n";

struct input_list {
    struct rvt_input *v;
    uint8_t **owned;
    size_t n, cap;
};

static int input_add(struct input_list *l, uint8_t *data, size_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        l->owned = realloc(l->owned, l->cap * sizeof *l->owned);
        if (!l->v || !l->owned)
            return -1;
    }
    l->v[l->n] = (struct rvt_input){data, len};
    l->owned[l->n] = data;
    l->n++;
    return 0;
}

static void input_free(struct input_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->owned[i]);
    free(l->v);
    free(l->owned);
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static uint8_t *parse_hex(const char *s, size_t *len, char *err, size_t errlen)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t n = strlen(s);
    if (n % 2) {
        snprintf(err, errlen, "--input-hex '%s': odd number of hex digits", s);
        return NULL;
    }
    uint8_t *b = malloc(n / 2 ? n / 2 : 1);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            snprintf(err, errlen, "--input-hex: '%c%c' at offset %zu is not hex", s[2 * i],
                     s[2 * i + 1], 2 * i);
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return b;
}

static int parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-') {
        fprintf(stderr, "rvtier: %s '%s': not an unsigned 64-bit number\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

struct captured {
    struct rt_bytes out, err;
};

static void capture_output(void *user, int fd, const uint8_t *data, size_t len)
{
    struct captured *c = user;
    rt_bytes_append(fd == 2 ? &c->err : &c->out, data, len);
}

static double mips(const struct rvt_result *r)
{
    return r->stats.seconds > 0 ? r->stats.instructions / r->stats.seconds / 1e6 : 0;
}

static void print_json(FILE *f, const struct rvt_result *r, const struct captured *cap)
{
    char *text = rt_result_json(r, cap->out.data, cap->out.len, cap->err.data, cap->err.len);
    if (!text) {
        fprintf(stderr, "rvtier: --json: out of memory while writing the result\n");
        return;
    }
    fprintf(f, "%s\n", text);
    free(text);
}

static void print_stats(FILE *f, const struct rvt_result *r, const char *mode)
{
    fprintf(f,
            "rvtier: mode %s: %" PRIu64 " instructions, %" PRIu64 " ecalls, clk %" PRIu64
            ", global_clk %" PRIu64 ", %" PRIu64 " trace chunks (%" PRIu64 " bytes), "
            "%.3f s, %.1f MIPS\n",
            mode, r->stats.instructions, r->stats.ecalls, r->clk, r->global_clk, r->stats.chunks,
            r->stats.trace_bytes, r->stats.seconds, mips(r));
    if (r->stats.translated_instructions)
        fprintf(f, "rvtier: tier 0 translated %" PRIu64 " instructions in %.3f ms (%.1f M/s) "
                "on %u thread%s, registers without a GPR in %s\n",
                r->stats.translated_instructions, r->stats.translate_seconds * 1e3,
                r->stats.translate_seconds > 0
                    ? r->stats.translated_instructions / r->stats.translate_seconds / 1e6 : 0.0,
                r->stats.translate_threads, r->stats.translate_threads == 1 ? "" : "s",
                r->stats.reg_home == RVT_REGS_XMM ? "XMM lanes" : "ctx");
    if (r->stats.regions_warm || r->stats.regions_compiled || r->stats.tier1_instructions)
        fprintf(f, "rvtier: tier 1: %" PRIu64 " regions compiled during the run (%" PRIu64
                " from the code cache, %" PRIu64 " already warm), compile %.2f ms total, %.2f ms"
                " median; %" PRIu64 " instructions (%.1f%%) ran in tier 1, %" PRIu64
                " region entries\n", r->stats.regions_compiled, r->stats.regions_cached,
                r->stats.regions_warm,
                r->stats.compile_seconds_total * 1e3, r->stats.compile_seconds_median * 1e3,
                r->stats.tier1_instructions,
                r->stats.instructions ? 100.0 * r->stats.tier1_instructions / r->stats.instructions
                                      : 0.0,
                r->stats.tier1_entries);
}

/* --dump-asm: the tier 0 listing is written before the run (translating now; rvt_run reuses
 * the code), the tier 1 regions after it. Returns the open file, or NULL. */
static FILE *dump_asm_tier0(struct rvt_program *prog, const struct rvt_options *o,
                            const char *path)
{
    char err[512];
    if (o->mode == RVT_MODE_INTERP) {
        fprintf(stderr, "rvtier: --dump-asm needs a compiling mode (tier0, tier1, tiered)\n");
        return NULL;
    }
    const struct t0_code *code = rt_program_tier0(prog, o->translate_threads, o->reg_home, err,
                                                  sizeof err);
    FILE *f = code ? fopen(path, "w") : NULL;
    if (!code || !f) {
        fprintf(stderr, "rvtier: --dump-asm '%s': %s\n", path, code ? strerror(errno) : err);
        return NULL;
    }
    if (t0_dump_asm(f, prog, code, err, sizeof err) != 0) {
        fprintf(stderr, "rvtier: --dump-asm '%s': %s\n", path, err);
        fclose(f);
        return NULL;
    }
    return f;
}

static int dump_asm_finish(FILE *f, struct rvt_program *prog, const char *path)
{
    char err[512] = "write error";
    int rc = rt_tier1_dump_asm(f, prog, err, sizeof err);
    if (fclose(f) != 0)
        rc = -1;
    if (rc)
        fprintf(stderr, "rvtier: --dump-asm '%s': %s\n", path, err);
    return rc;
}

static int parse_mode(const char *s, enum rvt_mode *m)
{
    static const enum rvt_mode all[] = {RVT_MODE_INTERP, RVT_MODE_TIER0, RVT_MODE_TIER1,
                                        RVT_MODE_TIERED};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(s, rvt_mode_name(all[i]))) {
            *m = all[i];
            return 0;
        }
    fprintf(stderr, "rvtier: --mode '%s': expected interp, tier0, tier1 or tiered\n", s);
    return -1;
}

enum { OPT_ABI = 256, OPT_MODE, OPT_INPUT, OPT_INPUT_HEX, OPT_INPUT_U64, OPT_TRACE,
       OPT_CHUNK, OPT_MAX_CYCLES, OPT_STATS, OPT_JSON, OPT_PRECOMPILE_LIB,
       OPT_DUMP_ASM, OPT_THRESHOLD, OPT_COMPILE_THREADS, OPT_SYNC_COMPILE, OPT_OPT_LEVEL,
       OPT_DUMP_IR, OPT_TRANSLATE_THREADS, OPT_PERF_MAP, OPT_CODE_CACHE,
       OPT_CODE_CACHE_MAX, OPT_REG_HOME };

int cli_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"abi", required_argument, 0, OPT_ABI},
        {"mode", required_argument, 0, OPT_MODE},
        {"input", required_argument, 0, OPT_INPUT},
        {"input-hex", required_argument, 0, OPT_INPUT_HEX},
        {"input-u64", required_argument, 0, OPT_INPUT_U64},
        {"trace", required_argument, 0, OPT_TRACE},
        {"chunk-size", required_argument, 0, OPT_CHUNK},
        {"max-cycles", required_argument, 0, OPT_MAX_CYCLES},
        {"stats", no_argument, 0, OPT_STATS},
        {"json", no_argument, 0, OPT_JSON},
        {"precompile-lib", required_argument, 0, OPT_PRECOMPILE_LIB},
        {"dump-asm", required_argument, 0, OPT_DUMP_ASM},
        {"tier-threshold", required_argument, 0, OPT_THRESHOLD},
        {"compile-threads", required_argument, 0, OPT_COMPILE_THREADS},
        {"sync-compile", no_argument, 0, OPT_SYNC_COMPILE},
        {"opt-level", required_argument, 0, OPT_OPT_LEVEL},
        {"dump-ir", required_argument, 0, OPT_DUMP_IR},
        {"code-cache", required_argument, 0, OPT_CODE_CACHE},
        {"code-cache-max", required_argument, 0, OPT_CODE_CACHE_MAX},
        {"translate-threads", required_argument, 0, OPT_TRANSLATE_THREADS},
        {"reg-home", required_argument, 0, OPT_REG_HOME},
        {"perf-map", no_argument, 0, OPT_PERF_MAP},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct rvt_options o;
    rvt_options_init(&o);
    o.mode = RVT_MODE_TIERED;
    struct input_list inputs = {0};
    int stats = 0, json = 0, perf_map = 0, reg_home_given = 0, status = RVT_EXIT_USAGE;
    const char *dump_path = NULL;
    FILE *dump = NULL;
    struct rt_perf_map *pmap = NULL;
    char err[512];
    struct rvt_program *prog = NULL;
    struct rt_precompile_set extra;
    rt_precompile_set_init(&extra);

    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        size_t len = 0;
        uint8_t *b;
        uint64_t v;
        switch (ch) {
        case 'h':
            fputs(run_usage, stdout);
            status = 0;
            goto out;
        case OPT_ABI:
            if (!strcmp(optarg, "sp1"))
                o.abi = RVT_ABI_SP1;
            else if (!strcmp(optarg, "linux"))
                o.abi = RVT_ABI_LINUX;
            else {
                fprintf(stderr, "rvtier: --abi '%s': expected sp1 or linux\n", optarg);
                goto out;
            }
            break;
        case OPT_MODE:
            if (parse_mode(optarg, &o.mode))
                goto out;
            break;
        case OPT_THRESHOLD:
            if (parse_u64("--tier-threshold", optarg, &o.tier_threshold))
                goto out;
            if (o.tier_threshold == 0 || o.tier_threshold > INT32_MAX) {
                fprintf(stderr, "rvtier: --tier-threshold must be 1 .. %d\n", INT32_MAX);
                goto out;
            }
            break;
        case OPT_COMPILE_THREADS:
            if (parse_u64("--compile-threads", optarg, &v))
                goto out;
            if (v < 1 || v > 16) {
                fprintf(stderr, "rvtier: --compile-threads must be 1 .. 16\n");
                goto out;
            }
            o.compile_threads = (unsigned)v;
            break;
        case OPT_SYNC_COMPILE:
            o.sync_compile = 1;
            break;
        case OPT_OPT_LEVEL:
            if (parse_u64("--opt-level", optarg, &v))
                goto out;
            if (v > 3) {
                fprintf(stderr, "rvtier: --opt-level must be 0, 1, 2 or 3\n");
                goto out;
            }
            o.opt_level = (int)v;
            break;
        case OPT_DUMP_IR:
            o.dump_ir_dir = optarg;
            break;
        case OPT_CODE_CACHE:
            o.code_cache_dir = optarg;
            break;
        case OPT_CODE_CACHE_MAX:
            if (parse_u64("--code-cache-max", optarg, &o.code_cache_max))
                goto out;
            o.code_cache_max = o.code_cache_max ? o.code_cache_max : UINT64_MAX;
            break;
        case OPT_TRANSLATE_THREADS:
            if (parse_u64("--translate-threads", optarg, &v))
                goto out;
            if (v < 1 || v > T0_MAX_SLICES) {
                fprintf(stderr, "rvtier: --translate-threads must be 1 .. %u\n", T0_MAX_SLICES);
                goto out;
            }
            o.translate_threads = (unsigned)v;
            break;
        case OPT_REG_HOME:
            if (strcmp(optarg, "ctx") && strcmp(optarg, "xmm")) {
                fprintf(stderr, "rvtier: --reg-home '%s': expected ctx or xmm\n", optarg);
                goto out;
            }
            o.reg_home = optarg[0] == 'x' ? RVT_REGS_XMM : RVT_REGS_CTX;
            reg_home_given = 1;
            break;
        case OPT_INPUT: {
            FILE *f = fopen(optarg, "rb");
            if (!f) {
                fprintf(stderr, "rvtier: --input '%s': %s\n", optarg, strerror(errno));
                goto out;
            }
            struct rt_bytes buf = {0};
            uint8_t tmp[65536];
            size_t n;
            while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
                rt_bytes_append(&buf, tmp, n);
            int bad = ferror(f);
            fclose(f);
            if (bad) {
                fprintf(stderr, "rvtier: --input '%s': read error\n", optarg);
                free(buf.data);
                goto out;
            }
            input_add(&inputs, buf.data ? buf.data : malloc(1), buf.len);
            break;
        }
        case OPT_INPUT_HEX:
            b = parse_hex(optarg, &len, err, sizeof err);
            if (!b) {
                fprintf(stderr, "rvtier: %s\n", err);
                goto out;
            }
            input_add(&inputs, b, len);
            break;
        case OPT_INPUT_U64:
            if (parse_u64("--input-u64", optarg, &v))
                goto out;
            b = malloc(8);
            for (int i = 0; i < 8; i++)
                b[i] = (uint8_t)(v >> (8 * i));
            input_add(&inputs, b, 8);
            break;
        case OPT_TRACE:
            o.trace = 1;
            o.trace_path = optarg;
            break;
        case OPT_CHUNK:
            if (parse_u64("--chunk-size", optarg, &o.chunk_size))
                goto out;
            if (o.chunk_size == 0) {
                fprintf(stderr, "rvtier: --chunk-size must be at least 1\n");
                goto out;
            }
            break;
        case OPT_MAX_CYCLES:
            if (parse_u64("--max-cycles", optarg, &o.max_cycles))
                goto out;
            break;
        case OPT_DUMP_ASM:
            dump_path = optarg;
            break;
        case OPT_PERF_MAP:
            perf_map = 1;
            break;
        case OPT_STATS:
            stats = 1;
            break;
        case OPT_JSON:
            json = 1;
            break;
        case OPT_PRECOMPILE_LIB:
            if (rt_precompile_load_library(&extra, optarg, err, sizeof err) != 0) {
                fprintf(stderr, "rvtier: --precompile-lib: %s\n", err);
                goto out;
            }
            o.precompiles = &extra;
            break;
        default:
            fputs(run_usage, stderr);
            goto out;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "rvtier run: expected exactly one PROGRAM.elf\n\n%s", run_usage);
        goto out;
    }
    if (o.chunk_size && !o.trace) {
        fprintf(stderr, "rvtier: --chunk-size needs --trace FILE\n");
        goto out;
    }
    const int compiles = o.mode == RVT_MODE_TIERED || o.mode == RVT_MODE_TIER1;
    if ((o.tier_threshold || o.sync_compile) && o.mode != RVT_MODE_TIERED) {
        fprintf(stderr, "rvtier: --tier-threshold and --sync-compile need --mode tiered\n");
        goto out;
    }
    if (o.compile_threads && !compiles) {
        fprintf(stderr, "rvtier: --compile-threads needs --mode tiered or tier1\n");
        goto out;
    }
    if (o.dump_ir_dir && !compiles) {
        fprintf(stderr, "rvtier: --dump-ir needs --mode tiered or tier1\n");
        goto out;
    }
    if (perf_map && o.mode == RVT_MODE_INTERP) {
        fprintf(stderr, "rvtier: --perf-map needs a compiling mode (tier0, tier1, tiered)\n");
        goto out;
    }
    if (reg_home_given && o.mode == RVT_MODE_INTERP) {
        fprintf(stderr, "rvtier: --reg-home needs a compiling mode (tier0, tier1, tiered)\n");
        goto out;
    }
    if (o.translate_threads && o.mode == RVT_MODE_INTERP) {
        fprintf(stderr, "rvtier: --translate-threads needs a compiling mode (tier0, tier1, "
                "tiered)\n");
        goto out;
    }
    if (o.opt_level >= 0 && !compiles) {
        fprintf(stderr, "rvtier: --opt-level needs --mode tiered or tier1\n");
        goto out;
    }
    if (o.code_cache_dir && (!compiles || o.dump_ir_dir)) {
        fprintf(stderr, "rvtier: --code-cache needs --mode tiered or tier1, and no --dump-ir "
                "(its IR and entry counts come from compiling)\n");
        goto out;
    }
    if (o.code_cache_max && !o.code_cache_dir) {
        fprintf(stderr, "rvtier: --code-cache-max needs --code-cache DIR\n");
        goto out;
    }
    if (o.code_cache_dir && t1_cache_dir_check(o.code_cache_dir, err, sizeof err) != 0) {
        fprintf(stderr, "rvtier: %s\n", err);
        goto out;
    }
    if (rvt_program_load_file(argv[optind], &prog, err, sizeof err) != 0) {
        fprintf(stderr, "rvtier: %s\n", err);
        goto out;
    }
    if (perf_map) {   /* before anything is translated: tier 0's blocks are named then */
        if (rt_perf_map_open(&pmap, err, sizeof err) != 0) {
            fprintf(stderr, "rvtier: %s\n", err);
            goto out;
        }
        prog->perf_map = pmap;
        fprintf(stderr, "rvtier: perf map: %s\n", rt_perf_map_path(pmap));
    }
    if (dump_path && !(dump = dump_asm_tier0(prog, &o, dump_path)))
        goto out;
    o.inputs = inputs.v;
    o.n_inputs = inputs.n;
    struct captured cap = {0};
    if (json) {
        o.output = capture_output;
        o.output_user = &cap;
    }
    struct rvt_result r;
    if (rvt_run(prog, &o, &r) != 0) {
        fprintf(stderr, "rvtier: error: %s\n", r.error);
        status = RVT_EXIT_RUN_FAILED;
        goto out_cap;
    }
    fflush(stdout);
    if (json)
        print_json(stdout, &r, &cap);
    if (stats)
        print_stats(stderr, &r, rvt_mode_name(o.mode));
    if (pmap) {
        if (rt_perf_map_finish(pmap, err, sizeof err) != 0) {
            fprintf(stderr, "rvtier: %s\n", err);
            rvt_result_free(&r);
            status = RVT_EXIT_RUN_FAILED;
            goto out_cap;
        }
    }
    if (dump) {
        int bad = dump_asm_finish(dump, prog, dump_path);
        dump = NULL;
        if (bad) {
            rvt_result_free(&r);
            status = RVT_EXIT_RUN_FAILED;
            goto out_cap;
        }
    }
    if (r.status != RVT_OK) {
        fprintf(stderr, "rvtier: error: %s\n", r.error);
        status = RVT_EXIT_RUN_FAILED;
    } else {
        status = r.exit_code & 0xff;
    }
    rvt_result_free(&r);
out_cap:
    free(cap.out.data);
    free(cap.err.data);
out:
    if (dump)
        fclose(dump);
    if (prog && prog->tier1) {
        /* Freeing the program would wait for a background compile in flight (LLVM cannot be
         * interrupted), adding up to its length to every short run: the process is ending,
         * so leave without running destructors while a compile thread may be inside LLVM. */
        fflush(stdout);
        fflush(stderr);
        _exit(status);
    }
    rvt_program_free(prog);
    rt_perf_map_free(pmap);   /* after the program: no compile can append any more */
    input_free(&inputs);
    rt_precompile_set_free(&extra);
    return status;
}
