/* fibonacci.c — iterative Fibonacci mod 2^64 up to n (input u64, default 1000000), exact
 * fib(90), and a recursive fib(20) for call/return traffic. Commits fib(n) as public value. */
#include "common.h"

__attribute__((noinline)) static uint64_t fib_rec(uint32_t n)
{
    return n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2);
}

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(1000000);
    uint64_t a = 0, b = 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    uint64_t x = 0, y = 1;
    for (int i = 0; i < 90; i++) {
        uint64_t t = x + y;
        x = y;
        y = t;
    }
    CHECK(fails, x == 2880067194370816120ull, "fib(90)=%" PRIu64, x);
    uint64_t r = fib_rec(20);
    CHECK(fails, r == 6765, "fib_rec(20)=%" PRIu64, r);
    printf("fib(%" PRIu64 ") mod 2^64 = %" PRIu64 "\n", n, a);
    printf("fib(90) = %" PRIu64 ", fib_rec(20) = %" PRIu64 "\n", x, r);
    rt_commit(&a, sizeof a);
    return g_exit_code(fails);
}
