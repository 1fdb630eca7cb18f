/* rt_linux.c — Linux syscalls for guests that must run both under qemu-riscv64 and under
 * rvtier --abi linux: a7 = number, write 64, exit 93. There are no hints or public values in
 * this ABI, and the only input is the size slot baked into the ELF (rt_linux_size below):
 * scripts/benchlib.py sized_linux_elf() patches it so qemu, rvtier and the SP1 ELF run the same
 * program at the same size. See rt.h. */
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

/* The size slot: the 8 magic bytes "RVTSIZE!" (found by sized_linux_elf, so they must occur
 * nowhere else in the ELF) and a little-endian u64. UINT64_MAX means "no input": the queue is
 * empty and rt_read_u64_or returns its default. Any other value is the queue's one 8-byte item,
 * as `--input-u64 N` gives an SP1 guest. volatile: the compiler must read the patched bytes, not
 * fold the default. */
struct rt_linux_size_slot {
    char magic[8];
    uint64_t value;
};
static const volatile struct rt_linux_size_slot rt_linux_size
    __attribute__((used, aligned(8))) = {{'R', 'V', 'T', 'S', 'I', 'Z', 'E', '!'}, UINT64_MAX};
/* Set once the item has been read: the queue is then empty. */
static int rt_linux_size_taken;

uint64_t rt_hint_len(void)
{
    if (rt_linux_size_taken || rt_linux_size.value == UINT64_MAX)
        return UINT64_MAX;
    return 8;
}

/* buf is 8-aligned with room for n / 8 + 1 doublewords (rt.h). */
void rt_hint_read(void *buf, size_t n)
{
    if (n != 8 || rt_hint_len() == UINT64_MAX) {
        static const char msg[] = "rt_hint_read: the Linux ABI's only input is the 8-byte size "
                                  "slot (scripts/benchlib.py sized_linux_elf)\n";
        rt_write(RT_FD_STDERR, msg, sizeof msg - 1);
        rt_exit(4);
    }
    uint64_t *out = buf;
    out[0] = rt_linux_size.value;
    out[1] = 0; /* the final padding doubleword, as SP1's HINT_READ writes it */
    rt_linux_size_taken = 1;
}

_Noreturn void rt_abi_halt(int code)
{
    rt_linux_syscall(93, (uint64_t)code, 0, 0);
    for (;;)
        ;
}
