/* result_json.h — the result object of one run as JSON text: what `rvtier run --json` prints
 * and what the service (`rvtier serve`) answers for a finished job, from one function.
 *
 * Written by a small writer rather than jansson because the object holds unsigned 64-bit
 * values (pc, clocks, registers such as 0xffff...ffff) that jansson's signed json_int_t would
 * print as negative numbers, and guest output bytes that need not be UTF-8 (each byte >= 0x7f
 * becomes \u00XX, as before).
 * Usage: char *s = rt_result_json(&r, out, out_len, err, err_len); puts(s); free(s); */
#ifndef RVT_RUNTIME_RESULT_JSON_H
#define RVT_RUNTIME_RESULT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "include/rvtier.h"

/* Returns the malloc'd JSON object (no trailing newline), or NULL when out of memory.
 * out/err are the guest's captured stdout and stderr (may be NULL with length 0). */
char *rt_result_json(const struct rvt_result *r, const uint8_t *out, size_t out_len,
                     const uint8_t *err, size_t err_len);

#endif
