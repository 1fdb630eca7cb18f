/* memory.c — guest memory reservation and the unconstrained-mode copy-on-write view.
 *
 * The 2^41-byte entry space is a sparse memfd mapped MAP_SHARED|MAP_NORESERVE: untouched pages
 * cost nothing. ENTER_UNCONSTRAINED maps a MAP_PRIVATE view of the same file over the same
 * address (writes then go to private copies of the touched pages); EXIT maps the shared view
 * back, which drops every private page at once. The base address never moves, so generated
 * code holding it in a register stays valid. */
#include "runtime/memory.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int map_view(struct rt_memory *m, int flags, char *err, size_t errlen)
{
    void *want = m->base ? m->base : NULL;
    int fixed = m->base ? MAP_FIXED : 0;
    void *p = mmap(want, RV_MEM_HOST_SIZE, PROT_READ | PROT_WRITE,
                   flags | fixed | MAP_NORESERVE, m->fd, 0);
    if (p == MAP_FAILED) {
        snprintf(err, errlen,
                 "cannot map %llu bytes of guest memory: %s; check the address-space limit "
                 "(ulimit -v) and vm.overcommit_memory",
                 (unsigned long long)RV_MEM_HOST_SIZE, strerror(errno));
        return -1;
    }
    m->base = p;
    return 0;
}

int rt_mem_init(struct rt_memory *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->fd = memfd_create("rvtier-guest-memory", MFD_CLOEXEC);
    if (m->fd < 0) {
        snprintf(err, errlen, "cannot create guest memory (memfd_create): %s", strerror(errno));
        return -1;
    }
    if (ftruncate(m->fd, (off_t)RV_MEM_HOST_SIZE) != 0) {
        snprintf(err, errlen, "cannot size guest memory to %llu bytes: %s",
                 (unsigned long long)RV_MEM_HOST_SIZE, strerror(errno));
        close(m->fd);
        m->fd = -1;
        return -1;
    }
    if (map_view(m, MAP_SHARED, err, errlen) != 0) {
        close(m->fd);
        m->fd = -1;
        return -1;
    }
    return 0;
}

void rt_mem_free(struct rt_memory *m)
{
    if (m->base)
        munmap(m->base, RV_MEM_HOST_SIZE);
    if (m->fd >= 0)
        close(m->fd);
    m->base = NULL;
    m->fd = -1;
}

int rt_mem_snapshot(struct rt_memory *m, char *err, size_t errlen)
{
    if (m->private_view) {
        snprintf(err, errlen, "already in unconstrained mode (nested ENTER_UNCONSTRAINED)");
        return -1;
    }
    if (map_view(m, MAP_PRIVATE, err, errlen) != 0)
        return -1;
    m->private_view = 1;
    return 0;
}

int rt_mem_restore(struct rt_memory *m, char *err, size_t errlen)
{
    if (!m->private_view) {
        snprintf(err, errlen, "not in unconstrained mode (EXIT_UNCONSTRAINED without ENTER)");
        return -1;
    }
    if (map_view(m, MAP_SHARED, err, errlen) != 0)
        return -1;
    m->private_view = 0;
    return 0;
}

void rt_mem_write(uint8_t *base, uint64_t a, const void *src, size_t len)
{
    const uint8_t *s = src;
    while (len) {
        size_t in_dword = 8 - (a & 7);
        size_t n = len < in_dword ? len : in_dword;
        memcpy(rt_mem_byte(base, a), s, n);
        a += n;
        s += n;
        len -= n;
    }
}

void rt_mem_read(uint8_t *base, uint64_t a, void *dst, size_t len)
{
    uint8_t *d = dst;
    while (len) {
        size_t in_dword = 8 - (a & 7);
        size_t n = len < in_dword ? len : in_dword;
        memcpy(d, rt_mem_byte(base, a), n);
        a += n;
        d += n;
        len -= n;
    }
}
