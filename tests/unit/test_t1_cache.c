/* test_t1_cache.c — tier 1's object cache (tiers/tier1/t1_cache.c): regions compiled by one
 * program object are linked from the cache by the next (a new engine, as in a new process)
 * and the run is the interpreter's, trace byte for byte; a corrupted, truncated or foreign
 * file is a miss that the next compile replaces; the key changes with the opt level, the
 * variant and any word of the program text; a bad directory is refused with a message; the
 * directory is bounded, least recently linked or stored first, and only its own files go. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/program.h"
#include "runtime/region.h"
#include "rv_asm.h"
#include "testutil.h"
#include "tiers/tier1/tier1.h"

/* Object files in dir (names ending in .o; a temporary name never does). */
static int objects(const char *dir, char *last, size_t n)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 2 && !strcmp(e->d_name + len - 2, ".o")) {
            count++;
            if (last)
                snprintf(last, n, "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    return count;
}

static void discard_output(void *user, int fd, const uint8_t *data, size_t len)
{
    (void)user, (void)fd, (void)data, (void)len;
}

static void run(struct rvt_program *p, enum rvt_mode mode, const char *cache,
                const char *trace, struct rvt_result *r)
{
    struct rvt_options o;
    rvt_options_init(&o);
    o.mode = mode;
    o.output = discard_output;
    o.code_cache_dir = cache;
    o.trace = 1;
    o.trace_path = trace;
    o.chunk_size = 1000;
    const uint8_t in[8] = {200};
    struct rvt_input input = {in, sizeof in};
    o.inputs = &input;
    o.n_inputs = 1;
    ck_assert_int_eq(rvt_run(p, &o, r), 0);
    ck_assert_msg(r->status == RVT_OK, "%s", r->error);
}

START_TEST(second_program_links_every_region_and_runs_the_same)
{
    char dir[] = "/tmp/rvt_test_cache_XXXXXX", cache[300], t[3][300];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cache, sizeof cache, "%s/cache", dir);
    for (int k = 0; k < 3; k++)
        snprintf(t[k], sizeof t[k], "%s/%d.trace", dir, k);
    char *path = tu_guest_path("sp1", "sha256"), err[512];
    struct rvt_result r[3];
    for (int k = 0; k < 3; k++) {   /* a fresh program object each time: a fresh engine */
        struct rvt_program *p;
        ck_assert_msg(rvt_program_load_file(path, &p, err, sizeof err) == 0, "%s", err);
        run(p, k < 2 ? RVT_MODE_TIER1 : RVT_MODE_INTERP, k < 2 ? cache : NULL, t[k], &r[k]);
        rvt_program_free(p);
    }
    ck_assert_uint_gt(r[0].stats.regions_compiled, 10);
    ck_assert_uint_eq(r[0].stats.regions_cached, 0);
    ck_assert_int_eq(objects(cache, NULL, 0), (int)r[0].stats.regions_compiled);
    ck_assert_uint_eq(r[1].stats.regions_compiled, r[0].stats.regions_compiled);
    ck_assert_uint_eq(r[1].stats.regions_cached, r[1].stats.regions_compiled);
    ck_assert_uint_gt(r[1].stats.tier1_instructions, r[1].stats.instructions / 2);
    size_t n[3];
    uint8_t *b[3];
    for (int k = 0; k < 3; k++)
        ck_assert_ptr_nonnull(b[k] = tu_read_file(t[k], &n[k]));
    for (int k = 0; k < 2; k++) {
        ck_assert_msg(n[k] == n[2] && !memcmp(b[k], b[2], n[2]), "trace of run %d differs "
                      "from the interpreter's", k);
        for (int i = 0; i < 32; i++)
            ck_assert_uint_eq(r[k].regs[i], r[2].regs[i]);
    }
    for (int k = 0; k < 3; k++) {
        free(b[k]);
        rvt_result_free(&r[k]);
    }
    free(path);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

/* The counting loop of test_tier1: 0: x5 = 10  1: loop: x6 += 1  2: x5 -= 1  3: bne loop. */
#define LOOP_WORDS {RV_ADDI(5, 0, 10), RV_ADDI(6, 6, 1), RV_ADDI(5, 5, -1), RV_BNE(5, 0, -8), \
                    RV_ADDI(10, 6, 0), RV_HALT}
#define LOOP_LEN 7   /* RV_HALT is two words */

/* Compiles the loop's region in a new engine at opt level `level` with the cache in dir,
 * bounded to max bytes; returns whether it was linked from the cache. */
static int compile_loop_bounded(const char *dir, int level, const uint32_t *words,
                                int recording, uint64_t max)
{
    struct rvt_program *p = tu_load(words, LOOP_LEN, NULL, 0);
    char err[512];
    struct t1_engine *e = t1_engine_new(level, 1, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    ck_assert_msg(t1_engine_set_cache(e, dir, max, p, err, sizeof err) == 0, "%s", err);
    struct rt_region r;
    ck_assert_int_eq(rt_region_form(p, 1, NULL, 0, NULL, RT_REGION_MAX_INSNS, &r), 0);
    r.recording = (uint8_t)recording;
    struct t1_compiled c;
    ck_assert_msg(t1_compile(e, p, &r, NULL, 0, &c, err, sizeof err) == 0, "%s", err);
    ck_assert_ptr_nonnull(c.fn);
    ck_assert_uint_gt(c.size, 16);
    int cached = c.cached;
    t1_compiled_free(&c);
    rt_region_free(&r);
    t1_engine_free(e);
    rvt_program_free(p);
    return cached;
}

static int compile_loop(const char *dir, int level, const uint32_t *words, int recording)
{
    return compile_loop_bounded(dir, level, words, recording, 0);
}

static void rewrite(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

START_TEST(bad_files_are_misses_and_get_replaced)
{
    char dir[] = "/tmp/rvt_test_cache_XXXXXX", obj[600];
    const uint32_t loop_words[] = LOOP_WORDS;
    ck_assert_int_eq(sizeof loop_words / 4, LOOP_LEN);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 0);
    ck_assert_int_eq(objects(dir, obj, sizeof obj), 1);
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 1);
    size_t len;
    uint8_t *good = tu_read_file(obj, &len);
    ck_assert_ptr_nonnull(good);
    ck_assert_uint_gt(len, 200);
    uint8_t *bad = malloc(len);
    memcpy(bad, good, len);
    bad[len - 9] ^= 0x40;   /* one bit of the object */
    rewrite(obj, bad, len);
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 0);
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 1);   /* replaced */
    rewrite(obj, good, 100);                                      /* truncated */
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 0);
    memcpy(bad, good, len);
    bad[0] = 'X';                                                 /* another format */
    rewrite(obj, bad, len);
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 0);
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 1);
    ck_assert_int_eq(objects(dir, NULL, 0), 1);
    free(good);
    free(bad);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

START_TEST(key_covers_level_variant_and_text)
{
    char dir[] = "/tmp/rvt_test_cache_XXXXXX";
    const uint32_t loop_words[] = LOOP_WORDS;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 0);
    ck_assert_int_eq(compile_loop(dir, 2, loop_words, 0), 0);   /* another opt level */
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 1), 0);   /* the recording variant */
    uint32_t other[LOOP_LEN];
    memcpy(other, loop_words, sizeof other);
    other[4] = RV_ADDI(10, 6, 1);   /* outside the region: the text is in the key */
    ck_assert_int_eq(compile_loop(dir, 1, other, 0), 0);
    ck_assert_int_eq(objects(dir, NULL, 0), 4);
    for (int level = 1; level <= 2; level++)
        ck_assert_int_eq(compile_loop(dir, level, loop_words, 0), 1);
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 1), 1);
    ck_assert_int_eq(compile_loop(dir, 1, other, 0), 1);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

/* A file of len bytes named dir/name, last modified `age` seconds ago. */
static void make_file(const char *dir, const char *name, size_t len, time_t age)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *data = calloc(1, len + 1);
    rewrite(path, data, len);
    free(data);
    struct timespec t[2] = {{.tv_sec = time(NULL) - age}, {.tv_sec = time(NULL) - age}};
    ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int exists(const char *dir, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* An object's name: 64 hex digits of c, then .o. */
static const char *obj_name(char c, char buf[80])
{
    memset(buf, c, 64);
    snprintf(buf + 64, 16, ".o");
    return buf;
}

START_TEST(trim_removes_the_least_recently_used_and_only_its_own_files)
{
    char dir[] = "/tmp/rvt_test_cache_XXXXXX", name[80], dead[100], live[100];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char digits[] = "0123456789";
    for (int i = 0; i < 6; i++)   /* '0' the oldest, '5' the newest */
        make_file(dir, obj_name(digits[i], name), 1000, 1000 - 100 * i);
    make_file(dir, "notes.txt", 50000, 5000);                  /* not the cache's */
    snprintf(dead, sizeof dead, "%s.Ab12Cd", obj_name('a', name));
    make_file(dir, dead, 700, 7200);                           /* a dead writer's */
    snprintf(live, sizeof live, "%s.Ef34Gh", obj_name('b', name));
    make_file(dir, live, 700, 5);                              /* a live writer's */
    uint64_t removed, bytes;
    ck_assert_uint_eq(t1_cache_trim(dir, 6000, &removed, &bytes), 6000);   /* fits */
    ck_assert_uint_eq(removed, 1);
    ck_assert_uint_eq(bytes, 700);
    ck_assert(!exists(dir, dead) && exists(dir, live));
    ck_assert_uint_eq(t1_cache_trim(dir, 5999, &removed, &bytes), 4000);   /* to <= 3/4 */
    ck_assert_uint_eq(removed, 2);
    ck_assert_uint_eq(bytes, 2000);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(exists(dir, obj_name(digits[i], name)), i >= 2);
    ck_assert(exists(dir, "notes.txt"));
    ck_assert_uint_eq(t1_cache_trim(dir, 0, &removed, NULL), 0);           /* everything */
    ck_assert_uint_eq(removed, 4);
    ck_assert(exists(dir, "notes.txt") && exists(dir, live));
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

START_TEST(a_link_keeps_its_object_and_a_store_trims)
{
    char dir[] = "/tmp/rvt_test_cache_XXXXXX", obj[600], name[80];
    const uint32_t loop_words[] = LOOP_WORDS;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 0);
    ck_assert_int_eq(objects(dir, obj, sizeof obj), 1);
    struct timespec old[2] = {{.tv_sec = time(NULL) - 86400}, {.tv_sec = time(NULL) - 86400}};
    ck_assert_int_eq(utimensat(AT_FDCWD, obj, old, 0), 0);
    struct stat st;
    ck_assert_int_eq(stat(obj, &st), 0);
    const uint64_t size = (uint64_t)st.st_size, big = 50000;
    make_file(dir, obj_name('e', name), big, 3600);            /* newer than the object */
    ck_assert_int_eq(compile_loop(dir, 1, loop_words, 0), 1);  /* a link: touched */
    ck_assert_int_eq(stat(obj, &st), 0);
    ck_assert_int_ge(st.st_mtim.tv_sec, time(NULL) - 60);
    /* Another variant's store, with room for what was there but not for it too: the trim
     * that follows the engine's first store removes the stand-in, now the least recently
     * used, and the linked object and the new one stay. */
    ck_assert_int_eq(compile_loop_bounded(dir, 1, loop_words, 1, big + size), 0);
    ck_assert(!exists(dir, name));
    ck_assert_int_eq(access(obj, F_OK), 0);
    ck_assert_int_eq(objects(dir, NULL, 0), 2);
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

START_TEST(no_bound_no_scan)
{
    char dir[] = "/tmp/rvt_test_cache_XXXXXX", name[80], other[80], dead[100];
    const uint32_t loop_words[] = LOOP_WORDS;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    make_file(dir, obj_name('e', name), 50000, 3600);
    snprintf(dead, sizeof dead, "%s.Ab12Cd", obj_name('a', other));
    make_file(dir, dead, 700, 7200);
    ck_assert_int_eq(compile_loop_bounded(dir, 1, loop_words, 0, UINT64_MAX), 0);
    ck_assert(exists(dir, name) && exists(dir, dead));
    ck_assert_int_eq(objects(dir, NULL, 0), 2);
    ck_assert_int_eq(compile_loop_bounded(dir, 1, loop_words, 1, 1000), 0);   /* bounded */
    ck_assert(!exists(dir, name) && !exists(dir, dead));
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

START_TEST(bad_directory_is_refused_with_a_message)
{
    char dir[] = "/tmp/rvt_test_cache_XXXXXX", path[300], err[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/no/such/parent", dir);
    ck_assert_int_eq(t1_cache_dir_check(path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "cannot create the directory") != NULL, "%s", err);
    snprintf(path, sizeof path, "%s/file", dir);
    rewrite(path, "x", 1);
    ck_assert_int_eq(t1_cache_dir_check(path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not a writable directory") != NULL, "%s", err);
    snprintf(path, sizeof path, "%s/made", dir);
    ck_assert_int_eq(t1_cache_dir_check(path, err, sizeof err), 0);   /* made if missing */
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(tu_remove_dir(dir), 0);
}
END_TEST

Suite *test_t1_cache_suite(void)
{
    Suite *s = suite_create("t1_cache");
    TCase *tc = tcase_create("t1_cache");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, second_program_links_every_region_and_runs_the_same);
    tcase_add_test(tc, bad_files_are_misses_and_get_replaced);
    tcase_add_test(tc, key_covers_level_variant_and_text);
    tcase_add_test(tc, trim_removes_the_least_recently_used_and_only_its_own_files);
    tcase_add_test(tc, a_link_keeps_its_object_and_a_store_trims);
    tcase_add_test(tc, no_bound_no_scan);
    tcase_add_test(tc, bad_directory_is_refused_with_a_message);
    suite_add_tcase(s, tc);
    return s;
}
