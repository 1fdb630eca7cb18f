/* bigint.c — multi-precision arithmetic: n! (input u64, default 1000) in 32-bit limbs, printed
 * via repeated division by 10^9 (digit count, digit sum, leading and trailing digits); then
 * 64-bit modular exponentiation with 128-bit products (libgcc's __umodti3) running a
 * Miller-Rabin test over a few known primes and composites. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    return (uint64_t)((unsigned __int128)a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1 % m;
    b %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

static int is_prime(uint64_t n)
{
    static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    if (n < 2)
        return 0;
    for (int i = 0; i < 12; i++)
        if (n % bases[i] == 0)
            return n == bases[i];
    uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) {
        d >>= 1;
        s++;
    }
    for (int i = 0; i < 12; i++) {
        uint64_t x = powmod(bases[i], d, n);
        if (x == 1 || x == n - 1)
            continue;
        int composite = 1;
        for (int k = 1; k < s && composite; k++) {
            x = mulmod(x, x, n);
            if (x == n - 1)
                composite = 0;
        }
        if (composite)
            return 0;
    }
    return 1;
}

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(1000);
    size_t cap = (size_t)n + 4;   /* n! < 2^(32 n): at most n limbs */
    uint32_t *x = calloc(cap, 4);
    uint32_t *chunks = malloc(cap * 2 * sizeof *chunks);
    if (x == NULL || chunks == NULL) {
        printf("out of memory\n");
        return 2;
    }
    size_t len = 1;
    x[0] = 1;
    for (uint64_t k = 2; k <= n; k++) {
        uint64_t carry = 0;
        for (size_t i = 0; i < len; i++) {
            uint64_t t = (uint64_t)x[i] * k + carry;
            x[i] = (uint32_t)t;
            carry = t >> 32;
        }
        while (carry) {
            x[len++] = (uint32_t)carry;
            carry >>= 32;
        }
    }
    /* base 10^9 conversion, least significant chunk first */
    size_t nch = 0;
    while (len > 1 || x[0] != 0) {
        uint64_t rem = 0;
        for (size_t i = len; i-- > 0;) {
            uint64_t cur = rem << 32 | x[i];
            x[i] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        chunks[nch++] = (uint32_t)rem;
        while (len > 1 && x[len - 1] == 0)
            len--;
    }
    char lead[16];
    snprintf(lead, sizeof lead, "%u", (unsigned)chunks[nch - 1]);
    uint64_t digits = strlen(lead) + 9 * (nch - 1), digit_sum = 0;
    for (size_t i = 0; i < nch; i++) {
        uint32_t c = chunks[i];
        for (int k = 0; k < 9; k++) {
            digit_sum += c % 10;
            c /= 10;
        }
    }
    size_t zeros = 0;
    for (size_t i = 0; i < nch && chunks[i] == 0; i++)
        zeros += 9;
    for (uint32_t c = chunks[zeros / 9]; c % 10 == 0; c /= 10)
        zeros++;
    if (n == 100)
        CHECK(fails, digits == 158 && digit_sum == 648, "100!: %" PRIu64 " digits, sum %" PRIu64,
              digits, digit_sum);
    if (n == 1000)
        CHECK(fails, digits == 2568 && digit_sum == 10539 && zeros == 249,
              "1000!: %" PRIu64 " digits, sum %" PRIu64, digits, digit_sum);
    printf("%" PRIu64 "! has %" PRIu64 " digits, digit sum %" PRIu64 ", %lu trailing zeros, "
           "leading %s, last nonzero chunk %09u\n", n, digits, digit_sum, (unsigned long)zeros, lead,
           (unsigned)chunks[zeros / 9]);

    static const uint64_t primes[] = {2305843009213693951ull, 18446744073709551557ull,
                                      1000000007ull, 998244353ull};
    static const uint64_t composites[] = {3215031751ull, 18446744073709551615ull,
                                          3825123056546413051ull, 1000000007ull * 998244353ull};
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        ok += is_prime(primes[i]);
        ok += !is_prime(composites[i]);
    }
    CHECK(fails, ok == 8, "miller-rabin: %d of 8 right", ok);
    uint64_t p = powmod(3, 0xFFFFFFFFFFFFull, 2305843009213693951ull);
    printf("miller-rabin %d/8, 3^(2^48-1) mod (2^61-1) = %" PRIu64 "\n", ok, p);
    rt_commit(&digit_sum, sizeof digit_sum);
    free(x);
    free(chunks);
    return g_exit_code(fails);
}
