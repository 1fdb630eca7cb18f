/* cli.h — the subcommands of the `rvtier` command line (runtime/main.c dispatches to them).
 * Each returns the process exit status. */
#ifndef RVT_RUNTIME_CLI_H
#define RVT_RUNTIME_CLI_H

#define RVT_EXIT_USAGE 2       /* bad command line, unreadable or refused ELF */
#define RVT_EXIT_RUN_FAILED 101 /* the run stopped: fault, trap, cycle limit, bad syscall */

int cli_run(int argc, char **argv);
int cli_disasm(int argc, char **argv);
int cli_trace(int argc, char **argv);
int cli_serve(int argc, char **argv);    /* runtime/cli_serve.c */
int cli_submit(int argc, char **argv);   /* runtime/cli_submit.c */

#endif
