/* cli_serve.c — `rvtier serve`: the long-running JIT service (docs/service.md). Parses the
 * options, recovers the state directory, starts the workers and the HTTP listeners, then
 * waits for SIGTERM/SIGINT and shuts down: stop accepting, cancel queued jobs, give running
 * jobs --shutdown-grace seconds, write every final state, exit 0. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cli.h"
#include "runtime/perf_map.h"
#include "runtime/serve.h"
#include "tiers/tier1/tier1.h"

/* The job mode when a request names none (serve --mode overrides it). */
#define SV_DEFAULT_MODE RVT_MODE_TIERED
/* Programs kept loaded by default: a proving service runs a handful of guests, while a
 * translated program holds ~100 bytes of code and tables per instruction and, once a tiered
 * job ran, an LLVM JIT and its compile thread; a bound keeps a daemon that sees every release
 * of its guests from growing for weeks. */
#define SV_DEFAULT_MAX_PROGRAMS 64

static const char serve_usage[] =
    "usage: rvtier serve [options]\n"
    "\n"
    "Runs the JIT as an HTTP/1.1 JSON service: upload programs once, run many jobs on them\n"
    "(docs/service.md has the API).\n"
    "\n"
    "  --listen HOST:PORT     TCP address (default 127.0.0.1:8080 unless --unix is given);\n"
    "                         port 0 picks a free port; the first line on stdout says\n"
    "                         \"listening on http://HOST:PORT\"\n"
    "  --unix PATH            also (or only) listen on a Unix socket\n"
    "  --state-dir DIR        job documents, results, traces and uploaded ELFs (default: a new\n"
    "                         directory under $TMPDIR); restart with the same DIR to serve\n"
    "                         earlier results again\n"
    "  --workers N            jobs run at once (default: the number of cores)\n"
    "  --queue N              jobs waiting for a worker before 503 (default 1024)\n"
    "  --max-body BYTES       request body limit, 413 above it (default 67108864)\n"
    "  --max-output BYTES     guest stdout/stderr kept per stream and job (default 16777216)\n"
    "  --mode MODE            job mode when a request names none (default tiered)\n"
    "  --job-timeout SECONDS  default wall-clock limit per job (default none)\n"
    "  --max-memory BYTES     default limit on guest memory touched per job (default none)\n"
    "  --shutdown-grace SECONDS\n"
    "                         after SIGTERM, running jobs may finish for this long, then\n"
    "                         they are cancelled (default 10)\n"
    "  --keep-jobs N          finished jobs kept (document, result, trace); above N the\n"
    "                         oldest-finished are evicted, GET then answers 404 (default\n"
    "                         10000; 0 = no limit). Queued and running jobs are never evicted\n"
    "  --job-ttl SECONDS      a finished job is evicted this long after it finished (default\n"
    "                         86400; 0 = no limit); checked every 10 ms and on restart\n"
    "  --max-programs N       programs kept loaded (code, tables, tier-1 JIT); an upload above\n"
    "                         N evicts the least recently used one that has no queued or\n"
    "                         running job, or gets 503 if every one has (default 64;\n"
    "                         0 = no limit). DELETE /programs/{id} removes one at once\n"
    "  --code-cache DIR|none  keep tier 1's compiled regions in DIR and link them from there\n"
    "                         after a restart or a re-upload instead of compiling them again\n"
    "                         (rvtier run --code-cache has the conditions; default\n"
    "                         STATE-DIR/code-cache; none: compile every region)\n"
    "  --code-cache-max BYTES\n"
    "                         the cache's bound: past it the least recently used objects\n"
    "                         are removed, down to 3/4 of it (default 1073741824; 0 = no\n"
    "                         bound)\n"
    "  --fsync always|never   always (default): a final result, its trace and an accepted job\n"
    "                         are fsync'd, so they survive a machine crash; never: they\n"
    "                         survive the daemon only (faster on slow disks)\n"
    "  --perf-map             write /tmp/perf-PID.map naming the JIT code of every program\n"
    "                         (tier 0 blocks t0_<pc>, tier 1 regions r_<pc>[_rec]) as it is\n"
    "                         made, for `perf report` against the running daemon\n"
    "  -h, --help             this text\n";

enum { OPT_LISTEN = 256, OPT_UNIX, OPT_STATE, OPT_WORKERS, OPT_QUEUE, OPT_MAX_BODY,
       OPT_MAX_OUTPUT, OPT_MODE, OPT_TIMEOUT, OPT_MAX_MEMORY, OPT_GRACE, OPT_KEEP, OPT_TTL,
       OPT_FSYNC, OPT_PERF_MAP, OPT_MAX_PROGRAMS,
       OPT_CODE_CACHE, OPT_CODE_CACHE_MAX };

static int parse_num(const char *opt, const char *s, double min, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < min) {
        fprintf(stderr, "rvtier serve: %s '%s': expected a number >= %g\n", opt, s, min);
        return -1;
    }
    *out = v;
    return 0;
}

/* A whole number >= 0 of `what`, 0 meaning no limit. */
static int parse_count(const char *opt, const char *s, const char *what, size_t *out)
{
    double v;
    if (parse_num(opt, s, 0, &v))
        return -1;
    if (v > 1e15 || v != (double)(size_t)v) {
        fprintf(stderr, "rvtier serve: %s '%s': expected a whole number of %s >= 0 (0 = no "
                "limit)\n", opt, s, what);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

int cli_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, 0, OPT_LISTEN},
        {"unix", required_argument, 0, OPT_UNIX},
        {"state-dir", required_argument, 0, OPT_STATE},
        {"workers", required_argument, 0, OPT_WORKERS},
        {"queue", required_argument, 0, OPT_QUEUE},
        {"max-body", required_argument, 0, OPT_MAX_BODY},
        {"max-output", required_argument, 0, OPT_MAX_OUTPUT},
        {"mode", required_argument, 0, OPT_MODE},
        {"job-timeout", required_argument, 0, OPT_TIMEOUT},
        {"max-memory", required_argument, 0, OPT_MAX_MEMORY},
        {"shutdown-grace", required_argument, 0, OPT_GRACE},
        {"keep-jobs", required_argument, 0, OPT_KEEP},
        {"job-ttl", required_argument, 0, OPT_TTL},
        {"max-programs", required_argument, 0, OPT_MAX_PROGRAMS},
        {"code-cache", required_argument, 0, OPT_CODE_CACHE},
        {"code-cache-max", required_argument, 0, OPT_CODE_CACHE_MAX},
        {"fsync", required_argument, 0, OPT_FSYNC},
        {"perf-map", no_argument, 0, OPT_PERF_MAP},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct sv_config cfg = {
        .workers = cores > 0 ? (unsigned)cores : 1,
        .queue_max = 1024,
        .max_body = 64u << 20,
        .max_output = 16u << 20,
        .default_mode = SV_DEFAULT_MODE,
        .shutdown_grace = 10,
        .keep_jobs = 10000,
        .job_ttl = 86400,
        .fsync = 1,
        .max_programs = SV_DEFAULT_MAX_PROGRAMS,
    };
    char tmpdir[4096], cache_dir[4200];
    const char *cache_opt = NULL;   /* --code-cache as given */
    optind = 1;
    int ch;
    double v;
    int perf_map = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(serve_usage, stdout);
            return 0;
        case OPT_LISTEN: cfg.listen = optarg; break;
        case OPT_UNIX: cfg.unix_path = optarg; break;
        case OPT_STATE: cfg.state_dir = optarg; break;
        case OPT_MODE:
            if (sv_mode_parse(optarg, &cfg.default_mode)) {
                fprintf(stderr, "rvtier serve: --mode '%s': expected interp, tier0, tier1 or "
                        "tiered\n", optarg);
                return RVT_EXIT_USAGE;
            }
            break;
        case OPT_WORKERS:
            if (parse_num("--workers", optarg, 1, &v))
                return RVT_EXIT_USAGE;
            cfg.workers = (unsigned)v;
            break;
        case OPT_QUEUE:
            if (parse_num("--queue", optarg, 1, &v))
                return RVT_EXIT_USAGE;
            cfg.queue_max = (size_t)v;
            break;
        case OPT_MAX_BODY:
            if (parse_num("--max-body", optarg, 1, &v))
                return RVT_EXIT_USAGE;
            cfg.max_body = (size_t)v;
            break;
        case OPT_MAX_OUTPUT:
            if (parse_num("--max-output", optarg, 0, &v))
                return RVT_EXIT_USAGE;
            cfg.max_output = (size_t)v;
            break;
        case OPT_TIMEOUT:
            if (parse_num("--job-timeout", optarg, 0, &cfg.default_timeout))
                return RVT_EXIT_USAGE;
            break;
        case OPT_MAX_MEMORY:
            if (parse_num("--max-memory", optarg, 0, &v))
                return RVT_EXIT_USAGE;
            cfg.default_max_memory = (uint64_t)v;
            break;
        case OPT_GRACE:
            if (parse_num("--shutdown-grace", optarg, 0, &cfg.shutdown_grace))
                return RVT_EXIT_USAGE;
            break;
        case OPT_KEEP:
            if (parse_count("--keep-jobs", optarg, "jobs", &cfg.keep_jobs))
                return RVT_EXIT_USAGE;
            break;
        case OPT_MAX_PROGRAMS:
            if (parse_count("--max-programs", optarg, "programs", &cfg.max_programs))
                return RVT_EXIT_USAGE;
            break;
        case OPT_TTL:
            if (parse_num("--job-ttl", optarg, 0, &cfg.job_ttl))
                return RVT_EXIT_USAGE;
            break;
        case OPT_FSYNC:
            if (strcmp(optarg, "always") && strcmp(optarg, "never")) {
                fprintf(stderr, "rvtier serve: --fsync '%s': expected always or never\n",
                        optarg);
                return RVT_EXIT_USAGE;
            }
            cfg.fsync = !strcmp(optarg, "always");
            break;
        case OPT_PERF_MAP:
            perf_map = 1;
            break;
        case OPT_CODE_CACHE:
            cache_opt = optarg;
            break;
        case OPT_CODE_CACHE_MAX: {
            size_t max;
            if (parse_count("--code-cache-max", optarg, "bytes", &max))
                return RVT_EXIT_USAGE;
            cfg.code_cache_max = max ? (uint64_t)max : UINT64_MAX;
            break;
        }
        default:
            fputs(serve_usage, stderr);
            return RVT_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "rvtier serve: unexpected argument '%s'\n\n%s", argv[optind],
                serve_usage);
        return RVT_EXIT_USAGE;
    }
    char cerr[512];
    if (cache_opt && strcmp(cache_opt, "none")) {
        if (t1_cache_dir_check(cache_opt, cerr, sizeof cerr) != 0) {
            fprintf(stderr, "rvtier serve: %s\n", cerr);
            return RVT_EXIT_USAGE;
        }
        cfg.code_cache_dir = cache_opt;
    }
    if (!cfg.listen && !cfg.unix_path)
        cfg.listen = "127.0.0.1:8080";
    if (!cfg.state_dir) {
        const char *t = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/rvtier-serve.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) {
            fprintf(stderr, "rvtier serve: cannot create a state directory '%s': %s (pass "
                    "--state-dir DIR)\n", tmpdir, strerror(errno));
            return RVT_EXIT_USAGE;
        }
        cfg.state_dir = tmpdir;
    }
    if (!cache_opt) {   /* made and checked once the state directory exists (init) */
        snprintf(cache_dir, sizeof cache_dir, "%s/code-cache", cfg.state_dir);
        cfg.code_cache_dir = cache_dir;
    }

    /* Every thread inherits this mask; the main thread takes the signals with sigwait. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    static struct sv_server srv;   /* large; lives for the whole command */
    char err[1024];
    int status = RVT_EXIT_USAGE;
    if (perf_map && rt_perf_map_open(&cfg.perf_map, err, sizeof err) != 0) {
        fprintf(stderr, "rvtier serve: %s\n", err);
        return RVT_EXIT_USAGE;
    }
    if (sv_server_init(&srv, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "rvtier serve: %s\n", err);
        goto out;
    }
    if (!cache_opt && t1_cache_dir_check(cache_dir, cerr, sizeof cerr) != 0) {
        fprintf(stderr, "rvtier serve: %s (the default, under --state-dir; pass --code-cache "
                "DIR, or none)\n", cerr);
        goto out;
    }
    if (sv_workers_start(&srv, err, sizeof err) != 0 || sv_http_start(&srv, err, sizeof err)) {
        fprintf(stderr, "rvtier serve: %s\n", err);
        goto out;
    }
    fprintf(stderr, "{\"event\":\"start\",\"state_dir\":\"%s\",\"workers\":%u,\"queue\":%zu,"
            "\"programs\":%zu,\"max_programs\":%zu,\"jobs\":%zu,\"last_id\":\"%llu\","
            "\"keep_jobs\":%zu,\"job_ttl_seconds\":%g,\"fsync\":%s,\"code_cache\":%s%s%s,"
            "\"code_cache_max\":%" PRIu64 ",\"perf_map\":%s%s%s}\n", cfg.state_dir,
            cfg.workers, cfg.queue_max, srv.n_programs, cfg.max_programs, srv.n_final,
            (unsigned long long)srv.n_jobs, cfg.keep_jobs, cfg.job_ttl,
            cfg.fsync ? "true" : "false", cfg.code_cache_dir ? "\"" : "",
            cfg.code_cache_dir ? cfg.code_cache_dir : "null", cfg.code_cache_dir ? "\"" : "",
            cfg.code_cache_max == UINT64_MAX ? 0
            : cfg.code_cache_max             ? cfg.code_cache_max
                                             : (uint64_t)T1_CACHE_DEFAULT_MAX,
            cfg.perf_map ? "\"" : "",
            cfg.perf_map ? rt_perf_map_path(cfg.perf_map) : "null", cfg.perf_map ? "\"" : "");
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "{\"event\":\"shutdown\",\"signal\":\"%s\",\"running\":%llu,\"queued\":%zu,"
            "\"grace_seconds\":%g}\n", sig == SIGINT ? "SIGINT" : "SIGTERM",
            (unsigned long long)srv.m.in_state[SV_RUNNING], srv.queue_len,
            cfg.shutdown_grace);
    status = 0;
out:
    sv_http_quiesce(&srv);
    sv_shutdown_jobs(&srv);
    sv_http_stop(&srv);
    if (status == 0)
        fprintf(stderr, "{\"event\":\"stopped\",\"succeeded\":%llu,\"failed\":%llu,"
                "\"cancelled\":%llu}\n", (unsigned long long)srv.m.finished[SV_SUCCEEDED],
                (unsigned long long)srv.m.finished[SV_FAILED],
                (unsigned long long)srv.m.finished[SV_CANCELLED]);
    sv_server_fini(&srv);
    rt_perf_map_free(cfg.perf_map);   /* after the programs: nothing appends any more */
    return status;
}
