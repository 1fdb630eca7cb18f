/* result_json.c — rt_result_json(): the run result object (keys documented in docs/cli.md and
 * docs/service.md): status, exit_code, error, public_values, public_values_sha256,
 * committed_digest, digest_match, pc, clk, global_clk, regs, stats{...}, stdout, stderr. */
#include "runtime/result_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_str(FILE *f, const uint8_t *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = s[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch < 0x20 || ch >= 0x7f)
            fprintf(f, "\\u%04x", ch);   /* bytes, not UTF-8: keep the JSON valid */
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void json_hex(FILE *f, const uint8_t *b, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
    fputc('"', f);
}

static void json_stats(FILE *f, const struct rvt_stats *s)
{
    double mips = s->seconds > 0 ? s->instructions / s->seconds / 1e6 : 0;
    fprintf(f, "{\"instructions\":%" PRIu64 ",\"ecalls\":%" PRIu64 ",\"chunks\":%" PRIu64
               ",\"trace_bytes\":%" PRIu64 ",\"seconds\":%.6f,\"translate_seconds\":%.6f"
               ",\"translated_instructions\":%" PRIu64 ",\"translate_threads\":%u"
               ",\"reg_home\":%s,\"mips\":%.2f",
            s->instructions, s->ecalls, s->chunks, s->trace_bytes, s->seconds,
            s->translate_seconds, s->translated_instructions, s->translate_threads,
            !s->translated_instructions ? "null"   /* interp: no tier 0 code */
            : s->reg_home == RVT_REGS_XMM ? "\"xmm\"" : "\"ctx\"", mips);
    fprintf(f, ",\"tier1_instructions\":%" PRIu64 ",\"tier1_entries\":%" PRIu64
               ",\"regions_warm\":%" PRIu64 ",\"regions_compiled\":%" PRIu64
               ",\"regions_cached\":%" PRIu64 ",\"tierups\":%" PRIu64
               ",\"compile_seconds_total\":%.6f,\"compile_seconds_median\":%.6f,\"timeline\":[",
            s->tier1_instructions, s->tier1_entries, s->regions_warm, s->regions_compiled,
            s->regions_cached, s->tierups, s->compile_seconds_total, s->compile_seconds_median);
    for (uint64_t i = 0; s->timeline && i < s->tierups; i++) {
        const struct rvt_tierup *t = &s->timeline[i];
        fprintf(f, "%s{\"head_pc\":\"0x%" PRIx64 "\",\"n_insns\":%" PRIu32 ",\"n_blocks\":%" PRIu32
                   ",\"at_seconds\":%.6f,\"compile_seconds\":%.6f}",
                i ? "," : "", t->head_pc, t->n_insns, t->n_blocks, t->at_seconds,
                t->compile_seconds);
    }
    fputs("]}", f);
}

char *rt_result_json(const struct rvt_result *r, const uint8_t *out, size_t out_len,
                     const uint8_t *err, size_t err_len)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "{\"status\":\"%s\",\"exit_code\":%d,\"error\":", rvt_status_name(r->status),
            r->exit_code);
    if (r->status == RVT_OK)
        fputs("null", f);
    else
        json_str(f, (const uint8_t *)r->error, strnlen(r->error, sizeof r->error));
    fputs(",\"public_values\":", f);
    json_hex(f, r->public_values, r->public_values_len);
    fputs(",\"public_values_sha256\":", f);
    json_hex(f, r->public_values_sha256, 32);
    fputs(",\"committed_digest\":[", f);
    for (int i = 0; i < 8; i++)
        fprintf(f, "%s%" PRIu32, i ? "," : "", r->committed_digest[i]);
    fprintf(f, "],\"digest_match\":%s", r->digest_match ? "true" : "false");
    fprintf(f, ",\"pc\":%" PRIu64 ",\"clk\":%" PRIu64 ",\"global_clk\":%" PRIu64, r->pc, r->clk,
            r->global_clk);
    fputs(",\"regs\":[", f);
    for (int i = 0; i < 32; i++)
        fprintf(f, "%s%" PRIu64, i ? "," : "", r->regs[i]);
    fputs("],\"stats\":", f);
    json_stats(f, &r->stats);
    fputs(",\"stdout\":", f);
    json_str(f, out, out_len);
    fputs(",\"stderr\":", f);
    json_str(f, err, err_len);
    fputc('}', f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
