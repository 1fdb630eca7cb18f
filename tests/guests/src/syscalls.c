/* syscalls.c — every SP1 syscall the runtime knows, from C: HINT_LEN/HINT_READ over several
 * inputs (run with --input-u64 7 --input-hex 0102030405 --input-hex 000102...10, see
 * manifest.txt), the empty queue, WRITE to stdout/stderr/public values (odd lengths, unaligned
 * buffers), hint push via fd 14 read back (front of the queue, last pushed first), an explicit
 * COMMIT that the final digest commit overwrites, COMMIT_DEFERRED_PROOFS, and an unconstrained
 * block whose memory effects vanish and whose result comes back as a hint. SP1 ABI only. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static uint64_t g_counter = 5;

int main(void)
{
    int fails = 0;
    size_t len;

    uint64_t first = rt_read_u64_or(0);
    printf("input 0: u64 %" PRIu64 "\n", first);
    CHECK(fails, first == 7, "first input");
    for (int k = 1; k <= 2; k++) {
        uint8_t *p = rt_read_input(&len);
        if (p == NULL) {
            printf("input %d: missing\n", k);
            fails++;
            continue;
        }
        printf("input %d: %lu bytes, ", k, (unsigned long)len);
        g_print_hex("", p, len);
        /* HINT_READ pads the final doubleword with zeros */
        for (size_t i = len; i < (len / 8 + 1) * 8; i++)
            CHECK(fails, p[i] == 0, "padding byte %lu is %02x", (unsigned long)i, p[i]);
        free(p);
    }
    CHECK(fails, rt_hint_len() == UINT64_MAX, "queue should be empty");
    printf("queue empty: hint_len = %" PRIx64 "\n", rt_hint_len());

    /* public values: pieces of odd length from unaligned addresses */
    static const char pv[] = "public values, committed in pieces";
    rt_commit(pv, 1);
    rt_commit(pv + 1, 6);
    rt_commit(pv + 7, sizeof pv - 8);
    rt_flush();
    rt_write(RT_FD_STDOUT, "raw write to fd 1\n", 18);
    rt_write(RT_FD_STDERR, "raw write to fd 2\n", 18);

    /* hint push: the queue is LIFO for pushes (each goes to the front) */
    rt_hint_push("first pushed", 12);
    rt_hint_push("second", 6);
    for (int k = 0; k < 2; k++) {
        char *p = rt_read_input(&len);
        printf("pushed hint %d: %.*s\n", k, (int)len, p);
        CHECK(fails, len == (k == 0 ? 6u : 12u), "pushed hint length %lu", (unsigned long)len);
        free(p);
    }

    /* unconstrained: memory writes vanish, the answer travels as a hint */
    static uint64_t table[64];
    for (int i = 0; i < 64; i++)
        table[i] = (uint64_t)i * i;
    if (rt_enter_unconstrained()) {
        uint64_t sum = 0;
        for (uint64_t i = 1; i <= 1000; i++)
            sum += i;
        g_counter = 99;
        for (int i = 0; i < 64; i++)
            table[i] = 0;
        rt_hint_push(&sum, sizeof sum);
        rt_exit_unconstrained();
    }
    uint64_t hinted = rt_read_u64_or(0);
    uint64_t tsum = 0;
    for (int i = 0; i < 64; i++)
        tsum += table[i];
    printf("unconstrained: hint %" PRIu64 ", counter %" PRIu64 ", table sum %" PRIu64 "\n", hinted,
           g_counter, tsum);
    CHECK(fails, hinted == 500500, "unconstrained result");
    CHECK(fails, g_counter == 5, "unconstrained store leaked");
    CHECK(fails, tsum == 85344, "unconstrained stores to table leaked");

    /* explicit commits: the halt sequence commits all 8 words again with the real digest */
    rt_commit_word(3, 0xdeadbeef);
    rt_commit_deferred_word(0, 0);
    printf("syscalls done, %d failures\n", fails);
    return g_exit_code(fails);
}
