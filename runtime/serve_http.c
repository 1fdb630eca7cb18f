/* serve_http.c — the service's HTTP/1.1 JSON API on libmicrohttpd (one thread per connection,
 * so a long poll `GET /jobs/{id}?wait=S` simply blocks its own thread). Routes:
 *   POST /programs                 the ELF as the body (?name=N) -> 201 new / 200 known
 *   GET  /programs, /programs/{id}
 *   DELETE /programs/{id}          free an idle program (409 while it has queued/running jobs)
 *   POST /programs/{id}/jobs       JSON job request (serve_request.c) -> 202 + Location
 *   GET  /jobs, /jobs/{id}[?wait=S], /jobs/{id}/result, /jobs/{id}/trace
 *   DELETE /jobs/{id}              cancel (queued/running) or free (final)
 *   GET  /metrics, /healthz
 * Every error is a JSON object {"error": "...", "status": N}; 405 carries Allow, 503
 * Retry-After, 413 answers a body over --max-body (before it is read when the length is
 * declared).
 * Usage: sv_http_start(s, err, sizeof err); ... sv_http_quiesce(s); ... sv_http_stop(s); */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "runtime/serve.h"

#define SV_MAX_WAIT_SECONDS 300.0

struct sv_req {
    char *body;
    size_t len, cap;
    int too_big;
};

static enum MHD_Result send_text(struct sv_server *s, struct MHD_Connection *c, unsigned code,
                                 char *text, const char *type, const char *allow)
{
    if (!text) {
        static char oom[] = "{\"error\":\"out of memory\",\"status\":500}";
        code = 500;
        text = strdup(oom);
        if (!text)
            return MHD_NO;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text,
                                                             MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    if (code == 503)
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    __atomic_fetch_add(&s->m.http_responses[code / 100 % 6], 1, __ATOMIC_RELAXED);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct sv_server *s, struct MHD_Connection *c, unsigned code,
                                 char *text)
{
    return send_text(s, c, code, text, "application/json", NULL);
}

static char *error_json(unsigned code, const char *msg)
{
    json_t *o = json_pack("{s:s?, s:i}", "error", msg, "status", (int)code);
    if (!json_object_get(o, "error") && o) {   /* msg not UTF-8: keep ASCII */
        char *c = strdup(msg);
        for (char *p = c; p && *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        json_object_set_new(o, "error", json_string(c ? c : "error"));
        free(c);
    }
    char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return t;
}

static enum MHD_Result send_error(struct sv_server *s, struct MHD_Connection *c, unsigned code,
                                  const char *allow, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return send_text(s, c, code, error_json(code, msg), "application/json", allow);
}

static enum MHD_Result bad_method(struct sv_server *s, struct MHD_Connection *c,
                                  const char *method, const char *url, const char *allow)
{
    return send_error(s, c, 405, allow, "method %s not allowed on %s (allowed: %s)", method,
                      url, allow);
}

static enum MHD_Result post_program(struct sv_server *s, struct MHD_Connection *c,
                                    struct sv_req *rq)
{
    if (rq->len == 0)
        return send_error(s, c, 400, NULL, "empty body: send the ELF file as the request body "
                          "(curl --data-binary @prog.elf)");
    const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
    char err[512];
    char *json;
    int status = sv_program_add(s, (const uint8_t *)rq->body, rq->len, name ? name : "upload",
                                1, &json, err, sizeof err);
    if (status != 200 && status != 201)   /* 503 (every program busy) carries Retry-After */
        return send_error(s, c, (unsigned)status, NULL, status == 400 ? "bad ELF: %s" : "%s",
                          err);
    return send_json(s, c, (unsigned)status, json);
}

static enum MHD_Result list_programs(struct sv_server *s, struct MHD_Connection *c)
{
    json_t *a = json_array();
    pthread_mutex_lock(&s->lock);
    for (struct sv_program *p = s->programs; p; p = p->next) {
        char *t = sv_program_json(p, 1);
        json_array_append_new(a, t ? json_loads(t, 0, NULL) : json_null());
        free(t);
    }
    pthread_mutex_unlock(&s->lock);
    json_t *o = json_pack("{s:o}", "programs", a);
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return send_json(s, c, 200, t);
}

static enum MHD_Result get_program(struct sv_server *s, struct MHD_Connection *c,
                                   const char *id)
{
    char err[512];
    pthread_mutex_lock(&s->lock);
    const struct sv_program *p = sv_program_find(s, id);
    char *json = p ? sv_program_json(p, 1) : NULL;
    if (!p)
        sv_program_missing(s, id, err, sizeof err);
    pthread_mutex_unlock(&s->lock);
    return p ? send_json(s, c, 200, json) : send_error(s, c, 404, NULL, "%s", err);
}

static enum MHD_Result delete_program(struct sv_server *s, struct MHD_Connection *c,
                                      const char *id)
{
    char msg[512];
    int status = sv_program_delete(s, id, msg, sizeof msg);
    if (status != 200)
        return send_error(s, c, (unsigned)status, NULL, "%s", msg);
    json_t *o = json_pack("{s:s, s:s}", "id", id, "outcome", "deleted");
    char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return send_json(s, c, 200, t);
}

static enum MHD_Result post_job(struct sv_server *s, struct MHD_Connection *c, const char *pid,
                                struct sv_req *rq)
{
    char err[512];
    pthread_mutex_lock(&s->lock);
    int known = sv_program_find(s, pid) != NULL;   /* 404 before a 400 on the body */
    if (!known)
        sv_program_missing(s, pid, err, sizeof err);
    pthread_mutex_unlock(&s->lock);
    if (!known)
        return send_error(s, c, 404, NULL, "%s", err);
    struct sv_job_spec spec;
    if (sv_request_parse(&s->cfg, rq->body, rq->len, &spec, err, sizeof err) != 0)
        return send_error(s, c, 400, NULL, "job request: %s", err);
    int code = 500;
    uint64_t num = sv_job_submit(s, pid, &spec, &code, err, sizeof err);
    if (!num) {
        sv_spec_free(&spec);
        return send_error(s, c, (unsigned)code, NULL, "%s", err);
    }
    char loc[64], body[160];
    snprintf(loc, sizeof loc, "/jobs/%" PRIu64, num);
    snprintf(body, sizeof body, "{\"id\":\"%" PRIu64 "\",\"state\":\"queued\",\"location\":"
             "\"%s\"}", num, loc);
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body,
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, loc);
    __atomic_fetch_add(&s->m.http_responses[2], 1, __ATOMIC_RELAXED);
    enum MHD_Result ret = MHD_queue_response(c, 202, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result list_jobs(struct sv_server *s, struct MHD_Connection *c)
{
    json_t *a = json_array();
    pthread_mutex_lock(&s->lock);
    for (size_t k = 0; k < s->n_slots; k++) {
        const struct sv_job *j = s->jobs[k];
        if (!j)
            continue;
        char id[24];
        snprintf(id, sizeof id, "%" PRIu64, j->num);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "id", id, "program",
                                           j->program_id, "state", sv_state_name(j->state)));
    }
    pthread_mutex_unlock(&s->lock);
    json_t *o = json_pack("{s:o}", "jobs", a);
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return send_json(s, c, 200, t);
}

static enum MHD_Result get_job(struct sv_server *s, struct MHD_Connection *c, const char *id,
                               const char *what)
{
    const char *w = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wait");
    double wait = w ? strtod(w, NULL) : 0;
    if (wait > SV_MAX_WAIT_SECONDS)
        wait = SV_MAX_WAIT_SECONDS;
    char *text = NULL, path[4096], missing[512];
    unsigned code = 200;
    const char *msg = NULL;
    pthread_mutex_lock(&s->lock);
    if (wait > 0)
        sv_job_wait(s, id, wait);
    struct sv_job *j = sv_job_find(s, id);
    if (!j) {
        sv_job_missing(s, id, missing, sizeof missing);
        pthread_mutex_unlock(&s->lock);
        return send_error(s, c, 404, NULL, "%s", missing);
    }
    if (!what)
        text = sv_job_json(j);
    else if (!sv_state_final(j->state))
        code = 409, msg = "the job is not finished yet (GET /jobs/{id}?wait=SECONDS waits)";
    else if (!strcmp(what, "result") && !j->result)
        code = 404, msg = "the job has no result: it never ran (its document's error says why)";
    else if (!strcmp(what, "result"))
        text = strdup(j->result);
    else if (!j->spec.trace)
        code = 404, msg = "the job recorded no trace (submit it with \"trace\": true)";
    else
        sv_store_trace_path(s, j->num, path, sizeof path);
    pthread_mutex_unlock(&s->lock);
    if (msg)
        return send_error(s, c, code, NULL, "job '%s': %s", id, msg);
    if (text)
        return send_json(s, c, 200, text);
    if (!what || strcmp(what, "trace"))
        return send_json(s, c, 500, NULL);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return send_error(s, c, 404, NULL, "job '%s': trace file %s: %s", id, path,
                          strerror(errno));
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
    __atomic_fetch_add(&s->m.http_responses[2], 1, __ATOMIC_RELAXED);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result delete_job(struct sv_server *s, struct MHD_Connection *c, const char *id)
{
    char msg[256];
    pthread_mutex_lock(&s->lock);
    int code = sv_job_delete(s, id, msg, sizeof msg);
    pthread_mutex_unlock(&s->lock);
    if (code == 404)
        return send_error(s, c, 404, NULL, "%s", msg);
    json_t *o = json_pack("{s:s, s:s}", "id", id, "outcome", msg);
    char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return send_json(s, c, (unsigned)code, t);
}

/* Splits "/a/b/c" into at most 4 segments; returns the count, or -1 if there are more. */
static int split_path(const char *url, char *buf, size_t len, char *seg[4])
{
    snprintf(buf, len, "%s", url[0] == '/' ? url + 1 : url);
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '/')
        buf[n - 1] = 0;
    int k = 0;
    for (char *p = buf, *save = NULL, *t; (t = strtok_r(p, "/", &save)); p = NULL) {
        if (k == 4)
            return -1;
        seg[k++] = t;
    }
    return k;
}

static enum MHD_Result route(struct sv_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, struct sv_req *rq)
{
    char buf[1024];
    char *seg[4] = {0};
    int n = split_path(url, buf, sizeof buf, seg);
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    int post = !strcmp(method, "POST"), del = !strcmp(method, "DELETE");
    if (n == 1 && !strcmp(seg[0], "healthz"))
        return get ? send_json(s, c, 200, strdup("{\"status\":\"ok\"}"))
                   : bad_method(s, c, method, url, "GET");
    if (n == 1 && !strcmp(seg[0], "metrics")) {
        if (!get)
            return bad_method(s, c, method, url, "GET");
        pthread_mutex_lock(&s->lock);
        char *t = sv_metrics_text(s);
        pthread_mutex_unlock(&s->lock);
        return send_text(s, c, 200, t, "text/plain; version=0.0.4", NULL);
    }
    if (n >= 1 && !strcmp(seg[0], "programs")) {
        if (n == 1)
            return post ? post_program(s, c, rq) : get ? list_programs(s, c)
                        : bad_method(s, c, method, url, "GET, POST");
        if (n == 2)
            return get ? get_program(s, c, seg[1]) : del ? delete_program(s, c, seg[1])
                       : bad_method(s, c, method, url, "GET, DELETE");
        if (n == 3 && !strcmp(seg[2], "jobs"))
            return post ? post_job(s, c, seg[1], rq)
                        : bad_method(s, c, method, url, "POST");
    }
    if (n >= 1 && !strcmp(seg[0], "jobs")) {
        if (n == 1)
            return get ? list_jobs(s, c) : bad_method(s, c, method, url, "GET");
        if (n == 2)
            return get ? get_job(s, c, seg[1], NULL) : del ? delete_job(s, c, seg[1])
                       : bad_method(s, c, method, url, "GET, DELETE");
        if (n == 3 && (!strcmp(seg[2], "result") || !strcmp(seg[2], "trace")))
            return get ? get_job(s, c, seg[1], seg[2]) : bad_method(s, c, method, url, "GET");
    }
    return send_error(s, c, 404, NULL, "no resource %s %s (see docs/service.md: /programs, "
                      "/programs/{id}/jobs, /jobs/{id}, /metrics, /healthz)", method, url);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version,
                               const char *upload_data, size_t *upload_data_size,
                               void **con_cls)
{
    (void)version;
    struct sv_server *s = cls;
    struct sv_req *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > s->cfg.max_body) {
            rq->too_big = 1;   /* refuse before reading: curl's Expect: 100-continue */
            return send_error(s, c, 413, NULL, "request body of %s bytes exceeds the limit of "
                              "%zu bytes (rvtier serve --max-body)", cl, s->cfg.max_body);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->too_big || rq->len + n > s->cfg.max_body) {
            rq->too_big = 1;   /* keep reading (and dropping) to answer 413 at the end */
            free(rq->body);
            rq->body = NULL;
            rq->len = rq->cap = 0;
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t cap = (rq->len + n + 1) * 2;
            char *nb = realloc(rq->body, cap);
            if (!nb)
                return MHD_NO;
            rq->body = nb;
            rq->cap = cap;
        }
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        rq->body[rq->len] = 0;
        return MHD_YES;
    }
    if (rq->too_big)
        return send_error(s, c, 413, NULL, "request body exceeds the limit of %zu bytes "
                          "(rvtier serve --max-body)", s->cfg.max_body);
    return route(s, c, url, method, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    struct sv_req *rq = *con_cls;
    if (rq)
        free(rq->body);
    free(rq);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = 0;
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    json_t *o = json_pack("{s:s, s:s}", "event", "httpd", "message", msg);
    char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (t)
        fprintf(stderr, "%s\n", t);
    free(t);
    json_decref(o);
}

/* HOST:PORT ([v6]:PORT too) -> a listening TCP socket; prints the address it got. */
static int listen_tcp(const char *spec, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || !colon[1]) {
        snprintf(err, errlen, "--listen '%s': expected HOST:PORT, e.g. 127.0.0.1:8080 (port 0 "
                 "picks a free port)", spec);
        return -1;
    }
    size_t hl = (size_t)(colon - spec);
    if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']')
        snprintf(host, sizeof host, "%.*s", (int)(hl - 2), spec + 1);
    else
        snprintf(host, sizeof host, "%.*s", (int)hl, spec);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *res, *ai;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "--listen '%s': %s", spec, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "--listen '%s': cannot listen: %s (is the port in use?)", spec,
                 strerror(saved));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char port[32];
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    getnameinfo((struct sockaddr *)&ss, sl, NULL, 0, port, sizeof port, NI_NUMERICSERV);
    printf("listening on http://%s%s%s:%s\n", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", port);
    return fd;
}

static int listen_unix(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "--unix '%s': path longer than %zu bytes", path,
                 sizeof sa.sun_path - 1);
        return -1;
    }
    strcpy(sa.sun_path, path);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);   /* a stale socket of an earlier daemon */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1024) != 0) {
        snprintf(err, errlen, "--unix '%s': cannot listen: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    printf("listening on unix:%s\n", path);
    return fd;
}

int sv_http_start(struct sv_server *s, char *err, size_t errlen)
{
    const char *specs[2] = {s->cfg.listen, s->cfg.unix_path};
    for (int i = 0; i < 2; i++) {
        if (!specs[i])
            continue;
        int fd = i == 0 ? listen_tcp(specs[i], err, errlen) : listen_unix(specs[i], err, errlen);
        if (fd < 0)
            return -1;
        s->listen_fd[i] = fd;
        s->httpd[i] = MHD_start_daemon(
            MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                MHD_USE_ITC,
            0, NULL, NULL, handler, s, MHD_OPTION_LISTEN_SOCKET, fd,
            MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned)(SV_MAX_WAIT_SECONDS + 60), MHD_OPTION_CONNECTION_LIMIT, 4000u,
            MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_THREAD_STACK_SIZE,
            (size_t)1 << 20, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_END);
        if (!s->httpd[i]) {
            snprintf(err, errlen, "libmicrohttpd could not start on %s", specs[i]);
            return -1;
        }
    }
    fflush(stdout);
    return 0;
}

void sv_http_quiesce(struct sv_server *s)
{
    for (int i = 0; i < 2; i++)
        if (s->httpd[i]) {
            MHD_socket fd = MHD_quiesce_daemon(s->httpd[i]);
            if (fd != MHD_INVALID_SOCKET)
                close(fd);
            s->listen_fd[i] = -1;
        }
}

void sv_http_stop(struct sv_server *s)
{
    for (int i = 0; i < 2; i++) {
        if (s->httpd[i])
            MHD_stop_daemon(s->httpd[i]);
        s->httpd[i] = NULL;
        if (s->listen_fd[i] >= 0)
            close(s->listen_fd[i]);
        s->listen_fd[i] = -1;
    }
    if (s->cfg.unix_path)
        unlink(s->cfg.unix_path);
}
