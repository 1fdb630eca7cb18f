/* elf.c — ELF64 RISC-V executable validation (frontend/elf.h).
 *
 * Reads every field with explicit little-endian byte loads and bounds-checks every offset
 * before use, so any byte string (truncated, mutated, hostile) yields either a valid image or
 * one specific refusal, deterministically and without reading outside buf.
 * What is accepted: ELFCLASS64, ELFDATA2LSB, EI_VERSION 1, ET_EXEC, EM_RISCV, no RVC flag,
 * e_phentsize 56, 1..RV_ELF_MAX_PHNUM program headers inside the file. PT_LOAD segments with
 * memsz 0 are skipped; the others must have filesz <= memsz, file bytes inside the file, guest
 * range inside [0, 2^40), and must not overlap each other. All other segment types
 * (PT_NOTE, PT_GNU_STACK, PT_RISCV_ATTRIBUTES, ...) are ignored.
 * The text range spans the executable (PF_X) segments: from the lowest start rounded down to 4
 * to the highest end rounded up to 4, at most RV_ELF_MAX_TEXT bytes. The entry must be 4-aligned
 * and inside an executable segment.
 * Usage: see elf.h. */
#include "frontend/elf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define GUEST_SPACE (1ull << 40)
#define RV_ELF_MAX_PHNUM 4096u
#define RV_ELF_MAX_TEXT (256ull << 20)   /* 64 Mi instructions: the decoded text is 16 B each */

#define EM_RISCV_ 243u
#define ET_EXEC_ 2u
#define PT_LOAD_ 1u
#define PF_X_ 1u
#define EF_RISCV_RVC_ 1u

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static int refuse(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
    if (err && errlen) {
        int n = snprintf(err, errlen, "%s: ", name ? name : "(program)");
        if (n >= 0 && (size_t)n < errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

#define REBUILD "; rebuild it for RV64IM (-march=rv64im -mabi=lp64) as a static executable"

static int check_header(const uint8_t *b, size_t len, const char *nm, char *err, size_t n)
{
    if (len < 4 || memcmp(b, "\x7f" "ELF", 4) != 0)
        return refuse(err, n, nm, "not an ELF file (bad magic at offset 0, file is %zu bytes)"
                      "; give the path of a RISC-V ELF executable", len);
    if (len < EHDR_SIZE)
        return refuse(err, n, nm, "truncated ELF header (file is %zu bytes, the header needs "
                      "%u); the file is damaged, rebuild or copy it again", len, EHDR_SIZE);
    if (b[4] != 2)
        return refuse(err, n, nm, "not a 64-bit ELF (EI_CLASS = %u at offset 4)" REBUILD, b[4]);
    if (b[5] != 1)
        return refuse(err, n, nm, "not a little-endian ELF (EI_DATA = %u at offset 5)" REBUILD,
                      b[5]);
    if (b[6] != 1)
        return refuse(err, n, nm, "unknown ELF version (EI_VERSION = %u at offset 6); the file "
                      "is damaged, rebuild it", b[6]);
    uint16_t machine = rd16(b + 18), type = rd16(b + 16);
    if (machine != EM_RISCV_)
        return refuse(err, n, nm, "wrong machine: e_machine = %u, not RISC-V (243) (offset 18)"
                      REBUILD, machine);
    if (type != ET_EXEC_)
        return refuse(err, n, nm, "not a static executable: e_type = %u, want ET_EXEC (2) "
                      "(offset 16); link it with -static and no -pie", type);
    uint32_t flags = rd32(b + 48);
    if (flags & EF_RISCV_RVC_)
        return refuse(err, n, nm, "compressed instructions are not supported: e_flags = 0x%x "
                      "has EF_RISCV_RVC (offset 48); rebuild without the C extension "
                      "(-march=rv64im -mabi=lp64)", flags);
    if (rd32(b + 20) != 1)
        return refuse(err, n, nm, "unknown ELF version (e_version = %u at offset 20); the file "
                      "is damaged, rebuild it", rd32(b + 20));
    return 0;
}

/* Validates one PT_LOAD header and appends it to img (unless memsz is 0). */
static int add_load(const uint8_t *b, size_t len, const uint8_t *ph, unsigned idx,
                    const char *nm, struct rv_image *img, char *err, size_t n)
{
    uint32_t flags = rd32(ph + 4);
    uint64_t off = rd64(ph + 8), vaddr = rd64(ph + 16);
    uint64_t filesz = rd64(ph + 32), memsz = rd64(ph + 40);

    if (filesz > memsz)
        return refuse(err, n, nm, "segment %u: p_filesz 0x%llx > p_memsz 0x%llx; the file is "
                      "damaged or not a normal executable, rebuild it", idx,
                      (unsigned long long)filesz, (unsigned long long)memsz);
    if (off > len || filesz > len - off)
        return refuse(err, n, nm, "segment %u: file bytes [0x%llx, +0x%llx) extend beyond the "
                      "end of the file (%zu bytes); the file is truncated, rebuild or copy it "
                      "again", idx, (unsigned long long)off, (unsigned long long)filesz, len);
    if (memsz == 0)
        return 0;
    if (vaddr >= GUEST_SPACE || memsz > GUEST_SPACE - vaddr)
        return refuse(err, n, nm, "segment %u: addresses [0x%llx, +0x%llx) are outside the "
                      "2^40-byte guest address space; link the program below 0x10000000000",
                      idx, (unsigned long long)vaddr, (unsigned long long)memsz);
    for (unsigned i = 0; i < img->n_seg; i++) {
        const struct rv_segment *s = &img->seg[i];
        if (vaddr < s->vaddr + s->memsz && s->vaddr < vaddr + memsz)
            return refuse(err, n, nm, "segment %u [0x%llx, 0x%llx) overlaps an earlier loadable "
                          "segment [0x%llx, 0x%llx); fix the linker script", idx,
                          (unsigned long long)vaddr, (unsigned long long)(vaddr + memsz),
                          (unsigned long long)s->vaddr,
                          (unsigned long long)(s->vaddr + s->memsz));
    }
    if (img->n_seg >= RV_ELF_MAX_SEGMENTS)
        return refuse(err, n, nm, "segment %u: more than %u loadable segments; link the "
                      "program with fewer segments", idx, (unsigned)RV_ELF_MAX_SEGMENTS);
    struct rv_segment *s = &img->seg[img->n_seg++];
    s->vaddr = vaddr;
    s->memsz = memsz;
    s->filesz = filesz;
    s->data = filesz ? b + off : NULL;
    s->exec = (flags & PF_X_) != 0;
    return 0;
}

int rv_elf_parse(const uint8_t *buf, size_t len, const char *name, struct rv_image *img,
                 char *err, size_t errlen)
{
    const char *nm = name ? name : "(program)";
    if (err && errlen)
        err[0] = '\0';
    memset(img, 0, sizeof(*img));
    if (!buf)
        len = 0;
    if (check_header(buf, len, nm, err, errlen))
        return -1;

    uint64_t phoff = rd64(buf + 32);
    uint16_t phentsize = rd16(buf + 54), phnum = rd16(buf + 56);
    if (phnum == 0)
        return refuse(err, errlen, nm, "no program headers (e_phnum = 0 at offset 56); link it "
                      "as an executable, not a relocatable object");
    if (phnum > RV_ELF_MAX_PHNUM)
        return refuse(err, errlen, nm, "absurd program header count e_phnum = %u (offset 56, "
                      "at most %u); the file is damaged, rebuild it", phnum, RV_ELF_MAX_PHNUM);
    if (phentsize != PHDR_SIZE)
        return refuse(err, errlen, nm, "wrong program header size e_phentsize = %u (offset 54, "
                      "want %u); the file is damaged, rebuild it", phentsize, PHDR_SIZE);
    if (phoff > len || (uint64_t)phnum * PHDR_SIZE > len - phoff)
        return refuse(err, errlen, nm, "truncated program header table (%u entries at offset "
                      "0x%llx, file is %zu bytes); the file is damaged, rebuild or copy it "
                      "again", phnum, (unsigned long long)phoff, len);

    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + (uint64_t)i * PHDR_SIZE;
        if (rd32(ph) != PT_LOAD_)
            continue;
        if (add_load(buf, len, ph, i, nm, img, err, errlen))
            return -1;
    }
    if (img->n_seg == 0)
        return refuse(err, errlen, nm, "no loadable segment (no PT_LOAD with p_memsz > 0 among "
                      "%u program headers); link it as an executable", phnum);

    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < img->n_seg; i++) {
        const struct rv_segment *s = &img->seg[i];
        if (!s->exec)
            continue;
        if (s->vaddr < lo)
            lo = s->vaddr;
        if (s->vaddr + s->memsz > hi)
            hi = s->vaddr + s->memsz;
    }
    if (hi == 0)
        return refuse(err, errlen, nm, "no executable segment (no PT_LOAD with PF_X among %u "
                      "program headers); link it as an executable with a .text section", phnum);
    lo &= ~3ull;
    hi = (hi + 3) & ~3ull;   /* hi <= 2^40: no overflow */
    if (hi - lo > RV_ELF_MAX_TEXT)
        return refuse(err, errlen, nm, "executable segments span [0x%llx, 0x%llx), more than "
                      "the %llu MiB of text supported; keep code in one compact range",
                      (unsigned long long)lo, (unsigned long long)hi, RV_ELF_MAX_TEXT >> 20);

    uint64_t entry = rd64(buf + 24);
    if (entry & 3)
        return refuse(err, errlen, nm, "entry point 0x%llx is not 4-byte aligned (e_entry at "
                      "offset 24); rebuild without the C extension", (unsigned long long)entry);
    int in_exec = 0;
    for (unsigned i = 0; i < img->n_seg; i++) {
        const struct rv_segment *s = &img->seg[i];
        if (s->exec && entry >= s->vaddr && entry - s->vaddr < s->memsz)
            in_exec = 1;
    }
    if (!in_exec)
        return refuse(err, errlen, nm, "entry point 0x%llx is not inside an executable segment "
                      "(text is [0x%llx, 0x%llx)); check the linker script's ENTRY",
                      (unsigned long long)entry, (unsigned long long)lo, (unsigned long long)hi);
    img->entry = entry;
    img->text_start = lo;
    img->text_end = hi;
    return 0;
}
