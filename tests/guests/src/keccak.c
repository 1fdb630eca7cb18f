/* keccak.c — software Keccak-256 (rt/swcrypto.c) over n pseudo-random bytes (input u64,
 * default 32768); self-checks keccak256("") and keccak256("abc") against the published values.
 * Commits the digest. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "swcrypto.h"

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(32768);
    uint8_t d[32];
    static const uint8_t empty[32] = {
        0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
        0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};
    static const uint8_t abc[32] = {
        0x4e, 0x03, 0x65, 0x7a, 0xea, 0x45, 0xa9, 0x4f, 0xc7, 0xd4, 0x7b, 0xa8, 0x26, 0xc8, 0xd6, 0x67,
        0xc0, 0xd1, 0xe6, 0xe3, 0x3a, 0x64, 0xa0, 0x36, 0xec, 0x44, 0xf5, 0x8f, 0xa1, 0x2d, 0x6c, 0x45};
    sw_keccak256("", 0, d);
    CHECK(fails, memcmp(d, empty, 32) == 0, "keccak256('') wrong");
    sw_keccak256("abc", 3, d);
    CHECK(fails, memcmp(d, abc, 32) == 0, "keccak256('abc') wrong");

    uint8_t *buf = malloc(n + 1);
    if (buf == NULL) {
        printf("out of memory\n");
        return 2;
    }
    uint64_t r = 4242;
    for (uint64_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(g_rand(&r) >> 3);
    sw_keccak256(buf, n, d);
    printf("keccak256 of %" PRIu64 " bytes: ", n);
    g_print_hex("", d, 32);
    rt_commit(d, 32);
    free(buf);
    return g_exit_code(fails);
}
