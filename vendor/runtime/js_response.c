/* Turning the handler's Response into HTTP. */
#include "js_response.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(JSContext *ctx, JSValueConst value)
{
    if (JS_IsUndefined(value))
        return "undefined";
    if (JS_IsNull(value))
        return "null";
    if (JS_IsString(value))
        return "a string";
    if (JS_IsNumber(value))
        return "a number";
    if (JS_IsBool(value))
        return "a boolean";
    if (JS_IsFunction(ctx, value))
        return "a function";
    if (JS_IsArray(value))
        return "an array";
    return "an object";
}

/* One header line per value: a list value repeats the header. */
static int write_header(JSContext *ctx, const char *name, size_t name_len,
                        JSValueConst value, HttpResponse *response, Buffer *problem)
{
    if (JS_IsArray(value)) {
        int64_t count = 0;
        if (JS_GetLength(ctx, value, &count) < 0) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            count = 0;
        }
        for (int64_t i = 0; i < count; i++) {
            JSValue item = JS_GetPropertyInt64(ctx, value, i);
            int status = write_header(ctx, name, name_len, item, response, problem);
            JS_FreeValue(ctx, item);
            if (status)
                return status;
        }
        return 0;
    }

    size_t len;
    const char *text = JS_ToCStringLen(ctx, &len, value);
    if (!text) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        buffer_printf(problem, "the value of header %s cannot be read", name);
        return -1;
    }
    bool written = http_response_header(response, name, name_len, text, len);
    JS_FreeCString(ctx, text);
    if (!written) {
        buffer_printf(problem, "header %s is not a valid HTTP header", name);
        return -1;
    }
    return 0;
}

static int write_headers(JSContext *ctx, JSValueConst headers, HttpResponse *response,
                         Buffer *problem)
{
    if (!JS_IsObject(headers))
        return 0;

    JSPropertyEnum *names;
    uint32_t count;
    if (JS_GetOwnPropertyNames(ctx, &names, &count, headers,
                               JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        buffer_append_str(problem, "its headers cannot be read");
        return -1;
    }

    int status = 0;
    for (uint32_t i = 0; i < count && status == 0; i++) {
        size_t name_len;
        const char *name = JS_AtomToCStringLen(ctx, &name_len, names[i].atom);
        JSValue value = JS_GetProperty(ctx, headers, names[i].atom);
        if (!name || JS_IsException(value)) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            buffer_append_str(problem, "a header cannot be read");
            status = -1;
        } else {
            status = write_header(ctx, name, name_len, value, response, problem);
        }
        JS_FreeValue(ctx, value);
        JS_FreeCString(ctx, name);
    }
    JS_FreePropertyEnum(ctx, names, count);
    return status;
}

/* Where the bytes of an ArrayBuffer or a view on one are; false for other values. */
static bool find_bytes(JSContext *ctx, JSValueConst body, const uint8_t **bytes,
                       size_t *len)
{
    if (JS_IsArrayBuffer(body)) {
        *bytes = JS_GetArrayBuffer(ctx, len, body);
        return *bytes != NULL || *len == 0;
    }

    size_t offset, element_size, total;
    JSValue buffer = JS_GetTypedArrayBuffer(ctx, body, &offset, len, &element_size);
    if (JS_IsException(buffer)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return false;
    }
    const uint8_t *all = JS_GetArrayBuffer(ctx, &total, buffer);
    JS_FreeValue(ctx, buffer);
    *bytes = all ? all + offset : NULL;
    return all != NULL || *len == 0;
}

/* No body at all: undefined, null, an empty string or no bytes. */
static bool is_empty_body(JSContext *ctx, JSValueConst body)
{
    if (JS_IsUndefined(body) || JS_IsNull(body))
        return true;
    if (JS_IsString(body)) {
        int64_t len = 1;
        JS_GetLength(ctx, body, &len);
        return len == 0;
    }
    const uint8_t *bytes = NULL;
    size_t len = 0;
    return JS_IsObject(body) && find_bytes(ctx, body, &bytes, &len) && len == 0;
}

/* QuickJS writes a lone surrogate ("\ud800") as its own three bytes, ED A0-BF
   xx, which is not UTF-8: each becomes U+FFFD (EF BF BD), of the same length.
   A copy when there is any (free it), else NULL. */
static char *without_lone_surrogates(const char *text, size_t len)
{
    char *copy = NULL;
    const char *end = text + len;
    for (const char *at = text; (at = memchr(at, 0xed, (size_t)(end - at)));) {
        unsigned char next = end - at > 2 ? (unsigned char)at[1] : 0;
        if (next < 0xa0 || next > 0xbf) {
            at++;
            continue;
        }
        if (!copy) {
            copy = malloc(len);
            if (!copy)
                return NULL;
            memcpy(copy, text, len);
        }
        memcpy(copy + (at - text), "\xef\xbf\xbd", 3);
        at += 3;
    }
    return copy;
}

/* The body: a string as UTF-8, or the bytes of a buffer or view; none for
   undefined and null. */
static int write_body(JSContext *ctx, JSValueConst body, HttpResponse *response,
                      Buffer *problem)
{
    if (JS_IsUndefined(body) || JS_IsNull(body))
        return http_response_finish(response, "", 0) ? 0 : -1;

    if (JS_IsString(body)) {
        size_t len;
        const char *text = JS_ToCStringLen(ctx, &len, body);
        if (!text) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            buffer_append_str(problem, "its body cannot be read");
            return -1;
        }
        char *mended = without_lone_surrogates(text, len);
        bool written = http_response_finish(response, mended ? mended : text, len);
        free(mended);
        JS_FreeCString(ctx, text);
        return written ? 0 : -1;
    }

    const uint8_t *bytes = NULL;
    size_t len = 0;
    if (!JS_IsObject(body) || !find_bytes(ctx, body, &bytes, &len)) {
        buffer_append_str(problem, "its body is neither a string nor bytes");
        return -1;
    }
    return http_response_finish(response, (const char *)bytes, len) ? 0 : -1;
}

int js_response_write(Engine *engine, JSValueConst value, HttpResponse *response,
                      Buffer *problem)
{
    JSContext *ctx = engine->context;
    const Prelude *prelude = &engine->prelude;

    if (!JS_IsObject(value) ||
        JS_IsInstanceOf(ctx, value, prelude->response_class) != 1) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        buffer_printf(problem, "it returned %s, not a Response", type_name(ctx, value));
        return -1;
    }

    /* Read as a number, not an int32: 2^32 + 200 must not wrap round to 200. */
    double number = 0;
    JSValue status_value = JS_GetProperty(ctx, value, prelude->status);
    int converted = JS_IsException(status_value)
                        ? -1
                        : JS_ToFloat64(ctx, &number, status_value);
    JS_FreeValue(ctx, status_value);
    if (converted < 0) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        buffer_append_str(problem, "its status cannot be read");
        return -1;
    }
    if (!(number >= 200 && number <= 599) || number != floor(number)) {
        buffer_printf(problem,
                      "its status %.15g is not a final HTTP status (200-599)", number);
        return -1;
    }
    int status = (int)number;
    response->status = status;

    JSValue headers = JS_GetProperty(ctx, value, prelude->headers);
    JSValue body = JS_UNDEFINED;
    int result = 0;
    if (JS_IsException(headers)) {
        buffer_append_str(problem, "its headers cannot be read");
        result = -1;
    } else {
        body = JS_GetProperty(ctx, value, prelude->body);
        if (JS_IsException(body)) {
            buffer_append_str(problem, "its body cannot be read");
            result = -1;
        } else if (!http_status_allows_body(status) && !is_empty_body(ctx, body)) {
            buffer_printf(problem, "status %d cannot carry a body, and it has one",
                          status);
            result = -1;
        }
    }
    if (result != 0)
        JS_FreeValue(ctx, JS_GetException(ctx));
    if (result == 0)
        result = http_response_begin(response) ? 0 : -1;
    if (result == 0)
        result = write_headers(ctx, headers, response, problem);
    if (result == 0)
        result = write_body(ctx, body, response, problem);
    JS_FreeValue(ctx, headers);
    JS_FreeValue(ctx, body);
    return result == 0 ? status : -1;
}
