/* precompiles.c — each SP1 precompile against the software reference in rt/swcrypto.c, on n
 * random cases each (input u64, default 100): SHA_EXTEND and SHA_COMPRESS (32-bit words in
 * 64-bit slots; the upper halves of the inputs hold garbage, which must be ignored, and the
 * outputs must be zero-extended), KECCAK_PERMUTE, UINT256_MUL (modulus zero, small, full width,
 * unreduced operands); plus SHA-256("abc") computed with the precompiles. Exits with the number
 * of mismatches. SP1 ABI only. */
#include <string.h>

#include "common.h"
#include "swcrypto.h"

static uint64_t hash_words(uint64_t h, const uint64_t *w, int n)
{
    for (int i = 0; i < n; i++)
        h = (h ^ w[i]) * 0x100000001B3ull;
    return h;
}

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(100);
    uint64_t s = 2024, h_sha = 0, h_kec = 0, h_mul = 0;
    long bad_ext = 0, bad_cmp = 0, bad_kec = 0, bad_mul = 0;

    for (uint64_t it = 0; it < n; it++) {
        uint64_t w[64], h[8];
        uint32_t w32[64], h32[8];
        uint64_t garbage = it % 2 ? 0xFFFFFFFF00000000ull & g_rand(&s) : 0;
        for (int i = 0; i < 16; i++) {
            w32[i] = (uint32_t)g_rand(&s);
            w[i] = w32[i] | garbage;
        }
        for (int i = 16; i < 64; i++)
            w[i] = g_rand(&s);   /* overwritten by SHA_EXTEND */
        rt_sha_extend(w);
        sw_sha256_extend(w32);
        for (int i = 16; i < 64; i++)
            bad_ext += w[i] != w32[i];
        for (int i = 0; i < 8; i++) {
            h32[i] = (uint32_t)g_rand(&s);
            h[i] = h32[i] | garbage;
        }
        rt_sha_compress(w, h);
        sw_sha256_rounds(h32, w32);
        for (int i = 0; i < 8; i++)
            bad_cmp += h[i] != h32[i];
        h_sha = hash_words(h_sha, h, 8);

        uint64_t st[25], ref[25];
        for (int i = 0; i < 25; i++)
            st[i] = ref[i] = it == 0 ? 0 : g_rand(&s);
        rt_keccak_permute(st);
        sw_keccakf(ref);
        for (int i = 0; i < 25; i++)
            bad_kec += st[i] != ref[i];
        h_kec = hash_words(h_kec, st, 25);

        uint64_t x[4], ym[8], rx[4];
        for (int i = 0; i < 4; i++) {
            x[i] = g_rand(&s);
            ym[i] = g_rand(&s);
            ym[4 + i] = g_rand(&s);
        }
        switch (it % 5) {
        case 0: memset(ym + 4, 0, 32); break;                      /* mod 2^256 */
        case 1: ym[5] = ym[6] = ym[7] = 0; break;                  /* 64-bit modulus */
        case 2: ym[7] |= 1ull << 63; break;                        /* full-width modulus */
        case 3: ym[7] >>= 8; break;                                /* x, y unreduced */
        default: ym[4] = 1; ym[5] = ym[6] = ym[7] = 0; break;      /* modulus 1 */
        }
        memcpy(rx, x, sizeof x);
        rt_uint256_mul(x, ym);
        sw_uint256_mulmod(rx, ym, ym + 4);
        for (int i = 0; i < 4; i++)
            bad_mul += x[i] != rx[i];
        h_mul = hash_words(h_mul, x, 4);
    }
    CHECK(fails, bad_ext == 0, "SHA_EXTEND: %ld words differ", bad_ext);
    CHECK(fails, bad_cmp == 0, "SHA_COMPRESS: %ld words differ", bad_cmp);
    CHECK(fails, bad_kec == 0, "KECCAK_PERMUTE: %ld lanes differ", bad_kec);
    CHECK(fails, bad_mul == 0, "UINT256_MUL: %ld limbs differ", bad_mul);

    /* SHA-256("abc") with the precompiles: one padded block */
    uint8_t block[64] = {'a', 'b', 'c', 0x80};
    block[63] = 24;
    uint64_t w[64], h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
    rt_sha_extend(w);
    rt_sha_compress(w, h);
    CHECK(fails, h[0] == 0xba7816bf && h[7] == 0xf20015ad, "sha256(abc) via precompiles: %08lx",
          (unsigned long)h[0]);
    printf("precompiles x%" PRIu64 ": sha %016" PRIx64 " keccak %016" PRIx64 " uint256 %016" PRIx64
           "\n", n, h_sha, h_kec, h_mul);
    printf("sha256(abc) = %08lx...%08lx\n", (unsigned long)h[0], (unsigned long)h[7]);
    rt_commit(&h_sha, sizeof h_sha);
    return g_exit_code(fails);
}
