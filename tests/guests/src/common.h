/* common.h — helpers shared by the C test guests: a deterministic PRNG, hex printing and a
 * CHECK macro that counts failures (a guest returns its failure count, clamped, from main).
 * Usage: #include "common.h"  static int fails; CHECK(fails, x == 3, "x=%d", x); */
#ifndef GUEST_COMMON_H
#define GUEST_COMMON_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "rt.h"

/* xorshift64* (Vigna): deterministic across ABIs and the host. */
static inline uint64_t g_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static inline void g_print_hex(const char *label, const uint8_t *p, size_t n)
{
    printf("%s", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

#define CHECK(fails, cond, ...)                                                                \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            (fails)++;                                                                         \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                        \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
        }                                                                                      \
    } while (0)

static inline int g_exit_code(int fails)
{
    return fails > 100 ? 100 : fails;
}

#endif
