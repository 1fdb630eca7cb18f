/* bigalloc.h — zeroed memory for the large per-program and per-run arrays (decoded text,
 * leader bytes, jump tables, trace chunk buffers): calloc below RT_BIG_MIN bytes, above it a
 * mapping of its own with transparent huge pages (a million-instruction text decodes into
 * 24 MB, ~6000 page faults at 4 KiB; a 16 MB trace chunk 4096). Each array is freed with the
 * size it was allocated with.
 * Usage: p = rt_big_alloc(n); ... rt_big_free(p, n); */
#ifndef RVT_RUNTIME_BIGALLOC_H
#define RVT_RUNTIME_BIGALLOC_H

#include <stddef.h>

#define RT_BIG_MIN ((size_t)4 << 20)

/* NULL when out of memory. */
void *rt_big_alloc(size_t bytes);
void rt_big_free(void *p, size_t bytes);

#endif
