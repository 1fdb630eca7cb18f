/* t0_dump.c — the tier 0 code listing behind `rvtier run --dump-asm FILE`: every guest
 * instruction (frontend/disasm.h) followed by the host code the emitter made for it, decoded by
 * LLVM's x86-64 disassembler (LLVM-C, Intel syntax), plus the prologue, the epilogue and the
 * exit stubs in their own sections. Host offsets are from the start of the code buffer, so
 * two dumps of the same program compare equal; branch targets are annotated with the guest
 * pc or section they land in.
 * Usage: t0_dump_asm(f, prog, code, err, sizeof err) (tier0.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>

#include "frontend/disasm.h"
#include "runtime/program.h"
#include "tiers/tier0/tier0.h"

static const char *const GPR_NAMES[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi",
                                          "rdi", "r8",  "r9",  "r10", "r11", "r12", "r13",
                                          "r14", "r15"};

struct dumper {
    FILE *out;
    LLVMDisasmContextRef dc;
    const struct rvt_program *p;
    const struct t0_code *c;
};

static size_t insn_off(const struct t0_code *c, uint64_t i)
{
    return c->insn_off[i];
}

/* Guest instruction whose host code contains offset off, or -1 (binary search: the jump
 * table is increasing). */
static int64_t guest_at(const struct t0_code *c, size_t off)
{
    if (off < insn_off(c, 0) || off >= insn_off(c, c->n_insns))
        return -1;
    uint64_t lo = 0, hi = c->n_insns;   /* insn_off(lo) <= off < insn_off(hi) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (insn_off(c, mid) <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (int64_t)lo;
}

/* Where a rel8/rel32 branch ending at end with displacement rel lands, as a comment. */
static void branch_note(const struct dumper *d, size_t end, const uint8_t *b, size_t n,
                        char *note, size_t len)
{
    note[0] = 0;
    int64_t rel;
    if ((b[0] == 0xE9 || b[0] == 0xE8) && n == 5)
        rel = (int32_t)(b[1] | b[2] << 8 | b[3] << 16 | (uint32_t)b[4] << 24);
    else if (b[0] == 0x0F && (b[1] & 0xF0) == 0x80 && n == 6)
        rel = (int32_t)(b[2] | b[3] << 8 | b[4] << 16 | (uint32_t)b[5] << 24);
    else if ((b[0] == 0xEB || (b[0] & 0xF0) == 0x70) && n == 2)
        rel = (int8_t)b[1];
    else
        return;
    int64_t to = (int64_t)end + rel;
    const struct t0_code *c = d->c;
    if (to < 0 || (size_t)to >= c->code_len) {
        snprintf(note, len, "  ; -> outside the code");
        return;
    }
    int64_t g = guest_at(c, (size_t)to);
    if (g >= 0 && insn_off(c, (uint64_t)g) == (size_t)to)
        snprintf(note, len, "  ; -> 0x%" PRIx64, c->pc_base + 4 * (uint64_t)g);
    else if ((size_t)to == c->epilogue_off)
        snprintf(note, len, "  ; -> epilogue");
    else if ((size_t)to >= c->stubs_off)
        snprintf(note, len, "  ; -> stub +0x%zx", (size_t)to);
    else
        snprintf(note, len, "  ; -> +0x%zx", (size_t)to);
}

/* Host code [from, to) one instruction per line. Returns -1 on bytes LLVM cannot decode. */
static int dump_host(const struct dumper *d, size_t from, size_t to)
{
    size_t off = from;
    while (off < to) {
        char text[160], note[64];
        uint8_t *b = d->c->code + off;
        size_t n = LLVMDisasmInstruction(d->dc, b, to - off, off, text, sizeof text);
        if (n == 0) {
            fprintf(d->out, "  %8zx:  %02x  (undecodable byte)\n", off, b[0]);
            return -1;
        }
        char hex[64] = "";
        for (size_t k = 0; k < n && k < 15; k++)
            snprintf(hex + 3 * k, sizeof hex - 3 * k, "%02x ", b[k]);
        const char *t = text;
        while (*t == ' ' || *t == '\t')
            t++;
        branch_note(d, off + n, b, n, note, sizeof note);
        fprintf(d->out, "  %8zx:  %-36s %s%s\n", off, hex, t, note);
        off += n;
    }
    return 0;
}

static int dump_all(const struct dumper *d)
{
    const struct t0_code *c = d->c;
    const struct rvt_program *p = d->p;
    int bad = 0;
    fprintf(d->out,
            "# rvtier tier 0 code of %s: %" PRIu64 " guest instructions at 0x%" PRIx64
            ", %zu host bytes (%.1f per instruction)\n"
            "# host offsets (hex) are from the start of the code buffer; Intel syntax\n",
            p->name ? p->name : "?", c->n_insns, c->pc_base, t0_code_bytes(c),
            (double)t0_code_bytes(c) / (double)c->n_insns);
    fprintf(d->out, "# register map:");
    for (unsigned r = 1; r < 32; r++) {
        const struct rv_loc l = c->map.loc[r];
        if (l.kind == RV_LOC_GPR)
            fprintf(d->out, " x%u=%s", r, GPR_NAMES[l.reg]);
        else if (l.kind == RV_LOC_CTX)
            fprintf(d->out, " x%u=ctx", r);
        else
            fprintf(d->out, " x%u=xmm%u%s", r, l.reg, l.solo ? "" : l.lane ? ".1" : ".0");
    }
    fprintf(d->out, "\n");
    fprintf(d->out, "\n== prologue: entry(ctx, recording), load the map, jump to ctx->pc ==\n");
    bad |= dump_host(d, 0, c->epilogue_off);
    fprintf(d->out, "\n== epilogue: spill the map and clocks to ctx, return ==\n");
    bad |= dump_host(d, c->epilogue_off, insn_off(c, 0));
    fprintf(d->out, "\n== guest code ==\n");
    for (uint64_t i = 0; i < c->n_insns; i++) {
        char g[RV_DISASM_MAX];
        uint64_t pc = c->pc_base + 4 * i;
        rv_disasm(&p->insns[i], pc, g, sizeof g);
        for (char *s = g; *s; s++)
            if (*s == '\t')
                *s = ' ';
        fprintf(d->out, "0x%" PRIx64 ": %s\n", pc, g);
        bad |= dump_host(d, insn_off(c, i), t0_insn_end(c, i));
    }
    fprintf(d->out, "\n== exit stubs (add the pending clocks, set the pc, jump to the reason's "
                    "exit tail), per slice of the text; the last one is falling off it ==\n");
    for (unsigned k = 0; k < c->n_slices; k++) {
        if (c->n_slices > 1)
            fprintf(d->out, "-- slice %u (from 0x%" PRIx64 ") --\n", k,
                    c->pc_base + 4 * c->slice[k].first);
        bad |= dump_host(d, c->slice[k].stubs, c->slice[k].stubs_end);
    }
    return bad;
}

int t0_dump_asm(FILE *out, const struct rvt_program *p, const struct t0_code *c, char *err,
                size_t errlen)
{
    if (c->n_insns != p->n_insns || c->pc_base != p->pc_base) {
        snprintf(err, errlen, "--dump-asm: the code was not translated from this program");
        return -1;
    }
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86Disassembler();
    struct dumper d = {out, LLVMCreateDisasm("x86_64-pc-linux-gnu", NULL, 0, NULL, NULL), p, c};
    if (!d.dc) {
        snprintf(err, errlen, "--dump-asm: LLVM has no x86-64 disassembler (LLVMCreateDisasm "
                 "failed); check the LLVM 19 installation (scripts/setup.sh)");
        return -1;
    }
    /* two calls: selecting the variant makes a new printer, dropping earlier options */
    LLVMSetDisasmOptions(d.dc, LLVMDisassembler_Option_AsmPrinterVariant);
    LLVMSetDisasmOptions(d.dc, LLVMDisassembler_Option_PrintImmHex);
    int bad = dump_all(&d);
    LLVMDisasmDispose(d.dc);
    if (bad) {
        snprintf(err, errlen, "--dump-asm: LLVM could not decode some generated bytes (marked "
                 "'undecodable' in the listing): an emitter bug, please report it");
        return -1;
    }
    if (ferror(out)) {
        snprintf(err, errlen, "--dump-asm: write error");
        return -1;
    }
    return 0;
}
