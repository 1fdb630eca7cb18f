/* serve_request.c — the body of POST /programs/{id}/jobs (JSON, parsed by jansson) into a
 * struct sv_job_spec. Keys (all optional; unknown keys are refused so typos do not pass):
 *   inputs            [ "BASE64" | {"base64": S} | {"hex": S} | {"u64": N or "N"} ... ]
 *   mode              interp | tier0 | tier1 | tiered (rvt_mode_name)
 *   abi               sp1 | linux
 *   max_cycles        N (same meaning as rvtier run --max-cycles)
 *   timeout_seconds   wall-clock limit of the run
 *   max_memory_bytes  limit on guest memory touched
 *   trace             true: record the trace (GET /jobs/{id}/trace)
 *   chunk_size        trace records per chunk
 * Usage: sv_request_parse(&cfg, body, len, &spec, err, sizeof err) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime/serve.h"

int sv_mode_parse(const char *name, enum rvt_mode *out)
{
    for (int m = RVT_MODE_INTERP; m <= RVT_MODE_TIERED; m++)
        if (!strcmp(name, rvt_mode_name((enum rvt_mode)m))) {
            *out = (enum rvt_mode)m;
            return 0;
        }
    return -1;
}

void sv_spec_free(struct sv_job_spec *spec)
{
    for (size_t i = 0; i < spec->n_inputs; i++)
        free((void *)spec->inputs[i].data);
    free(spec->inputs);
    spec->inputs = NULL;
    spec->n_inputs = 0;
}

static int b64val(int ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

/* Standard base64 (RFC 4648 §4) with padding. */
static uint8_t *b64_decode(const char *s, size_t n, size_t *out_len, char *err, size_t errlen)
{
    if (n % 4) {
        snprintf(err, errlen, "bad base64: length %zu is not a multiple of 4 (padding '=' "
                 "required)", n);
        return NULL;
    }
    size_t pad = n && s[n - 1] == '=' ? (n > 1 && s[n - 2] == '=' ? 2 : 1) : 0;
    uint8_t *b = malloc(n / 4 * 3 + 1);
    if (!b) {
        snprintf(err, errlen, "out of memory decoding %zu base64 characters", n);
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int d = (i + k >= n - pad) ? 0 : b64val((unsigned char)s[i + k]);
            if (d < 0) {
                snprintf(err, errlen, "bad base64: character '%c' at offset %zu", s[i + k],
                         i + k);
                free(b);
                return NULL;
            }
            v = v << 6 | (uint32_t)d;
        }
        b[o++] = (uint8_t)(v >> 16);
        b[o++] = (uint8_t)(v >> 8);
        b[o++] = (uint8_t)v;
    }
    *out_len = o - pad;
    return b;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static uint8_t *hex_decode(const char *s, size_t *out_len, char *err, size_t errlen)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t n = strlen(s);
    if (n % 2) {
        snprintf(err, errlen, "bad hex: odd number of digits (%zu)", n);
        return NULL;
    }
    uint8_t *b = malloc(n / 2 + 1);
    for (size_t i = 0; b && i < n / 2; i++) {
        int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            snprintf(err, errlen, "bad hex: '%c%c' at offset %zu", s[2 * i], s[2 * i + 1],
                     2 * i);
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = n / 2;
    return b;
}

/* A non-negative integer, or a decimal string for values above 2^63 - 1. */
static int get_u64(json_t *v, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        errno = 0;
        unsigned long long x = strtoull(s, &end, 0);
        if (!errno && end != s && !*end && s[0] != '-') {
            *out = x;
            return 0;
        }
    }
    return -1;
}

static int get_seconds(json_t *v, double *out)
{
    if (!json_is_number(v) || json_number_value(v) < 0)
        return -1;
    *out = json_number_value(v);
    return 0;
}

static int parse_input(json_t *v, size_t i, struct rvt_input *in, char *err, size_t errlen)
{
    char why[256] = "";
    uint8_t *b = NULL;
    size_t len = 0;
    if (json_is_string(v)) {
        b = b64_decode(json_string_value(v), json_string_length(v), &len, why, sizeof why);
    } else if (json_is_object(v) && json_object_size(v) == 1) {
        json_t *x;
        uint64_t u;
        if ((x = json_object_get(v, "base64")) && json_is_string(x))
            b = b64_decode(json_string_value(x), json_string_length(x), &len, why, sizeof why);
        else if ((x = json_object_get(v, "hex")) && json_is_string(x))
            b = hex_decode(json_string_value(x), &len, why, sizeof why);
        else if ((x = json_object_get(v, "u64")) && get_u64(x, &u) == 0) {
            if ((b = malloc(8)))
                for (int k = 0; k < 8; k++)
                    b[k] = (uint8_t)(u >> (8 * k));   /* SP1 serialises a u64 little-endian */
            len = 8;
        } else
            snprintf(why, sizeof why, "expected {\"base64\": string}, {\"hex\": string} or "
                     "{\"u64\": non-negative integer}");
    } else {
        snprintf(why, sizeof why, "expected a base64 string or an object with one key "
                 "(base64, hex or u64)");
    }
    if (!b) {
        snprintf(err, errlen, "inputs[%zu]: %s", i, why[0] ? why : "out of memory");
        return -1;
    }
    *in = (struct rvt_input){b, len};
    return 0;
}

int sv_request_parse(const struct sv_config *cfg, const char *body, size_t len,
                     struct sv_job_spec *spec, char *err, size_t errlen)
{
    memset(spec, 0, sizeof *spec);
    spec->mode = cfg->default_mode;
    spec->abi = RVT_ABI_SP1;
    spec->timeout = cfg->default_timeout;
    spec->max_memory = cfg->default_max_memory;
    if (len == 0)
        return 0;
    json_error_t je;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "malformed JSON at line %d column %d: %s", je.line, je.column,
                 je.text);
        return -1;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "the job request must be a JSON object");
        goto fail;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (!strcmp(key, "inputs")) {
            if (!json_is_array(v)) {
                snprintf(err, errlen, "inputs: expected an array");
                goto fail;
            }
            size_t n = json_array_size(v);
            spec->inputs = calloc(n ? n : 1, sizeof *spec->inputs);
            for (size_t i = 0; i < n; i++) {
                if (parse_input(json_array_get(v, i), i, &spec->inputs[i], err, errlen))
                    goto fail;
                spec->n_inputs = i + 1;
            }
        } else if (!strcmp(key, "mode")) {
            if (!json_is_string(v) || sv_mode_parse(json_string_value(v), &spec->mode)) {
                snprintf(err, errlen, "mode: expected one of interp, tier0, tier1, tiered");
                goto fail;
            }
        } else if (!strcmp(key, "abi")) {
            const char *a = json_is_string(v) ? json_string_value(v) : "";
            if (!strcmp(a, "sp1"))
                spec->abi = RVT_ABI_SP1;
            else if (!strcmp(a, "linux"))
                spec->abi = RVT_ABI_LINUX;
            else {
                snprintf(err, errlen, "abi: expected \"sp1\" or \"linux\"");
                goto fail;
            }
        } else if (!strcmp(key, "max_cycles")) {
            if (get_u64(v, &spec->max_cycles)) {
                snprintf(err, errlen, "max_cycles: expected a non-negative integer");
                goto fail;
            }
        } else if (!strcmp(key, "max_memory_bytes")) {
            if (get_u64(v, &spec->max_memory)) {
                snprintf(err, errlen, "max_memory_bytes: expected a non-negative integer");
                goto fail;
            }
        } else if (!strcmp(key, "timeout_seconds")) {
            if (get_seconds(v, &spec->timeout)) {
                snprintf(err, errlen, "timeout_seconds: expected a non-negative number");
                goto fail;
            }
        } else if (!strcmp(key, "trace")) {
            if (!json_is_boolean(v)) {
                snprintf(err, errlen, "trace: expected true or false");
                goto fail;
            }
            spec->trace = json_is_true(v);
        } else if (!strcmp(key, "chunk_size")) {
            if (get_u64(v, &spec->chunk_size) || spec->chunk_size == 0) {
                snprintf(err, errlen, "chunk_size: expected a positive integer");
                goto fail;
            }
        } else {
            snprintf(err, errlen, "unknown key '%s' (known: inputs, mode, abi, max_cycles, "
                     "timeout_seconds, max_memory_bytes, trace, chunk_size)", key);
            goto fail;
        }
    }
    if (spec->chunk_size && !spec->trace) {
        snprintf(err, errlen, "chunk_size needs \"trace\": true");
        goto fail;
    }
    json_decref(root);
    return 0;
fail:
    json_decref(root);
    sv_spec_free(spec);
    return -1;
}
