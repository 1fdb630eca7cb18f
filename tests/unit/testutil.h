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
/* Removes a directory a test made (mkdtemp) and everything in it: 0 on success. */
int tu_remove_dir(const char *dir);
/* How many times `what` occurs in text (overlapping occurrences counted). */
unsigned tu_count(const char *text, const char *what);

/* Builds a minimal valid RV64 ELF (one RX segment at 0x10000 holding words, entry at its
 * start, optional RW data segment). Caller frees. */
uint8_t *tu_make_elf(const uint32_t *words, size_t n_words, const uint8_t *data,
                     size_t data_len, uint64_t data_addr, size_t *out_len);


#include "include/rvtier.h"

#define TU_TEXT_ADDR 0x10000ull
#define TU_DATA_ADDR 0x20000ull

/* words (at TU_TEXT_ADDR) plus an optional data segment (at TU_DATA_ADDR) as a loaded SP1
 * program; the caller calls rvt_program_free. Aborts if the ELF is refused. */
struct rvt_program *tu_load(const uint32_t *words, size_t n, const uint8_t *data,
                            size_t data_len);
/* Loads words as tu_load does and runs them in `mode` with the SP1 ABI. trace_path may be
 * NULL (no trace) and chunk_size 0 (default). Returns rvt_run's result; the caller calls
 * rvt_result_free. */
void tu_run(const uint32_t *words, size_t n, const uint8_t *data, size_t data_len,
            enum rvt_mode mode, const char *trace_path, uint64_t chunk_size, uint64_t max_cycles,
            struct rvt_result *r);

#endif
