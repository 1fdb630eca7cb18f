/* rt_linux.c — Linux syscalls for guests that must run both under qemu-riscv64 and under
 * rvtier --abi linux: a7 = number, write 64, exit 93. There are no inputs, hints or public
 * values in this ABI. See rt.h. */
#include "rt.h"

_Noreturn void rt_abi_halt(int code);

static inline uint64_t rt_linux_syscall(uint64_t nr, uint64_t arg0, uint64_t arg1, uint64_t arg2)
{
    register uint64_t a7 __asm__("a7") = nr;
    register uint64_t a0 __asm__("a0") = arg0;
    register uint64_t a1 __asm__("a1") = arg1;
    register uint64_t a2 __asm__("a2") = arg2;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
    return a0;
}

void rt_write(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        int64_t w = (int64_t)rt_linux_syscall(64, (uint64_t)fd, (uint64_t)(uintptr_t)p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

void rt_commit(const void *buf, size_t n)
{
    (void)buf;
    (void)n;
}

uint64_t rt_hint_len(void)
{
    return UINT64_MAX;
}

void rt_hint_read(void *buf, size_t n)
{
    (void)buf;
    (void)n;
    static const char msg[] = "rt_hint_read: the Linux ABI has no inputs\n";
    rt_write(RT_FD_STDERR, msg, sizeof msg - 1);
    rt_exit(4);
}

_Noreturn void rt_abi_halt(int code)
{
    rt_linux_syscall(93, (uint64_t)code, 0, 0);
    for (;;)
        ;
}
