/* rt.h — the small runtime of rvtier's test guests: I/O, inputs, public values, unconstrained
 * blocks and SP1 precompiles, with one implementation per ABI:
 *   RT_ABI_SP1    rt_sp1.c    SP1 zkVM syscalls (ecall, code in t0)
 *   RT_ABI_LINUX  rt_linux.c  Linux syscalls (write 64, exit 93), runs under qemu-riscv64 too
 *   RT_ABI_NATIVE rt_native.c the host (x86-64), to compute expected outputs independently
 * Guests use printf (picolibc on RISC-V), return their exit code from main (0 = self-check
 * passed) and read their size parameter with rt_read_u64_or().
 * Usage: #include "rt.h"  int main(void) { uint64_t n = rt_read_u64_or(30); ... } */
#ifndef RT_RT_H
#define RT_RT_H

#include <stddef.h>
#include <stdint.h>

#if defined(RT_ABI_SP1) + defined(RT_ABI_LINUX) + defined(RT_ABI_NATIVE) != 1
#error "define exactly one of RT_ABI_SP1, RT_ABI_LINUX, RT_ABI_NATIVE"
#endif

/* SP1 syscall codes (crates/zkvm/entrypoint/src/syscalls/mod.rs). */
#define RT_SYS_HALT 0x00u
#define RT_SYS_WRITE 0x02u
#define RT_SYS_ENTER_UNCONSTRAINED 0x03u
#define RT_SYS_EXIT_UNCONSTRAINED 0x04u
#define RT_SYS_COMMIT 0x10u
#define RT_SYS_COMMIT_DEFERRED_PROOFS 0x1Au
#define RT_SYS_HINT_LEN 0xF0u
#define RT_SYS_HINT_READ 0xF1u
#define RT_SYS_SHA_EXTEND 0x00300105u
#define RT_SYS_SHA_COMPRESS 0x00010106u
#define RT_SYS_KECCAK_PERMUTE 0x00010109u
#define RT_SYS_UINT256_MUL 0x0001011Du

/* SP1 file descriptors for WRITE. */
#define RT_FD_STDOUT 1
#define RT_FD_STDERR 2
#define RT_FD_PUBLIC_VALUES 13
#define RT_FD_HINT 14

/* Raw write (SP1 WRITE / Linux write). Bypasses stdio buffering: call rt_flush() first. */
void rt_write(int fd, const void *buf, size_t n);
/* Flush the stdout buffer that printf writes into. */
void rt_flush(void);
/* Flush stdout, commit the public-values digest (SP1) and halt/exit with code. */
_Noreturn void rt_exit(int code);

/* Inputs (SP1 stdin). On Linux the only one is the size slot baked into the ELF (rt_linux.c,
 * scripts/benchlib.py sized_linux_elf): unpatched, hint_len is always UINT64_MAX. */
uint64_t rt_hint_len(void);
/* buf must be 8-aligned with room for (n / 8 + 1) * 8 bytes: SP1's HINT_READ always writes one
 * final (possibly all-padding) doubleword after the full ones (minimal/hint.rs). */
void rt_hint_read(void *buf, size_t n);
/* Next input buffer (malloc'd, 8-aligned, zero-padded to the next doubleword) or NULL if the
 * queue is empty; *len gets its length. */
void *rt_read_input(size_t *len);
/* Next input as a little-endian u64 (an 8-byte buffer, as --input-u64 gives), or dflt when the
 * queue is empty. A buffer of another length ends the run with exit code 3. */
uint64_t rt_read_u64_or(uint64_t dflt);

/* Public values: SP1 WRITE to fd 13, hashed with SHA-256 for the digest committed at exit.
 * No-op on Linux (the ABI has none); on the host they are printed as hex to stderr. */
void rt_commit(const void *buf, size_t n);

#if defined(RT_ABI_SP1) || defined(RT_ABI_NATIVE)
/* Push a buffer to the front of the input queue (SP1 WRITE to fd 14). */
void rt_hint_push(const void *buf, size_t n);
/* Returns 1 when entering an unconstrained block; after rt_exit_unconstrained() execution
 * resumes from the same call returning 0, with registers and memory as they were before. Only
 * WRITE (e.g. rt_hint_push) may be used inside the block. Usage:
 *   if (rt_enter_unconstrained()) { ...; rt_hint_push(&r, 8); rt_exit_unconstrained(); } */
int rt_enter_unconstrained(void);
_Noreturn void rt_exit_unconstrained(void);
/* Raw COMMIT / COMMIT_DEFERRED_PROOFS (rt_exit does them for the digest; for tests only). */
void rt_commit_word(uint32_t index, uint32_t word);
void rt_commit_deferred_word(uint32_t index, uint32_t word);
/* Precompiles. SP1 v6 memory words are 64-bit: each 32-bit SHA word sits in its own 8-byte
 * slot (low half), hence the uint64_t arrays (minimal/precompiles/sha256/{extend,compress}.rs).
 * The host versions are software implementations. */
void rt_sha_extend(uint64_t w[64]);                 /* w[16..63] from w[0..15] */
void rt_sha_compress(uint64_t w[64], uint64_t h[8]); /* h = compress(h, w) */
void rt_keccak_permute(uint64_t state[25]);          /* keccak-f[1600] in place */
/* x = x * y mod m, m = y_and_m[4..7] (m == 0 means 2^256); little-endian 64-bit limbs
 * (minimal/precompiles/uint256.rs: y and the modulus are contiguous at the second pointer). */
void rt_uint256_mul(uint64_t x[4], const uint64_t y_and_m[8]);
/* Issue an ecall with an arbitrary code (fault tests); the host version aborts. */
uint64_t rt_raw_ecall(uint64_t code, uint64_t a0, uint64_t a1);
#endif

#endif
