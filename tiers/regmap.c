/* regmap.c — the register map (regmap.h): guest registers ranked, the first RV_REGMAP_GPRS
 * ranks in the GPR homes, the rest where the layout says: solo XMM registers, XMM lanes, ctx. */
#include "tiers/regmap.h"

#include <string.h>

/* The default ranking: by dynamic count over the guest suite, the registers gcc and LLVM
 * allocate first for temporaries (a5, a4, a3, a2, a1, a0), then the rest. A ranking by static
 * uses weighted by loop depth, per program, was tried and lost: library loops (printf's)
 * outweigh a program's own hot loop, and fibonacci ran 1.6x slower. */
static const uint8_t DEFAULT_RANK[31] = {15, 14, 13, 12, 11, 10, 6, 5, 17, 18, 16, 8, 7, 9, 28,
                                         2, 27, 31, 30, 26, 19, 1, 29, 20, 21, 22, 23, 24, 25,
                                         3, 4};

void rv_regmap_ranked(const uint8_t rank[31], struct rv_layout layout, struct rv_regmap *out)
{
    memset(out, 0, sizeof *out);
    out->loc[0] = (struct rv_loc){RV_LOC_ZERO, 0, 0, 0};
    const int solo = layout.solo, pairs = layout.pairs;
    for (int k = 0; k < 31; k++) {
        struct rv_loc *l = &out->loc[rank[k]];
        const int j = k - RV_REGMAP_GPRS;   /* rank among the rest */
        if (j < 0)
            *l = (struct rv_loc){RV_LOC_GPR, (uint8_t)RV_GUEST_GPRS[k], 0, 0};
        else if (j < solo)
            *l = (struct rv_loc){RV_LOC_XMM, (uint8_t)j, 0, 1};
        else if (j < solo + pairs)
            *l = (struct rv_loc){RV_LOC_XMM, (uint8_t)j, 0, 0};
        else if (j < solo + 2 * pairs)
            *l = (struct rv_loc){RV_LOC_XMM, (uint8_t)(j - pairs), 1, 0};
        else
            *l = (struct rv_loc){RV_LOC_CTX, rank[k], 0, 0};
    }
}

void rv_regmap_default(struct rv_regmap *out)
{
    rv_regmap_default_in(RV_LAYOUT_CTX, out);
}

void rv_regmap_default_in(struct rv_layout layout, struct rv_regmap *out)
{
    rv_regmap_ranked(DEFAULT_RANK, layout, out);
}

int rv_regmap_uses_xmm(const struct rv_regmap *m)
{
    for (unsigned r = 1; r < 32; r++)
        if (m->loc[r].kind == RV_LOC_XMM)
            return 1;
    return 0;
}
