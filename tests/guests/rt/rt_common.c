/* rt_common.c — the ABI-independent part of the RISC-V guest runtime: rt_start (called by the
 * start code), picolibc's stdin/stdout/stderr, sbrk for malloc, _exit, and input helpers.
 * A guest is single-threaded and owns the machine, so the stdout buffer and heap break are
 * file-scope state by necessity. See rt.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Implemented per ABI in rt_sp1.c / rt_linux.c. */
_Noreturn void rt_abi_halt(int code);

int main(void);

/* Line-buffered stdout: one WRITE per line (or per 512 bytes) instead of one per byte keeps
 * the guests' syscall count small and the output bytes identical. */
static char rt_out_buf[512];
static size_t rt_out_len;

void rt_flush(void)
{
    if (rt_out_len > 0) {
        size_t n = rt_out_len;
        rt_out_len = 0;
        rt_write(RT_FD_STDOUT, rt_out_buf, n);
    }
}

static int rt_stdout_put(char c, FILE *f)
{
    (void)f;
    rt_out_buf[rt_out_len++] = c;
    if (c == '\n' || rt_out_len == sizeof rt_out_buf)
        rt_flush();
    return (unsigned char)c;
}

static int rt_stderr_put(char c, FILE *f)
{
    (void)f;
    rt_flush(); /* keep the order of stdout and stderr bytes as the program wrote them */
    rt_write(RT_FD_STDERR, &c, 1);
    return (unsigned char)c;
}

static int rt_stdout_flush(FILE *f)
{
    (void)f;
    rt_flush();
    return 0;
}

static int rt_stdin_get(FILE *f)
{
    (void)f;
    return EOF;
}

static FILE rt_stdout_file = FDEV_SETUP_STREAM(rt_stdout_put, NULL, rt_stdout_flush, _FDEV_SETUP_WRITE);
static FILE rt_stderr_file = FDEV_SETUP_STREAM(rt_stderr_put, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE rt_stdin_file = FDEV_SETUP_STREAM(NULL, rt_stdin_get, NULL, _FDEV_SETUP_READ);
FILE *const stdout = &rt_stdout_file;
FILE *const stderr = &rt_stderr_file;
FILE *const stdin = &rt_stdin_file;

/* Heap. SP1: from _end up to __heap_limit (guest.ld), memory SP1 leaves to the program.
 * Linux: qemu-riscv64 maps nothing past the ELF's segments (and rvtier --abi linux has no brk),
 * so the heap is a static .bss array, mapped and zeroed by both. */
#ifdef RT_ABI_LINUX
#define RT_LINUX_HEAP_SIZE (256u << 20)
static char rt_linux_heap[RT_LINUX_HEAP_SIZE] __attribute__((aligned(16)));
#define RT_HEAP_START rt_linux_heap
#define RT_HEAP_LIMIT (rt_linux_heap + RT_LINUX_HEAP_SIZE)
#else
extern char _end[], __heap_limit[];
#define RT_HEAP_START _end
#define RT_HEAP_LIMIT __heap_limit
#endif
static char *rt_brk;

void *sbrk(ptrdiff_t incr)
{
    if (rt_brk == NULL)
        rt_brk = RT_HEAP_START;
    if (incr > RT_HEAP_LIMIT - rt_brk || incr < RT_HEAP_START - rt_brk)
        return (void *)-1;
    char *old = rt_brk;
    rt_brk += incr;
    return old;
}

_Noreturn void rt_exit(int code)
{
    rt_flush();
    rt_abi_halt(code);
}

_Noreturn void _exit(int code)
{
    rt_exit(code);
}

_Noreturn void rt_start(void);
_Noreturn void rt_start(void)
{
    rt_exit(main());
}

void *rt_read_input(size_t *len)
{
    uint64_t n = rt_hint_len();
    if (n == UINT64_MAX)
        return NULL;
    /* HINT_READ writes whole doublewords plus one final one: room for n / 8 + 1 of them. */
    uint64_t *buf = malloc((size_t)(n / 8 + 1) * 8);
    if (buf == NULL || ((uintptr_t)buf & 7) != 0) {
        fprintf(stderr, "rt_read_input: cannot allocate an 8-aligned buffer of %lu bytes\n",
                (unsigned long)n);
        rt_exit(3);
    }
    rt_hint_read(buf, (size_t)n);
    *len = (size_t)n;
    return buf;
}

uint64_t rt_read_u64_or(uint64_t dflt)
{
    size_t len;
    uint8_t *p = rt_read_input(&len);
    if (p == NULL)
        return dflt;
    if (len != 8) {
        fprintf(stderr, "rt_read_u64_or: input is %lu bytes, expected 8 (use --input-u64)\n",
                (unsigned long)len);
        rt_exit(3);
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    free(p);
    return v;
}
