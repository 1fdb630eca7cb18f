/* test_t0_dump.c — the tier 0 listing (t0_dump_asm, `rvtier run --dump-asm`): a small program
 * with a loop, a load, a store, an ECALL and a halt is translated and dumped; the listing must
 * have every section, every guest instruction in order with at least one host line under it,
 * plausible x86 mnemonics, branch notes that resolve to guest pcs and the epilogue, no
 * undecodable bytes, and host byte counts that add up to the whole code buffer; translated in
 * slices too, with each slice's stubs under a heading of their own. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/rvtier.h"
#include "runtime/program.h"
#include "rv_asm.h"
#include "testutil.h"
#include "tiers/tier0/tier0.h"

#define N_WORDS 8   /* the program of dump_program, 0x10000 .. 0x1001c */

/* Translates the program on `threads` threads (t0_options) and dumps it; the caller frees
 * *code_out (t0_code_free) and *pp. */
static char *dump_program(unsigned threads, struct t0_code **code_out, size_t *len,
                          struct rvt_program **pp)
{
    const uint32_t prog_words[N_WORDS] = {
        RV_ADDI(10, 0, 3),         /* 0x10000 */
        RV_LUI(11, 0x20),          /* 0x10004: x11 = data (0x20000) */
        RV_LD(7, 11, 0),           /* 0x10008: x7 lives in ctx (regs[7]: r12 - 0x58) */
        RV_ADDI(10, 10, -1),       /* 0x1000c */
        RV_SD(10, 11, 8),          /* 0x10010 */
        RV_BNE(10, 0, -8),         /* 0x10014: -> 0x1000c */
        RV_HALT,                   /* 0x10018, 0x1001c */
    };
    uint8_t data[16] = {0};
    size_t elf_len;
    uint8_t *elf = tu_make_elf(prog_words, N_WORDS, data, sizeof data,
                               TU_DATA_ADDR, &elf_len);
    char err[512];
    ck_assert_msg(rvt_program_load(elf, elf_len, "dump-test", pp, err, sizeof err) == 0, "%s",
                  err);
    free(elf);
    struct t0_code *code;
    const struct t0_options o = {.threads = threads};
    ck_assert_msg(t0_translate_opts(*pp, &o, &code, err, sizeof err) == 0, "translate: %s",
                  err);
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    ck_assert_msg(t0_dump_asm(f, *pp, code, err, sizeof err) == 0, "dump: %s", err);
    fclose(f);
    *code_out = code;
    return text;
}

START_TEST(listing_has_sections_guest_lines_and_host_code)
{
    const unsigned threads = (unsigned)_i;   /* 1, or slices */
    struct t0_code *code;
    struct rvt_program *p;
    size_t len;
    char *text = dump_program(threads, &code, &len, &p);
    ck_assert_uint_eq(code->n_slices, threads);
    ck_assert_msg((strstr(text, "-- slice 1 (from 0x") != NULL) == (threads > 1),
                  "slice headings with %u slices:\n%s", threads, text);
    static const char *const must[] = {
        "== prologue", "== epilogue", "== guest code ==", "== exit stubs",
        "0x10000: addi x10,x0,3\n", "0x10008: ld x7,0(x11)\n", "0x10010: sd x10,8(x11)\n",
        "0x10014: bne x10,x0,1000c\n", "0x1001c: ecall\n",
        "push\t", "pop\t", "ret", "mov\t", "add\t", "cmp\t", "jmp\t",
        "mov\tqword ptr [r12 - 0x58], ",
        "; -> +0x", "; -> epilogue", "; -> stub",
    };
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++)
        ck_assert_msg(strstr(text, must[k]) != NULL, "listing lacks '%s':\n%s", must[k], text);
    ck_assert_msg(strstr(text, "undecodable") == NULL, "undecodable bytes:\n%s", text);

    /* guest lines in order, each followed by host lines; host bytes add up to code_len */
    uint64_t next_pc = 0x10000, host_bytes = 0;
    int host_lines_since_guest = 1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long pc;
        if (sscanf(line, "0x%llx:", &pc) == 1) {
            ck_assert_msg(host_lines_since_guest > 0, "no host code before '%s'", line);
            ck_assert_msg(pc == next_pc, "guest line '%s', expected pc 0x%llx", line,
                          (unsigned long long)next_pc);
            next_pc += 4;
            host_lines_since_guest = 0;
        } else if (line[0] == ' ') {
            char *colon = strchr(line, ':');
            ck_assert_msg(colon != NULL, "host line without offset: '%s'", line);
            /* ":  xx xx xx   mnemonic": bytes are "xx " groups up to the first double space */
            for (const char *s = colon + 3; isxdigit((unsigned char)s[0]) &&
                                            isxdigit((unsigned char)s[1]) && s[2] == ' ';
                 s += 3)
                host_bytes++;
            host_lines_since_guest++;
        }
    }
    ck_assert_uint_eq(next_pc, 0x10000 + 4 * N_WORDS);
    ck_assert_uint_eq(host_bytes, t0_code_bytes(code));
    free(text);
    t0_code_free(code);
    rvt_program_free(p);
}
END_TEST

START_TEST(dump_refuses_code_of_another_program)
{
    struct t0_code *code;
    struct rvt_program *p;
    size_t len;
    free(dump_program(1, &code, &len, &p));
    struct t0_code other = *code;
    other.n_insns = code->n_insns + 1;
    char err[256] = "";
    FILE *f = fopen("/dev/null", "w");
    ck_assert_int_eq(t0_dump_asm(f, p, &other, err, sizeof err), -1);
    fclose(f);
    ck_assert_msg(strstr(err, "not translated from this program") != NULL, "err: %s", err);
    t0_code_free(code);
    rvt_program_free(p);
}
END_TEST

Suite *test_t0_dump_suite(void)
{
    Suite *s = suite_create("t0_dump");
    TCase *tc = tcase_create("dump");
    tcase_add_loop_test(tc, listing_has_sections_guest_lines_and_host_code, 1, 4);
    tcase_add_test(tc, dump_refuses_code_of_another_program);
    suite_add_tcase(s, tc);
    return s;
}
