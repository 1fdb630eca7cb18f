/* x86_enc.c — the out-of-line part of the x86-64 encoder (API and operand conventions:
 * x86_enc.h; the instruction forms are inline in x86_forms.h): buffer growth, the sticky
 * error, labels and fixups, and the error paths of the forms.
 * Usage: see x86_enc.h. */
#include "tiers/tier0/x86_enc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void x86_asm_init(struct x86_asm *a)
{
    memset(a, 0, sizeof *a);
}

void x86_asm_free(struct x86_asm *a)
{
    if (!a->fixed)
        free(a->buf);
    free(a->labels);
    free(a->fixups);
    memset(a, 0, sizeof *a);
}

void x86_asm_fail(struct x86_asm *a, const char *what)
{
    if (a->error)
        return;
    a->error = 1;
    a->cap = x86_here(a);   /* every later form fails its room check, which sees the error */
    snprintf(a->err, sizeof a->err, "x86 encoder: %s (at code offset %zu)", what, x86_here(a));
}

static int grow(struct x86_asm *a, void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q) {
        x86_asm_fail(a, "out of memory growing the code buffer");
        return -1;
    }
    *p = q;
    *cap = n;
    return 0;
}

void x86_room_slow(struct x86_asm *a)
{
    if (a->error)
        return;
    if (a->fixed) {
        x86_asm_fail(a, "code buffer full");
        return;
    }
    const size_t len = x86_here(a);
    if (grow(a, (void **)&a->buf, &a->cap, len + X86_MAX_INSN, 1) == 0)
        a->pos = a->buf + len;   /* the buffer may have moved */
}

static void put(struct x86_asm *a, const void *bytes, size_t n)
{
    uint8_t *p = x86_begin(a);
    if (!p)
        return;
    memcpy(p, bytes, n);
    x86_end(a, p + n);
}

void x86_emit_u8(struct x86_asm *a, uint8_t b)
{
    put(a, &b, 1);
}

void x86_emit_u32(struct x86_asm *a, uint32_t v)
{
    put(a, &v, 4);
}

void x86_emit_u64(struct x86_asm *a, uint64_t v)
{
    put(a, &v, 8);
}

/* ---- error paths of the inline forms ---- */

uint8_t *x86_enc_rm_slow(struct x86_asm *a, const char *why)
{
    x86_asm_fail(a, why);
    return NULL;
}

void x86_shift_range_error(struct x86_asm *a)
{
    x86_asm_fail(a, "shift amount out of range");
}

void x86_lane_error(struct x86_asm *a)
{
    x86_asm_fail(a, "xmm lane must be 0 or 1");
}

void x86_bind_range_error(struct x86_asm *a)
{
    x86_asm_fail(a, "jump displacement out of range (or not yet emitted)");
}

/* ---- labels ---- */

int x86_label_new(struct x86_asm *a)
{
    if (a->error || grow(a, (void **)&a->labels, &a->cap_labels, a->n_labels + 1, sizeof(int64_t)))
        return 0;
    a->labels[a->n_labels] = -1;
    return (int)a->n_labels++;
}

void x86_label_bind(struct x86_asm *a, int label)
{
    if (a->error)
        return;
    if (label < 0 || (size_t)label >= a->n_labels || a->labels[label] >= 0) {
        x86_asm_fail(a, "label bound twice or never created");
        return;
    }
    a->labels[label] = (int64_t)x86_here(a);
}

int64_t x86_label_offset(const struct x86_asm *a, int label)
{
    if (label < 0 || (size_t)label >= a->n_labels)
        return -1;
    return a->labels[label];
}

/* op (1-2 bytes) then a rel32 field that the label's offset fills in at x86_asm_finish. */
static void emit_label_jump(struct x86_asm *a, const uint8_t *op, size_t nop, int label)
{
    if (a->error)
        return;
    if (label < 0 || (size_t)label >= a->n_labels) {
        x86_asm_fail(a, "jump to a label that was never created");
        return;
    }
    if (grow(a, (void **)&a->fixups, &a->cap_fixups, a->n_fixups + 1, sizeof *a->fixups))
        return;
    uint8_t bytes[6] = {op[0], nop > 1 ? op[1] : 0};
    put(a, bytes, nop + 4);
    if (!a->error)
        a->fixups[a->n_fixups++] = (struct x86_fixup){(uint32_t)(x86_here(a) - 4), (uint32_t)label};
}

void x86_jcc_label(struct x86_asm *a, enum x86_cc cc, int label)
{
    const uint8_t op[2] = {0x0F, (uint8_t)(0x80 + cc)};
    emit_label_jump(a, op, 2, label);
}

void x86_jmp_label(struct x86_asm *a, int label)
{
    const uint8_t op[1] = {0xE9};
    emit_label_jump(a, op, 1, label);
}

void x86_call_label(struct x86_asm *a, int label)
{
    const uint8_t op[1] = {0xE8};
    emit_label_jump(a, op, 1, label);
}

int x86_asm_finish(struct x86_asm *a)
{
    if (!a->error && x86_here(a) > INT32_MAX)
        x86_asm_fail(a, "code larger than 2 GiB: rel32 jumps cannot reach");
    for (size_t i = 0; i < a->n_fixups && !a->error; i++) {
        const struct x86_fixup *f = &a->fixups[i];
        int64_t to = a->labels[f->label];
        if (to < 0) {
            x86_asm_fail(a, "jump to a label that was never bound");
            break;
        }
        int32_t rel = (int32_t)(to - ((int64_t)f->at + 4));
        memcpy(a->buf + f->at, &rel, 4);
    }
    a->n_fixups = 0;
    return a->error ? -1 : 0;
}
