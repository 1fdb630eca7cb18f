/* cli_submit.c — `rvtier submit --server URL PROGRAM.elf [inputs] [--wait] [--json]`: the
 * client of `rvtier serve` (libcurl, loaded when submit runs: curl_lazy.h). Uploads the ELF (the service keeps it by SHA-256, so a
 * second upload is a cache hit), submits one job, and with --wait waits for it and prints the
 * result like `rvtier run`: the guest's stdout/stderr, or with --json the same result object;
 * exit status as `rvtier run` (guest exit code, 101 when the run failed, 2 for usage errors,
 * a refused ELF or an unreachable service). */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime/cli.h"
#include "runtime/curl_lazy.h"

static const char submit_usage[] =
    "usage: rvtier submit --server URL PROGRAM.elf [options]\n"
    "\n"
    "  --server URL          the service, e.g. http://127.0.0.1:8080\n"
    "  --unix-socket PATH    connect through this Unix socket (URL then names the host only)\n"
    "  --input FILE          append FILE's bytes as one SP1 stdin buffer (repeatable)\n"
    "  --input-hex HEX       append a buffer given in hex\n"
    "  --input-u64 N         append N as 8 little-endian bytes\n"
    "  --mode MODE           interp, tier0, tier1 or tiered (default: the service's)\n"
    "  --abi sp1|linux       syscall ABI (default sp1)\n"
    "  --max-cycles N        as rvtier run --max-cycles\n"
    "  --timeout SECONDS     wall-clock limit of the job\n"
    "  --max-memory BYTES    limit on guest memory touched\n"
    "  --trace FILE          record the trace and (with --wait) download it to FILE\n"
    "  --chunk-size N        trace records per chunk\n"
    "  --wait                wait for the job and print its result like rvtier run\n"
    "  --json                print the result object (with --wait) or the job (without)\n"
    "  -h, --help            this text\n"
    "\n"
    "Exit status with --wait: as rvtier run. Without --wait: 0 once the job is queued.\n"
    "2 for usage errors, a refused ELF, or a service that cannot be reached.\n";

struct http {
    struct rt_curl c;
    CURL *curl;
    const char *base;
    char *body;      /* last response, NUL-terminated */
    size_t len;
    long code;
};

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
    struct http *h = user;
    char *nb = realloc(h->body, h->len + size * n + 1);
    if (!nb)
        return 0;
    memcpy(nb + h->len, p, size * n);
    h->body = nb;
    h->len += size * n;
    h->body[h->len] = 0;
    return size * n;
}

/* One request; 0 when the service answered (any status, in h->code), -1 if unreachable. */
static int request(struct http *h, const char *method, const char *path, const void *body,
                   size_t len, const char *type)
{
    char url[4096];
    snprintf(url, sizeof url, "%s%s", h->base, path);
    free(h->body);
    h->body = NULL;
    h->len = 0;
    h->c.easy_setopt(h->curl, CURLOPT_URL, url);
    h->c.easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
    h->c.easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_data);
    h->c.easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
    struct curl_slist *hdr = NULL;
    if (body) {
        char ct[128];
        snprintf(ct, sizeof ct, "Content-Type: %s", type);
        hdr = h->c.slist_append(hdr, ct);
        h->c.easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
        h->c.easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        h->c.easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
        h->c.easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
    }
    h->c.easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr);
    CURLcode rc = h->c.easy_perform(h->curl);
    h->c.slist_free_all(hdr);
    h->c.easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
    if (rc != CURLE_OK) {
        fprintf(stderr, "rvtier submit: %s %s: %s (is `rvtier serve` running there?)\n", method,
                url, h->c.easy_strerror(rc));
        return -1;
    }
    h->c.easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &h->code);
    return 0;
}

/* The "error" of a JSON error answer, or the raw body. */
static const char *answer_error(const struct http *h, char *buf, size_t len)
{
    json_t *o = json_loads(h->body ? h->body : "", JSON_DECODE_INT_AS_REAL, NULL);
    const char *e = json_string_value(json_object_get(o, "error"));
    snprintf(buf, len, "%s", e ? e : h->body ? h->body : "(empty answer)");
    json_decref(o);
    return buf;
}

static char *b64_encode(const uint8_t *b, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *s = malloc((n + 2) / 3 * 4 + 1), *o = s;
    for (size_t i = 0; s && i < n; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0) |
                     (i + 2 < n ? b[i + 2] : 0);
        *o++ = tab[v >> 18 & 63];
        *o++ = tab[v >> 12 & 63];
        *o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    if (s)
        *o = 0;
    return s;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *b = NULL;
    size_t n = 0, cap = 0, r;
    do {
        if (n + 65536 > cap) {
            cap = (n + 65536) * 2;
            uint8_t *nb = realloc(b, cap);
            if (!nb)
                break;
            b = nb;
        }
        r = fread(b + n, 1, 65536, f);
        n += r;
    } while (r > 0);
    int bad = ferror(f) || !b;
    fclose(f);
    if (bad) {
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

/* Writes a JSON string that holds bytes as U+0000..U+00FF (result_json.h) back as bytes. */
static void put_bytes(FILE *f, json_t *str)
{
    const unsigned char *p = (const unsigned char *)json_string_value(str);
    size_t n = json_string_length(str);
    for (size_t i = 0; p && i < n; i++) {
        if ((p[i] & 0xe0) == 0xc0 && p[i] <= 0xc3 && i + 1 < n && (p[i + 1] & 0xc0) == 0x80) {
            fputc((p[i] & 0x1f) << 6 | (p[i + 1] & 0x3f), f);
            i++;
        } else {
            fputc(p[i], f);
        }
    }
    fflush(f);
}

enum { OPT_SERVER = 256, OPT_UNIX, OPT_INPUT, OPT_INPUT_HEX, OPT_INPUT_U64, OPT_MODE, OPT_ABI,
       OPT_MAX_CYCLES, OPT_TIMEOUT, OPT_MAX_MEMORY, OPT_TRACE, OPT_CHUNK, OPT_WAIT, OPT_JSON };

/* Adds one option to the job request; numbers keep the text the user gave. */
static int add_number(json_t *req, const char *key, const char *opt, const char *s, int real)
{
    char *end;
    errno = 0;
    double d = real ? strtod(s, &end) : (double)strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-' || d < 0) {
        fprintf(stderr, "rvtier submit: %s '%s': not a non-negative number\n", opt, s);
        return -1;
    }
    json_object_set_new(req, key, real ? json_real(d) : json_string(s));
    return 0;
}

static int parse_hex_input(const char *s, json_t *inputs)
{
    const char *h = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
    size_t n = strlen(h);
    if (n % 2 || strspn(h, "0123456789abcdefABCDEF") != n) {
        fprintf(stderr, "rvtier submit: --input-hex '%s': expected an even number of hex "
                "digits\n", s);
        return -1;
    }
    json_array_append_new(inputs, json_pack("{s:s}", "hex", h));
    return 0;
}

/* Waits for the job and prints its result; returns the exit status. */
static int wait_and_print(struct http *h, const char *id, int json, const char *trace_path)
{
    char path[256], msg[1024];
    json_t *doc = NULL;
    const char *state = NULL;
    for (;;) {
        snprintf(path, sizeof path, "/jobs/%s?wait=60", id);
        if (request(h, "GET", path, NULL, 0, NULL) != 0)
            return RVT_EXIT_USAGE;
        if (h->code != 200) {
            fprintf(stderr, "rvtier submit: GET /jobs/%s: %ld %s\n", id, h->code,
                    answer_error(h, msg, sizeof msg));
            return RVT_EXIT_USAGE;
        }
        json_decref(doc);
        doc = json_loads(h->body, JSON_DECODE_INT_AS_REAL, NULL);
        state = json_string_value(json_object_get(doc, "state"));
        if (!state) {
            fprintf(stderr, "rvtier submit: GET /jobs/%s: not a job document: %.200s\n", id,
                    h->body);
            json_decref(doc);
            return RVT_EXIT_USAGE;
        }
        if (strcmp(state, "queued") && strcmp(state, "running"))
            break;
    }
    int status = RVT_EXIT_RUN_FAILED;
    if (trace_path) {
        snprintf(path, sizeof path, "/jobs/%s/trace", id);
        FILE *f = NULL;
        if (request(h, "GET", path, NULL, 0, NULL) == 0 && h->code == 200 &&
            (f = fopen(trace_path, "wb")) && fwrite(h->body, 1, h->len, f) == h->len &&
            fclose(f) == 0) {
            f = NULL;
        } else {
            fprintf(stderr, "rvtier submit: --trace '%s': could not fetch or write the trace "
                    "(%ld)\n", trace_path, h->code);
            if (f)
                fclose(f);
        }
    }
    json_t *job_error = json_object_get(doc, "error");
    snprintf(path, sizeof path, "/jobs/%s/result", id);
    if (request(h, "GET", path, NULL, 0, NULL) != 0) {
        status = RVT_EXIT_USAGE;
    } else if (h->code != 200) {   /* never ran: the document says why */
        if (json)
            printf("%s\n", json_dumps(doc, JSON_COMPACT));
        fprintf(stderr, "rvtier: error: job %s %s: %s\n", id, state,
                json_string_value(job_error) ? json_string_value(job_error) : "no result");
    } else {
        json_t *r = json_loads(h->body, JSON_DECODE_INT_AS_REAL, NULL);
        if (json) {
            printf("%s\n", h->body);
        } else {
            put_bytes(stdout, json_object_get(r, "stdout"));
            put_bytes(stderr, json_object_get(r, "stderr"));
        }
        fflush(stdout);
        const char *st = json_string_value(json_object_get(r, "status"));
        if (st && !strcmp(st, "ok"))
            status = (int)json_number_value(json_object_get(r, "exit_code")) & 0xff;
        else
            fprintf(stderr, "rvtier: error: %s\n",
                    json_string_value(json_object_get(r, "error"))
                        ? json_string_value(json_object_get(r, "error")) : "no result");
        json_decref(r);
    }
    json_decref(doc);
    return status;
}

int cli_submit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"server", required_argument, 0, OPT_SERVER},
        {"unix-socket", required_argument, 0, OPT_UNIX},
        {"input", required_argument, 0, OPT_INPUT},
        {"input-hex", required_argument, 0, OPT_INPUT_HEX},
        {"input-u64", required_argument, 0, OPT_INPUT_U64},
        {"mode", required_argument, 0, OPT_MODE},
        {"abi", required_argument, 0, OPT_ABI},
        {"max-cycles", required_argument, 0, OPT_MAX_CYCLES},
        {"timeout", required_argument, 0, OPT_TIMEOUT},
        {"max-memory", required_argument, 0, OPT_MAX_MEMORY},
        {"trace", required_argument, 0, OPT_TRACE},
        {"chunk-size", required_argument, 0, OPT_CHUNK},
        {"wait", no_argument, 0, OPT_WAIT},
        {"json", no_argument, 0, OPT_JSON},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *server = NULL, *unix_path = NULL, *trace_path = NULL;
    int wait = 0, json = 0, status = RVT_EXIT_USAGE;
    json_t *req = json_object(), *inputs = json_array();
    struct http h = {0};
    uint8_t *elf = NULL;
    char msg[1024];
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        size_t len;
        uint8_t *b;
        char *enc;
        switch (ch) {
        case 'h':
            fputs(submit_usage, stdout);
            status = 0;
            goto out;
        case OPT_SERVER: server = optarg; break;
        case OPT_UNIX: unix_path = optarg; break;
        case OPT_INPUT:
            if (!(b = read_all(optarg, &len))) {
                fprintf(stderr, "rvtier submit: --input '%s': %s\n", optarg, strerror(errno));
                goto out;
            }
            enc = b64_encode(b, len);
            json_array_append_new(inputs, json_pack("{s:s}", "base64", enc ? enc : ""));
            free(enc);
            free(b);
            break;
        case OPT_INPUT_HEX:
            if (parse_hex_input(optarg, inputs))
                goto out;
            break;
        case OPT_INPUT_U64:
            if (strspn(optarg, "0123456789") != strlen(optarg) || !*optarg) {
                fprintf(stderr, "rvtier submit: --input-u64 '%s': not an unsigned 64-bit "
                        "number\n", optarg);
                goto out;
            }
            json_array_append_new(inputs, json_pack("{s:s}", "u64", optarg));
            break;
        case OPT_MODE: json_object_set_new(req, "mode", json_string(optarg)); break;
        case OPT_ABI: json_object_set_new(req, "abi", json_string(optarg)); break;
        case OPT_MAX_CYCLES:
            if (add_number(req, "max_cycles", "--max-cycles", optarg, 0))
                goto out;
            break;
        case OPT_TIMEOUT:
            if (add_number(req, "timeout_seconds", "--timeout", optarg, 1))
                goto out;
            break;
        case OPT_MAX_MEMORY:
            if (add_number(req, "max_memory_bytes", "--max-memory", optarg, 0))
                goto out;
            break;
        case OPT_CHUNK:
            if (add_number(req, "chunk_size", "--chunk-size", optarg, 0))
                goto out;
            break;
        case OPT_TRACE:
            trace_path = optarg;
            json_object_set_new(req, "trace", json_true());
            break;
        case OPT_WAIT: wait = 1; break;
        case OPT_JSON: json = 1; break;
        default:
            fputs(submit_usage, stderr);
            goto out;
        }
    }
    if (!server || optind != argc - 1) {
        fprintf(stderr, "rvtier submit: %s\n\n%s", server ? "expected exactly one PROGRAM.elf"
                : "--server URL is required", submit_usage);
        goto out;
    }
    size_t elf_len;
    if (!(elf = read_all(argv[optind], &elf_len))) {
        fprintf(stderr, "rvtier submit: '%s': %s\n", argv[optind], strerror(errno));
        goto out;
    }
    h.base = server;
    if (rt_curl_load(&h.c, msg, sizeof msg) != 0) {
        fprintf(stderr, "rvtier submit: %s\n", msg);
        goto out;
    }
    if (h.c.global_init(CURL_GLOBAL_DEFAULT) != 0 || !(h.curl = h.c.easy_init())) {
        fprintf(stderr, "rvtier submit: libcurl failed to initialise\n");
        goto out;
    }
    if (unix_path)
        h.c.easy_setopt(h.curl, CURLOPT_UNIX_SOCKET_PATH, unix_path);
    char path[512], upload_path[512];
    const char *base = strrchr(argv[optind], '/');
    char *ename = h.c.easy_escape(h.curl, base ? base + 1 : argv[optind], 0);
    snprintf(upload_path, sizeof upload_path, "/programs?name=%s", ename ? ename : "upload");
    h.c.free(ename);
    json_object_set(req, "inputs", inputs);
    char *body = json_dumps(req, JSON_COMPACT);
    if (!body)
        goto out;
    /* Upload, then submit. Another client's upload may evict the program in between (the
     * service's --max-programs), so a 404 for the job means: upload it again, and retry. */
    for (int attempt = 0;; attempt++) {
        if (request(&h, "POST", upload_path, elf, elf_len, "application/octet-stream") != 0)
            break;
        if (h.code != 200 && h.code != 201) {
            fprintf(stderr, "rvtier submit: upload of '%s' refused (%ld): %s\n", argv[optind],
                    h.code, answer_error(&h, msg, sizeof msg));
            break;
        }
        json_t *prog = json_loads(h.body, 0, NULL);
        snprintf(path, sizeof path, "/programs/%s/jobs",
                 json_string_value(json_object_get(prog, "id")) ?: "?");
        json_decref(prog);
        if (request(&h, "POST", path, body, strlen(body), "application/json") != 0)
            break;
        if (h.code == 404 && attempt < 3)
            continue;
        if (h.code != 202)
            fprintf(stderr, "rvtier submit: job refused (%ld): %s\n", h.code,
                    answer_error(&h, msg, sizeof msg));
        break;
    }
    free(body);
    if (h.code != 202)
        goto out;
    json_t *job = json_loads(h.body, 0, NULL);
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(job, "id")) ?: "?");
    json_decref(job);
    if (!wait) {
        if (json)
            printf("%s\n", h.body);
        else
            printf("job %s queued: %s/jobs/%s\n", id, server, id);
        status = 0;
        goto out;
    }
    status = wait_and_print(&h, id, json, trace_path);
out:
    if (h.curl)
        h.c.easy_cleanup(h.curl);
    rt_curl_unload(&h.c);
    free(h.body);
    free(elf);
    json_decref(req);
    json_decref(inputs);
    return status;
}
