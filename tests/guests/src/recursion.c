/* recursion.c — deep and branchy recursion: a non-tail-recursive fold to depth n (input u64,
 * default 100000; the stack grows by n frames), Ackermann A(2, 300) and A(3, 6), and mutual
 * recursion. noipa keeps gcc from turning the recursion into loops. */
#include "common.h"

__attribute__((noipa)) static uint64_t fold(uint64_t n)
{
    if (n == 0)
        return 0x1234;
    uint64_t r = fold(n - 1);
    return (r * 3) ^ (r >> 7) ^ n;
}

__attribute__((noipa)) static uint64_t ack(uint64_t m, uint64_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

__attribute__((noipa)) static int is_odd(uint64_t n);
__attribute__((noipa)) static int is_even(uint64_t n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}
__attribute__((noipa)) static int is_odd(uint64_t n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(100000);
    uint64_t f = fold(n);
    uint64_t a2 = ack(2, 300), a3 = ack(3, 6);
    CHECK(fails, a2 == 603, "A(2,300)=%" PRIu64, a2);
    CHECK(fails, a3 == 509, "A(3,6)=%" PRIu64, a3);
    int e = is_even(10001), o = is_odd(7777);
    CHECK(fails, e == 0 && o == 1, "parity %d %d", e, o);
    printf("fold(%" PRIu64 ") = %016" PRIx64 ", A(2,300) = %" PRIu64 ", A(3,6) = %" PRIu64
           ", even(10001) = %d, odd(7777) = %d\n", n, f, a2, a3, e, o);
    rt_commit(&f, sizeof f);
    return g_exit_code(fails);
}
