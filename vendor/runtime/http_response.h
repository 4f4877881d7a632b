/* HTTP/1.1 responses, assembled in one buffer so each goes out in one write. */
#ifndef ZIGTTP_HTTP_RESPONSE_H
#define ZIGTTP_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"

typedef struct HttpResponse {
    Buffer *out;
    int status;
    bool head_only;  /* answering HEAD: headers as for GET, no body */
    bool keep_alive;
    int minor_version;
    size_t head_end; /* where the blank line after the headers starts */
} HttpResponse;

const char *http_status_text(int status);

/* Whether a response with `status` may have a body: not 1xx, 204, 205 or 304. */
bool http_status_allows_body(int status);

/* The status line; headers follow with http_response_header. */
bool http_response_begin(HttpResponse *response);

/* One header from the handler; false when its name or value could split the
   response. Framing headers (content-length, connection...) are ours and skipped. */
bool http_response_header(HttpResponse *response, const char *name, size_t name_len,
                          const char *value, size_t value_len);

/* Framing headers, the blank line and the body. */
bool http_response_finish(HttpResponse *response, const char *body, size_t body_len);

/* Turn a finished keep-alive response into one that closes the connection
   (the server began stopping while the handler ran). */
bool http_response_close_after(HttpResponse *response);

/* A complete JSON error response: {"error": code, "message": message}. */
void http_response_error(HttpResponse *response, const char *code, const char *message);

#endif
