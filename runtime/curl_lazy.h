/* curl_lazy.h — libcurl for `rvtier submit`, loaded when submit runs (dlopen), not linked:
 * linking it cost every `rvtier run` ~5 ms of start-up (libcurl-gnutls pulls in gnutls,
 * nghttp2, kerberos, ldap and their initializers), a quarter of a short run. The functions
 * submit uses, by pointer; the handle lives on the caller's stack (no global state).
 * Usage: struct rt_curl c; if (rt_curl_load(&c, err, n)) fail(err);
 *        CURL *h = c.easy_init(); c.easy_setopt(h, CURLOPT_URL, url); ... rt_curl_unload(&c); */
#ifndef RVT_RUNTIME_CURL_LAZY_H
#define RVT_RUNTIME_CURL_LAZY_H

#include <stddef.h>

#include <curl/curl.h>

struct rt_curl {
    void *lib;
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
    CURLcode (*easy_perform)(CURL *h);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode rc);
    char *(*easy_escape)(CURL *h, const char *s, int len);
    void (*free)(void *p);
    void (*easy_cleanup)(CURL *h);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
};

/* Loads libcurl (the GnuTLS build Debian's libcurl4-gnutls-dev installs, else the OpenSSL
 * one) and resolves the functions. Returns 0, or -1 with err naming what is missing and the
 * package that provides it. */
int rt_curl_load(struct rt_curl *c, char *err, size_t errlen);
void rt_curl_unload(struct rt_curl *c);

#endif
