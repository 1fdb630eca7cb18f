/* test_elf.c — rv_elf_parse: a table of malformed executables made from tu_make_elf() by
 * patching one field each (refused, with a specific message), valid variants (accepted, with
 * the expected image), and a fixed-seed mutation fuzz loop (no crash, deterministic result,
 * invariants of every accepted image). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/elf.h"
#include "testutil.h"

#define PH(i) (64 + 56 * (i))
#define PH_TYPE 0
#define PH_FLAGS 4
#define PH_OFFSET 8
#define PH_VADDR 16
#define PH_FILESZ 32
#define PH_MEMSZ 40
#define DATA_ADDR 0x20000

static void w16(uint8_t *b, size_t off, uint16_t v) { memcpy(b + off, &v, 2); }
static void w32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void w64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }
static uint64_t r64(const uint8_t *b, size_t off) { uint64_t v; memcpy(&v, b + off, 8); return v; }

static const uint32_t prog[] = {0x00a00513, 0x00000293, 0x00000073, 0x0000006f};
static const uint8_t data[24] = {1, 2, 3, 4, 5, 6, 7, 8};

/* A valid two-segment ELF: text at 0x10000 (16 bytes), data at DATA_ADDR (24 bytes). */
static uint8_t *make(size_t *len)
{
    return tu_make_elf(prog, 4, data, sizeof(data), DATA_ADDR, len);
}

struct bad_case {
    const char *what;
    void (*patch)(uint8_t *b, size_t *len);
    const char *msg;   /* expected substring */
};

static void p_magic(uint8_t *b, size_t *l) { (void)l; b[1] = 'X'; }
static void p_class32(uint8_t *b, size_t *l) { (void)l; b[4] = 1; }
static void p_bigendian(uint8_t *b, size_t *l) { (void)l; b[5] = 2; }
static void p_identver(uint8_t *b, size_t *l) { (void)l; b[6] = 0; }
static void p_machine(uint8_t *b, size_t *l) { (void)l; w16(b, 18, 62); }
static void p_dyn(uint8_t *b, size_t *l) { (void)l; w16(b, 16, 3); }
static void p_rel(uint8_t *b, size_t *l) { (void)l; w16(b, 16, 1); }
static void p_rvc(uint8_t *b, size_t *l) { (void)l; w32(b, 48, 0x5); }
static void p_version(uint8_t *b, size_t *l) { (void)l; w32(b, 20, 7); }
static void p_trunc3(uint8_t *b, size_t *l) { (void)b; *l = 3; }
static void p_trunc0(uint8_t *b, size_t *l) { (void)b; *l = 0; }
static void p_trunc_ehdr(uint8_t *b, size_t *l) { (void)b; *l = 40; }
static void p_trunc_ehdr63(uint8_t *b, size_t *l) { (void)b; *l = 63; }
static void p_trunc_phdr(uint8_t *b, size_t *l) { (void)b; *l = PH(1) + 10; }
static void p_trunc_phdr_end(uint8_t *b, size_t *l) { (void)b; *l = PH(2) - 1; }
static void p_trunc_data(uint8_t *b, size_t *l) { (void)b; *l -= 1; }
static void p_phnum_huge(uint8_t *b, size_t *l) { (void)l; w16(b, 56, 0xffff); }
static void p_phnum_big(uint8_t *b, size_t *l) { (void)l; w16(b, 56, 1000); }
static void p_phnum0(uint8_t *b, size_t *l) { (void)l; w16(b, 56, 0); }
static void p_phentsize(uint8_t *b, size_t *l) { (void)l; w16(b, 54, 32); }
static void p_phoff_huge(uint8_t *b, size_t *l) { (void)l; w64(b, 32, UINT64_MAX - 8); }
static void p_filesz_beyond(uint8_t *b, size_t *l)
{
    (void)l;
    w64(b, PH(0) + PH_FILESZ, 0x100000);
    w64(b, PH(0) + PH_MEMSZ, 0x100000);
}
static void p_offset_overflow(uint8_t *b, size_t *l)
{
    (void)l;
    w64(b, PH(1) + PH_OFFSET, UINT64_MAX - 4);
}
static void p_filesz_gt_memsz(uint8_t *b, size_t *l) { (void)l; w64(b, PH(1) + PH_MEMSZ, 8); }
static void p_vaddr_2_40(uint8_t *b, size_t *l) { (void)l; w64(b, PH(1) + PH_VADDR, 1ull << 40); }
static void p_end_2_40(uint8_t *b, size_t *l)
{
    (void)l;
    w64(b, PH(1) + PH_VADDR, (1ull << 40) - 16);
}
static void p_vaddr_overflow(uint8_t *b, size_t *l)
{
    (void)l;
    w64(b, PH(1) + PH_VADDR, 0xfffffffffffff000ull);
    w64(b, PH(1) + PH_MEMSZ, 0x2000);
}
static void p_overlap(uint8_t *b, size_t *l) { (void)l; w64(b, PH(1) + PH_VADDR, 0x1000c); }
static void p_overlap_contains(uint8_t *b, size_t *l)
{
    (void)l;
    w64(b, PH(1) + PH_VADDR, 0xff00);
    w64(b, PH(1) + PH_MEMSZ, 0x1000);
}
static void p_entry_misaligned(uint8_t *b, size_t *l) { (void)l; w64(b, 24, 0x10002); }
static void p_entry_data(uint8_t *b, size_t *l) { (void)l; w64(b, 24, DATA_ADDR); }
static void p_entry_after_text(uint8_t *b, size_t *l) { (void)l; w64(b, 24, 0x10010); }
static void p_entry_zero(uint8_t *b, size_t *l) { (void)l; w64(b, 24, 0); }
static void p_no_exec(uint8_t *b, size_t *l) { (void)l; w32(b, PH(0) + PH_FLAGS, 4); }
static void p_no_load(uint8_t *b, size_t *l)
{
    (void)l;
    w32(b, PH(0) + PH_TYPE, 4);      /* PT_NOTE */
    w32(b, PH(1) + PH_TYPE, 0x6474e551); /* PT_GNU_STACK */
}
static void p_memsz0(uint8_t *b, size_t *l)
{
    (void)l;
    w64(b, PH(0) + PH_FILESZ, 0);
    w64(b, PH(0) + PH_MEMSZ, 0);
}
static void p_text_huge(uint8_t *b, size_t *l)
{
    (void)l;
    w64(b, PH(0) + PH_MEMSZ, 1ull << 30);
    w64(b, PH(1) + PH_VADDR, 0x80000000ull);
}
static void p_exec_far_apart(uint8_t *b, size_t *l)
{
    (void)l;
    w32(b, PH(1) + PH_FLAGS, 5);
    w64(b, PH(1) + PH_VADDR, 0x80000000ull);
}

static const struct bad_case bad[] = {
    {"not ELF", p_magic, "not an ELF file"},
    {"32-bit", p_class32, "not a 64-bit ELF (EI_CLASS = 1 at offset 4)"},
    {"big-endian", p_bigendian, "not a little-endian ELF"},
    {"EI_VERSION", p_identver, "unknown ELF version"},
    {"x86-64", p_machine, "wrong machine: e_machine = 62"},
    {"ET_DYN", p_dyn, "not a static executable: e_type = 3"},
    {"ET_REL", p_rel, "not a static executable: e_type = 1"},
    {"RVC", p_rvc, "compressed instructions are not supported"},
    {"e_version", p_version, "unknown ELF version (e_version = 7"},
    {"3 bytes", p_trunc3, "not an ELF file"},
    {"empty", p_trunc0, "not an ELF file"},
    {"header cut", p_trunc_ehdr, "truncated ELF header (file is 40 bytes"},
    {"header cut 63", p_trunc_ehdr63, "truncated ELF header"},
    {"phdr cut", p_trunc_phdr, "truncated program header table"},
    {"phdr cut end", p_trunc_phdr_end, "truncated program header table"},
    {"data cut", p_trunc_data, "segment 1: file bytes"},
    {"phnum 0xffff", p_phnum_huge, "absurd program header count e_phnum = 65535"},
    {"phnum 1000", p_phnum_big, "truncated program header table (1000 entries"},
    {"phnum 0", p_phnum0, "no program headers"},
    {"phentsize", p_phentsize, "wrong program header size e_phentsize = 32"},
    {"phoff huge", p_phoff_huge, "truncated program header table"},
    {"filesz beyond", p_filesz_beyond, "segment 0: file bytes"},
    {"offset overflow", p_offset_overflow, "beyond the end of the file"},
    {"filesz > memsz", p_filesz_gt_memsz, "segment 1: p_filesz 0x18 > p_memsz 0x8"},
    {"vaddr 2^40", p_vaddr_2_40, "segment 1: addresses [0x10000000000"},
    {"end past 2^40", p_end_2_40, "outside the 2^40-byte guest address space"},
    {"vaddr+memsz overflow", p_vaddr_overflow, "outside the 2^40-byte guest address space"},
    {"overlap", p_overlap, "segment 1 [0x1000c, 0x10024) overlaps"},
    {"overlap contains", p_overlap_contains, "overlaps an earlier loadable segment"},
    {"entry misaligned", p_entry_misaligned, "entry point 0x10002 is not 4-byte aligned"},
    {"entry in data", p_entry_data, "entry point 0x20000 is not inside an executable segment"},
    {"entry after text", p_entry_after_text, "entry point 0x10010 is not inside"},
    {"entry 0", p_entry_zero, "entry point 0x0 is not inside"},
    {"no exec", p_no_exec, "no executable segment"},
    {"no PT_LOAD", p_no_load, "no loadable segment"},
    {"memsz 0", p_memsz0, "no executable segment"},
    {"text 1 GiB", p_text_huge, "more than the 256 MiB of text supported"},
    {"exec far apart", p_exec_far_apart, "executable segments span [0x10000, 0x80000018)"},
};
#define N_BAD (sizeof(bad) / sizeof(bad[0]))

START_TEST(test_refused)
{
    const struct bad_case *c = &bad[_i];
    size_t len;
    uint8_t *b = make(&len);
    c->patch(b, &len);
    struct rv_image img;
    char err[512];
    int rc = rv_elf_parse(b, len, "x.elf", &img, err, sizeof(err));
    ck_assert_msg(rc == -1, "%s: accepted", c->what);
    ck_assert_msg(strncmp(err, "x.elf: ", 7) == 0, "%s: message lacks the name: %s", c->what, err);
    ck_assert_msg(strstr(err, c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"", c->what, err,
                  c->msg);
    ck_assert_msg(strchr(err, ';') != NULL, "%s: message says no remedy: %s", c->what, err);
    /* A small error buffer truncates, never overflows. */
    char small[12];
    memset(small, 'Z', sizeof(small));
    ck_assert_int_eq(rv_elf_parse(b, len, "x.elf", &img, small, 8), -1);
    ck_assert_uint_eq(strlen(small), 7);
    ck_assert_int_eq(small[9], 'Z');
    free(b);
}
END_TEST

START_TEST(test_valid_basic)
{
    size_t len;
    uint8_t *b = make(&len);
    struct rv_image img;
    char err[512];
    ck_assert_msg(rv_elf_parse(b, len, "ok.elf", &img, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(img.entry, 0x10000);
    ck_assert_uint_eq(img.text_start, 0x10000);
    ck_assert_uint_eq(img.text_end, 0x10010);
    ck_assert_uint_eq(img.n_seg, 2);
    ck_assert_uint_eq(img.seg[0].vaddr, 0x10000);
    ck_assert_uint_eq(img.seg[0].filesz, 16);
    ck_assert_int_eq(img.seg[0].exec, 1);
    ck_assert_ptr_eq(img.seg[0].data, b + r64(b, PH(0) + PH_OFFSET));
    ck_assert_int_eq(memcmp(img.seg[0].data, prog, sizeof(prog)), 0);
    ck_assert_uint_eq(img.seg[1].vaddr, DATA_ADDR);
    ck_assert_uint_eq(img.seg[1].memsz, 24);
    ck_assert_int_eq(img.seg[1].exec, 0);
    ck_assert_int_eq(memcmp(img.seg[1].data, data, sizeof(data)), 0);
    free(b);

    b = tu_make_elf(prog, 4, NULL, 0, 0, &len); /* text only */
    ck_assert_msg(rv_elf_parse(b, len, "ok.elf", &img, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(img.n_seg, 1);
    free(b);
}
END_TEST

/* Segment types other than PT_LOAD are ignored, whatever their fields say. */
START_TEST(test_valid_ignored_segments)
{
    static const uint32_t types[] = {4 /* PT_NOTE */, 0x70000003 /* PT_RISCV_ATTRIBUTES */,
                                     0x6474e551 /* PT_GNU_STACK */, 0 /* PT_NULL */,
                                     6 /* PT_PHDR */};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t len;
        uint8_t *b = make(&len);
        w32(b, PH(1) + PH_TYPE, types[i]);
        w64(b, PH(1) + PH_OFFSET, UINT64_MAX);          /* nonsense, but ignored */
        w64(b, PH(1) + PH_VADDR, 0x10000);
        struct rv_image img;
        char err[512];
        ck_assert_msg(rv_elf_parse(b, len, "ok.elf", &img, err, sizeof(err)) == 0,
                      "type 0x%x: %s", types[i], err);
        ck_assert_uint_eq(img.n_seg, 1);
        free(b);
    }
}
END_TEST

/* .bss tails, unaligned text bounds (rounded out to 4) and a zero-size PT_LOAD. */
START_TEST(test_valid_rounding_and_bss)
{
    size_t len;
    uint8_t *b = make(&len);
    w64(b, PH(0) + PH_VADDR, 0x10002);
    w64(b, PH(0) + PH_MEMSZ, 0x20);      /* filesz 16, memsz 32: a zero tail */
    w64(b, 24, 0x10004);
    w64(b, PH(1) + PH_MEMSZ, 0x1000);   /* .bss after data */
    struct rv_image img;
    char err[512];
    ck_assert_msg(rv_elf_parse(b, len, "ok.elf", &img, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(img.text_start, 0x10000);
    ck_assert_uint_eq(img.text_end, 0x10024);
    ck_assert_uint_eq(img.seg[1].memsz, 0x1000);
    ck_assert_uint_eq(img.seg[1].filesz, 24);
    free(b);

    b = make(&len);
    w64(b, PH(1) + PH_FILESZ, 0);
    w64(b, PH(1) + PH_MEMSZ, 0);
    w64(b, PH(1) + PH_VADDR, 0x10000);   /* empty: skipped, so no overlap */
    ck_assert_msg(rv_elf_parse(b, len, "ok.elf", &img, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(img.n_seg, 1);
    free(b);

    b = make(&len);                       /* a segment ending exactly at 2^40 is fine */
    w64(b, PH(1) + PH_VADDR, (1ull << 40) - 24);
    ck_assert_msg(rv_elf_parse(b, len, "ok.elf", &img, err, sizeof(err)) == 0, "%s", err);
    free(b);
}
END_TEST

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void check_invariants(const uint8_t *b, size_t len, const struct rv_image *img)
{
    ck_assert_uint_gt(img->n_seg, 0);
    ck_assert_uint_le(img->n_seg, RV_ELF_MAX_SEGMENTS);
    ck_assert_uint_eq(img->text_start & 3, 0);
    ck_assert_uint_eq(img->text_end & 3, 0);
    ck_assert_uint_lt(img->text_start, img->text_end);
    ck_assert_uint_le(img->text_end, 1ull << 40);
    ck_assert_uint_eq(img->entry & 3, 0);
    ck_assert(img->entry >= img->text_start && img->entry < img->text_end);
    for (unsigned i = 0; i < img->n_seg; i++) {
        const struct rv_segment *s = &img->seg[i];
        ck_assert_uint_le(s->filesz, s->memsz);
        ck_assert_uint_le(s->vaddr + s->memsz, 1ull << 40);
        if (s->filesz) {
            ck_assert(s->data >= b && s->data + s->filesz <= b + len);
        }
    }
}

/* 20000 mutants of a valid ELF: random bytes overwritten (mostly in the headers), random
 * fields set to extreme values, random truncation. Each parse must return the same result
 * and message twice, and an accepted image must satisfy the invariants. */
START_TEST(test_fuzz)
{
    size_t len0;
    uint8_t *orig = make(&len0);
    uint8_t *b = malloc(len0);
    uint64_t s = 0x243f6a8885a308d3ull;
    unsigned accepted = 0;
    static const uint64_t extremes[] = {0, 1, 3, 4, 0x10000, 0xffffffffull, 1ull << 40,
                                        (1ull << 40) - 1, UINT64_MAX, UINT64_MAX - 3,
                                        0x8000000000000000ull};
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(b, orig, len0);
        size_t len = len0;
        int nmut = 1 + (int)(xorshift(&s) % 4);
        for (int k = 0; k < nmut; k++) {
            uint64_t r = xorshift(&s);
            switch (r % 4) {
            case 0: /* a byte in the headers */
                b[(r >> 8) % PH(2)] = (uint8_t)(r >> 32);
                break;
            case 1: /* a byte anywhere */
                b[(r >> 8) % len0] = (uint8_t)(r >> 32);
                break;
            case 2: { /* an 8-byte field of a phdr or the ehdr to an extreme */
                size_t off = ((r >> 8) % (PH(2) / 8)) * 8;
                w64(b, off, extremes[(r >> 32) % (sizeof(extremes) / sizeof(extremes[0]))]);
                break;
            }
            default: /* truncate */
                len = (size_t)((r >> 8) % (len0 + 1));
                break;
            }
        }
        struct rv_image img1, img2;
        char e1[512], e2[512];
        int rc1 = rv_elf_parse(b, len, "f.elf", &img1, e1, sizeof(e1));
        int rc2 = rv_elf_parse(b, len, "f.elf", &img2, e2, sizeof(e2));
        ck_assert_int_eq(rc1, rc2);
        if (rc1 == 0) {
            accepted++;
            ck_assert_int_eq(memcmp(&img1, &img2, sizeof(img1)), 0);
            check_invariants(b, len, &img1);
        } else {
            ck_assert_str_eq(e1, e2);
            ck_assert_msg(strncmp(e1, "f.elf: ", 7) == 0 && strlen(e1) > 20, "bad msg: %s", e1);
        }
    }
    /* Both outcomes must occur, or the mutations are not exercising anything. */
    ck_assert_uint_gt(accepted, 100);
    ck_assert_uint_lt(accepted, 19000);
    free(b);
    free(orig);
}
END_TEST

Suite *test_elf_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("elf");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_refused, 0, (int)N_BAD);
    tcase_add_test(tc, test_valid_basic);
    tcase_add_test(tc, test_valid_ignored_segments);
    tcase_add_test(tc, test_valid_rounding_and_bss);
    tcase_add_test(tc, test_fuzz);
    suite_add_tcase(s, tc);
    return s;
}
