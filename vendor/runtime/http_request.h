/* HTTP/1.x request parsing: the head in one pass, then the body. */
#ifndef ZIGTTP_HTTP_REQUEST_H
#define ZIGTTP_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"

#define HTTP_MAX_REQUEST_LINE 8192
#define HTTP_MAX_HEAD 32768
#define HTTP_MAX_HEADERS 100
#define HTTP_MAX_BODY (1024 * 1024)
#define HTTP_MAX_CHUNK_EXTENSIONS 16384 /* all of a body's ";name=value" bytes */
#define HTTP_MAX_TRAILER HTTP_MAX_HEAD

typedef struct HttpHeader {
    const char *name; /* lowercase */
    size_t name_len;
    const char *value;
    size_t value_len;
} HttpHeader;

typedef enum HttpBodyKind {
    HTTP_BODY_NONE,
    HTTP_BODY_LENGTH,
    HTTP_BODY_CHUNKED,
} HttpBodyKind;

typedef struct HttpRequest {
    const char *method;
    size_t method_len;
    const char *target; /* path and query, as sent */
    size_t target_len;
    size_t path_len; /* the part of target before '?' */
    int minor_version;
    HttpHeader headers[HTTP_MAX_HEADERS];
    size_t header_count;
    HttpBodyKind body_kind;
    size_t content_length;
    bool keep_alive;
    bool expect_continue;
    bool head; /* a HEAD request: answer without a body */
    const char *body;
    size_t body_len;
} HttpRequest;

/* Parse the request head at the start of `data` (names are lowercased in place).
   Returns the head's length when complete, 0 when more bytes are needed, or the
   negated HTTP status to answer with (-400, -413, -414, -431, -501, -505). */
long http_parse_head(char *data, size_t len, HttpRequest *request);

typedef struct ChunkedDecoder {
    int state;
    size_t remaining;
    size_t digits;
    size_t limit;      /* largest body accepted; 0 means HTTP_MAX_BODY */
    size_t extensions; /* chunk extension bytes so far */
    size_t trailer;    /* trailer bytes so far */
} ChunkedDecoder;

/* Feed bytes of a chunked body; decoded data is appended to `body`. Returns how
   many bytes were used (setting *done at the end of the body) or the negated
   status to answer with: -400, -413 when the body passes the limit or its
   chunk extensions pass HTTP_MAX_CHUNK_EXTENSIONS, -431 when its trailer
   passes HTTP_MAX_TRAILER. */
long http_chunked_feed(ChunkedDecoder *decoder, const char *data, size_t len,
                       Buffer *body, bool *done);

#endif
