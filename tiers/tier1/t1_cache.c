/* t1_cache.c — tier 1's object cache on disk (`--code-cache DIR`): the object file code
 * generation made for a region, kept under a key that covers everything its code depends on,
 * so that a later process (another run of the same program, a restarted service) links it in
 * well under a millisecond instead of compiling it for several.
 *
 * The key is the SHA-256 of: a format tag; rvtier's GNU build id (the lifter, the context and
 * memory layouts, the helpers' contracts and LLVM's process options are all compiled in);
 * LLVM's version; the target triple, host CPU and its features (the code is tuned for them);
 * the opt level; the program's text (its base, every instruction word); and the region (head,
 * blocks, flags, variant). Lifting reads nothing else: the decoded text is a function of the
 * words, and the only address an IR embeds, --dump-ir's entry counter, is never cached.
 * A file is DIR/<key hex>.o: a header (magic, the key, the object's length and SHA-256), then
 * the object. A file that does not check out (truncated, another format, flipped bits) is a
 * miss, and the compile that follows replaces it. Files are written to a temporary name and
 * renamed, so processes sharing a directory never read a partial one. The directory is
 * bounded (t1_cache_trim): a link touches its file's mtime, and a trim removes the oldest
 * files first, so what a service keeps using stays. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "runtime/sha256.h"
#include "tiers/tier1/t1_engine.h"

#define CACHE_MAGIC "RVTOBJ1"   /* 8 bytes with its NUL; a new layout gets a new magic */

struct cache_header {
    char magic[8];
    uint8_t key[32];
    uint64_t len;            /* bytes of object after the header */
    uint8_t sha[32];         /* SHA-256 of those bytes */
};
_Static_assert(sizeof(struct cache_header) == 80, "cache file header layout");

struct build_id_search {
    uintptr_t addr;          /* an address inside the module whose id we want */
    uint8_t id[64];
    size_t len;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct build_id_search *s = arg;
    int here = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        here |= ph->p_type == PT_LOAD && s->addr >= lo && s->addr - lo < ph->p_memsz;
    }
    if (!here)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const uint8_t *n = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
        const uint8_t *end = n + ph->p_memsz;
        while (n + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *h = (const ElfW(Nhdr) *)n;
            const uint8_t *name = n + sizeof *h;
            const uint8_t *desc = name + ((h->n_namesz + 3) & ~3u);
            if (h->n_type == NT_GNU_BUILD_ID && h->n_namesz == 4 && !memcmp(name, "GNU", 4) &&
                h->n_descsz <= sizeof s->id && desc + h->n_descsz <= end) {
                memcpy(s->id, desc, h->n_descsz);
                s->len = h->n_descsz;
                return 1;
            }
            n = desc + ((h->n_descsz + 3) & ~3u);
        }
    }
    return 1;   /* the module, but no id */
}

/* rvtier's build id (of the module holding this code), or 0 bytes if it has none. */
static size_t build_id(uint8_t id[64])
{
    struct build_id_search s = {.addr = (uintptr_t)&find_build_id};
    dl_iterate_phdr(find_build_id, &s);
    memcpy(id, s.id, s.len);
    return s.len;
}

/* rvtier's build id into id (its length), and dir made if missing and writable; 0 if both,
 * or -1 with err. */
static int check(const char *dir, uint8_t id[64], size_t *id_len, char *err, size_t errlen)
{
    if (!(*id_len = build_id(id))) {
        snprintf(err, errlen, "--code-cache: this rvtier was linked without a build id "
                 "(ld --build-id), so cached code could not be told from another build's");
        return -1;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "--code-cache '%s': cannot create the directory: %s", dir,
                 strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "--code-cache '%s': not a writable directory", dir);
        return -1;
    }
    return 0;
}

int t1_cache_dir_check(const char *dir, char *err, size_t errlen)
{
    uint8_t id[64];
    size_t id_len;
    return check(dir, id, &id_len, err, errlen);
}

/* Appends len bytes to the growing key material. */
static void put(uint8_t **at, const void *data, size_t len)
{
    memcpy(*at, data, len);
    *at += len;
}

int t1_engine_set_cache(struct t1_engine *e, const char *dir, uint64_t max_bytes,
                        const struct rvt_program *p, char *err, size_t errlen)
{
    uint8_t id[64];
    size_t id_len;
    if (check(dir, id, &id_len, err, errlen) != 0)
        return -1;
    char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
    unsigned major, minor, patch;
    LLVMGetVersion(&major, &minor, &patch);
    size_t n = 64 + id_len + strlen(e->triple) + strlen(cpu) + strlen(features) + 3 +
               4 * p->n_insns;
    uint8_t *buf = malloc(n), *at = buf;
    char *copy = strdup(dir);
    if (!buf || !copy) {
        free(buf);
        free(copy);
        LLVMDisposeMessage(cpu);
        LLVMDisposeMessage(features);
        snprintf(err, errlen, "--code-cache: out of memory");
        return -1;
    }
    const uint32_t head[4] = {major, minor, patch, (uint32_t)e->opt_level};
    put(&at, CACHE_MAGIC, 8);
    put(&at, id, id_len);
    put(&at, head, sizeof head);
    put(&at, e->triple, strlen(e->triple) + 1);   /* with their NULs: unambiguous */
    put(&at, cpu, strlen(cpu) + 1);
    put(&at, features, strlen(features) + 1);
    put(&at, &p->pc_base, 8);
    put(&at, &p->n_insns, 8);
    for (uint64_t i = 0; i < p->n_insns; i++)
        put(&at, &p->insns[i].raw, 4);
    rt_sha256(buf, (size_t)(at - buf), e->cache_prefix);
    free(buf);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    e->cache_dir = copy;
    e->cache_max = max_bytes ? max_bytes : T1_CACHE_DEFAULT_MAX;
    atomic_store(&e->cache_unswept, UINT64_MAX);
    return 0;
}

int t1_engine_caches(const struct t1_engine *e)
{
    return e->cache_dir != NULL;
}

void t1_cache_key(const struct t1_engine *e, const struct rt_region *r, uint8_t key[32])
{
    size_t n = 32 + 20 + 8 * (size_t)r->n_blocks;
    uint8_t small[512], *buf = n <= sizeof small ? small : malloc(n), *at = buf;
    if (!buf) {   /* a key nobody stored: a miss, and the store goes elsewhere */
        memset(key, 0xff, 32);
        return;
    }
    const uint32_t f[4] = {r->head, r->n_blocks, r->n_insns, r->rejoin};
    const uint8_t flags[4] = {r->has_calls, r->has_back_edge, r->recording, 0};
    put(&at, e->cache_prefix, 32);
    put(&at, f, sizeof f);
    put(&at, flags, sizeof flags);
    for (uint32_t k = 0; k < r->n_blocks; k++) {
        put(&at, &r->blocks[k].start, 4);
        put(&at, &r->blocks[k].end, 4);
    }
    rt_sha256(buf, (size_t)(at - buf), key);
    if (buf != small)
        free(buf);
}

static void key_path(const struct t1_engine *e, const uint8_t key[32], char *path, size_t n)
{
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    snprintf(path, n, "%s/%s.o", e->cache_dir, hex);
}

LLVMMemoryBufferRef t1_cache_load(const struct t1_engine *e, const uint8_t key[32])
{
    char path[4096];
    key_path(e, key, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    struct cache_header h;
    uint8_t *obj = NULL, sha[32];
    LLVMMemoryBufferRef buf = NULL;
    if (fstat(fd, &st) != 0 || read(fd, &h, sizeof h) != (ssize_t)sizeof h ||
        memcmp(h.magic, CACHE_MAGIC, 8) || memcmp(h.key, key, 32) ||
        h.len != (uint64_t)st.st_size - sizeof h || !(obj = malloc(h.len ? h.len : 1)) ||
        read(fd, obj, h.len) != (ssize_t)h.len)
        goto out;
    rt_sha256(obj, h.len, sha);
    if (!memcmp(sha, h.sha, 32)) {
        buf = LLVMCreateMemoryBufferWithMemoryRangeCopy((const char *)obj, h.len,
                                                        "rvtier-cached-region");
        (void)futimens(fd, NULL);   /* used now: the last a trim removes (best effort) */
    }
out:
    free(obj);
    close(fd);
    return buf;
}

void t1_cache_store(struct t1_engine *e, const uint8_t key[32], LLVMMemoryBufferRef obj)
{
    char path[4096], tmp[4200];
    key_path(e, key, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return;   /* a cache that cannot be written is only slower: the region still runs */
    struct cache_header h = {.len = LLVMGetBufferSize(obj)};
    memcpy(h.magic, CACHE_MAGIC, 8);
    memcpy(h.key, key, 32);
    rt_sha256(LLVMGetBufferStart(obj), h.len, h.sha);
    int ok = write(fd, &h, sizeof h) == (ssize_t)sizeof h &&
             write(fd, LLVMGetBufferStart(obj), h.len) == (ssize_t)h.len;
    ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
    if (!ok) {
        unlink(tmp);
        return;
    }
    /* Trim after the engine's first store (the directory may have grown since, by other
     * processes) and then after each 1/16 of the bound: a directory scan per store would
     * cost more than the compile it follows once the directory is large. No bound, no scan. */
    if (e->cache_max == UINT64_MAX)
        return;
    uint64_t size = sizeof h + h.len, seen = atomic_load(&e->cache_unswept), next;
    do
        next = seen == UINT64_MAX ? UINT64_MAX : seen + size;
    while (!atomic_compare_exchange_weak(&e->cache_unswept, &seen, next));
    if (next == UINT64_MAX || next >= e->cache_max / 16) {
        atomic_store(&e->cache_unswept, 0);
        t1_cache_trim(e->cache_dir, e->cache_max, NULL, NULL);
    }
}

struct cache_file {
    struct timespec used;    /* mtime: its store or its last link */
    uint64_t bytes;
    char name[80];
};

/* Cache objects are "<64 hex>.o"; temporaries "<64 hex>.o.XXXXXX" (t1_cache_store). Other
 * names are not ours and are left alone. 1 object, 2 temporary, 0 neither. */
static int cache_name(const char *n)
{
    size_t i = 0;
    while (i < 64 && ((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
        i++;
    if (i != 64 || strncmp(n + 64, ".o", 2))
        return 0;
    return !n[66] ? 1 : n[66] == '.' && strlen(n + 67) == 6 ? 2 : 0;
}

static int older_first(const void *a, const void *b)
{
    const struct timespec *x = &((const struct cache_file *)a)->used,
                          *y = &((const struct cache_file *)b)->used;
    return x->tv_sec != y->tv_sec ? (x->tv_sec < y->tv_sec ? -1 : 1)
                                  : (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

uint64_t t1_cache_trim(const char *dir, uint64_t max_bytes, uint64_t *removed,
                       uint64_t *removed_bytes)
{
    uint64_t total = 0, gone = 0, gone_bytes = 0;
    DIR *d = opendir(dir);
    struct cache_file *files = NULL;
    size_t n = 0, cap = 0;
    if (!d)
        goto out;
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d))) {
        int kind = cache_name(de->d_name);
        struct stat st;
        if (!kind || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (kind == 2) {   /* a writer's temporary: an hour is far longer than a write */
            if (now - st.st_mtim.tv_sec > 3600 && unlinkat(dirfd(d), de->d_name, 0) == 0)
                gone++, gone_bytes += (uint64_t)st.st_size;
            continue;
        }
        if (n == cap) {
            struct cache_file *f = realloc(files, (cap = cap ? 2 * cap : 256) * sizeof *f);
            if (!f)
                goto out;   /* no object removed: better a bound kept late than a wrong pick */
            files = f;
        }
        files[n].used = st.st_mtim;
        files[n].bytes = (uint64_t)st.st_size;
        memcpy(files[n].name, de->d_name, strlen(de->d_name) + 1);   /* cache_name: <= 73 */
        total += files[n++].bytes;
    }
    if (total > max_bytes) {
        qsort(files, n, sizeof *files, older_first);
        for (size_t i = 0; i < n && total > max_bytes / 4 * 3; i++)
            if (unlinkat(dirfd(d), files[i].name, 0) == 0) {
                total -= files[i].bytes;
                gone++, gone_bytes += files[i].bytes;
            } else if (errno == ENOENT) {
                total -= files[i].bytes;   /* another process's trim was first */
            }
    }
out:
    free(files);
    if (d)
        closedir(d);
    if (removed)
        *removed = gone;
    if (removed_bytes)
        *removed_bytes = gone_bytes;
    return total;
}
