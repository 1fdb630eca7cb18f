/* memory.h — SP1 guest memory: each 8-byte-aligned guest doubleword is one 16-byte entry
 * {uint64 clk; uint64 value}; guest byte a lives at host mem + 2*(a & ~7) + 8 + (a & 7).
 * The host reserves 2^41 bytes with MAP_NORESERVE (lazily zero) from a memfd, so that an
 * unconstrained block can be run on a private copy-on-write view and dropped in O(1).
 * Usage: rt_mem_init(&m, err, n); rt_mem_write(m.base, addr, src, len); rt_mem_free(&m); */
#ifndef RVT_RUNTIME_MEMORY_H
#define RVT_RUNTIME_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#define RV_MEM_ADDR_BITS 40
#define RV_MEM_ADDR_LIMIT (1ULL << RV_MEM_ADDR_BITS)   /* guest addresses are < this */
#define RV_MEM_HOST_SIZE (2ULL << RV_MEM_ADDR_BITS)    /* 16-byte entry per 8 guest bytes */

struct rt_memory {
    uint8_t *base;   /* host address of guest doubleword 0's entry */
    int fd;          /* memfd backing the shared view */
    int private_view;/* 1 while an unconstrained (copy-on-write) view is mapped */
};

int rt_mem_init(struct rt_memory *m, char *err, size_t errlen);
void rt_mem_free(struct rt_memory *m);
/* Switch to a private copy-on-write view (ENTER_UNCONSTRAINED) and drop it again (EXIT). */
int rt_mem_snapshot(struct rt_memory *m, char *err, size_t errlen);
int rt_mem_restore(struct rt_memory *m, char *err, size_t errlen);

/* The {clk, value} entry of the doubleword holding guest address a. */
static inline uint64_t *rt_mem_entry(uint8_t *base, uint64_t a)
{
    return (uint64_t *)(base + 2 * (a & ~7ULL));
}

static inline uint8_t *rt_mem_byte(uint8_t *base, uint64_t a)
{
    return base + 2 * (a & ~7ULL) + 8 + (a & 7);
}

/* Is [a, a+len) inside the guest address space? */
static inline int rt_mem_range_ok(uint64_t a, uint64_t len)
{
    return a < RV_MEM_ADDR_LIMIT && len <= RV_MEM_ADDR_LIMIT - a;
}

/* Byte copies in and out of guest memory; clks are left as they are. Callers check ranges. */
void rt_mem_write(uint8_t *base, uint64_t a, const void *src, size_t len);
void rt_mem_read(uint8_t *base, uint64_t a, void *dst, size_t len);

#endif
