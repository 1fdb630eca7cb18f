/* test_fork_join.c — rt_fork_join (runtime/fork_join.c): every part runs exactly once, part 0
 * on the calling thread, the others concurrently (each waits for all to have started, which
 * would deadlock if they ran one after another), more parts than threads included, and a
 * shared argument (stride 0) reaches every worker; rt_fork_join_parts' count. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "runtime/fork_join.h"

struct part {
    int runs;
    pthread_t thread;
    int *arrived;   /* barrier of the concurrent case: parts that started */
    int n;
};

static void *work(void *arg)
{
    struct part *p = arg;
    p->runs++;
    p->thread = pthread_self();
    if (p->arrived) {   /* spin until every part has started: only concurrent parts get past */
        __atomic_add_fetch(p->arrived, 1, __ATOMIC_ACQ_REL);
        while (__atomic_load_n(p->arrived, __ATOMIC_ACQUIRE) < p->n)
            ;
    }
    return NULL;
}

START_TEST(parts_run_once_and_concurrently)
{
    enum { N = 4 };
    struct part parts[N] = {{0}};
    int arrived = 0;
    for (int k = 0; k < N; k++)
        parts[k] = (struct part){0, 0, &arrived, N};
    rt_fork_join(N, work, parts, sizeof parts[0]);
    for (int k = 0; k < N; k++)
        ck_assert_int_eq(parts[k].runs, 1);
    ck_assert(pthread_equal(parts[0].thread, pthread_self()));
    ck_assert(!pthread_equal(parts[1].thread, pthread_self()));
    ck_assert_int_eq(arrived, N);
}
END_TEST

START_TEST(more_parts_than_threads)
{
    enum { N = RT_FORK_JOIN_MAX + 5 };
    struct part parts[N] = {{0}};
    rt_fork_join(N, work, parts, sizeof parts[0]);
    for (int k = 0; k < N; k++)
        ck_assert_int_eq(parts[k].runs, 1);
    rt_fork_join(0, work, parts, sizeof parts[0]);   /* nothing to do */
    ck_assert_int_eq(parts[0].runs, 1);
}
END_TEST

static void *count(void *arg)
{
    __atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
    return NULL;
}

START_TEST(shared_argument)
{
    int n = 0;
    rt_fork_join(5, count, &n, 0);
    ck_assert_int_eq(n, 5);
}
END_TEST

/* One part per CPU, at most max_parts, none smaller than min_items, never 0. */
START_TEST(parts_by_cpus_size_and_bound)
{
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const size_t all = cpus > 1 ? (size_t)cpus : 1;
    ck_assert_uint_eq(rt_fork_join_parts(1u << 30, 1, 1000), all);
    ck_assert_uint_eq(rt_fork_join_parts(1u << 30, 0, 1000), all);
    ck_assert_uint_eq(rt_fork_join_parts(1u << 30, 1, 1), 1);
    ck_assert_uint_eq(rt_fork_join_parts(10, 100, 8), 1);
    ck_assert_uint_eq(rt_fork_join_parts(0, 100, 8), 1);
    ck_assert_uint_eq(rt_fork_join_parts(300, 100, 8), all < 3 ? all : 3);
}
END_TEST

Suite *test_fork_join_suite(void)
{
    Suite *s = suite_create("fork_join");
    TCase *tc = tcase_create("fork_join");
    tcase_add_test(tc, parts_run_once_and_concurrently);
    tcase_add_test(tc, more_parts_than_threads);
    tcase_add_test(tc, shared_argument);
    tcase_add_test(tc, parts_by_cpus_size_and_bound);
    suite_add_tcase(s, tc);
    return s;
}
