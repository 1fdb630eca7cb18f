/* precompile_sha.c — the SHA-256 precompiles' host functions (SP1 SHA_EXTEND, SHA_COMPRESS).
 *
 * In SP1 v6 memory words are 64-bit: each 32-bit SHA word occupies one 8-byte slot (w[i] at
 * w_ptr + 8*i), only its low 32 bits are used, and results are stored zero-extended
 * (sp1 crates/core/executor/src/minimal/precompiles/sha256/{extend,compress}.rs). */
#include "runtime/precompile.h"
#include "runtime/sha256.h"

static inline uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

int rt_pc_sha_extend(uint64_t *w)
{
    for (int i = 16; i < 64; i++) {
        uint32_t w15 = (uint32_t)w[i - 15], w2 = (uint32_t)w[i - 2];
        uint32_t s0 = ror32(w15, 7) ^ ror32(w15, 18) ^ (w15 >> 3);
        uint32_t s1 = ror32(w2, 17) ^ ror32(w2, 19) ^ (w2 >> 10);
        w[i] = (uint32_t)(s1 + (uint32_t)w[i - 16] + s0 + (uint32_t)w[i - 7]);
    }
    return 0;
}

int rt_pc_sha_compress(uint64_t *w, uint64_t *h)
{
    uint32_t w32[64], h32[8];
    for (int i = 0; i < 64; i++)
        w32[i] = (uint32_t)w[i];
    for (int i = 0; i < 8; i++)
        h32[i] = (uint32_t)h[i];
    rt_sha256_rounds(h32, w32);
    for (int i = 0; i < 8; i++)
        h[i] = h32[i];
    return 0;
}
