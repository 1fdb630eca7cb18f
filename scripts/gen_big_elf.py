#!/usr/bin/env python3
"""gen_big_elf.py — writes an SP1-style RV64IM ELF whose text is N random valid instructions
(ALU, M, loads/stores, branches and jumps inside the text, LUI/AUIPC), for measuring tier 0
translation speed where the per-instruction cost dominates. The first three instructions halt
(a0 = 0, t0 = 0, ECALL), so running it only translates.
Usage: scripts/gen_big_elf.py OUT.elf [N=1000000] [SEED=1]
       rvtier run OUT.elf --mode tier0 --stats"""
import random
import struct
import sys

TEXT = 0x10000


def r_type(f7, rs2, rs1, f3, rd, opc):
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc


def i_type(imm, rs1, f3, rd, opc):
    return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc


def s_type(imm, rs2, rs1, f3):
    imm &= 0xfff
    return (imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | 0x23


def b_type(imm, rs2, rs1, f3):
    imm &= 0x1fff
    return ((imm >> 12) << 31 | ((imm >> 5) & 63) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12
            | ((imm >> 1) & 15) << 8 | ((imm >> 11) & 1) << 7 | 0x63)


def j_type(imm, rd):
    imm &= 0x1fffff
    return ((imm >> 20) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20
            | ((imm >> 12) & 0xff) << 12 | rd << 7 | 0x6f)


OP = [(0, f) for f in range(8)] + [(0x20, 0), (0x20, 5)] + [(1, f) for f in range(8)]
OP32 = [(0, 0), (0x20, 0), (0, 1), (0, 5), (0x20, 5), (1, 0), (1, 4), (1, 5), (1, 6), (1, 7)]


def random_insn(rnd, i, n):
    reg = lambda: rnd.randrange(32)
    k = rnd.randrange(100)
    if k < 30:
        f7, f3 = rnd.choice(OP)
        return r_type(f7, reg(), reg(), f3, reg(), 0x33)
    if k < 38:
        f7, f3 = rnd.choice(OP32)
        return r_type(f7, reg(), reg(), f3, reg(), 0x3b)
    if k < 55:
        f3 = rnd.choice([0, 2, 3, 4, 6, 7, 1, 5])
        imm = rnd.randrange(-2048, 2048)
        if f3 == 1:
            imm = rnd.randrange(64)
        elif f3 == 5:
            imm = rnd.randrange(64) | rnd.choice([0, 0x400])
        return i_type(imm, reg(), f3, reg(), 0x13)
    if k < 60:
        f3 = rnd.choice([0, 1, 5])
        imm = rnd.randrange(-2048, 2048) if f3 == 0 else rnd.randrange(32)
        if f3 == 5:
            imm |= rnd.choice([0, 0x400])
        return i_type(imm, reg(), f3, reg(), 0x1b)
    if k < 72:
        return i_type(rnd.randrange(-2048, 2048), reg(), rnd.choice([0, 1, 2, 3, 4, 5, 6]), reg(),
                      0x03)
    if k < 80:
        return s_type(rnd.randrange(-2048, 2048), reg(), reg(), rnd.randrange(4))
    if k < 90:
        lo, hi = max(-1024, -i), min(1023, n - 1 - i)
        return b_type(4 * rnd.randint(lo, hi), reg(), reg(), rnd.choice([0, 1, 4, 5, 6, 7]))
    if k < 94:
        lo, hi = max(-2**18, -i), min(2**18 - 1, n - 1 - i)
        return j_type(4 * rnd.randint(lo, hi), reg())
    if k < 96:
        return i_type(rnd.randrange(-2048, 2048), reg(), 0, reg(), 0x67)
    return rnd.randrange(1 << 20) << 12 | reg() << 7 | rnd.choice([0x37, 0x17])


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    words = [i_type(0, 0, 0, 10, 0x13), i_type(0, 0, 0, 5, 0x13), 0x73]
    words += [random_insn(rnd, i, n) for i in range(len(words), n)]
    text_off = 64 + 56
    text_off = (text_off + 15) & ~15
    eh = struct.pack('<4sBBBBB7sHHIQQQIHHHHHH', b'\x7fELF', 2, 1, 1, 0, 0, b'\0' * 7,
                     2, 243, 1, TEXT, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    ph = struct.pack('<IIQQQQQQ', 1, 5, text_off, TEXT, TEXT, 4 * n, 4 * n, 4)
    body = eh + ph
    body += b'\0' * (text_off - len(body))
    body += struct.pack('<%dI' % n, *words)
    with open(out, 'wb') as f:
        f.write(body)


if __name__ == '__main__':
    main()
