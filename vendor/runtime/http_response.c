/* HTTP/1.1 responses, assembled in one buffer so each goes out in one write. */
#include "http_response.h"

#include <string.h>

const char *http_status_text(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

static bool same_name(const char *name, size_t len, const char *lower)
{
    if (len != strlen(lower))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != lower[i])
            return false;
    }
    return true;
}

static bool is_framing_header(const char *name, size_t len)
{
    return same_name(name, len, "content-length") ||
           same_name(name, len, "transfer-encoding") ||
           same_name(name, len, "connection") || same_name(name, len, "keep-alive");
}

bool http_response_begin(HttpResponse *response)
{
    Buffer *out = response->out;
    return buffer_append(out, "HTTP/1.1 ", 9) &&
           buffer_append_decimal(out, (size_t)response->status) &&
           buffer_append(out, " ", 1) &&
           buffer_append_str(out, http_status_text(response->status)) &&
           buffer_append(out, "\r\n", 2);
}

bool http_response_header(HttpResponse *response, const char *name, size_t name_len,
                          const char *value, size_t value_len)
{
    if (name_len == 0)
        return false;
    for (size_t i = 0; i < name_len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= 0x20 || c >= 0x7f || c == ':')
            return false;
    }
    /* A field value is visible characters, spaces and tabs (RFC 9110 5.5):
       CR and LF would split the response, other controls make strict clients
       refuse it. */
    for (size_t i = 0; i < value_len; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    if (is_framing_header(name, name_len))
        return true;

    Buffer *out = response->out;
    return buffer_reserve(out, name_len + value_len + 4) &&
           buffer_append(out, name, name_len) && buffer_append(out, ": ", 2) &&
           buffer_append(out, value, value_len) && buffer_append(out, "\r\n", 2);
}

bool http_status_allows_body(int status)
{
    return status >= 200 && status != 204 && status != 205 && status != 304;
}

/* 1xx, 204 and 304 end at the blank line and carry no Content-Length (a 304's
   would have to be the length of the 200 it stands for); 205 has no body
   either, but only a length of 0 tells the client so. */
bool http_response_finish(HttpResponse *response, const char *body, size_t body_len)
{
    Buffer *out = response->out;
    int status = response->status;
    bool bodyless = !http_status_allows_body(status);
    bool framed = status >= 200 && status != 204 && status != 304;

    if (framed && !(buffer_append_str(out, "Content-Length: ") &&
                    buffer_append_decimal(out, bodyless ? 0 : body_len) &&
                    buffer_append(out, "\r\n", 2)))
        return false;
    if (!response->keep_alive && !buffer_append_str(out, "Connection: close\r\n"))
        return false;
    if (response->keep_alive && response->minor_version == 0 &&
        !buffer_append_str(out, "Connection: keep-alive\r\n"))
        return false;
    response->head_end = out->len;
    if (!buffer_append(out, "\r\n", 2))
        return false;

    if (bodyless || response->head_only)
        return true;
    return buffer_append(out, body, body_len);
}

bool http_response_close_after(HttpResponse *response)
{
    static const char close[] = "Connection: close\r\n";
    size_t len = sizeof close - 1;
    Buffer *out = response->out;
    if (!response->keep_alive)
        return true;
    if (response->minor_version == 0)
        return false; /* its keep-alive header is already written: just close */
    if (!buffer_reserve(out, len))
        return false;

    char *at = out->data + response->head_end;
    memmove(at + len, at, out->len - response->head_end);
    memcpy(at, close, len);
    out->len += len;
    response->keep_alive = false;
    return true;
}

void http_response_error(HttpResponse *response, const char *code, const char *message)
{
    Buffer body = {0};
    buffer_printf(&body, "{\"error\":\"%s\",\"message\":\"%s\"}", code, message);

    static const char json_type[] = "application/json";
    http_response_begin(response);
    http_response_header(response, "Content-Type", 12, json_type, sizeof json_type - 1);
    http_response_finish(response, body.data, body.len);
    buffer_free(&body);
}
