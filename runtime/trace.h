/* trace.h — SP1 minimal-trace chunks: the header layout, the records, and recording.
 *
 * A chunk is a 304-byte struct rv_trace_header then num_mem_reads 16-byte {clk, value}
 * records, little-endian. The trace file (docs/trace-format.md) is a 32-byte file header then
 * the chunks back to back. Recording: every load/store first records the accessed doubleword's
 * previous {clk, value}, then sets that entry's clk to clk + 1 (nothing in unconstrained mode).
 * Usage: rt_trace_open(&t, path, chunk_size, err, n); rt_trace_begin_chunk(&t, ctx); ...
 *        if (ctx->num_mem_reads >= ctx->max_trace_size) rt_trace_next_chunk(&t, ctx); */
#ifndef RVT_RUNTIME_TRACE_H
#define RVT_RUNTIME_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/ctx.h"
#include "runtime/memory.h"

struct rv_trace_header {
    uint64_t start_registers[32];
    uint64_t pc_start;
    uint64_t clk_start;
    uint64_t clk_end;
    uint64_t num_mem_reads;
    uint64_t global_clk_end;
    uint64_t pad;
};
#define RV_TRACE_HDR_START_REGISTERS 0
#define RV_TRACE_HDR_PC_START        256
#define RV_TRACE_HDR_CLK_START       264
#define RV_TRACE_HDR_CLK_END         272
#define RV_TRACE_HDR_NUM_MEM_READS   280
#define RV_TRACE_HDR_GLOBAL_CLK_END  288
#define RV_TRACE_HDR_SIZE            304
_Static_assert(sizeof(struct rv_trace_header) == RV_TRACE_HDR_SIZE, "trace header layout");
_Static_assert(offsetof(struct rv_trace_header, pc_start) == RV_TRACE_HDR_PC_START, "trace header");
_Static_assert(offsetof(struct rv_trace_header, clk_start) == RV_TRACE_HDR_CLK_START, "trace header");
_Static_assert(offsetof(struct rv_trace_header, clk_end) == RV_TRACE_HDR_CLK_END, "trace header");
_Static_assert(offsetof(struct rv_trace_header, num_mem_reads) == RV_TRACE_HDR_NUM_MEM_READS, "trace header");
_Static_assert(offsetof(struct rv_trace_header, global_clk_end) == RV_TRACE_HDR_GLOBAL_CLK_END, "trace header");

struct rv_mem_record {
    uint64_t clk;
    uint64_t value;
};

/* The trace file header (docs/trace-format.md). */
#define RV_TRACE_FILE_MAGIC "RVTTRACE"
#define RV_TRACE_FILE_VERSION 1
struct rv_trace_file_header {
    char magic[8];          /* "RVTTRACE" */
    uint64_t version;       /* RV_TRACE_FILE_VERSION */
    uint64_t chunk_size;    /* max_trace_size the run used */
    uint64_t reserved;
};
_Static_assert(sizeof(struct rv_trace_file_header) == 32, "trace file header");

#define RV_TRACE_DEFAULT_CHUNK_SIZE (1u << 20)
/* Chunks at least this large go to the writer thread; a handoff costs two thread wake-ups,
 * more than a small chunk's buffered fwrite (chunk size 1 would wait on the thread for every
 * access). */
#define RV_TRACE_ASYNC_MIN_BYTES ((size_t)256 << 10)
/* Records one instruction may add past the chunk size before the boundary check (SHA_EXTEND
 * adds 48 * (4 reads + 2 for the write) = 288): the buffer has this much headroom. */
#define RV_TRACE_SLACK_RECORDS 4096

struct rt_trace_writer;

/* One run's trace: the chunk buffer and where finished chunks go. A finished chunk that is
 * not the last is written by a writer thread (started at the first such chunk) while the run
 * records the next one into a second buffer, so a run that writes its trace to a file does
 * not stop for the disk at every chunk (sieve traced to a file: write() took 1.3 s of a run
 * whose recording took 0.27). Chunks are written in order; the bytes are the same. */
struct rt_trace {
    FILE *out;              /* NULL: chunks are counted but not written */
    int owns_out;
    uint64_t chunk_size;
    uint8_t *buf;           /* the chunk being recorded: header + (chunk_size + slack) records */
    uint8_t *spare;         /* the other buffer, once a writer thread has one of them */
    size_t buf_bytes;       /* each buffer's mapping size */
    struct rt_trace_writer *writer;   /* NULL until the first chunk handed to it */
    size_t async_min_bytes; /* smaller chunks are written here (RV_TRACE_ASYNC_MIN_BYTES) */
    uint64_t chunks;        /* chunks finished */
    uint64_t bytes;         /* bytes written, file header included */
    int write_error;        /* errno of a failed write, 0 if none */
};

/* path may be NULL (recording on, nothing written: e.g. for tests that compare in memory) */
int rt_trace_open(struct rt_trace *t, const char *path, uint64_t chunk_size, char *err, size_t errlen);
int rt_trace_open_stream(struct rt_trace *t, FILE *out, uint64_t chunk_size, char *err, size_t errlen);
/* Flush and close; returns 0, or -1 with err filled if a write failed. */
int rt_trace_close(struct rt_trace *t, char *err, size_t errlen);
/* Point ctx at the buffer and fill the start fields from ctx (registers, pc, clk). */
void rt_trace_begin_chunk(struct rt_trace *t, struct rv_ctx *ctx);
/* Fill the end fields (clk_end, num_mem_reads, global_clk_end) and write the chunk out. */
void rt_trace_end_chunk(struct rt_trace *t, struct rv_ctx *ctx);
/* End the current chunk and begin the next one from ctx (pc = next instruction). */
void rt_trace_next_chunk(struct rt_trace *t, struct rv_ctx *ctx);

static inline int rt_tracing(const struct rv_ctx *c)
{
    return c->max_trace_size != 0 && !c->is_unconstrained;
}

/* Append one {clk, value} record. Callers check rt_tracing() first. */
static inline void rt_trace_push(struct rv_ctx *c, uint64_t clk, uint64_t value)
{
    c->trace_tail[0] = clk;
    c->trace_tail[1] = value;
    c->trace_tail += 2;
    c->num_mem_reads++;
}

/* A load or store by the instruction at ctx->clk touches the doubleword holding a:
 * record its previous {clk, value}, then stamp it with clk + 1. */
static inline void rt_trace_mem_access(struct rv_ctx *c, uint64_t a)
{
    if (!rt_tracing(c))
        return;
    uint64_t *e = rt_mem_entry(c->mem, a);
    rt_trace_push(c, e[0], e[1]);
    e[0] = c->clk + 1;
}

#endif
