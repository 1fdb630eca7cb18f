/* testutil.h — helpers shared by the unit suites: where the build put things, running a
 * small hand-assembled program through the interpreter, reading files. */
#ifndef RVT_TESTS_TESTUTIL_H
#define RVT_TESTS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Directory of the built guest ELFs ($RVT_GUEST_DIR, set by ctest). Aborts if unset. */
const char *tu_guest_dir(void);
/* Path of a built guest: tu_guest_path("sp1", "fib") -> ".../guests/sp1/fib.elf". Static buffer
 * per call site is not used: the result is malloc'd, caller frees. */
char *tu_guest_path(const char *abi, const char *name);
/* Reads a whole file (malloc'd); NULL on error. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* Builds a minimal valid RV64 ELF (one RX segment at 0x10000 holding words, entry at its
 * start, optional RW data segment). Caller frees. */
uint8_t *tu_make_elf(const uint32_t *words, size_t n_words, const uint8_t *data,
                     size_t data_len, uint64_t data_addr, size_t *out_len);

#endif
