/* The request headers a handler gives fetch, checked once and written per hop. */
#include "fetch_headers.h"

#include <stdlib.h>
#include <string.h>

/* Set by the connection itself. Accept-Encoding too: bodies are handed to
   the handler as they arrive, so they must come uncompressed. */
static const char *const managed[] = {
    "host",       "content-length", "transfer-encoding",
    "connection", "upgrade",        "keep-alive",
    "te",         "trailer",        "accept-encoding",
};

static bool is_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

static bool is_managed(const char *name)
{
    for (size_t i = 0; i < sizeof managed / sizeof managed[0]; i++) {
        if (strcmp(name, managed[i]) == 0)
            return true;
    }
    return false;
}

static int add(JSContext *ctx, FetchHeaders *headers, const char *name, size_t name_len,
               const char *value, size_t value_len)
{
    if (name_len == 0)
        return JS_ThrowTypeError(ctx, "fetch(): a header name is empty"), -1;
    for (size_t i = 0; i < name_len; i++) {
        if (!is_token_char((unsigned char)name[i]))
            return JS_ThrowTypeError(ctx, "fetch(): header name %.64s is not valid",
                                     name),
                   -1;
    }
    for (size_t i = 0; i < value_len; i++) {
        if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0')
            return JS_ThrowTypeError(ctx,
                                     "fetch(): the value of header %.64s has a line "
                                     "break",
                                     name),
                   -1;
    }

    char *lower = strndup(name, name_len);
    char *copy = strndup(value, value_len);
    FetchHeader *grown = realloc(headers->items, (headers->count + 1) * sizeof *grown);
    if (!lower || !copy || !grown) {
        free(lower);
        free(copy);
        if (grown)
            headers->items = grown;
        return JS_ThrowOutOfMemory(ctx), -1;
    }
    headers->items = grown;
    for (char *c = lower; *c; c++)
        *c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
    if (is_managed(lower)) {
        free(lower);
        free(copy);
        return 0;
    }
    headers->items[headers->count++] = (FetchHeader){lower, copy};
    return 0;
}

int fetch_headers_read(JSContext *ctx, JSValueConst pairs, FetchHeaders *headers)
{
    *headers = (FetchHeaders){0};
    int64_t count = 0;
    if (JS_GetLength(ctx, pairs, &count) != 0)
        return -1;

    int status = 0;
    for (int64_t i = 0; i < count && status == 0; i++) {
        JSValue pair = JS_GetPropertyInt64(ctx, pairs, i);
        JSValue name = JS_GetPropertyInt64(ctx, pair, 0);
        JSValue value = JS_GetPropertyInt64(ctx, pair, 1);
        size_t name_len, value_len;
        const char *name_text = JS_ToCStringLen(ctx, &name_len, name);
        const char *value_text = JS_ToCStringLen(ctx, &value_len, value);
        status = name_text && value_text
                     ? add(ctx, headers, name_text, name_len, value_text, value_len)
                     : -1;
        JS_FreeCString(ctx, name_text);
        JS_FreeCString(ctx, value_text);
        JS_FreeValue(ctx, name);
        JS_FreeValue(ctx, value);
        JS_FreeValue(ctx, pair);
    }
    if (status != 0)
        fetch_headers_free(headers);
    return status;
}

void fetch_headers_drop(FetchHeaders *headers, const char *name)
{
    size_t kept = 0;
    for (size_t i = 0; i < headers->count; i++) {
        if (strcmp(headers->items[i].name, name) == 0) {
            free(headers->items[i].name);
            free(headers->items[i].value);
        } else {
            headers->items[kept++] = headers->items[i];
        }
    }
    headers->count = kept;
}

bool fetch_headers_has(const FetchHeaders *headers, const char *name)
{
    for (size_t i = 0; i < headers->count; i++) {
        if (strcmp(headers->items[i].name, name) == 0)
            return true;
    }
    return false;
}

bool fetch_headers_write(const FetchHeaders *headers, Buffer *out)
{
    bool ok = true;
    for (size_t i = 0; i < headers->count && ok; i++)
        ok = buffer_printf(out, "%s: %s\r\n", headers->items[i].name,
                           headers->items[i].value);
    if (ok && !fetch_headers_has(headers, "user-agent"))
        ok = buffer_append_str(out, "User-Agent: zigttp\r\n");
    if (ok && !fetch_headers_has(headers, "accept"))
        ok = buffer_append_str(out, "Accept: */*\r\n");
    return ok;
}

void fetch_headers_free(FetchHeaders *headers)
{
    for (size_t i = 0; i < headers->count; i++) {
        free(headers->items[i].name);
        free(headers->items[i].value);
    }
    free(headers->items);
    *headers = (FetchHeaders){0};
}
