#ifndef STAMPWATCH_CCURL_SHIM_H
#define STAMPWATCH_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic macros; Swift needs typed entry points.
static inline CURLcode sw_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sw_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sw_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sw_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*sw_curl_write_cb)(char *, size_t, size_t, void *);
static inline CURLcode sw_curl_setopt_writefn(CURL *h, CURLoption o, sw_curl_write_cb f) { return curl_easy_setopt(h, o, f); }
static inline CURLcode sw_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sw_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline const char *sw_curl_version(void) { return curl_version(); }
#endif
