/* trace_writer.h — one thread that writes finished trace chunks to the trace file while the
 * run records the next chunk (runtime/trace.c owns the buffers and the order).
 * One chunk in flight at a time: put() hands over a buffer, which the caller leaves alone
 * until the next wait() returns.
 * Usage: w = rt_trace_writer_start(out); ... err = rt_trace_writer_wait(w);
 *        rt_trace_writer_put(w, data, len); ... err = rt_trace_writer_stop(w); */
#ifndef RVT_RUNTIME_TRACE_WRITER_H
#define RVT_RUNTIME_TRACE_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rt_trace_writer;

/* NULL if the thread cannot be started (the caller then writes itself). */
struct rt_trace_writer *rt_trace_writer_start(FILE *out);
/* Waits until the chunk put last is written; returns the errno of the first failed write,
 * or 0. */
int rt_trace_writer_wait(struct rt_trace_writer *w);
/* Queues data[0..len) for writing; call after rt_trace_writer_wait. */
void rt_trace_writer_put(struct rt_trace_writer *w, const uint8_t *data, size_t len);
/* Waits, ends the thread and frees w; returns the errno of the first failed write, or 0. */
int rt_trace_writer_stop(struct rt_trace_writer *w);

#endif
