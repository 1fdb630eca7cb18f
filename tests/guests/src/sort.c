/* sort.c — quicksort (recursive, Hoare partition) and top-down mergesort of n pseudo-random
 * signed 64-bit keys (input u64, default 10000); checks both are sorted, agree, and keep the
 * multiset (sum), then prints a checksum. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void quicksort(int64_t *a, long lo, long hi)
{
    while (lo < hi) {
        int64_t pivot = a[lo + (hi - lo) / 2];
        long i = lo - 1, j = hi + 1;
        for (;;) {
            do
                i++;
            while (a[i] < pivot);
            do
                j--;
            while (a[j] > pivot);
            if (i >= j)
                break;
            int64_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        /* recurse into the smaller half to bound the depth */
        if (j - lo < hi - j) {
            quicksort(a, lo, j);
            lo = j + 1;
        } else {
            quicksort(a, j + 1, hi);
            hi = j;
        }
    }
}

static void mergesort_rec(int64_t *a, int64_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    mergesort_rec(a, tmp, h);
    mergesort_rec(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

int main(void)
{
    int fails = 0;
    uint64_t n = rt_read_u64_or(10000);
    if (n < 2)
        n = 2;
    int64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *tmp = malloc(n * sizeof *tmp);
    if (a == NULL || b == NULL || tmp == NULL) {
        printf("out of memory\n");
        return 2;
    }
    uint64_t s = 0x9E3779B97F4A7C15ull, sum_before = 0;
    for (uint64_t i = 0; i < n; i++) {
        /* narrow range on purpose: many duplicates */
        a[i] = (int64_t)(g_rand(&s) % 100003) - 50000;
        if (i % 7 == 0)
            a[i] = (int64_t)g_rand(&s);
        b[i] = a[i];
        sum_before += (uint64_t)a[i];
    }
    quicksort(a, 0, (long)n - 1);
    mergesort_rec(b, tmp, n);
    uint64_t sum_after = 0, check = 0;
    long unsorted = 0, differ = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (i > 0 && a[i - 1] > a[i])
            unsorted++;
        if (a[i] != b[i])
            differ++;
        sum_after += (uint64_t)a[i];
        check = check * 1000003u ^ (uint64_t)a[i];
    }
    CHECK(fails, unsorted == 0, "quicksort left %ld inversions", unsorted);
    CHECK(fails, differ == 0, "quicksort and mergesort differ at %ld places", differ);
    CHECK(fails, sum_before == sum_after, "sum changed");
    printf("sorted %" PRIu64 " keys: min %" PRId64 " max %" PRId64 " median %" PRId64
           " checksum %016" PRIx64 "\n", n, a[0], a[n - 1], a[n / 2], check);
    rt_commit(&check, sizeof check);
    free(a);
    free(b);
    free(tmp);
    return g_exit_code(fails);
}
