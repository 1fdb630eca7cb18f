/* sieve.c — sieve of Eratosthenes up to n (input u64, default 500000): prime count, largest
 * prime, and a checksum of all primes. Self-checks pi(10^5) = 9592 and, when n >= 10^6,
 * pi(10^6) = 78498 on the way. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(500000);
    if (n < 100000)
        n = 100000;
    uint8_t *composite = malloc(n + 1);
    if (composite == NULL) {
        printf("out of memory\n");
        return 2;
    }
    memset(composite, 0, n + 1);
    for (uint64_t i = 2; i * i <= n; i++)
        if (!composite[i])
            for (uint64_t j = i * i; j <= n; j += i)
                composite[j] = 1;
    uint64_t count = 0, last = 0, sum = 0, count_1m = 0, count_100k = 0;
    for (uint64_t i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            last = i;
            sum = sum * 31 + i;
        }
        if (i == 100000)
            count_100k = count;
        if (i == 1000000)
            count_1m = count;
    }
    CHECK(fails, count_100k == 9592, "pi(10^5)=%" PRIu64, count_100k);
    if (n >= 1000000)
        CHECK(fails, count_1m == 78498, "pi(10^6)=%" PRIu64, count_1m);
    printf("primes <= %" PRIu64 ": %" PRIu64 ", largest %" PRIu64 ", checksum %016" PRIx64 "\n",
           n, count, last, sum);
    rt_commit(&count, sizeof count);
    free(composite);
    return g_exit_code(fails);
}
