/* trace_check.c — see trace_check.h. Streams the file: one chunk header at a time, records in
 * blocks, so traces larger than memory can be checked. */
#include "runtime/trace_check.h"

#include <inttypes.h>
#include <string.h>

#include "runtime/trace.h"

int rt_trace_check(FILE *in, struct rt_trace_summary *s, FILE *chunks_out, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    struct rv_trace_file_header fh;
    if (fread(&fh, sizeof fh, 1, in) != 1) {
        snprintf(err, errlen, "file is shorter than the %zu-byte trace file header", sizeof fh);
        return -1;
    }
    if (memcmp(fh.magic, RV_TRACE_FILE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "not an rvtier trace file (magic is not \"%s\")", RV_TRACE_FILE_MAGIC);
        return -1;
    }
    if (fh.version != RV_TRACE_FILE_VERSION) {
        snprintf(err, errlen, "trace file version %" PRIu64 " (this rvtier reads version %d)",
                 fh.version, RV_TRACE_FILE_VERSION);
        return -1;
    }
    s->chunk_size = fh.chunk_size;
    s->bytes = sizeof fh;
    uint64_t prev_clk_end = 0, prev_gclk = 0;
    struct rv_mem_record recs[4096];
    for (;;) {
        struct rv_trace_header h;
        size_t got = fread(&h, 1, sizeof h, in);
        if (got == 0 && feof(in))
            break;
        uint64_t n = s->chunks;
        if (got != sizeof h) {
            snprintf(err, errlen, "chunk %" PRIu64 " at byte %" PRIu64 ": truncated header (%zu of %d bytes)",
                     n, s->bytes, got, RV_TRACE_HDR_SIZE);
            return -1;
        }
        s->bytes += sizeof h;
        if (h.start_registers[0] != 0) {
            snprintf(err, errlen, "chunk %" PRIu64 ": start register x0 is %" PRIu64 ", not 0", n,
                     h.start_registers[0]);
            return -1;
        }
        if (h.clk_end < h.clk_start) {
            snprintf(err, errlen, "chunk %" PRIu64 ": clk_end %" PRIu64 " < clk_start %" PRIu64, n,
                     h.clk_end, h.clk_start);
            return -1;
        }
        if (n > 0 && h.clk_start != prev_clk_end) {
            snprintf(err, errlen, "chunk %" PRIu64 " starts at clk %" PRIu64
                     " but chunk %" PRIu64 " ended at clk %" PRIu64, n, h.clk_start, n - 1, prev_clk_end);
            return -1;
        }
        if (h.global_clk_end < prev_gclk) {
            snprintf(err, errlen, "chunk %" PRIu64 ": global_clk_end %" PRIu64 " is below the previous "
                     "chunk's %" PRIu64, n, h.global_clk_end, prev_gclk);
            return -1;
        }
        if (h.num_mem_reads > fh.chunk_size + RV_TRACE_SLACK_RECORDS) {
            snprintf(err, errlen, "chunk %" PRIu64 ": %" PRIu64 " records, more than the chunk size "
                     "%" PRIu64 " allows", n, h.num_mem_reads, fh.chunk_size);
            return -1;
        }
        for (uint64_t left = h.num_mem_reads; left;) {
            size_t want = left < 4096 ? (size_t)left : 4096;
            size_t r = fread(recs, sizeof recs[0], want, in);
            if (r != want) {
                snprintf(err, errlen, "chunk %" PRIu64 ": truncated: %" PRIu64 " records missing", n,
                         left - r);
                return -1;
            }
            for (size_t i = 0; i < r; i++) {
                if (recs[i].clk != UINT64_MAX && recs[i].clk >= h.clk_end) {
                    snprintf(err, errlen, "chunk %" PRIu64 ", record %" PRIu64 ": clk %" PRIu64
                             " is not before the chunk's end clk %" PRIu64, n,
                             h.num_mem_reads - left + i, recs[i].clk, h.clk_end);
                    return -1;
                }
            }
            left -= r;
            s->bytes += r * sizeof recs[0];
        }
        if (chunks_out)
            fprintf(chunks_out, "chunk %6" PRIu64 ": pc_start 0x%08" PRIx64 " clk %" PRIu64 "..%" PRIu64
                    " global_clk_end %" PRIu64 " records %" PRIu64 "\n", n, h.pc_start, h.clk_start,
                    h.clk_end, h.global_clk_end, h.num_mem_reads);
        if (n == 0)
            s->clk_first = h.clk_start;
        s->clk_last = h.clk_end;
        s->global_clk_last = h.global_clk_end;
        s->records += h.num_mem_reads;
        if (h.num_mem_reads > s->max_records_in_chunk)
            s->max_records_in_chunk = h.num_mem_reads;
        prev_clk_end = h.clk_end;
        prev_gclk = h.global_clk_end;
        s->chunks++;
    }
    if (s->chunks == 0) {
        snprintf(err, errlen, "the trace holds no chunk (a run always writes at least one)");
        return -1;
    }
    return 0;
}
