/* cli_disasm.c — `rvtier disasm PROGRAM.elf`: the decoded text, objdump style
 * (riscv64-unknown-elf-objdump -d -M no-aliases,numeric). */
#include <stdio.h>
#include <string.h>

#include "frontend/disasm.h"
#include "include/rvtier.h"
#include "runtime/cli.h"
#include "runtime/program.h"

static const char disasm_usage[] =
    "usage: rvtier disasm PROGRAM.elf\n"
    "\n"
    "Prints every word of the program's executable segments as rvtier decodes it, in the\n"
    "format of `riscv64-unknown-elf-objdump -d -M no-aliases,numeric`. Words rvtier would trap\n"
    "on (EBREAK, CSR instructions, non-RV64IM words) are listed too.\n";

int cli_disasm(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(disasm_usage, stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs(disasm_usage, stderr);
        return RVT_EXIT_USAGE;
    }
    struct rvt_program *p;
    char err[512];
    if (rvt_program_load_file(argv[1], &p, err, sizeof err) != 0) {
        fprintf(stderr, "rvtier: %s\n", err);
        return RVT_EXIT_USAGE;
    }
    rv_disasm_image(stdout, &p->img);
    rvt_program_free(p);
    return 0;
}
