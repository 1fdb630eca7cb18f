/* cli_trace.c — `rvtier trace FILE [--chunks] [--program PROG.elf [--abi sp1|linux]
 * [--precompile-lib LIB]...]`: summary and structural check of a trace file, then, given the
 * program, the replay of every chunk from its records (runtime/trace_replay.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/cli.h"
#include "runtime/precompile.h"
#include "runtime/trace_check.h"
#include "runtime/trace_replay.h"

static const char trace_usage[] =
    "usage: rvtier trace FILE [--chunks] [--program PROG.elf [--abi sp1|linux]\n"
    "                    [--precompile-lib LIB]...]\n"
    "\n"
    "Reads a trace written by `rvtier run --trace FILE`, prints a summary and checks it:\n"
    "every chunk complete, clocks continuous from chunk to chunk, record clocks before their\n"
    "chunk's end; with --program, also replays every chunk (docs/trace-format.md).\n"
    "Exit status 0 if consistent, 1 if not, 2 for usage errors.\n"
    "  --chunks              also print one line per chunk\n"
    "  --program PROG.elf    also replay every chunk on its own from its start registers and\n"
    "                        records, and check it ends where the next chunk starts\n"
    "  --abi sp1|linux       the ABI the run used (default sp1)\n"
    "  --precompile-lib LIB  a precompile library the run used; repeatable\n";

static int trace_file(const char *path, int per_chunk, const struct rvt_program *prog,
                      enum rvt_abi abi, const struct rt_precompile_set *pcs);

int cli_trace(int argc, char **argv)
{
    const char *path = NULL;
    const char *prog_path = NULL;
    const char *libs[16];
    int n_libs = 0;
    enum rvt_abi abi = RVT_ABI_SP1;
    int per_chunk = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(trace_usage, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--chunks")) {
            per_chunk = 1;
        } else if (!strcmp(argv[i], "--program") && i + 1 < argc) {
            prog_path = argv[++i];
        } else if (!strcmp(argv[i], "--precompile-lib") && i + 1 < argc &&
                   n_libs < (int)(sizeof libs / sizeof libs[0])) {
            libs[n_libs++] = argv[++i];
        } else if (!strcmp(argv[i], "--abi") && i + 1 < argc &&
                   (!strcmp(argv[i + 1], "sp1") || !strcmp(argv[i + 1], "linux"))) {
            abi = !strcmp(argv[++i], "linux") ? RVT_ABI_LINUX : RVT_ABI_SP1;
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, "rvtier trace: unexpected argument '%s'\n\n%s", argv[i], trace_usage);
            return RVT_EXIT_USAGE;
        }
    }
    if (!path) {
        fputs(trace_usage, stderr);
        return RVT_EXIT_USAGE;
    }
    if ((n_libs || abi != RVT_ABI_SP1) && !prog_path) {
        fprintf(stderr, "rvtier trace: --abi and --precompile-lib only matter for the replay; "
                "give the program with --program PROG.elf\n");
        return RVT_EXIT_USAGE;
    }
    struct rvt_program *prog = NULL;
    struct rt_precompile_set pcs;
    rt_precompile_set_init(&pcs);
    char err[512];
    if (prog_path && rvt_program_load_file(prog_path, &prog, err, sizeof err) != 0) {
        fprintf(stderr, "rvtier trace: %s\n", err);
        return RVT_EXIT_USAGE;
    }
    for (int i = 0; i < n_libs; i++)
        if (rt_precompile_load_library(&pcs, libs[i], err, sizeof err) != 0) {
            fprintf(stderr, "rvtier trace: %s\n", err);
            rt_precompile_set_free(&pcs);
            rvt_program_free(prog);
            return RVT_EXIT_USAGE;
        }
    int rc = trace_file(path, per_chunk, prog, abi, &pcs);
    rt_precompile_set_free(&pcs);
    rvt_program_free(prog);
    return rc;
}

static int trace_file(const char *path, int per_chunk, const struct rvt_program *prog,
                      enum rvt_abi abi, const struct rt_precompile_set *pcs)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "rvtier trace: %s: %s\n", path, strerror(errno));
        return RVT_EXIT_USAGE;
    }
    struct rt_trace_summary s;
    char err[512];
    int rc = rt_trace_check(f, &s, per_chunk ? stdout : NULL, err, sizeof err);
    printf("trace %s: chunk size %" PRIu64 ", %" PRIu64 " chunks, %" PRIu64 " records (at most %"
           PRIu64 " in a chunk), clk %" PRIu64 "..%" PRIu64 ", global_clk %" PRIu64 ", %" PRIu64 " bytes\n",
           path, s.chunk_size, s.chunks, s.records, s.max_records_in_chunk, s.clk_first, s.clk_last,
           s.global_clk_last, s.bytes);
    if (rc != 0) {
        fclose(f);
        printf("INCONSISTENT: %s\n", err);
        return 1;
    }
    printf("consistent\n");
    if (!prog) {
        fclose(f);
        return 0;
    }
    struct rt_replay_summary rs;
    rc = rt_trace_replay(f, prog, abi, pcs, &rs, err, sizeof err);
    fclose(f);
    if (rc != 0) {
        printf("REPLAY FAILED after %" PRIu64 " chunks: %s\n", rs.chunks, err);
        return 1;
    }
    printf("replayed %" PRIu64 " chunks (%" PRIu64 " instructions, %" PRIu64 " records): every "
           "chunk ends where the next starts; %s\n", rs.chunks, rs.instructions, rs.records,
           rs.halted ? "the run halts" : rs.stopped_unconstrained
               ? "the run stopped inside an unconstrained block"
               : "the run stopped without halting (fault or cycle limit)");
    return 0;
}
