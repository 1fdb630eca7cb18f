/* bigalloc.c — see bigalloc.h. */
#include "runtime/bigalloc.h"

#include <stdlib.h>
#include <sys/mman.h>

void *rt_big_alloc(size_t bytes)
{
    if (bytes < RT_BIG_MIN)
        return calloc(1, bytes ? bytes : 1);
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    madvise(m, bytes, MADV_HUGEPAGE);
    return m;
}

void rt_big_free(void *p, size_t bytes)
{
    if (bytes < RT_BIG_MIN)
        free(p);
    else if (p)
        munmap(p, bytes);
}
