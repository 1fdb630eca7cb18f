/* cli_trace.c — `rvtier trace FILE [--chunks]`: summary and consistency check of a trace file. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/cli.h"
#include "runtime/trace_check.h"

static const char trace_usage[] =
    "usage: rvtier trace FILE [--chunks]\n"
    "\n"
    "Reads a trace written by `rvtier run --trace FILE`, prints a summary and checks it:\n"
    "every chunk complete, clocks continuous from chunk to chunk, record clocks before their\n"
    "chunk's end. Exit status 0 if consistent, 1 if not, 2 for usage errors.\n"
    "  --chunks   also print one line per chunk\n";

int cli_trace(int argc, char **argv)
{
    const char *path = NULL;
    int per_chunk = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(trace_usage, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--chunks")) {
            per_chunk = 1;
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
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "rvtier trace: %s: %s\n", path, strerror(errno));
        return RVT_EXIT_USAGE;
    }
    struct rt_trace_summary s;
    char err[512];
    int rc = rt_trace_check(f, &s, per_chunk ? stdout : NULL, err, sizeof err);
    fclose(f);
    printf("trace %s: chunk size %" PRIu64 ", %" PRIu64 " chunks, %" PRIu64 " records (at most %"
           PRIu64 " in a chunk), clk %" PRIu64 "..%" PRIu64 ", global_clk %" PRIu64 ", %" PRIu64 " bytes\n",
           path, s.chunk_size, s.chunks, s.records, s.max_records_in_chunk, s.clk_first, s.clk_last,
           s.global_clk_last, s.bytes);
    if (rc != 0) {
        printf("INCONSISTENT: %s\n", err);
        return 1;
    }
    printf("consistent\n");
    return 0;
}
