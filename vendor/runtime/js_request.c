/* The request object handed to the handler. */
#include "js_request.h"

#include <string.h>

#define ALL_FLAGS JS_PROP_C_W_E

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

/* Decode a query-string component: '+' is a space, %XX a byte; a '%' that does
   not start an escape stays as it is. */
static void decode_component(Buffer *out, const char *text, size_t len)
{
    out->len = 0;
    buffer_reserve(out, len);
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < len) {
            int high = hex_digit(text[i + 1]);
            int low = hex_digit(text[i + 2]);
            if (high >= 0 && low >= 0) {
                c = (char)(high * 16 + low);
                i += 2;
            }
        }
        buffer_append(out, &c, 1);
    }
}

static JSValue new_query(JSContext *ctx, const HttpRequest *request)
{
    JSValue query = JS_NewObject(ctx);
    if (JS_IsException(query) || request->path_len == request->target_len)
        return query;

    const char *at = request->target + request->path_len + 1;
    const char *end = request->target + request->target_len;
    Buffer key = {0}, value = {0};

    while (at < end) {
        const char *amp = memchr(at, '&', (size_t)(end - at));
        const char *pair_end = amp ? amp : end;
        const char *equals = memchr(at, '=', (size_t)(pair_end - at));
        const char *key_end = equals ? equals : pair_end;

        if (key_end > at) {
            decode_component(&key, at, (size_t)(key_end - at));
            if (equals)
                decode_component(&value, equals + 1, (size_t)(pair_end - equals - 1));
            else
                value.len = 0;
            JSAtom atom = JS_NewAtomLen(ctx, key.data, key.len);
            JS_DefinePropertyValue(ctx, query, atom,
                                   JS_NewStringLen(ctx, value.data ? value.data : "",
                                                   value.len),
                                   ALL_FLAGS);
            JS_FreeAtom(ctx, atom);
        }
        at = pair_end + 1;
    }

    buffer_free(&key);
    buffer_free(&value);
    return query;
}

static bool hides_method(const char *name, size_t len)
{
    return len == 3 && (memcmp(name, "get", 3) == 0 || memcmp(name, "has", 3) == 0);
}

void js_headers_define(JSContext *ctx, const Prelude *prelude, JSValueConst headers,
                       const char *name, size_t name_len, JSValue value)
{
    JSValue table = JS_DupValue(ctx, headers);
    if (hides_method(name, name_len)) {
        JS_FreeValue(ctx, table);
        table = JS_GetProperty(ctx, headers, prelude->hidden_headers);
        if (JS_IsUndefined(table)) {
            table = JS_NewObjectProto(ctx, JS_NULL);
            JS_DefinePropertyValue(ctx, headers, prelude->hidden_headers,
                                   JS_DupValue(ctx, table), 0);
        }
    }
    JSAtom atom = JS_NewAtomLen(ctx, name, name_len);
    JS_DefinePropertyValue(ctx, table, atom, value, ALL_FLAGS);
    JS_FreeAtom(ctx, atom);
    JS_FreeValue(ctx, table);
}

static bool same_header(const HttpHeader *a, const HttpHeader *b)
{
    return a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0;
}

/* Headers by lowercase name; repeated headers are joined with ", ". */
static JSValue new_headers(Engine *engine, const HttpRequest *request)
{
    JSContext *ctx = engine->context;
    JSValue headers = JS_NewObjectProto(ctx, engine->prelude.headers_prototype);
    if (JS_IsException(headers))
        return headers;

    Buffer joined = {0};
    for (size_t i = 0; i < request->header_count; i++) {
        const HttpHeader *header = &request->headers[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = same_header(&request->headers[j], header);
        if (seen)
            continue;

        const char *value = header->value;
        size_t value_len = header->value_len;
        for (size_t k = i + 1; k < request->header_count; k++) {
            const HttpHeader *later = &request->headers[k];
            if (!same_header(later, header))
                continue;
            if (value != joined.data) {
                joined.len = 0;
                buffer_append(&joined, value, value_len);
            }
            buffer_append(&joined, ", ", 2);
            buffer_append(&joined, later->value, later->value_len);
            value = joined.data;
            value_len = joined.len;
        }

        js_headers_define(ctx, &engine->prelude, headers, header->name,
                          header->name_len, JS_NewStringLen(ctx, value, value_len));
    }
    buffer_free(&joined);
    return headers;
}

JSValue js_request_new(Engine *engine, const HttpRequest *request)
{
    JSContext *ctx = engine->context;
    const Prelude *prelude = &engine->prelude;

    JSValue object = JS_NewObjectProto(ctx, prelude->request_prototype);
    if (JS_IsException(object))
        return object;

    JS_DefinePropertyValue(ctx, object, prelude->method,
                           JS_NewStringLen(ctx, request->method, request->method_len),
                           ALL_FLAGS);
    JS_DefinePropertyValue(ctx, object, prelude->url,
                           JS_NewStringLen(ctx, request->target, request->target_len),
                           ALL_FLAGS);
    JS_DefinePropertyValue(ctx, object, prelude->path,
                           JS_NewStringLen(ctx, request->target, request->path_len),
                           ALL_FLAGS);
    JS_DefinePropertyValue(ctx, object, prelude->query, new_query(ctx, request),
                           ALL_FLAGS);
    JS_DefinePropertyValue(ctx, object, prelude->headers, new_headers(engine, request),
                           ALL_FLAGS);
    JSValue body = request->body_kind == HTTP_BODY_NONE
                       ? JS_UNDEFINED
                       : JS_NewStringLen(ctx, request->body ? request->body : "",
                                         request->body_len);
    JS_DefinePropertyValue(ctx, object, prelude->body, body, ALL_FLAGS);
    return object;
}
