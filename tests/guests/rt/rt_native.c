/* rt_native.c — the guest runtime on the host (x86-64 Linux), used only to compute expected
 * outputs independently of rvtier: the same guest source built with the host gcc.
 * Inputs come from the environment: RVT_INPUTS="u64:30 hex:0a0b..." (space-separated, queue
 * order). Unconstrained blocks run in a fork()ed child whose hint pushes come back through a
 * pipe, so their memory and register effects vanish exactly as in SP1. Public values go to
 * stderr as "public_values: HEX". Precompiles are the software versions. See rt.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt.h"
#include "swcrypto.h"

struct rt_native_buf {
    uint8_t *data;
    size_t len;
};

/* The host program is single-threaded; this mirrors the VM's input queue. */
static struct rt_native_buf rt_queue[256];
static size_t rt_queue_len;
static int rt_queue_loaded;
static int rt_unconstrained_pipe = -1;   /* write end, in the child only */

static void rt_queue_push_front(const void *p, size_t n)
{
    if (rt_queue_len == sizeof rt_queue / sizeof rt_queue[0]) {
        fprintf(stderr, "rt_native: input queue full\n");
        exit(5);
    }
    memmove(rt_queue + 1, rt_queue, rt_queue_len * sizeof rt_queue[0]);
    rt_queue[0].data = malloc(n + 1);
    memcpy(rt_queue[0].data, p, n);
    rt_queue[0].len = n;
    rt_queue_len++;
}

static void rt_queue_load(void)
{
    if (rt_queue_loaded)
        return;
    rt_queue_loaded = 1;
    const char *env = getenv("RVT_INPUTS");
    if (env == NULL)
        return;
    char *copy = strdup(env), *save = NULL;
    struct rt_native_buf items[256];
    size_t count = 0;
    for (char *tok = strtok_r(copy, " ", &save); tok && count < 256; tok = strtok_r(NULL, " ", &save)) {
        if (strncmp(tok, "u64:", 4) == 0) {
            uint64_t v = strtoull(tok + 4, NULL, 0);
            items[count].data = malloc(8);
            for (int i = 0; i < 8; i++)
                items[count].data[i] = (uint8_t)(v >> (8 * i));
            items[count++].len = 8;
        } else if (strncmp(tok, "hex:", 4) == 0) {
            size_t n = strlen(tok + 4) / 2;
            items[count].data = malloc(n + 1);
            for (size_t i = 0; i < n; i++) {
                unsigned b;
                sscanf(tok + 4 + 2 * i, "%2x", &b);
                items[count].data[i] = (uint8_t)b;
            }
            items[count++].len = n;
        } else {
            fprintf(stderr, "rt_native: bad RVT_INPUTS item '%s' (want u64:N or hex:HEX)\n", tok);
            exit(5);
        }
    }
    for (size_t i = count; i > 0; i--) {
        rt_queue_push_front(items[i - 1].data, items[i - 1].len);
        free(items[i - 1].data);
    }
    free(copy);
}

void rt_write(int fd, const void *buf, size_t n)
{
    if (fd == RT_FD_STDOUT || fd == RT_FD_STDERR) {
        fflush(stdout);
        fwrite(buf, 1, n, fd == RT_FD_STDOUT ? stdout : stderr);
        fflush(fd == RT_FD_STDOUT ? stdout : stderr);
    } else if (fd == RT_FD_PUBLIC_VALUES) {
        rt_commit(buf, n);
    } else if (fd == RT_FD_HINT) {
        rt_hint_push(buf, n);
    } else {
        fprintf(stderr, "rt_native: write to unsupported fd %d\n", fd);
        exit(5);
    }
}

void rt_flush(void)
{
    fflush(stdout);
}

_Noreturn void rt_exit(int code)
{
    fflush(stdout);
    exit(code);
}

uint64_t rt_hint_len(void)
{
    rt_queue_load();
    return rt_queue_len ? rt_queue[0].len : UINT64_MAX;
}

void rt_hint_read(void *buf, size_t n)
{
    rt_queue_load();
    if (rt_queue_len == 0 || rt_queue[0].len != n) {
        fprintf(stderr, "rt_native: hint read of %zu bytes does not match the queue\n", n);
        exit(5);
    }
    memset(buf, 0, (n / 8 + 1) * 8);
    memcpy(buf, rt_queue[0].data, n);
    free(rt_queue[0].data);
    memmove(rt_queue, rt_queue + 1, --rt_queue_len * sizeof rt_queue[0]);
}

void *rt_read_input(size_t *len)
{
    uint64_t n = rt_hint_len();
    if (n == UINT64_MAX)
        return NULL;
    void *buf = aligned_alloc(8, (n / 8 + 1) * 8);
    rt_hint_read(buf, n);
    *len = n;
    return buf;
}

uint64_t rt_read_u64_or(uint64_t dflt)
{
    size_t len;
    uint8_t *p = rt_read_input(&len);
    if (p == NULL)
        return dflt;
    if (len != 8) {
        fprintf(stderr, "rt_read_u64_or: input is %zu bytes, expected 8\n", len);
        exit(3);
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    free(p);
    return v;
}

void rt_commit(const void *buf, size_t n)
{
    const uint8_t *p = buf;
    fprintf(stderr, "public_values: ");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02x", p[i]);
    fprintf(stderr, "\n");
}

void rt_hint_push(const void *buf, size_t n)
{
    rt_queue_load();
    if (rt_unconstrained_pipe >= 0) {
        uint64_t len = n;
        if (write(rt_unconstrained_pipe, &len, 8) != 8 || write(rt_unconstrained_pipe, buf, n) != (ssize_t)n)
            exit(5);
        return;
    }
    rt_queue_push_front(buf, n);
}

int rt_enter_unconstrained(void)
{
    int fds[2];
    rt_queue_load();
    fflush(stdout);
    fflush(stderr);
    if (pipe(fds) != 0)
        exit(5);
    pid_t pid = fork();
    if (pid < 0)
        exit(5);
    if (pid == 0) {
        close(fds[0]);
        rt_unconstrained_pipe = fds[1];
        return 1;
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "rb");
    uint64_t len;
    while (fread(&len, 8, 1, in) == 1) {
        uint8_t *p = malloc(len + 1);
        if (fread(p, 1, len, in) != len)
            exit(5);
        rt_queue_push_front(p, len);
        free(p);
    }
    fclose(in);
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "rt_native: unconstrained block failed\n");
        exit(5);
    }
    return 0;
}

_Noreturn void rt_exit_unconstrained(void)
{
    fflush(stdout);
    _exit(0);
}

void rt_commit_word(uint32_t index, uint32_t word)
{
    (void)index;
    (void)word;
}

void rt_commit_deferred_word(uint32_t index, uint32_t word)
{
    (void)index;
    (void)word;
}

void rt_sha_extend(uint64_t w[64])
{
    uint32_t w32[64];
    for (int i = 0; i < 64; i++)
        w32[i] = (uint32_t)w[i];
    sw_sha256_extend(w32);
    for (int i = 16; i < 64; i++)
        w[i] = w32[i];
}

void rt_sha_compress(uint64_t w[64], uint64_t h[8])
{
    uint32_t w32[64], h32[8];
    for (int i = 0; i < 64; i++)
        w32[i] = (uint32_t)w[i];
    for (int i = 0; i < 8; i++)
        h32[i] = (uint32_t)h[i];
    sw_sha256_rounds(h32, w32);
    for (int i = 0; i < 8; i++)
        h[i] = h32[i];
}

void rt_keccak_permute(uint64_t state[25])
{
    sw_keccakf(state);
}

void rt_uint256_mul(uint64_t x[4], const uint64_t y_and_m[8])
{
    sw_uint256_mulmod(x, y_and_m, y_and_m + 4);
}

uint64_t rt_raw_ecall(uint64_t code, uint64_t a0, uint64_t a1)
{
    fprintf(stderr, "rt_native: raw ecall 0x%llx(%llu, %llu) has no host meaning\n",
            (unsigned long long)code, (unsigned long long)a0, (unsigned long long)a1);
    exit(101);
}
