/* memops.c — memory access patterns: memcpy/memmove/memset (picolibc) over odd sizes and
 * alignments checked against byte loops, and volatile byte/half/word/doubleword loads and
 * stores at every legal alignment, signed and unsigned (lb/lbu/lh/lhu/lw/lwu/ld, sb/sh/sw/sd).
 * n (input u64, default 10) scales the number of rounds. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define BUF 512

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001B3ull;
}

int main(void)
{
    int fails = 0;
    uint64_t rounds = rt_read_u64_or(10);
    static uint8_t src[BUF + 16], dst[BUF + 16], ref[BUF + 16];
    uint64_t s = 99, h = 0xcbf29ce484222325ull;
    long bad = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        for (int i = 0; i < BUF + 16; i++)
            src[i] = (uint8_t)g_rand(&s);
        for (size_t so = 0; so < 8; so++)
            for (size_t doff = 0; doff < 8; doff++) {
                size_t n = (size_t)(g_rand(&s) % (BUF - 16));
                memset(dst, 0xA5, sizeof dst);
                memset(ref, 0xA5, sizeof ref);
                memcpy(dst + doff, src + so, n);
                for (size_t i = 0; i < n; i++)
                    ref[doff + i] = src[so + i];
                bad += memcmp(dst, ref, sizeof dst) != 0;
                /* overlapping move both ways */
                memmove(dst + doff + 3, dst + doff, n / 2);
                for (size_t i = n / 2; i-- > 0;)
                    ref[doff + 3 + i] = ref[doff + i];
                memmove(dst + so, dst + so + 5, n / 3);
                for (size_t i = 0; i < n / 3; i++)
                    ref[so + i] = ref[so + 5 + i];
                bad += memcmp(dst, ref, sizeof dst) != 0;
                int v = (int)(g_rand(&s) & 0xFF);
                memset(dst + so + doff, v, n / 5 + 1);
                for (size_t i = 0; i < n / 5 + 1; i++)
                    ref[so + doff + i] = (uint8_t)v;
                bad += memcmp(dst, ref, sizeof dst) != 0;
                for (size_t i = 0; i < sizeof dst; i += 8)
                    h = mix(h, dst[i]);
            }
    }
    CHECK(fails, bad == 0, "%ld mem* mismatches", bad);

    /* Every access size at every aligned offset in a 64-byte window, through volatile pointers
     * so each is a real load/store of that size. */
    static uint64_t win[8];
    volatile uint8_t *b = (volatile uint8_t *)win;
    for (int i = 0; i < 64; i++)
        b[i] = (uint8_t)(0x80 + i * 37);
    uint64_t acc = 0;
    for (int off = 0; off < 64; off++) {
        acc = mix(acc, (uint64_t)(int64_t) * (volatile int8_t *)(b + off));
        acc = mix(acc, *(volatile uint8_t *)(b + off));
        if (off % 2 == 0) {
            acc = mix(acc, (uint64_t)(int64_t) * (volatile int16_t *)(b + off));
            acc = mix(acc, *(volatile uint16_t *)(b + off));
        }
        if (off % 4 == 0) {
            acc = mix(acc, (uint64_t)(int64_t) * (volatile int32_t *)(b + off));
            acc = mix(acc, *(volatile uint32_t *)(b + off));
        }
        if (off % 8 == 0)
            acc = mix(acc, *(volatile uint64_t *)(b + off));
    }
    /* sign extension spot checks: 0x80 + 37*i bytes, little-endian */
    volatile int8_t *sb = (volatile int8_t *)b;
    CHECK(fails, sb[0] == -128, "lb sign extension: %d", sb[0]);
    CHECK(fails, *(volatile int16_t *)b == (int16_t)0xA580, "lh: %d", *(volatile int16_t *)b);
    CHECK(fails, *(volatile int32_t *)b == (int32_t)0xefcaa580, "lw: %ld",
          (long)*(volatile int32_t *)b);
    CHECK(fails, *(volatile uint32_t *)b == 0xefcaa580u, "lwu");
    /* stores of each size overwrite exactly their bytes */
    for (int off = 0; off < 64; off += 8) {
        *(volatile uint8_t *)(b + off + 1) = 0x11;
        *(volatile uint16_t *)(b + off + 2) = 0x2233;
        *(volatile uint32_t *)(b + off + 4) = 0x44556677u;
    }
    *(volatile uint64_t *)(b + 56) = 0x8877665544332211ull;
    for (int i = 0; i < 64; i++)
        acc = mix(acc, b[i]);
    CHECK(fails, win[0] == (0x4455667722331180ull), "mixed stores: %016" PRIx64, win[0]);
    printf("memops rounds %" PRIu64 ": mem* hash %016" PRIx64 ", access hash %016" PRIx64 "\n",
           rounds, h, acc);
    rt_commit(&acc, sizeof acc);
    return g_exit_code(fails);
}
