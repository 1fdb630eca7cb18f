/* precompile_uint256.c — SP1's UINT256_MUL: x = x * y mod m on 256-bit little-endian numbers
 * of four 64-bit limbs (one guest doubleword each); m == 0 means 2^256
 * (sp1 crates/core/executor/src/minimal/precompiles/uint256.rs). y and m are contiguous at the
 * second pointer: y_mod[0..4] = y, y_mod[4..8] = m. */
#include <string.h>

#include "runtime/precompile.h"

typedef unsigned __int128 u128;

/* 4x4 limbs -> 8 limbs, schoolbook. */
static void mul_256(const uint64_t *x, const uint64_t *y, uint64_t p[8])
{
    memset(p, 0, 8 * sizeof *p);
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 t = (u128)x[i] * y[j] + p[i + j] + carry;
            p[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        p[i + 4] = carry;
    }
}

/* r (5 limbs) >= m (4 limbs)? */
static int ge_5_4(const uint64_t r[5], const uint64_t m[4])
{
    if (r[4])
        return 1;
    for (int i = 3; i >= 0; i--)
        if (r[i] != m[i])
            return r[i] > m[i];
    return 1;
}

static void sub_5_4(uint64_t r[5], const uint64_t m[4])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 5; i++) {
        uint64_t mi = i < 4 ? m[i] : 0;
        uint64_t d = r[i] - mi - borrow;
        borrow = (r[i] < mi) || (r[i] - mi < borrow);
        r[i] = d;
    }
}

/* p mod m by binary long division: r stays below m, so 2r + 1 < 2^257 fits in five limbs.
 * At most 512 shift-and-subtract steps: a few microseconds, far below an ECALL's other costs. */
static void mod_512_256(const uint64_t p[8], const uint64_t m[4], uint64_t out[4])
{
    uint64_t r[5] = {0};
    int top = 511;
    while (top >= 0 && !((p[top / 64] >> (top % 64)) & 1))
        top--;
    for (int bit = top; bit >= 0; bit--) {
        for (int i = 4; i > 0; i--)
            r[i] = (r[i] << 1) | (r[i - 1] >> 63);
        r[0] = (r[0] << 1) | ((p[bit / 64] >> (bit % 64)) & 1);
        if (ge_5_4(r, m))
            sub_5_4(r, m);
    }
    memcpy(out, r, 4 * sizeof *out);
}

int rt_pc_uint256_mul(uint64_t *x, uint64_t *y_mod)
{
    uint64_t p[8];
    mul_256(x, y_mod, p);
    const uint64_t *m = y_mod + 4;
    if ((m[0] | m[1] | m[2] | m[3]) == 0) {
        memcpy(x, p, 4 * sizeof *x);    /* mod 2^256: the low half */
        return 0;
    }
    mod_512_256(p, m, x);
    return 0;
}
