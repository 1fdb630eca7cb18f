/* disasm.h — RISC-V disassembly in the format of GNU objdump
 * (`riscv64-unknown-elf-objdump -d -M no-aliases,numeric`, binutils 2.40).
 *
 * rv_disasm() prints one decoded instruction as "mnemonic\toperands" (registers x0..x31,
 * branch and JAL targets as absolute hex addresses without 0x, memory operands as
 * "imm(xN)", lui/auipc and shift amounts as 0x-hex, CSRs by name). Words the machine does not
 * execute print as objdump prints them for an rv64im(+zicsr) ELF: privileged SYSTEM
 * instructions by name (mret, wfi, sfence.vma ...), anything else as ".4byte\t0x<hex>".
 * Differences from objdump: no "<symbol>" or "# comment" annotations; a word whose low two bits
 * are not 11 prints as one ".4byte" (objdump splits it into 16-bit units); CSR instructions
 * print as Zicsr instructions even when the ELF's attributes lack Zicsr.
 * rv_disasm_listing() prints a text range one word per line, objdump's line layout:
 * "   10078:\t00a00513          \taddi\tx10,x0,10".
 * Usage: char b[96]; rv_disasm(&in, pc, b, sizeof b); rv_disasm_image(stdout, &img); */
#ifndef RVT_FRONTEND_DISASM_H
#define RVT_FRONTEND_DISASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/decode.h"
#include "frontend/elf.h"

/* Buffer size that always suffices for rv_disasm. */
#define RV_DISASM_MAX 96

/* Writes the text into buf (always NUL-terminated if len > 0); returns the length it needed,
 * like snprintf. pc is the instruction's address (for branch/jump targets). */
int rv_disasm(const struct rv_insn *in, uint64_t pc, char *buf, size_t len);

/* One line per 4-byte word of bytes[0 .. text_end - text_start), little-endian; a trailing
 * partial word is padded with zero bytes. text_start must be 4-aligned. */
void rv_disasm_listing(FILE *out, const uint8_t *bytes, uint64_t text_start, uint64_t text_end);

/* The text of a validated image: [text_start, text_end), bytes from the executable segments'
 * file contents (zero in .bss-like tails and gaps), with a one-line heading. */
void rv_disasm_image(FILE *out, const struct rv_image *img);

#endif
