/* semantics.h — RV64IM value semantics that are easy to get wrong, defined once as C: the
 * interpreter uses them, the tier tests check generated code against them, and tier 1 lifts
 * the same cases. RISC-V Unprivileged ISA 20191213: §7.1 (MULH*), §7.2 (division table:
 * x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0), §5.2 (W forms sign-extend 32-bit results). */
#ifndef RVT_TIERS_SEMANTICS_H
#define RVT_TIERS_SEMANTICS_H

#include <stdint.h>

static inline uint64_t rv_sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

static inline uint64_t rv_mulh(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
}
static inline uint64_t rv_mulhu(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
static inline uint64_t rv_mulhsu(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(unsigned __int128)b) >> 64);
}

static inline uint64_t rv_div(uint64_t a, uint64_t b)
{
    if (b == 0)
        return UINT64_MAX;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
        return a;
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t rv_divu(uint64_t a, uint64_t b) { return b == 0 ? UINT64_MAX : a / b; }
static inline uint64_t rv_rem(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
        return 0;
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint64_t rv_remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }

static inline uint64_t rv_divw(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0)
        return UINT64_MAX;
    if (x == INT32_MIN && y == -1)
        return rv_sext32((uint32_t)x);
    return rv_sext32((uint32_t)(x / y));
}
static inline uint64_t rv_divuw(uint64_t a, uint64_t b)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    return y == 0 ? UINT64_MAX : rv_sext32(x / y);
}
static inline uint64_t rv_remw(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0)
        return rv_sext32((uint32_t)x);
    if (x == INT32_MIN && y == -1)
        return 0;
    return rv_sext32((uint32_t)(x % y));
}
static inline uint64_t rv_remuw(uint64_t a, uint64_t b)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    return rv_sext32(y == 0 ? x : x % y);
}

#endif
