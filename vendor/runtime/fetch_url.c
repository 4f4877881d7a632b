/* Absolute http and https URLs for fetch.

   Only what fetch can reach is accepted: http or https, a host name of
   letters, digits, '.', '-' and '_' (lowercased), an IPv4 address or a
   bracketed IPv6 address, an optional port. Credentials in the URL are refused
   (they would make the host ambiguous); bytes a request line cannot carry are
   percent-encoded in the path and query; the fragment is dropped.

   A host whose last label is a number is an IPv4 address, as browsers read
   it: "2130706433", "0x7f.1" and "0177.0.0.1" all mean 127.0.0.1. Such a host
   is rewritten in dotted decimal before anything else sees it, so the host
   checked against the contract (which records that form) is the address
   connected to, and the resolver never reads a form of its own. */
#include "fetch_url.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int fail(char *problem, size_t size, const char *text)
{
    snprintf(problem, size, "%s", text);
    return -1;
}

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_';
}

static bool is_ipv6_char(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ||
           c == ':' || c == '.';
}

static bool is_decimal(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
    }
    return len > 0;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return 99;
}

static bool is_hex_number(const char *text, size_t len)
{
    if (len < 2 || text[0] != '0' || text[1] != 'x')
        return false;
    for (size_t i = 2; i < len; i++) {
        if (digit_value(text[i]) > 15)
            return false;
    }
    return true;
}

/* One part of an IPv4 address: decimal, 0x hex or 0-led octal; false when it
   has other digits or passes 2^32. */
static bool ipv4_part(const char *text, size_t len, uint64_t *value)
{
    int base = 10;
    if (is_hex_number(text, len)) {
        base = 16;
        text += 2;
        len -= 2;
    } else if (len > 1 && text[0] == '0') {
        base = 8;
        text++;
        len--;
    }
    *value = 0;
    for (size_t i = 0; i < len; i++) {
        int digit = digit_value(text[i]);
        if (digit >= base)
            return false;
        *value = *value * (uint64_t)base + (uint64_t)digit;
        if (*value > UINT32_MAX)
            return false;
    }
    return true;
}

/* Rewrite `host` (lowercase, `len` bytes) in dotted decimal when it is a
   numeric IPv4 address; 0 when done or when it is a name, -1 when its last
   label is a number but the whole is no address. */
static int normalise_ipv4(char *host, size_t len)
{
    if (len > 0 && host[len - 1] == '.')
        len--;
    const char *last = memrchr(host, '.', len);
    last = last ? last + 1 : host;
    size_t last_len = len - (size_t)(last - host);
    if (!is_decimal(last, last_len) && !is_hex_number(last, last_len))
        return 0;

    uint64_t parts[4];
    size_t count = 0;
    for (const char *at = host; at <= host + len;) {
        const char *dot = memchr(at, '.', (size_t)(host + len - at));
        const char *end = dot ? dot : host + len;
        if (count == 4 || end == at || !ipv4_part(at, (size_t)(end - at), &parts[count]))
            return -1;
        count++;
        at = end + 1;
    }

    uint64_t address = parts[count - 1];
    if (address >= (1ull << (8 * (5 - count))))
        return -1;
    for (size_t i = 0; i + 1 < count; i++) {
        if (parts[i] > 255)
            return -1;
        address += parts[i] << (8 * (3 - i));
    }
    snprintf(host, 16, "%u.%u.%u.%u", (unsigned)(address >> 24) & 255,
             (unsigned)(address >> 16) & 255, (unsigned)(address >> 8) & 255,
             (unsigned)address & 255);
    return 0;
}

/* Split "host[:port]" from the authority; -1 on anything else. */
static int parse_authority(const char *at, size_t len, FetchUrl *url, char *problem,
                           size_t size)
{
    if (memchr(at, '@', len))
        return fail(problem, size,
                    "credentials in the URL are not supported: send an Authorization "
                    "header instead");

    const char *host = at, *port = NULL;
    size_t host_len;
    bool ipv6 = len > 0 && at[0] == '[';
    if (ipv6) {
        const char *close = memchr(at, ']', len);
        if (!close)
            return fail(problem, size, "the IPv6 address in the URL has no closing ]");
        host = at + 1;
        host_len = (size_t)(close - host);
        const char *after = close + 1;
        if (after < at + len) {
            if (*after != ':')
                return fail(problem, size, "unexpected text after the IPv6 address");
            port = after + 1;
        }
    } else {
        const char *colon = memchr(at, ':', len);
        host_len = colon ? (size_t)(colon - at) : len;
        port = colon ? colon + 1 : NULL;
    }

    if (host_len == 0 || host_len > FETCH_URL_MAX_HOST)
        return fail(problem, size, "the URL has no usable host");
    for (size_t i = 0; i < host_len; i++) {
        if (ipv6 ? !is_ipv6_char(host[i]) : !is_host_char(host[i]))
            return fail(problem, size,
                        "the URL's host has characters a host cannot have");
        url->host[i] =
            (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] + 32 : host[i]);
    }
    url->host[host_len] = '\0';
    if (!ipv6 && normalise_ipv4(url->host, host_len) != 0)
        return fail(problem, size,
                    "the URL's host ends in a number but is not an IPv4 address");

    int default_port = url->tls ? 443 : 80;
    url->port = default_port;
    if (port && port < at + len) {
        long value = 0;
        for (const char *p = port; p < at + len; p++) {
            if (*p < '0' || *p > '9' || value > 65535)
                return fail(problem, size, "the URL's port is not a number");
            value = value * 10 + (*p - '0');
        }
        if (value < 1 || value > 65535)
            return fail(problem, size, "the URL's port is outside 1-65535");
        url->port = (int)value;
    }

    const char *open = ipv6 ? "[" : "", *shut = ipv6 ? "]" : "";
    if (url->port == default_port)
        snprintf(url->authority, sizeof url->authority, "%s%s%s", open, url->host,
                 shut);
    else
        snprintf(url->authority, sizeof url->authority, "%s%s%s:%d", open, url->host,
                 shut, url->port);
    return 0;
}

/* Path and query, with bytes outside printable ASCII percent-encoded. */
static bool append_target(Buffer *target, const char *at, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    if (len == 0 || at[0] != '/')
        buffer_append(target, "/", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)at[i];
        if (c <= 0x20 || c >= 0x7f) {
            char escaped[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (!buffer_append(target, escaped, 3))
                return false;
        } else if (!buffer_append(target, &at[i], 1)) {
            return false;
        }
    }
    return true;
}

int fetch_url_parse(const char *text, size_t len, FetchUrl *url, char *problem,
                    size_t size)
{
    memset(url, 0, sizeof *url);
    const char *separator = memmem(text, len, "://", 3);
    if (!separator)
        return fail(problem, size,
                    "the URL is not absolute (it needs http:// or https://)");

    size_t scheme_len = (size_t)(separator - text);
    if (scheme_len == 5 && strncasecmp(text, "https", 5) == 0)
        url->tls = true;
    else if (!(scheme_len == 4 && strncasecmp(text, "http", 4) == 0))
        return fail(problem, size, "only http:// and https:// URLs can be fetched");

    const char *authority = separator + 3;
    const char *end = text + len;
    const char *rest = authority;
    while (rest < end && *rest != '/' && *rest != '?' && *rest != '#') {
        if (*rest == '\\')
            return fail(problem, size, "the URL's host part has a backslash");
        rest++;
    }
    if (parse_authority(authority, (size_t)(rest - authority), url, problem, size) != 0)
        return -1;

    const char *fragment = memchr(rest, '#', (size_t)(end - rest));
    if (!append_target(&url->target, rest,
                       (size_t)((fragment ? fragment : end) - rest)) ||
        !buffer_append(&url->target, "", 1)) {
        fetch_url_free(url);
        return fail(problem, size, "out of memory");
    }
    url->target.len--; /* keep the NUL out of the length */
    return 0;
}

bool fetch_url_resolve(const FetchUrl *base, const char *location, size_t len,
                       Buffer *out)
{
    const char *scheme = base->tls ? "https" : "http";
    const char *separator = memmem(location, len, "://", 3);
    const char *first_special = location;
    while (first_special < location + len && *first_special != '/' &&
           *first_special != '?' && *first_special != '#')
        first_special++;

    if (separator && separator < first_special)
        return buffer_append(out, location, len);
    if (len >= 2 && location[0] == '/' && location[1] == '/')
        return buffer_printf(out, "%s:", scheme) && buffer_append(out, location, len);

    if (!buffer_printf(out, "%s://%s", scheme, base->authority))
        return false;
    if (len > 0 && location[0] == '/')
        return buffer_append(out, location, len);

    /* Relative to the base path's folder (or its query, for "?x"). */
    const char *path = base->target.data;
    size_t path_len = strcspn(path, "?");
    if (len > 0 && location[0] == '?')
        return buffer_append(out, path, path_len) && buffer_append(out, location, len);
    const char *slash = memrchr(path, '/', path_len);
    size_t folder = slash ? (size_t)(slash - path) + 1 : 1;
    return buffer_append(out, path, folder) && buffer_append(out, location, len);
}

void fetch_url_free(FetchUrl *url)
{
    buffer_free(&url->target);
}
