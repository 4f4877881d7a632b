/* One HTTP/1.1 exchange for fetch: send a request, read the whole answer. */
#ifndef ZIGTTP_HTTP_CLIENT_H
#define ZIGTTP_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "fetch_url.h"
#include "http_request.h"

#define HTTP_CLIENT_MAX_HEAD (64 * 1024)

typedef struct HttpClientRequest {
    const char *method;
    const Buffer *headers; /* "Name: value\r\n" lines from the handler */
    const char *body;      /* NULL for none */
    size_t body_len;
    size_t max_body; /* larger answers fail with ResponseTooLarge */
    int64_t connect_deadline_ns;
    int64_t deadline_ns;
} HttpClientRequest;

typedef struct HttpClientAnswer {
    int status;
    char reason[64];
    Buffer head; /* the answer's head; headers point into it */
    HttpHeader headers[HTTP_MAX_HEADERS];
    size_t header_count;
    Buffer body;
    const char *code; /* on failure: ConnectFailed, TimedOut, ResponseTooLarge, ... */
    char problem[320];
} HttpClientAnswer;

/* Exchange `request` with `url`'s server; 0 with the answer filled in, or -1
   with `code` and `problem` set. */
int http_client_exchange(const FetchUrl *url, const HttpClientRequest *request,
                         HttpClientAnswer *answer);

/* The value of the first header called `name` (lowercase), or NULL. */
const HttpHeader *http_client_header(const HttpClientAnswer *answer, const char *name);

void http_client_answer_free(HttpClientAnswer *answer);

#endif
