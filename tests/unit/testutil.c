/* testutil.c — see testutil.h. */
#include "testutil.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tu_guest_dir(void)
{
    const char *d = getenv("RVT_GUEST_DIR");
    if (!d) {
        fprintf(stderr, "RVT_GUEST_DIR is not set: run the unit tests through ctest\n");
        abort();
    }
    return d;
}

char *tu_guest_path(const char *abi, const char *name)
{
    const char *d = tu_guest_dir();
    size_t n = strlen(d) + strlen(abi) + strlen(name) + 8;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s/%s.elf", d, abi, name);
    return p;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

unsigned tu_count(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *s = strstr(text, what); s; s = strstr(s + 1, what))
        n++;
    return n;
}

int tu_remove_dir(const char *dir)
{
    char cmd[4200];
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= (int)sizeof cmd)
        return -1;
    return system(cmd) == 0 ? 0 : -1;
}

uint8_t *tu_make_elf(const uint32_t *words, size_t n_words, const uint8_t *data,
                     size_t data_len, uint64_t data_addr, size_t *out_len)
{
    const uint64_t text_addr = 0x10000;
    unsigned nph = data ? 2 : 1;
    size_t text_off = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);
    text_off = (text_off + 15) & ~(size_t)15;
    size_t text_len = n_words * 4;
    size_t data_off = text_off + text_len;
    size_t total = data_off + (data ? data_len : 0);
    uint8_t *b = calloc(1, total);

    Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_RISCV;
    eh->e_version = EV_CURRENT;
    eh->e_entry = text_addr;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = (Elf64_Half)nph;

    Elf64_Phdr *ph = (Elf64_Phdr *)(b + eh->e_phoff);
    ph[0].p_type = PT_LOAD;
    ph[0].p_flags = PF_R | PF_X;
    ph[0].p_offset = text_off;
    ph[0].p_vaddr = ph[0].p_paddr = text_addr;
    ph[0].p_filesz = ph[0].p_memsz = text_len;
    ph[0].p_align = 4;
    memcpy(b + text_off, words, text_len);
    if (data) {
        ph[1].p_type = PT_LOAD;
        ph[1].p_flags = PF_R | PF_W;
        ph[1].p_offset = data_off;
        ph[1].p_vaddr = ph[1].p_paddr = data_addr;
        ph[1].p_filesz = ph[1].p_memsz = data_len;
        ph[1].p_align = 8;
        memcpy(b + data_off, data, data_len);
    }
    *out_len = total;
    return b;
}

struct rvt_program *tu_load(const uint32_t *words, size_t n, const uint8_t *data,
                            size_t data_len)
{
    size_t len;
    uint8_t *elf = tu_make_elf(words, n, data, data_len, TU_DATA_ADDR, &len);
    struct rvt_program *p;
    char err[512];
    if (rvt_program_load(elf, len, "test", &p, err, sizeof err) != 0) {
        fprintf(stderr, "tu_load: program refused: %s\n", err);
        abort();
    }
    free(elf);
    return p;
}

void tu_run(const uint32_t *words, size_t n, const uint8_t *data, size_t data_len,
            enum rvt_mode mode, const char *trace_path, uint64_t chunk_size, uint64_t max_cycles,
            struct rvt_result *r)
{
    struct rvt_program *p = tu_load(words, n, data, data_len);
    struct rvt_options o;
    rvt_options_init(&o);
    o.mode = mode;
    o.trace = trace_path != NULL;
    o.trace_path = trace_path;
    o.chunk_size = chunk_size;
    o.max_cycles = max_cycles;
    rvt_run(p, &o, r);
    rvt_program_free(p);
}
