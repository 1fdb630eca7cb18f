/* sha256.c — software SHA-256 (rt/swcrypto.c) over n pseudo-random bytes (input u64, default
 * 65536), fed in odd-sized pieces; self-checks the FIPS 180-4 "abc" and two-block vectors.
 * Commits the digest. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "swcrypto.h"

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(65536);
    uint8_t d[32];
    struct sw_sha256 s;
    static const uint8_t abc[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    static const uint8_t two[32] = {
        0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
        0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1};
    sw_sha256_init(&s);
    sw_sha256_update(&s, "abc", 3);
    sw_sha256_final(&s, d);
    CHECK(fails, memcmp(d, abc, 32) == 0, "sha256(abc) wrong");
    const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sw_sha256_init(&s);
    sw_sha256_update(&s, m2, strlen(m2));
    sw_sha256_final(&s, d);
    CHECK(fails, memcmp(d, two, 32) == 0, "sha256(two-block message) wrong");

    uint8_t *buf = malloc(n + 1);
    if (buf == NULL) {
        printf("out of memory\n");
        return 2;
    }
    uint64_t r = 42;
    for (uint64_t i = 0; i < n; i++)
        buf[i] = (uint8_t)g_rand(&r);
    sw_sha256_init(&s);
    for (uint64_t off = 0, piece = 1; off < n; off += piece, piece = piece * 3 % 197 + 1)
        sw_sha256_update(&s, buf + off, piece < n - off ? piece : n - off);
    sw_sha256_final(&s, d);
    printf("sha256 of %" PRIu64 " bytes: ", n);
    g_print_hex("", d, 32);
    rt_commit(d, 32);
    free(buf);
    return g_exit_code(fails);
}
