/* One HTTP/1.1 exchange for fetch.

   Every request says "Connection: close", so each fetch has its own
   connection and an answer without a length ends when the server closes. The
   answer's head is bounded, and so is its body: by its Content-Length before a
   byte of it is read, else as it arrives. */
#include "http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transport.h"

#define READ_CHUNK 16384

static int fail(HttpClientAnswer *answer, const char *code, const char *problem)
{
    answer->code = code;
    snprintf(answer->problem, sizeof answer->problem, "%s", problem);
    return -1;
}

static int fail_transport(HttpClientAnswer *answer, const Transport *transport)
{
    return fail(answer, transport->code ? transport->code : "ReadFailed",
                transport->problem);
}

static bool write_head(Buffer *out, const FetchUrl *url,
                       const HttpClientRequest *request)
{
    bool ok = buffer_printf(out, "%s %s HTTP/1.1\r\nHost: %s\r\n", request->method,
                            url->target.data, url->authority);
    if (request->headers && request->headers->len)
        ok = ok && buffer_append(out, request->headers->data, request->headers->len);
    if (request->body || strcmp(request->method, "POST") == 0 ||
        strcmp(request->method, "PUT") == 0 || strcmp(request->method, "PATCH") == 0)
        ok = ok && buffer_printf(out, "Content-Length: %zu\r\n", request->body_len);
    ok = ok && buffer_append_str(out, "Connection: close\r\n\r\n");
    return ok &&
           (!request->body || buffer_append(out, request->body, request->body_len));
}

static char lower(char c)
{
    return (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
}

/* Parse "HTTP/1.x SSS reason" and the header lines of a complete head (ending
   in CRLF CRLF); names are lowercased in place. */
static int parse_head(HttpClientAnswer *answer, char *head, size_t len)
{
    char *end = head + len;
    char *line_end = memchr(head, '\n', len);
    if (len < 12 || strncmp(head, "HTTP/1.", 7) != 0 || !line_end ||
        (head[7] != '0' && head[7] != '1') || head[8] != ' ')
        return fail(answer, "BadResponse", "the server did not answer with HTTP/1.x");

    /* "HTTP/1.1 SSS reason": exactly three digits, then a space or the end. */
    int status = 0;
    for (int i = 9; i < 12; i++) {
        if (head[i] < '0' || head[i] > '9')
            return fail(answer, "BadResponse", "the server's status is not a number");
        status = status * 10 + (head[i] - '0');
    }
    if (head[12] != ' ' && head[12] != '\r' && head[12] != '\n')
        return fail(answer, "BadResponse",
                    "the server's status is not three digits");
    if (status < 100 || status > 599)
        return fail(answer, "BadResponse", "the server's status is outside 100-599");
    answer->status = status;

    const char *reason = head + 12 + (head[12] == ' ');
    size_t reason_len = (size_t)(line_end - reason);
    while (reason_len &&
           (reason[reason_len - 1] == '\r' || reason[reason_len - 1] == '\n'))
        reason_len--;
    for (size_t i = 0; i < reason_len; i++) {
        unsigned char c = (unsigned char)reason[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return fail(answer, "BadResponse",
                        "the server's reason phrase has control characters");
    }
    if (reason_len >= sizeof answer->reason)
        reason_len = sizeof answer->reason - 1;
    memcpy(answer->reason, reason, reason_len);
    answer->reason[reason_len] = '\0';

    answer->header_count = 0;
    for (char *line = line_end + 1; line < end;) {
        char *next = memchr(line, '\n', (size_t)(end - line));
        if (!next)
            break;
        char *stop = next > line && next[-1] == '\r' ? next - 1 : next;
        if (stop == line)
            break; /* the blank line */
        if (*line == ' ' || *line == '\t')
            return fail(answer, "BadResponse", "the server folded a header line");
        char *colon = memchr(line, ':', (size_t)(stop - line));
        if (!colon || colon == line)
            return fail(answer, "BadResponse", "the server sent a malformed header");
        if (answer->header_count == HTTP_MAX_HEADERS)
            return fail(answer, "BadResponse", "the server sent too many headers");

        for (char *c = line; c < colon; c++)
            *c = lower(*c);
        char *value = colon + 1;
        while (value < stop && (*value == ' ' || *value == '\t'))
            value++;
        char *value_end = stop;
        while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
            value_end--;
        answer->headers[answer->header_count++] = (HttpHeader){
            .name = line,
            .name_len = (size_t)(colon - line),
            .value = value,
            .value_len = (size_t)(value_end - value),
        };
        line = next + 1;
    }
    return 0;
}

const HttpHeader *http_client_header(const HttpClientAnswer *answer, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < answer->header_count; i++) {
        const HttpHeader *header = &answer->headers[i];
        if (header->name_len == len && memcmp(header->name, name, len) == 0)
            return header;
    }
    return NULL;
}

/* Read until `in` holds a whole head; its length, or -1. */
static long read_head(Transport *transport, Buffer *in, HttpClientAnswer *answer)
{
    for (;;) {
        char *end = in->len ? memmem(in->data, in->len, "\r\n\r\n", 4) : NULL;
        if (end)
            return (long)(end - in->data) + 4;
        if (in->len >= HTTP_CLIENT_MAX_HEAD)
            return fail(answer, "BadResponse",
                        "the server's answer head is over 64 KiB");
        if (!buffer_reserve(in, READ_CHUNK))
            return fail(answer, "ResponseReadFailed", "out of memory");
        ptrdiff_t got = transport_read(transport, in->data + in->len, READ_CHUNK);
        if (got < 0)
            return fail_transport(answer, transport);
        if (got == 0)
            return fail(answer, "BadResponse",
                        "the server closed the connection before "
                        "answering");
        in->len += (size_t)got;
    }
}

static int too_large(HttpClientAnswer *answer, size_t limit)
{
    char problem[128];
    snprintf(problem, sizeof problem,
             "the answer is larger than the %zu byte limit "
             "(maxResponseBytes)",
             limit);
    return fail(answer, "ResponseTooLarge", problem);
}

static bool is_chunked(const HttpHeader *header)
{
    if (!header)
        return false;
    const char *value = header->value;
    size_t len = header->value_len;
    return len >= 7 && strncasecmp(value + len - 7, "chunked", 7) == 0;
}

/* The body's length from Content-Length, SIZE_MAX when there is none: only
   digits, and every such header saying the same (anything else is how a
   response is split in two on the way). */
static int content_length(HttpClientAnswer *answer, size_t *expected)
{
    *expected = SIZE_MAX;
    for (size_t i = 0; i < answer->header_count; i++) {
        const HttpHeader *header = &answer->headers[i];
        if (header->name_len != 14 || memcmp(header->name, "content-length", 14) != 0)
            continue;
        if (header->value_len == 0 || header->value_len > 18)
            return fail(answer, "BadResponse",
                        "the server's Content-Length is not a length");
        size_t value = 0;
        for (size_t k = 0; k < header->value_len; k++) {
            char c = header->value[k];
            if (c < '0' || c > '9')
                return fail(answer, "BadResponse",
                            "the server's Content-Length is not a length");
            value = value * 10 + (size_t)(c - '0');
        }
        if (*expected != SIZE_MAX && *expected != value)
            return fail(answer, "BadResponse",
                        "the server sent two different Content-Lengths");
        *expected = value;
    }
    return 0;
}

/* Read the body that follows the head: `in` already holds its first bytes.
   With a Transfer-Encoding other than chunked, the body ends with the
   connection whatever Content-Length says. */
static int read_body(Transport *transport, Buffer *in, const HttpClientRequest *request,
                     HttpClientAnswer *answer)
{
    const HttpHeader *encoding = http_client_header(answer, "transfer-encoding");
    bool chunked = is_chunked(encoding);
    size_t expected = SIZE_MAX;
    if (!encoding) {
        int status = content_length(answer, &expected);
        if (status != 0)
            return status;
        if (expected != SIZE_MAX && expected > request->max_body)
            return too_large(answer, request->max_body);
    }

    ChunkedDecoder decoder = {.limit = request->max_body};
    bool done = false;
    for (;;) {
        if (chunked) {
            long used =
                http_chunked_feed(&decoder, in->data, in->len, &answer->body, &done);
            if (used == -413 && decoder.extensions > HTTP_MAX_CHUNK_EXTENSIONS)
                return fail(answer, "BadResponse",
                            "the server's chunk extensions are over the limit");
            if (used == -413)
                return too_large(answer, request->max_body);
            if (used == -431)
                return fail(answer, "BadResponse",
                            "the server's chunked trailer is over the limit");
            if (used < 0)
                return fail(answer, "BadResponse",
                            "the server's chunked body is malformed");
            buffer_consume(in, (size_t)used);
        } else {
            size_t take = in->len < expected - answer->body.len
                              ? in->len
                              : expected - answer->body.len;
            if (!buffer_append(&answer->body, in->data, take))
                return fail(answer, "ResponseReadFailed", "out of memory");
            in->len = 0;
            if (answer->body.len > request->max_body)
                return too_large(answer, request->max_body);
            done = answer->body.len == expected;
        }
        if (done)
            return 0;

        if (!buffer_reserve(in, READ_CHUNK))
            return fail(answer, "ResponseReadFailed", "out of memory");
        ptrdiff_t got = transport_read(transport, in->data + in->len, READ_CHUNK);
        if (got < 0)
            return fail_transport(answer, transport);
        if (got == 0) {
            if (chunked || expected != SIZE_MAX)
                return fail(
                    answer, "ResponseReadFailed",
                    "the server closed the connection in the middle of the body");
            return 0; /* no length: the body ends with the connection */
        }
        in->len += (size_t)got;
    }
}

static bool has_no_body(const HttpClientRequest *request, int status)
{
    return strcmp(request->method, "HEAD") == 0 || status == 204 || status == 304 ||
           status < 200;
}

int http_client_exchange(const FetchUrl *url, const HttpClientRequest *request,
                         HttpClientAnswer *answer)
{
    memset(answer, 0, sizeof *answer);
    Buffer out = {0};
    if (!write_head(&out, url, request)) {
        buffer_free(&out);
        return fail(answer, "RequestSendFailed", "out of memory");
    }

    Transport transport;
    int status = -1;
    if (transport_open(&transport, url, request->connect_deadline_ns,
                       request->deadline_ns) != 0) {
        fail_transport(answer, &transport);
        buffer_free(&out);
        return -1;
    }

    Buffer in = {0};
    if (transport_write(&transport, out.data, out.len) != 0) {
        fail_transport(answer, &transport);
        goto done;
    }

    /* Interim 1xx answers come before the final one. */
    for (;;) {
        long head_len = read_head(&transport, &in, answer);
        if (head_len < 0)
            goto done;
        answer->head.len = 0;
        if (!buffer_append(&answer->head, in.data, (size_t)head_len)) {
            fail(answer, "ResponseReadFailed", "out of memory");
            goto done;
        }
        buffer_consume(&in, (size_t)head_len);
        if (parse_head(answer, answer->head.data, answer->head.len) != 0)
            goto done;
        if (answer->status >= 200 || answer->status == 101)
            break;
    }

    status = has_no_body(request, answer->status)
                 ? 0
                 : read_body(&transport, &in, request, answer);
done:
    transport_close(&transport);
    buffer_free(&in);
    buffer_free(&out);
    return status;
}

void http_client_answer_free(HttpClientAnswer *answer)
{
    buffer_free(&answer->head);
    buffer_free(&answer->body);
}
