/* The request headers a handler gives fetch, checked once and written per hop. */
#ifndef ZIGTTP_FETCH_HEADERS_H
#define ZIGTTP_FETCH_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"
#include "quickjs.h"

typedef struct FetchHeader {
    char *name; /* lowercase */
    char *value;
} FetchHeader;

typedef struct FetchHeaders {
    FetchHeader *items;
    size_t count;
} FetchHeaders;

/* Read an array of [name, value] pairs. Headers the connection manages (Host,
   Content-Length, Connection, Accept-Encoding, ...) are left out. -1 with a TypeError
   thrown when a name or value cannot go into an HTTP header. */
int fetch_headers_read(JSContext *ctx, JSValueConst pairs, FetchHeaders *headers);

/* Drop every header called `name` (lowercase). */
void fetch_headers_drop(FetchHeaders *headers, const char *name);

bool fetch_headers_has(const FetchHeaders *headers, const char *name);

/* "Name: value\r\n" lines, plus User-Agent and Accept when the handler set
   none. */
bool fetch_headers_write(const FetchHeaders *headers, Buffer *out);

void fetch_headers_free(FetchHeaders *headers);

#endif
