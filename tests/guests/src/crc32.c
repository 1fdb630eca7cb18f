/* crc32.c — CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), table-driven and bitwise, over n
 * pseudo-random bytes (input u64, default 262144). Self-checks CRC32("123456789") = 0xCBF43926
 * and that the two methods agree on a prefix. */
#include <stdlib.h>

#include "common.h"

static uint32_t crc_table(const uint32_t *t, const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return ~c;
}

static uint32_t crc_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(262144);
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t check = crc_table(table, (const uint8_t *)"123456789", 9);
    CHECK(fails, check == 0xCBF43926u, "crc32(123456789)=%08x", (unsigned)check);
    uint8_t *buf = calloc(n + 8, 1);
    if (buf == NULL) {
        printf("out of memory\n");
        return 2;
    }
    uint64_t s = 777;
    for (uint64_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(g_rand(&s) >> 56);
    uint32_t crc = crc_table(table, buf, n);
    size_t prefix = n < 4096 ? n : 4096;
    uint32_t a = crc_table(table, buf, prefix), b = crc_bitwise(buf, prefix);
    CHECK(fails, a == b, "table %08x != bitwise %08x", (unsigned)a, (unsigned)b);
    printf("crc32 of %" PRIu64 " bytes = %08x (prefix %08x)\n", n, (unsigned)crc, (unsigned)a);
    rt_commit(&crc, sizeof crc);
    free(buf);
    return g_exit_code(fails);
}
