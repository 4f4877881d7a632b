/* HTTP/1.x request parsing: strict about framing, lenient about nothing else. */
#include "http_request.h"

#include <string.h>

static bool is_token_char(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool equals_ignoring_case(const char *text, size_t len, const char *lower)
{
    size_t lower_len = strlen(lower);
    if (len != lower_len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != lower[i])
            return false;
    }
    return true;
}

/* Does the comma-separated header value contain `token` (case-insensitive)? */
static bool has_token(const char *value, size_t len, const char *token)
{
    size_t at = 0;
    while (at < len) {
        while (at < len && (value[at] == ' ' || value[at] == '\t' || value[at] == ','))
            at++;
        size_t start = at;
        while (at < len && value[at] != ',')
            at++;
        size_t end = at;
        while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t'))
            end--;
        if (end > start && equals_ignoring_case(value + start, end - start, token))
            return true;
    }
    return false;
}

static long parse_request_line(char *line, size_t len, HttpRequest *request)
{
    char *space = memchr(line, ' ', len);
    if (!space || space == line)
        return -400;
    for (char *c = line; c < space; c++) {
        if (!is_token_char((unsigned char)*c))
            return -400;
    }
    request->method = line;
    request->method_len = (size_t)(space - line);

    char *target = space + 1;
    char *end = line + len;
    char *second = memchr(target, ' ', (size_t)(end - target));
    if (!second || second == target)
        return -400;
    for (char *c = target; c < second; c++) {
        if ((unsigned char)*c <= 0x20 || *c == 0x7f)
            return -400;
    }

    /* Absolute form (a proxy-style request): keep only the path and query. */
    size_t target_len = (size_t)(second - target);
    if (target_len > 7 && strncmp(target, "http://", 7) == 0) {
        char *slash = memchr(target + 7, '/', target_len - 7);
        if (!slash)
            return -400;
        target = slash;
    } else if (target_len > 8 && strncmp(target, "https://", 8) == 0) {
        char *slash = memchr(target + 8, '/', target_len - 8);
        if (!slash)
            return -400;
        target = slash;
    }
    if (target[0] != '/' && !(second - target == 1 && target[0] == '*'))
        return -400;
    request->target = target;
    request->target_len = (size_t)(second - target);
    char *query = memchr(target, '?', request->target_len);
    request->path_len = query ? (size_t)(query - target) : request->target_len;

    char *version = second + 1;
    if ((size_t)(end - version) != 8 || strncmp(version, "HTTP/1.", 7) != 0)
        return strncmp(version, "HTTP/", 5) == 0 ? -505 : -400;
    if (version[7] == '1')
        request->minor_version = 1;
    else if (version[7] == '0')
        request->minor_version = 0;
    else
        return -505;
    return 0;
}

static long parse_header_line(char *line, size_t len, HttpRequest *request)
{
    if (line[0] == ' ' || line[0] == '\t')
        return -400; /* obsolete line folding */

    char *colon = memchr(line, ':', len);
    if (!colon || colon == line)
        return -400;
    for (char *c = line; c < colon; c++) {
        if (!is_token_char((unsigned char)*c))
            return -400;
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    }

    char *value = colon + 1;
    char *end = line + len;
    while (value < end && (*value == ' ' || *value == '\t'))
        value++;
    while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (char *c = value; c < end; c++) {
        if (*c == '\0' || *c == '\r' || *c == '\n')
            return -400;
    }

    if (request->header_count == HTTP_MAX_HEADERS)
        return -431;
    request->headers[request->header_count++] = (HttpHeader){
        .name = line,
        .name_len = (size_t)(colon - line),
        .value = value,
        .value_len = (size_t)(end - value),
    };
    return 0;
}

static long parse_content_length(const HttpHeader *header, HttpRequest *request)
{
    if (header->value_len == 0 || header->value_len > 15)
        return header->value_len > 15 ? -413 : -400;
    size_t length = 0;
    for (size_t i = 0; i < header->value_len; i++) {
        char c = header->value[i];
        if (c < '0' || c > '9')
            return -400;
        length = length * 10 + (size_t)(c - '0');
    }
    if (request->body_kind == HTTP_BODY_LENGTH && request->content_length != length)
        return -400;
    request->body_kind = HTTP_BODY_LENGTH;
    request->content_length = length;
    return 0;
}

/* What the headers mean for framing and the connection. */
static long apply_headers(HttpRequest *request)
{
    bool chunked = false;
    bool wants_close = false;
    bool wants_keep_alive = false;

    for (size_t i = 0; i < request->header_count; i++) {
        const HttpHeader *header = &request->headers[i];
        const char *name = header->name;
        size_t name_len = header->name_len;

        if (equals_ignoring_case(name, name_len, "content-length")) {
            long status = parse_content_length(header, request);
            if (status)
                return status;
        } else if (equals_ignoring_case(name, name_len, "transfer-encoding")) {
            bool is_chunked =
                equals_ignoring_case(header->value, header->value_len, "chunked");
            if (chunked || !is_chunked)
                return -501;
            chunked = true;
        } else if (equals_ignoring_case(name, name_len, "connection")) {
            wants_close |= has_token(header->value, header->value_len, "close");
            wants_keep_alive |= has_token(header->value, header->value_len, "keep-alive");
        } else if (equals_ignoring_case(name, name_len, "expect")) {
            if (!equals_ignoring_case(header->value, header->value_len, "100-continue"))
                return -400;
            request->expect_continue = true;
        }
    }

    if (chunked) {
        if (request->body_kind == HTTP_BODY_LENGTH || request->minor_version == 0)
            return -400; /* ambiguous framing is how requests get smuggled */
        request->body_kind = HTTP_BODY_CHUNKED;
    }
    if (request->body_kind == HTTP_BODY_LENGTH && request->content_length > HTTP_MAX_BODY)
        return -413;

    if (request->minor_version == 1)
        request->keep_alive = !wants_close;
    else
        request->keep_alive = wants_keep_alive && !wants_close;
    request->head = equals_ignoring_case(request->method, request->method_len, "head");
    return 0;
}

/* The "\r\n\r\n" ending a head: each line end is found with memchr, which
   is much faster than a general substring search on every read. */
static char *find_blank_line(char *text, size_t len)
{
    char *end = text + len;
    for (char *at = text; at < end;) {
        char *newline = memchr(at, '\n', (size_t)(end - at));
        if (!newline || end - newline < 3)
            return NULL;
        if (newline > text && newline[-1] == '\r' && newline[1] == '\r' &&
            newline[2] == '\n')
            return newline - 1;
        at = newline + 1;
    }
    return NULL;
}

long http_parse_head(char *data, size_t len, HttpRequest *request)
{
    /* Blank lines before a request are allowed (some clients send one after a body). */
    size_t start = 0;
    while (start + 1 < len && data[start] == '\r' && data[start + 1] == '\n')
        start += 2;

    char *line = data + start;
    size_t left = len - start;
    size_t line_room = HTTP_MAX_REQUEST_LINE + 2;
    char *line_end = memchr(line, '\n', left < line_room ? left : line_room);
    if (!line_end)
        return left > HTTP_MAX_REQUEST_LINE ? -414 : 0;
    if ((size_t)(line_end - line) > HTTP_MAX_REQUEST_LINE + 1)
        return -414;

    char *head_end = find_blank_line(line, left);
    if (!head_end) {
        if (left > HTTP_MAX_HEAD)
            return -431;
        return line_end > line && line_end[-1] != '\r' ? -400 : 0;
    }
    if ((size_t)(head_end - line) + 4 > HTTP_MAX_HEAD)
        return -431;

    memset(request, 0, sizeof *request);
    if (line_end == line || line_end[-1] != '\r')
        return -400;
    long status = parse_request_line(line, (size_t)(line_end - 1 - line), request);
    if (status)
        return status;

    char *at = line_end + 1;
    while (at < head_end + 2) {
        char *end = memchr(at, '\n', (size_t)(head_end + 2 - at));
        if (!end || end == at || end[-1] != '\r')
            return -400;
        if (end - 1 == at)
            return -400;
        status = parse_header_line(at, (size_t)(end - 1 - at), request);
        if (status)
            return status;
        at = end + 1;
    }

    status = apply_headers(request);
    if (status)
        return status;
    return (long)(head_end + 4 - data);
}

enum {
    CHUNK_SIZE,
    CHUNK_EXTENSION,
    CHUNK_SIZE_LF,
    CHUNK_DATA,
    CHUNK_DATA_CR,
    CHUNK_DATA_LF,
    CHUNK_TRAILER_START,
    CHUNK_TRAILER,
    CHUNK_TRAILER_LF,
    CHUNK_END_LF,
    CHUNK_DONE,
};

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

long http_chunked_feed(ChunkedDecoder *decoder, const char *data, size_t len,
                       Buffer *body, bool *done)
{
    size_t at = 0;
    size_t limit = decoder->limit ? decoder->limit : HTTP_MAX_BODY;
    *done = false;

    while (at < len && decoder->state != CHUNK_DONE) {
        char c = data[at];
        switch (decoder->state) {
        case CHUNK_SIZE: {
            int digit = hex_value(c);
            if (digit >= 0) {
                if (++decoder->digits > 8)
                    return -413;
                decoder->remaining = decoder->remaining * 16 + (size_t)digit;
                if (body->len + decoder->remaining > limit)
                    return -413;
                at++;
            } else if (decoder->digits == 0) {
                return -400;
            } else if (c == ';') {
                decoder->state = CHUNK_EXTENSION;
                at++;
            } else if (c == '\r') {
                decoder->state = CHUNK_SIZE_LF;
                at++;
            } else {
                return -400;
            }
            break;
        }
        case CHUNK_EXTENSION:
            if (c == '\r')
                decoder->state = CHUNK_SIZE_LF;
            else if (c == '\n')
                return -400;
            else if (++decoder->extensions > HTTP_MAX_CHUNK_EXTENSIONS)
                return -413;
            at++;
            break;
        case CHUNK_SIZE_LF:
            if (c != '\n')
                return -400;
            at++;
            decoder->digits = 0;
            decoder->state = decoder->remaining ? CHUNK_DATA : CHUNK_TRAILER_START;
            break;
        case CHUNK_DATA: {
            size_t take = len - at < decoder->remaining ? len - at : decoder->remaining;
            if (!buffer_append(body, data + at, take))
                return -413;
            at += take;
            decoder->remaining -= take;
            if (decoder->remaining == 0)
                decoder->state = CHUNK_DATA_CR;
            break;
        }
        case CHUNK_DATA_CR:
            if (c != '\r')
                return -400;
            decoder->state = CHUNK_DATA_LF;
            at++;
            break;
        case CHUNK_DATA_LF:
            if (c != '\n')
                return -400;
            decoder->state = CHUNK_SIZE;
            at++;
            break;
        case CHUNK_TRAILER_START:
        case CHUNK_TRAILER:
            /* Trailer lines are read past, bounded like a head; a bare LF
               could end a line for some other reader and not for us. */
            if (c == '\n')
                return -400;
            if (++decoder->trailer > HTTP_MAX_TRAILER)
                return -431;
            if (c == '\r')
                decoder->state =
                    decoder->state == CHUNK_TRAILER_START ? CHUNK_END_LF : CHUNK_TRAILER_LF;
            else
                decoder->state = CHUNK_TRAILER;
            at++;
            break;
        case CHUNK_TRAILER_LF:
            if (c != '\n')
                return -400;
            decoder->state = CHUNK_TRAILER_START;
            at++;
            break;
        case CHUNK_END_LF:
            if (c != '\n')
                return -400;
            decoder->state = CHUNK_DONE;
            at++;
            break;
        }
    }

    *done = decoder->state == CHUNK_DONE;
    return (long)at;
}
