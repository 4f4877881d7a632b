/* Absolute http and https URLs for fetch: parsed once, so the host checked
   against the contract is the host connected to. */
#ifndef ZIGTTP_FETCH_URL_H
#define ZIGTTP_FETCH_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"

#define FETCH_URL_MAX_HOST 253

typedef struct FetchUrl {
    bool tls;                          /* https */
    char host[FETCH_URL_MAX_HOST + 1]; /* lowercase; an IPv6 address without [] */
    int port;
    char authority[FETCH_URL_MAX_HOST + 9]; /* as the contract writes it: host,
                                               [v6], ":port" unless default */
    Buffer target;                          /* path and query, "/" at least */
} FetchUrl;

/* Parse `text`; 0 on success, else -1 with the problem in `problem`. */
int fetch_url_parse(const char *text, size_t len, FetchUrl *url, char *problem,
                    size_t size);

/* The absolute URL a Location header points to from `base`. */
bool fetch_url_resolve(const FetchUrl *base, const char *location, size_t len,
                       Buffer *out);

void fetch_url_free(FetchUrl *url);

#endif
