/* test_sha256.c — runtime/sha256.c against FIPS 180-4 examples and reference digests at the
 * padding boundaries (Python hashlib), and the SP1 committed-digest comparison. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/sha256.h"

static void hex(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_digest(const void *data, size_t len, const char *want)
{
    uint8_t d[32];
    char got[65];
    rt_sha256(data, len, d);
    hex(d, got);
    ck_assert_msg(strcmp(got, want) == 0, "len %zu: got %s, want %s", len, got, want);
}

START_TEST(test_fips_vectors)
{
    check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_digest(m448, strlen(m448),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    size_t n = 1000000;
    char *a = malloc(n);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', n);
    check_digest(a, n, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}
END_TEST

/* Lengths around the one-or-two padding blocks boundary; bytes i*7 % 251. */
START_TEST(test_padding_boundaries)
{
    static const struct { size_t len; const char *want; } v[] = {
        {55, "8af594de0e003fdee5c8bb088216c824349b4137070f559574f4a4bddd27b714"},
        {56, "db81bc2bfd43620591df192139062da77d4c376f1888ea3d2190bd07c8d901f9"},
        {63, "bd535b38bf0d0d1a09d370b7e34b2696cea3767801a45d5611a4aaa6954e8527"},
        {64, "292be91abe8c0909fe3d26575af5755eee74d23816dc68c3ba41765136967654"},
        {65, "ba65aedf7884642499a59ae124894611d986cf429e69f569488048af3a99e25a"},
        {119, "d367ab298e74477421127b0b448667c37c006c636f5738f081c39388756e5fad"},
        {120, "be7beb9c82089eb08da8fe6eb30c13b9d56869014e228a8c3eb0fdfe832efab2"},
        {128, "cb5311e1d7aa8e11d6af7081f3ffc3e4efa008c7483a1a791fe170bf37546ba7"},
    };
    uint8_t buf[128];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 % 251);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        check_digest(buf, v[i].len, v[i].want);
}
END_TEST

/* SP1 halt.rs commits word i = u32::from_le_bytes(digest[4i..4i+4]). */
START_TEST(test_digest_matches)
{
    const uint8_t pv[] = {1, 2, 3, 4, 5};
    uint8_t d[32], out[32];
    rt_sha256(pv, sizeof pv, d);
    uint32_t w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (uint32_t)d[4 * i] | (uint32_t)d[4 * i + 1] << 8 | (uint32_t)d[4 * i + 2] << 16 |
               (uint32_t)d[4 * i + 3] << 24;
    ck_assert_int_eq(rt_digest_matches(pv, sizeof pv, w, out), 1);
    ck_assert_mem_eq(out, d, 32);
    /* Big-endian words (the other plausible reading) must not match. */
    uint32_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = __builtin_bswap32(w[i]);
    ck_assert_int_eq(rt_digest_matches(pv, sizeof pv, be, out), 0);
    w[7] ^= 1;
    ck_assert_int_eq(rt_digest_matches(pv, sizeof pv, w, out), 0);
    /* No public values and nothing committed: SHA-256("") is not all zero. */
    uint32_t zero[8] = {0};
    ck_assert_int_eq(rt_digest_matches(NULL, 0, zero, out), 0);
    ck_assert_uint_eq(out[0], 0xe3);
}
END_TEST

Suite *test_sha256_suite(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fips_vectors);
    tcase_add_test(tc, test_padding_boundaries);
    tcase_add_test(tc, test_digest_matches);
    suite_add_tcase(s, tc);
    return s;
}
