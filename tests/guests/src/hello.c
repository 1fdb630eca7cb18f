/* hello.c — the smallest guest: printf through the runtime, a heap allocation, one public value
 * (SP1) and exit 0. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

int main(void)
{
    char *p = malloc(32);
    if (p == NULL)
        return 1;
    strcpy(p, "hello, rvtier");
    printf("%s: %d %u %ld %lx %s\n", p, -42, 42u, -1234567890123L, 0xdeadbeefcafeL, "ok");
    uint32_t pv = 0x12345678;
    rt_commit(&pv, sizeof pv);
    free(p);
    return 0;
}
