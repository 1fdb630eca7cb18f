/* swcrypto.h — software SHA-256 and Keccak-256 for guests and the SP1 runtime (the public-values
 * digest), written from FIPS 180-4 and FIPS 202 so the precompile tests have an independent
 * reference. No global state: callers own the context structs.
 * Usage: struct sw_sha256 s; sw_sha256_init(&s); sw_sha256_update(&s, p, n);
 *        sw_sha256_final(&s, digest); */
#ifndef RT_SWCRYPTO_H
#define RT_SWCRYPTO_H

#include <stddef.h>
#include <stdint.h>

struct sw_sha256 {
    uint32_t h[8];
    uint64_t total;        /* bytes hashed so far */
    uint8_t block[64];
    size_t fill;           /* bytes in block */
};

void sw_sha256_init(struct sw_sha256 *s);
void sw_sha256_update(struct sw_sha256 *s, const void *data, size_t n);
void sw_sha256_final(struct sw_sha256 *s, uint8_t out[32]);
/* One compression: message schedule from a 64-byte big-endian block. */
void sw_sha256_compress(uint32_t h[8], const uint8_t block[64]);
/* The two halves of the compression the SP1 precompiles split it into. */
void sw_sha256_extend(uint32_t w[64]);
void sw_sha256_rounds(uint32_t h[8], const uint32_t w[64]);

/* keccak-f[1600] and Keccak-256 (the original padding 0x01, as Ethereum uses). */
void sw_keccakf(uint64_t st[25]);
void sw_keccak256(const void *data, size_t n, uint8_t out[32]);

/* x = x * y mod m over little-endian 64-bit limbs; m == 0 means mod 2^256 (SP1 UINT256_MUL). */
void sw_uint256_mulmod(uint64_t x[4], const uint64_t y[4], const uint64_t m[4]);

#endif
