/* trace_check.h — reading a trace file back: per-chunk summary and consistency checks.
 * Usage: struct rt_trace_summary s; int bad = rt_trace_check(f, &s, report, err, n); */
#ifndef RVT_RUNTIME_TRACE_CHECK_H
#define RVT_RUNTIME_TRACE_CHECK_H

#include <stdint.h>
#include <stdio.h>

struct rt_trace_summary {
    uint64_t chunk_size;
    uint64_t chunks;
    uint64_t records;
    uint64_t max_records_in_chunk;
    uint64_t clk_first, clk_last;
    uint64_t global_clk_last;
    uint64_t bytes;
};

/* Checks, for every chunk: the header is complete; the records are all there; clk_end >=
 * clk_start; each record's clk is < clk_end (it is the clk of an earlier access, 0 for initial
 * memory, or UINT64_MAX for a HINT_LEN record); chunk n+1 starts at chunk n's end clk;
 * global_clk never decreases; x0 is 0 in the start registers. If `chunks_out` is not NULL a
 * line per chunk is printed there. Returns 0 if consistent, -1 with err = the first problem. */
int rt_trace_check(FILE *in, struct rt_trace_summary *s, FILE *chunks_out, char *err, size_t errlen);

#endif
