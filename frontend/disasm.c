/* disasm.c — objdump-compatible disassembly (frontend/disasm.h).
 *
 * Operand layouts follow binutils 2.40 opcodes/riscv-dis.c with -M no-aliases,numeric;
 * tests/unit/test_disasm.c checks them against the installed objdump, word by word.
 * Usage: see disasm.h. */
#include "frontend/disasm.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct csr_name {
    uint16_t num;
    const char *name;
};

static const struct csr_name csr_names[] = {
#include "frontend/csr_names.inc"
};

static const char *csr_lookup(unsigned num)
{
    size_t lo = 0, hi = sizeof(csr_names) / sizeof(csr_names[0]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (csr_names[mid].num == num)
            return csr_names[mid].name;
        if (csr_names[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* objdump's names for a FENCE predecessor/successor set (riscv-dis.c); 0 prints "unknown". */
static const char *fence_set(unsigned bits)
{
    static const char *const names[16] = {
        "unknown", "w", "r", "rw", "o", "ow", "or", "orw",
        "i", "iw", "ir", "irw", "io", "iow", "ior", "iorw",
    };
    return names[bits & 15];
}

/* SYSTEM funct3 = 000 words outside RV64IM that objdump still names (privileged spec). */
static int disasm_priv(uint32_t w, char *buf, size_t len)
{
    static const struct { uint32_t word; const char *name; } exact[] = {
        {0x00200073, "uret"}, {0x10200073, "sret"}, {0x20200073, "hret"},
        {0x30200073, "mret"}, {0x7b200073, "dret"}, {0x10500073, "wfi"},
    };
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (w == exact[i].word)
            return snprintf(buf, len, "%s", exact[i].name);
    unsigned rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;
    if ((w & 0xfe007fff) == 0x12000073)
        return snprintf(buf, len, "sfence.vma\tx%u,x%u", rs1, rs2);
    if ((w & 0xfff07fff) == 0x10400073)
        return rs1 ? snprintf(buf, len, "sfence.vm\tx%u", rs1) : snprintf(buf, len, "sfence.vm");
    return -1;
}

static int disasm_word(uint32_t w, char *buf, size_t len)
{
    if ((w & 0x7f) == 0x73) {
        int n = disasm_priv(w, buf, len);
        if (n >= 0)
            return n;
    }
    return snprintf(buf, len, ".4byte\t0x%" PRIx32, w);
}

static int disasm_csr(const struct rv_insn *in, char *buf, size_t len)
{
    static const char *const kinds[8] = {
        NULL, "csrrw", "csrrs", "csrrc", NULL, "csrrwi", "csrrsi", "csrrci",
    };
    unsigned f3 = (in->raw >> 12) & 7, num = (unsigned)in->imm;
    const char *name = csr_lookup(num);
    char csr[16];
    if (name)
        snprintf(csr, sizeof(csr), "%s", name);
    else
        snprintf(csr, sizeof(csr), "0x%x", num);
    if (f3 >= 5)
        return snprintf(buf, len, "%s\tx%u,%s,%u", kinds[f3], in->rd, csr, in->rs1);
    return snprintf(buf, len, "%s\tx%u,%s,x%u", kinds[f3], in->rd, csr, in->rs1);
}

static int disasm_fence(const struct rv_insn *in, char *buf, size_t len)
{
    uint32_t w = in->raw;
    if ((w & 0xf00fff80) == 0) /* fm = 0, rs1 = 0, rd = 0: the only shape objdump names */
        return snprintf(buf, len, "fence\t%s,%s", fence_set(w >> 24), fence_set(w >> 20));
    if (w == 0x8330000f)
        return snprintf(buf, len, "fence.tso");
    return disasm_word(w, buf, len);
}

int rv_disasm(const struct rv_insn *in, uint64_t pc, char *buf, size_t len)
{
    const char *m = rv_op_name((enum rv_op)in->op);
    long long imm = (long long)in->imm;
    switch (rv_op_format((enum rv_op)in->op)) {
    case RV_FMT_R:
        return snprintf(buf, len, "%s\tx%u,x%u,x%u", m, in->rd, in->rs1, in->rs2);
    case RV_FMT_I:
        switch (rv_op_class((enum rv_op)in->op)) {
        case RV_CLS_LOAD:
        case RV_CLS_JUMP: /* jalr x1,0(x5) */
            return snprintf(buf, len, "%s\tx%u,%lld(x%u)", m, in->rd, imm, in->rs1);
        default:
            return snprintf(buf, len, "%s\tx%u,x%u,%lld", m, in->rd, in->rs1, imm);
        }
    case RV_FMT_SHIFT:
        return snprintf(buf, len, "%s\tx%u,x%u,0x%llx", m, in->rd, in->rs1, imm);
    case RV_FMT_S:
        return snprintf(buf, len, "%s\tx%u,%lld(x%u)", m, in->rs2, imm, in->rs1);
    case RV_FMT_B:
        return snprintf(buf, len, "%s\tx%u,x%u,%" PRIx64, m, in->rs1, in->rs2,
                        pc + (uint64_t)in->imm);
    case RV_FMT_U:
        return snprintf(buf, len, "%s\tx%u,0x%x", m, in->rd, (unsigned)(in->raw >> 12));
    case RV_FMT_J:
        return snprintf(buf, len, "%s\tx%u,%" PRIx64, m, in->rd, pc + (uint64_t)in->imm);
    case RV_FMT_NONE:
        return snprintf(buf, len, "%s", m);
    case RV_FMT_FENCE:
        return disasm_fence(in, buf, len);
    case RV_FMT_CSR:
        return disasm_csr(in, buf, len);
    case RV_FMT_WORD:
    default:
        return disasm_word(in->raw, buf, len);
    }
}

static void listing_line(FILE *out, uint64_t pc, uint32_t w)
{
    struct rv_insn in;
    char text[RV_DISASM_MAX];
    rv_decode(w, &in);
    rv_disasm(&in, pc, text, sizeof(text));
    fprintf(out, "%8" PRIx64 ":\t%08" PRIx32 "          \t%s\n", pc, w, text);
}

void rv_disasm_listing(FILE *out, const uint8_t *bytes, uint64_t text_start, uint64_t text_end)
{
    for (uint64_t pc = text_start; pc < text_end; pc += 4) {
        uint64_t off = pc - text_start, avail = text_end - pc;
        uint32_t w = 0;
        for (unsigned k = 0; k < 4 && k < avail; k++)
            w |= (uint32_t)bytes[off + k] << (8 * k);
        listing_line(out, pc, w);
    }
}

/* Byte at guest address a as the text sees it: from an executable segment's file bytes, or 0. */
static uint8_t image_text_byte(const struct rv_image *img, uint64_t a)
{
    for (unsigned i = 0; i < img->n_seg; i++) {
        const struct rv_segment *s = &img->seg[i];
        if (s->exec && a >= s->vaddr && a - s->vaddr < s->filesz)
            return s->data[a - s->vaddr];
    }
    return 0;
}

void rv_disasm_image(FILE *out, const struct rv_image *img)
{
    fprintf(out, "text [0x%" PRIx64 ", 0x%" PRIx64 "), entry 0x%" PRIx64 ":\n\n",
            img->text_start, img->text_end, img->entry);
    const struct rv_segment *s = NULL;
    for (uint64_t pc = img->text_start; pc < img->text_end; pc += 4) {
        uint32_t w = 0;
        /* Fast path: the whole word in the file bytes of the segment of the previous word. */
        if (!(s && pc >= s->vaddr && pc - s->vaddr + 4 <= s->filesz)) {
            s = NULL;
            for (unsigned i = 0; i < img->n_seg; i++) {
                const struct rv_segment *c = &img->seg[i];
                if (c->exec && pc >= c->vaddr && pc - c->vaddr + 4 <= c->filesz)
                    s = c;
            }
        }
        if (s) {
            const uint8_t *p = s->data + (pc - s->vaddr);
            w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                (uint32_t)p[3] << 24;
        } else {
            for (unsigned k = 0; k < 4; k++)
                w |= (uint32_t)image_text_byte(img, pc + k) << (8 * k);
        }
        listing_line(out, pc, w);
    }
}
