/* elf.h — ELF64 RISC-V loader: validates an executable and describes what to copy where.
 *
 * rv_elf_parse() checks everything a run relies on and refuses with one specific message
 * (never a crash, never a silent skip). It copies nothing into guest memory; the runtime
 * does that from the segment list.
 * Usage: struct rv_image img; if (rv_elf_parse(buf, len, "x.elf", &img, err, n)) fail; */
#ifndef RVT_FRONTEND_ELF_H
#define RVT_FRONTEND_ELF_H

#include <stddef.h>
#include <stdint.h>

#define RV_ELF_MAX_SEGMENTS 64

struct rv_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t filesz;
    const uint8_t *data;   /* filesz bytes, pointing into the caller's buffer */
    int exec;              /* PF_X */
};

struct rv_image {
    uint64_t entry;
    struct rv_segment seg[RV_ELF_MAX_SEGMENTS];
    unsigned n_seg;
    /* The text: the executable segments, as one range [text_start, text_end), 4-aligned.
     * Gaps between executable segments (if any) hold zero words (which decode as traps). */
    uint64_t text_start;
    uint64_t text_end;
};

/* Returns 0, or -1 with err = "<name>: <what is wrong> (<where>); <what to do>". */
int rv_elf_parse(const uint8_t *buf, size_t len, const char *name, struct rv_image *img,
                 char *err, size_t errlen);

#endif
