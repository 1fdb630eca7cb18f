/* rt_sp1.c — SP1 zkVM v6 syscalls for guests: ecall with the code in t0 (x5), arguments in
 * a0, a1, a2, result in t0 (crates/zkvm/entrypoint/src/syscalls/{io,halt,...}.rs). Also the
 * public-values hasher and the halt sequence of SP1's entrypoint. See rt.h. */
#include "rt.h"

#include "swcrypto.h"

_Noreturn void rt_abi_halt(int code);

static inline uint64_t rt_ecall(uint64_t code, uint64_t arg0, uint64_t arg1, uint64_t arg2)
{
    register uint64_t t0 __asm__("t0") = code;
    register uint64_t a0 __asm__("a0") = arg0;
    register uint64_t a1 __asm__("a1") = arg1;
    register uint64_t a2 __asm__("a2") = arg2;
    __asm__ volatile("ecall" : "+r"(t0) : "r"(a0), "r"(a1), "r"(a2) : "memory");
    return t0;
}

/* SHA-256 of every byte written to fd 13, as SP1's PUBLIC_VALUES_HASHER (syscalls/io.rs). */
static struct sw_sha256 rt_pv_hash;
static int rt_pv_started;

static void rt_pv_start(void)
{
    if (!rt_pv_started) {
        sw_sha256_init(&rt_pv_hash);
        rt_pv_started = 1;
    }
}

void rt_write(int fd, const void *buf, size_t n)
{
    rt_ecall(RT_SYS_WRITE, (uint64_t)fd, (uint64_t)(uintptr_t)buf, n);
}

void rt_commit(const void *buf, size_t n)
{
    rt_pv_start();
    rt_write(RT_FD_PUBLIC_VALUES, buf, n);
    sw_sha256_update(&rt_pv_hash, buf, n);
}

void rt_hint_push(const void *buf, size_t n)
{
    rt_write(RT_FD_HINT, buf, n);
}

uint64_t rt_hint_len(void)
{
    return rt_ecall(RT_SYS_HINT_LEN, 0, 0, 0);
}

void rt_hint_read(void *buf, size_t n)
{
    rt_ecall(RT_SYS_HINT_READ, (uint64_t)(uintptr_t)buf, n, 0);
}

/* noinline: the snapshot is taken inside this function; EXIT_UNCONSTRAINED resumes right after
 * its ecall with t0 = 0 and the registers and memory of that moment. */
__attribute__((noinline)) int rt_enter_unconstrained(void)
{
    return rt_ecall(RT_SYS_ENTER_UNCONSTRAINED, 0, 0, 0) == 1;
}

_Noreturn void rt_exit_unconstrained(void)
{
    rt_ecall(RT_SYS_EXIT_UNCONSTRAINED, 0, 0, 0);
    __builtin_unreachable();
}

void rt_commit_word(uint32_t index, uint32_t word)
{
    rt_ecall(RT_SYS_COMMIT, index, word, 0);
}

void rt_commit_deferred_word(uint32_t index, uint32_t word)
{
    rt_ecall(RT_SYS_COMMIT_DEFERRED_PROOFS, index, word, 0);
}

void rt_sha_extend(uint64_t w[64])
{
    rt_ecall(RT_SYS_SHA_EXTEND, (uint64_t)(uintptr_t)w, 0, 0);
}

void rt_sha_compress(uint64_t w[64], uint64_t h[8])
{
    rt_ecall(RT_SYS_SHA_COMPRESS, (uint64_t)(uintptr_t)w, (uint64_t)(uintptr_t)h, 0);
}

void rt_keccak_permute(uint64_t state[25])
{
    rt_ecall(RT_SYS_KECCAK_PERMUTE, (uint64_t)(uintptr_t)state, 0, 0);
}

void rt_uint256_mul(uint64_t x[4], const uint64_t y_and_m[8])
{
    rt_ecall(RT_SYS_UINT256_MUL, (uint64_t)(uintptr_t)x, (uint64_t)(uintptr_t)y_and_m, 0);
}

uint64_t rt_raw_ecall(uint64_t code, uint64_t a0, uint64_t a1)
{
    return rt_ecall(code, a0, a1, 0);
}

/* The halt sequence of SP1's entrypoint (crates/zkvm/entrypoint/src/syscalls/halt.rs,
 * syscall_halt): finalize the public-values SHA-256, then for i in 0..8 COMMIT(i, word) with
 * word = u32::from_le_bytes(digest[4i..4i+4]) -- i.e. each 4-byte group of the big-endian
 * digest read as a little-endian u32 --, then COMMIT_DEFERRED_PROOFS(i, 0) for i in 0..8
 * (POSEIDON_NUM_WORDS, no "verify" feature), then HALT with the exit code as u8. */
_Noreturn void rt_abi_halt(int code)
{
    uint8_t digest[32];
    rt_pv_start();
    sw_sha256_final(&rt_pv_hash, digest);
    for (uint32_t i = 0; i < 8; i++) {
        uint32_t word = (uint32_t)digest[4 * i] | (uint32_t)digest[4 * i + 1] << 8 |
                        (uint32_t)digest[4 * i + 2] << 16 | (uint32_t)digest[4 * i + 3] << 24;
        rt_commit_word(i, word);
    }
    for (uint32_t i = 0; i < 8; i++)
        rt_commit_deferred_word(i, 0);
    rt_ecall(RT_SYS_HALT, (uint8_t)code, 0, 0);
    for (;;)
        ;
}
