/* sha256.h — software SHA-256 (FIPS 180-4) and SP1's public-values digest check.
 *
 * At HALT the SP1 guest commits SHA-256(public values) as eight 32-bit words through COMMIT:
 * word i = u32::from_le_bytes(digest[4i..4i+4]) (sp1 crates/zkvm/entrypoint/src/syscalls/halt.rs).
 * rt_digest_matches() checks exactly that. The round constants are shared with the
 * SHA_COMPRESS precompile.
 * Usage: uint8_t d[32]; rt_sha256("abc", 3, d);
 *        int ok = rt_digest_matches(pv, pv_len, job->committed, d); */
#ifndef RVT_RUNTIME_SHA256_H
#define RVT_RUNTIME_SHA256_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t rt_sha256_k[64];

/* One compression of the 64-word schedule w into the state h (the SHA-256 rounds plus the
 * final additions). */
void rt_sha256_rounds(uint32_t h[8], const uint32_t w[64]);

void rt_sha256(const void *data, size_t len, uint8_t out[32]);

/* Hashes the public values into sha_out and returns 1 if committed[i] equals the
 * little-endian reading of sha_out[4i..4i+4] for all eight words, else 0. */
int rt_digest_matches(const uint8_t *pv, size_t len, const uint32_t committed[8],
                      uint8_t sha_out[32]);

#endif
