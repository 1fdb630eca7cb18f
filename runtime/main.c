/* main.c — `rvtier`: a thin command line over librvtier. Subcommands: run, disasm, trace,
 * serve, submit. */
#include <stdio.h>
#include <string.h>

#include "runtime/cli.h"

static const char usage[] =
    "usage: rvtier <command> [options]\n"
    "\n"
    "Runs RISC-V RV64IM guest programs (SP1 zkVM v6 compatible) and records their\n"
    "execution trace.\n"
    "\n"
    "commands:\n"
    "  run PROGRAM.elf [options]   run a guest (rvtier run --help for options)\n"
    "  disasm PROGRAM.elf          print the decoded text, objdump style\n"
    "  trace FILE                  summarise and check a trace file\n"
    "  serve [options]             run the JIT as an HTTP JSON service (docs/service.md)\n"
    "  submit --server URL PROGRAM.elf [options]\n"
    "                              run a guest on a service and print its result\n"
    "  help                        this text\n"
    "\n"
    "Exit status of run: the guest's exit code when it halts, 101 when the run fails\n"
    "(fault, trap, cycle limit, bad syscall), 2 for a bad command line or a refused ELF.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return RVT_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cli_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "disasm"))
        return cli_disasm(argc - 1, argv + 1);
    if (!strcmp(cmd, "trace"))
        return cli_trace(argc - 1, argv + 1);
    if (!strcmp(cmd, "serve"))
        return cli_serve(argc - 1, argv + 1);
    if (!strcmp(cmd, "submit"))
        return cli_submit(argc - 1, argv + 1);
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage, stdout);
        return 0;
    }
    fprintf(stderr, "rvtier: unknown command '%s'\n\n%s", cmd, usage);
    return RVT_EXIT_USAGE;
}
