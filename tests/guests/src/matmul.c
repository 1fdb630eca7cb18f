/* matmul.c — n x n matrix products (input u64, default 64): signed 32-bit (mulw, wrap) and
 * unsigned 64-bit (mul, mulhu for the high halves). Checks (A*B)*v == A*(B*v) in the 64-bit ring
 * and prints checksums. */
#include <stdlib.h>

#include "common.h"

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(64);
    if (n < 2)
        n = 2;
    int32_t *a32 = malloc(n * n * 4), *b32 = malloc(n * n * 4), *c32 = malloc(n * n * 4);
    uint64_t *a = malloc(n * n * 8), *b = malloc(n * n * 8), *c = malloc(n * n * 8);
    uint64_t *v = malloc(n * 8), *bv = malloc(n * 8), *abv = malloc(n * 8), *cv = malloc(n * 8);
    if (!a32 || !b32 || !c32 || !a || !b || !c || !v || !bv || !abv || !cv) {
        printf("out of memory\n");
        return 2;
    }
    uint64_t s = 12345;
    for (uint64_t i = 0; i < n * n; i++) {
        a32[i] = (int32_t)g_rand(&s);
        b32[i] = (int32_t)g_rand(&s);
        a[i] = g_rand(&s);
        b[i] = g_rand(&s);
    }
    for (uint64_t i = 0; i < n; i++)
        v[i] = g_rand(&s);
    uint64_t hi_acc = 0;
    for (uint64_t i = 0; i < n; i++)
        for (uint64_t j = 0; j < n; j++) {
            int32_t acc32 = 0;
            uint64_t acc = 0;
            for (uint64_t k = 0; k < n; k++) {
                acc32 = (int32_t)((uint32_t)acc32 + (uint32_t)a32[i * n + k] * (uint32_t)b32[k * n + j]);
                acc += a[i * n + k] * b[k * n + j];
                hi_acc += (uint64_t)(((unsigned __int128)a[i * n + k] * b[k * n + j]) >> 64);
            }
            c32[i * n + j] = acc32;
            c[i * n + j] = acc;
        }
    for (uint64_t i = 0; i < n; i++) {
        bv[i] = 0;
        for (uint64_t k = 0; k < n; k++)
            bv[i] += b[i * n + k] * v[k];
    }
    long bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        abv[i] = 0;
        cv[i] = 0;
        for (uint64_t k = 0; k < n; k++) {
            abv[i] += a[i * n + k] * bv[k];
            cv[i] += c[i * n + k] * v[k];
        }
        bad += abv[i] != cv[i];
    }
    CHECK(fails, bad == 0, "(A*B)*v != A*(B*v) in %ld rows", bad);
    uint64_t sum32 = 0, sum64 = 0;
    int64_t trace32 = 0;
    for (uint64_t i = 0; i < n * n; i++) {
        sum32 = sum32 * 31 + (uint64_t)(int64_t)c32[i];
        sum64 = sum64 * 31 + c[i];
    }
    for (uint64_t i = 0; i < n; i++)
        trace32 += c32[i * n + i];
    printf("matmul %" PRIu64 "x%" PRIu64 ": trace32 %" PRId64 " sum32 %016" PRIx64
           " sum64 %016" PRIx64 " hi %016" PRIx64 "\n", n, n, trace32, sum32, sum64, hi_acc);
    rt_commit(&sum64, sizeof sum64);
    return g_exit_code(fails);
}
