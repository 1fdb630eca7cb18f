/* curl_lazy.c — loading libcurl on demand (curl_lazy.h). */
#include "runtime/curl_lazy.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int rt_curl_load(struct rt_curl *c, char *err, size_t errlen)
{
    static const char *const names[] = {"libcurl-gnutls.so.4", "libcurl.so.4"};
    memset(c, 0, sizeof *c);
    for (size_t k = 0; k < sizeof names / sizeof names[0] && !c->lib; k++)
        c->lib = dlopen(names[k], RTLD_NOW | RTLD_LOCAL);
    if (!c->lib) {
        snprintf(err, errlen, "cannot load libcurl (libcurl-gnutls.so.4 or libcurl.so.4: %s); "
                 "install libcurl3-gnutls (scripts/setup.sh does)", dlerror());
        return -1;
    }
    /* dlsym returns void *; POSIX guarantees it converts to a function pointer */
#define SYM(field, name)                                                                      \
    do {                                                                                      \
        void *s = dlsym(c->lib, name);                                                        \
        if (!s) {                                                                             \
            snprintf(err, errlen, "libcurl lacks %s: too old a libcurl", name);               \
            rt_curl_unload(c);                                                                \
            return -1;                                                                        \
        }                                                                                     \
        memcpy(&c->field, &s, sizeof s);                                                      \
    } while (0)
    SYM(global_init, "curl_global_init");
    SYM(easy_init, "curl_easy_init");
    SYM(easy_setopt, "curl_easy_setopt");
    SYM(easy_perform, "curl_easy_perform");
    SYM(easy_getinfo, "curl_easy_getinfo");
    SYM(easy_strerror, "curl_easy_strerror");
    SYM(easy_escape, "curl_easy_escape");
    SYM(free, "curl_free");
    SYM(easy_cleanup, "curl_easy_cleanup");
    SYM(slist_append, "curl_slist_append");
    SYM(slist_free_all, "curl_slist_free_all");
#undef SYM
    return 0;
}

void rt_curl_unload(struct rt_curl *c)
{
    if (c->lib)
        dlclose(c->lib);
    memset(c, 0, sizeof *c);
}
