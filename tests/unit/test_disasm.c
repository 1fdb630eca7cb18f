/* test_disasm.c — rv_disasm against a table (disasm_cases.inc), and the whole listing
 * (rv_disasm_image) against the installed GNU objdump on ~23000 words: structured random
 * words on every RV64IM major opcode, random words, and the table's words, assembled with
 * `.insn` into an ELF by riscv64-unknown-elf-gcc at test time.
 * Comparison rules: objdump lines at 4-aligned addresses only; "<symbol>" and "# comment"
 * annotations dropped; where objdump shows a 16-bit unit (a compressed-looking word, which this
 * machine treats as one illegal 32-bit word) the listing must show ".4byte" with the same low
 * halfword. Everything else must match exactly (word, mnemonic, operands). */
#include <check.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/disasm.h"
#include "testutil.h"

struct disasm_case {
    uint32_t word;
    uint64_t pc;
    const char *text;
};

static const struct disasm_case cases[] = {
#include "disasm_cases.inc"
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

START_TEST(test_table)
{
    const struct disasm_case *c = &cases[_i];
    struct rv_insn in;
    char buf[RV_DISASM_MAX];
    rv_decode(c->word, &in);
    int n = rv_disasm(&in, c->pc, buf, sizeof(buf));
    ck_assert_msg(strcmp(buf, c->text) == 0, "0x%08x at 0x%" PRIx64 ": \"%s\", want \"%s\"",
                  c->word, c->pc, buf, c->text);
    ck_assert_int_eq(n, (int)strlen(c->text));
}
END_TEST

START_TEST(test_truncation)
{
    struct rv_insn in;
    char buf[8];
    rv_decode(0x300110f3, &in); /* csrrw x1,mstatus,x2 */
    memset(buf, 'Z', sizeof(buf));
    int n = rv_disasm(&in, 0, buf, 5);
    ck_assert_int_eq(n, (int)strlen("csrrw\tx1,mstatus,x2"));
    ck_assert_str_eq(buf, "csrr");
    ck_assert_int_eq(buf[5], 'Z');
    ck_assert_int_eq(rv_disasm(&in, 0, NULL, 0), n);
}
END_TEST

START_TEST(test_listing_format)
{
    static const uint8_t bytes[] = {0x13, 0x05, 0xa0, 0x00, 0x73, 0x00, 0x00, 0x00, 0x6f};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    rv_disasm_listing(f, bytes, 0x10078, 0x10078 + sizeof(bytes));
    fclose(f);
    ck_assert_str_eq(text, "   10078:\t00a00513          \taddi\tx10,x0,10\n"
                           "   1007c:\t00000073          \tecall\n"
                           "   10080:\t0000006f          \tjal\tx0,10080\n");
    free(text);
}
END_TEST

/* One parsed listing line: address, word column, text with annotations dropped and
 * whitespace runs collapsed to one space. Returns 0 if the line is not an instruction line. */
static int parse_line(const char *line, uint64_t *addr, char *word, size_t wlen, char *text,
                      size_t tlen)
{
    char *end;
    while (*line == ' ')
        line++;
    if (!isxdigit((unsigned char)*line))
        return 0;
    *addr = strtoull(line, &end, 16);
    if (*end != ':' || end[1] != '\t')
        return 0;
    const char *p = end + 2;
    size_t k = 0;
    while (isxdigit((unsigned char)*p) && k + 1 < wlen)
        word[k++] = *p++;
    word[k] = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    k = 0;
    int space = 0;
    for (; *p && *p != '\n' && k + 1 < tlen; p++) {
        if (*p == '<' || *p == '#')
            break;
        if (*p == ' ' || *p == '\t') {
            space = 1;
            continue;
        }
        if (space && k)
            text[k++] = ' ';
        space = 0;
        text[k++] = *p;
    }
    text[k] = '\0';
    return k > 0;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Words for the objdump comparison. No 48/64-bit length prefixes (objdump would read past
 * the word); compressed-looking words have a compressed-looking upper half too, so objdump
 * resynchronises at the next word. */
static size_t make_words(uint32_t *w, size_t max)
{
    static const uint8_t opcodes[] = {0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x33,
                                      0x37, 0x3b, 0x63, 0x67, 0x6f, 0x73};
    uint64_t s = 0x0123456789abcdefull;
    size_t n = 0;
    for (size_t i = 0; i < N_CASES; i++)
        if ((cases[i].word & 0x1f) != 0x1f && (cases[i].word & 3) == 3)
            w[n++] = cases[i].word;
    while (n < max) {
        uint64_t r = xorshift(&s);
        uint32_t x = (uint32_t)r;
        if (n % 8 != 0) {
            x = (x & ~0x7fu) | opcodes[(r >> 32) % sizeof(opcodes)];
            unsigned shape = (unsigned)(r >> 40) % 10;
            if (shape < 3)
                x &= 0x01ffffffu;
            else if (shape == 3)
                x = (x & 0x01ffffffu) | 0x40000000u;
            else if (shape == 4)
                x = (x & 0x01ffffffu) | 0x02000000u;
            if ((r >> 48) % 5 == 0)
                x &= ~(0x1fu << 7);
            if ((r >> 52) % 5 == 0)
                x &= ~(0x1fu << 15);
        }
        if ((x & 3) == 3 && (x & 0x1c) == 0x1c)
            continue;
        if ((x & 3) != 3)
            x &= ~(1u << 16);
        w[n++] = x;
    }
    return n;
}

static int sh(const char *cmd)
{
    return system(cmd) == 0 ? 0 : -1;
}

START_TEST(test_against_objdump)
{
    enum { N_WORDS = 23000 };
    uint32_t *words = malloc(N_WORDS * sizeof(uint32_t));
    size_t n = make_words(words, N_WORDS);
    char dir[] = "/tmp/rvt_disasm_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], cmd[1024];
    snprintf(path, sizeof(path), "%s/f.S", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, ".globl _start\n_start:\n");
    for (size_t i = 0; i < n; i++) {
        if ((words[i] & 3) == 3)
            fprintf(f, ".insn 0x%08" PRIx32 "\n", words[i]);
        else
            fprintf(f, ".insn 0x%04" PRIx32 "\n.insn 0x%04" PRIx32 "\n", words[i] & 0xffff,
                    words[i] >> 16);
    }
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "cd %s && riscv64-unknown-elf-gcc -march=rv64im_zicsr -mabi=lp64 -nostdlib "
             "-Wl,-Ttext=0x10000 f.S -o f.elf", dir);
    ck_assert_msg(sh(cmd) == 0, "building the comparison ELF failed: %s (needs "
                  "gcc-riscv64-unknown-elf; run scripts/setup.sh)", cmd);

    /* Our listing, through the ELF loader like `rvtier disasm`. */
    snprintf(path, sizeof(path), "%s/f.elf", dir);
    size_t elf_len;
    uint8_t *elf = tu_read_file(path, &elf_len);
    ck_assert_ptr_nonnull(elf);
    static struct rv_image img;
    char err[512];
    ck_assert_msg(rv_elf_parse(elf, elf_len, path, &img, err, sizeof(err)) == 0, "%s", err);
    char *mine = NULL;
    size_t mine_len = 0;
    FILE *m = open_memstream(&mine, &mine_len);
    rv_disasm_image(m, &img);
    fclose(m);
    uint64_t n_text = (img.text_end - img.text_start) / 4;
    char (*my_text)[RV_DISASM_MAX] = calloc(n_text, RV_DISASM_MAX);
    char (*my_word)[16] = calloc(n_text, 16);
    char *save = NULL, text[RV_DISASM_MAX], word[16];
    uint64_t addr, my_lines = 0;
    for (char *line = strtok_r(mine, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!parse_line(line, &addr, word, sizeof(word), text, sizeof(text)))
            continue;
        ck_assert_msg(addr == img.text_start + 4 * my_lines, "listing line out of order: %s",
                      line);
        memcpy(my_text[my_lines], text, sizeof(text));
        memcpy(my_word[my_lines], word, sizeof(word));
        my_lines++;
    }
    ck_assert_uint_eq(my_lines, n_text);

    snprintf(cmd, sizeof(cmd), "riscv64-unknown-elf-objdump -d -M no-aliases,numeric %s", path);
    FILE *od = popen(cmd, "r");
    ck_assert_ptr_nonnull(od);
    char line[512];
    unsigned compared = 0, bad = 0;
    while (fgets(line, sizeof(line), od)) {
        if (!parse_line(line, &addr, word, sizeof(word), text, sizeof(text)) || (addr & 3))
            continue;
        ck_assert_msg(addr >= img.text_start && addr < img.text_end,
                      "objdump shows 0x%" PRIx64 " outside the text", addr);
        uint64_t i = (addr - img.text_start) / 4;
        compared++;
        int ok;
        if (strlen(word) == 4)
            ok = strncmp(my_text[i], ".4byte", 6) == 0 && strcmp(my_word[i] + 4, word) == 0;
        else
            ok = strcmp(my_word[i], word) == 0 && strcmp(my_text[i], text) == 0;
        if (!ok && ++bad <= 20)
            fprintf(stderr, "disasm mismatch at 0x%" PRIx64 ": objdump \"%s %s\", rvtier "
                    "\"%s %s\"\n", addr, word, text, my_word[i], my_text[i]);
    }
    ck_assert_int_eq(pclose(od), 0);
    ck_assert_msg(bad == 0, "%u of %u objdump lines differ (first ones on stderr)", bad,
                  compared);
    ck_assert_msg(compared == n, "compared %u lines, generated %zu words", compared, n);

    free(my_text);
    free(my_word);
    free(mine);
    free(elf);
    free(words);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

Suite *test_disasm_suite(void)
{
    Suite *s = suite_create("disasm");
    TCase *tc = tcase_create("disasm");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_table, 0, (int)N_CASES);
    tcase_add_test(tc, test_truncation);
    tcase_add_test(tc, test_listing_format);
    tcase_add_test(tc, test_against_objdump);
    suite_add_tcase(s, tc);
    return s;
}
