/* rvt_regloc_bench.c — what a loop-carried guest register costs in each location class of the
 * register map (tiers/regmap.h): the chain x = x + 1, read from and written back to its
 * location each step, as tier 0 makes it. A GPR is the baseline; the others are reported as
 * ratios to it, measured in the same run (the machine is shared). On this project's AMD hosts
 * a ctx slot ([base + disp8], stored then loaded again) costs about what a GPR does, since the
 * store is forwarded to the load by memory renaming, and an XMM lane ~8x (movq/pinsrq
 * latencies): why the default map keeps the registers it cannot put in GPRs in ctx.
 * Not a test. Usage: rvt_regloc_bench [STEPS_MILLIONS] (default 100) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Each loop runs n iterations of four dependent steps. */
#define STEPS4(step) ".rept 4\n" step ".endr\n dec %%rcx\n jnz 1b\n"

static void gpr(long n)
{
    __asm__ volatile("mov %0, %%rcx\n xor %%eax, %%eax\n 1:\n" STEPS4("add $1, %%rax\n")
                     :: "r"(n) : "rax", "rcx", "cc");
}

static void xmm_solo(long n)
{
    __asm__ volatile("mov %0, %%rcx\n pxor %%xmm3, %%xmm3\n 1:\n"
                     STEPS4("movq %%xmm3, %%rax\n add $1, %%rax\n movq %%rax, %%xmm3\n")
                     :: "r"(n) : "rax", "rcx", "xmm3", "cc");
}

static void xmm_lane0(long n)
{
    __asm__ volatile("mov %0, %%rcx\n pxor %%xmm5, %%xmm5\n 1:\n"
                     STEPS4("movq %%xmm5, %%rax\n add $1, %%rax\n pinsrq $0, %%rax, %%xmm5\n")
                     :: "r"(n) : "rax", "rcx", "xmm5", "cc");
}

static void xmm_lane1(long n)
{
    __asm__ volatile("mov %0, %%rcx\n pxor %%xmm5, %%xmm5\n 1:\n"
                     STEPS4("pextrq $1, %%xmm5, %%rax\n add $1, %%rax\n pinsrq $1, %%rax, %%xmm5\n")
                     :: "r"(n) : "rax", "rcx", "xmm5", "cc");
}

static void ctx_slot(long n)
{
    uint64_t slots[32] = {0};
    __asm__ volatile("mov %0, %%rcx\n 1:\n"
                     STEPS4("mov 56(%1), %%rax\n add $1, %%rax\n mov %%rax, 56(%1)\n")
                     :: "r"(n), "r"(slots) : "rax", "rcx", "cc", "memory");
}

int main(int argc, char **argv)
{
    const long n = (argc > 1 ? atol(argv[1]) : 100) * 1000000L / 4;
    if (n <= 0) {
        fprintf(stderr, "usage: rvt_regloc_bench [STEPS_MILLIONS > 0]\n");
        return 2;
    }
    static const struct {
        const char *name;
        void (*run)(long);
    } kinds[] = {{"gpr", gpr},
                 {"xmm solo (movq, movq)", xmm_solo},
                 {"xmm lane 0 (movq, pinsrq)", xmm_lane0},
                 {"xmm lane 1 (pextrq, pinsrq)", xmm_lane1},
                 {"ctx slot (load, store)", ctx_slot}};
    enum { K = sizeof kinds / sizeof kinds[0], ROUNDS = 5 };
    double best[K];
    for (int k = 0; k < K; k++)
        best[k] = 1e30;
    for (int round = 0; round < ROUNDS; round++)   /* interleaved: noise hits all alike */
        for (int k = 0; k < K; k++) {
            const double t0 = now();
            kinds[k].run(n);
            const double t = now() - t0;
            if (t < best[k])
                best[k] = t;
        }
    printf("%-30s %12s %10s\n", "location", "ns/step", "x gpr");
    for (int k = 0; k < K; k++)
        printf("%-30s %12.3f %10.2f\n", kinds[k].name, best[k] / (4.0 * (double)n) * 1e9,
               best[k] / best[0]);
    return 0;
}
