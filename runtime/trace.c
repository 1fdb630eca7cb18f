/* trace.c — the chunk buffers of one run and the trace file (format: docs/trace-format.md).
 * Recording itself is inline in trace.h (and emitted by the tiers); this file starts, ends and
 * writes chunks: the last one itself, the others through a writer thread (trace_writer.h),
 * swapping buffers, so the run goes on recording while a chunk is written. */
#include "runtime/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/bigalloc.h"
#include "runtime/trace_writer.h"

/* The first failed write is the one reported (errno e, 0: none). */
static void keep_error(struct rt_trace *t, int e)
{
    if (e && !t->write_error)
        t->write_error = e;
}

static int trace_setup(struct rt_trace *t, uint64_t chunk_size, char *err, size_t errlen)
{
    if (chunk_size == 0)
        chunk_size = RV_TRACE_DEFAULT_CHUNK_SIZE;
    if (chunk_size > (1ULL << 32)) {
        snprintf(err, errlen, "chunk size %llu is too large (at most 2^32 records)",
                 (unsigned long long)chunk_size);
        return -1;
    }
    t->chunk_size = chunk_size;
    t->async_min_bytes = RV_TRACE_ASYNC_MIN_BYTES;
    size_t bytes = RV_TRACE_HDR_SIZE + (chunk_size + RV_TRACE_SLACK_RECORDS) * 16;
    t->buf = rt_big_alloc(bytes);
    t->buf_bytes = bytes;
    if (!t->buf) {
        snprintf(err, errlen, "cannot allocate a %zu-byte trace chunk buffer (chunk size %llu); "
                 "use a smaller --chunk-size", bytes, (unsigned long long)chunk_size);
        return -1;
    }
    if (t->out) {
        struct rv_trace_file_header fh = {0};
        memcpy(fh.magic, RV_TRACE_FILE_MAGIC, 8);
        fh.version = RV_TRACE_FILE_VERSION;
        fh.chunk_size = chunk_size;
        if (fwrite(&fh, sizeof fh, 1, t->out) != 1)
            keep_error(t, errno ? errno : EIO);
        t->bytes += sizeof fh;
    }
    return 0;
}

int rt_trace_open_stream(struct rt_trace *t, FILE *out, uint64_t chunk_size, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->out = out;
    return trace_setup(t, chunk_size, err, errlen);
}

int rt_trace_open(struct rt_trace *t, const char *path, uint64_t chunk_size, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (path) {
        t->out = fopen(path, "wb");
        if (!t->out) {
            snprintf(err, errlen, "cannot open trace file '%s' for writing: %s", path, strerror(errno));
            return -1;
        }
        t->owns_out = 1;
    }
    if (trace_setup(t, chunk_size, err, errlen) != 0) {
        if (t->owns_out)
            fclose(t->out);
        t->out = NULL;
        return -1;
    }
    return 0;
}

int rt_trace_close(struct rt_trace *t, char *err, size_t errlen)
{
    int rc = 0;
    if (t->writer)
        keep_error(t, rt_trace_writer_stop(t->writer));
    if (t->out) {
        if (fflush(t->out) != 0)
            keep_error(t, errno ? errno : EIO);
        if (t->owns_out && fclose(t->out) != 0)
            keep_error(t, errno ? errno : EIO);
    }
    if (t->write_error) {
        snprintf(err, errlen, "writing the trace failed: %s (disk full?)", strerror(t->write_error));
        rc = -1;
    }
    rt_big_free(t->buf, t->buf_bytes);
    rt_big_free(t->spare, t->buf_bytes);
    memset(t, 0, sizeof *t);
    return rc;
}

void rt_trace_begin_chunk(struct rt_trace *t, struct rv_ctx *ctx)
{
    struct rv_trace_header *h = (struct rv_trace_header *)t->buf;
    memset(h, 0, sizeof *h);
    memcpy(h->start_registers, ctx->regs, sizeof h->start_registers);
    h->start_registers[0] = 0;
    h->pc_start = ctx->pc;
    h->clk_start = ctx->clk;
    ctx->trace_buf = t->buf;
    ctx->trace_tail = (uint64_t *)(t->buf + RV_TRACE_HDR_SIZE);
    ctx->num_mem_reads = 0;
}

/* Fills the end fields of the current chunk and counts it; returns its size in bytes. */
static size_t finish_chunk(struct rt_trace *t, const struct rv_ctx *ctx)
{
    struct rv_trace_header *h = (struct rv_trace_header *)t->buf;
    h->clk_end = ctx->clk;
    h->num_mem_reads = ctx->num_mem_reads;
    h->global_clk_end = ctx->global_clk;
    size_t n = RV_TRACE_HDR_SIZE + ctx->num_mem_reads * 16;
    t->bytes += n;
    t->chunks++;
    return n;
}

/* 0 once the writer thread has written everything handed to it (a failure is kept). */
static int writer_idle(struct rt_trace *t)
{
    if (t->writer)
        keep_error(t, rt_trace_writer_wait(t->writer));
    return t->write_error;
}

/* Writes the current chunk's n bytes on this thread. */
static void write_here(struct rt_trace *t, size_t n)
{
    if (fwrite(t->buf, 1, n, t->out) != n)
        keep_error(t, errno ? errno : EIO);
}

void rt_trace_end_chunk(struct rt_trace *t, struct rv_ctx *ctx)
{
    size_t n = finish_chunk(t, ctx);
    if (t->out && writer_idle(t) == 0)
        write_here(t, n);
}

/* The writer thread and the second buffer, or neither (then chunks are written here). */
static void start_writer(struct rt_trace *t)
{
    if (!(t->spare = rt_big_alloc(t->buf_bytes)))
        return;
    if (!(t->writer = rt_trace_writer_start(t->out))) {
        rt_big_free(t->spare, t->buf_bytes);
        t->spare = NULL;
    }
}

void rt_trace_next_chunk(struct rt_trace *t, struct rv_ctx *ctx)
{
    size_t n = finish_chunk(t, ctx);
    if (t->out && writer_idle(t) == 0) {
        const int async = n >= t->async_min_bytes;
        if (async && !t->writer)
            start_writer(t);
        if (async && t->writer) {
            /* the writer takes this buffer; the next chunk goes in the other */
            rt_trace_writer_put(t->writer, t->buf, n);
            uint8_t *b = t->buf;
            t->buf = t->spare;
            t->spare = b;
        } else {
            write_here(t, n);
        }
    }
    rt_trace_begin_chunk(t, ctx);
}
